package org.holdshelf.platform.kafka;

/** A consumed record, independent of Camel: what a capability needs to process it and to name it in a dead letter. */
public record InboundRecord(String topic, int partition, long offset, String key, String type, byte[] value) {
}
