package org.holdshelf.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.holdshelf.platform.kafka.PartitionReplay;


/**
 * Replays a range of one partition of the entries topic with a plain consumer (assigned, no
 * group, nothing committed): the pull lists read a location's events back from Kafka instead of
 * keeping them between records. The consumer is created on first use and reused.
 */
public final class KafkaRangeReader implements PartitionReplay, AutoCloseable {

    private final Supplier<Properties> connection;
    private final String topic;
    private final Duration stallTimeout;
    private KafkaConsumer<String, byte[]> consumer;

    public KafkaRangeReader(Supplier<Properties> connection, String topic, Duration stallTimeout) {
        this.connection = connection;
        this.topic = topic;
        this.stallTimeout = stallTimeout;
    }

    @Override
    public synchronized void replay(int partition, long fromOffset, long toOffset, Sink sink) {
        if (fromOffset >= toOffset) {
            return;
        }
        long lastOffset = toOffset - 1;
        long firstOffset = fromOffset;
        KafkaConsumer<String, byte[]> c = consumer();
        TopicPartition tp = new TopicPartition(topic, partition);
        c.assign(List.of(tp));
        c.seek(tp, firstOffset);
        long position = firstOffset;
        long lastProgress = System.nanoTime();
        try {
            while (position <= lastOffset) {
                var records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                        throw new IllegalStateException("Replaying " + topic + "/" + partition + " offsets " + firstOffset + ".."
                                + lastOffset + " stalled at offset " + position + " for " + stallTimeout.toSeconds() + "s");
                    }
                    continue;
                }
                lastProgress = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                    if (r.offset() > lastOffset) {
                        return;
                    }
                    sink.accept(r.offset(), r.key(), r.value());
                    position = r.offset() + 1;
                }
                position = Math.max(position, c.position(tp));
            }
        } catch (OffsetOutOfRangeException e) {
            throw new IllegalStateException("The events of " + topic + "/" + partition + " from offset " + firstOffset
                    + " are no longer in Kafka (deleted by retention?); the pull list cannot be rebuilt", e);
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(KafkaClients.reader(connection.get(), "holdshelf-pull-list-replay", "none"),
                    new StringDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }
}
