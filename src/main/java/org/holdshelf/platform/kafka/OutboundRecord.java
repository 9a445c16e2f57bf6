package org.holdshelf.platform.kafka;

/**
 * A record to publish, independent of Camel: the capability code builds these, the route hands
 * a list of them to the Kafka producer in one send.
 *
 * @param topic the target topic, or null for the endpoint's own topic
 * @param type  the record type ({@code holdshelf-type} header)
 */
public record OutboundRecord(String topic, String key, String type, byte[] value) {

    public static OutboundRecord of(String key, String type, byte[] value) {
        return new OutboundRecord(null, key, type, value);
    }
}
