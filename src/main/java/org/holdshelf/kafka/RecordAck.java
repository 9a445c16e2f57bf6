package org.holdshelf.kafka;

/** The broker's acknowledgement of one published record: where it landed. */
public record RecordAck(String topic, String key, String type, int partition, long offset) {
}
