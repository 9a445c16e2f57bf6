package org.holdshelf.platform.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows a topic from a point in time: each {@link #poll} hands over the records written since
 * the last one, the first from {@code history} ago (never the whole topic). A plain consumer
 * (assigned, no group, nothing committed), for bounded views of recent records such as the
 * operators' page keeps. A topic that does not exist yet is looked for again at the next poll.
 *
 * <p>Thread-safe; one poll at a time.
 */
public final class TopicFollower implements AutoCloseable {

    private final Supplier<Properties> connection;
    private final String topic;
    private final String clientId;
    private final Duration history;
    private final Clock clock;
    private final Duration timeout;
    private KafkaConsumer<String, byte[]> consumer;
    private List<TopicPartition> partitions;

    /**
     * @param history how far back the first poll starts
     * @param timeout bound on each call to the broker
     */
    public TopicFollower(Supplier<Properties> connection, String topic, String clientId, Duration history, Clock clock,
                         Duration timeout) {
        this.connection = connection;
        this.topic = topic;
        this.clientId = clientId;
        this.history = history;
        this.clock = clock;
        this.timeout = timeout;
    }

    public String topic() {
        return topic;
    }

    /**
     * Hands the records written since the last poll to {@code sink}, in order per partition, up to
     * {@code maxRecords} (the rest come at the next poll). Returns how many it handed over.
     */
    public synchronized int poll(Consumer<ConsumerRecord<String, byte[]>> sink, int maxRecords) {
        KafkaConsumer<String, byte[]> c = consumer();
        if (c == null) {
            return 0;
        }
        Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
        int count = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count < maxRecords && System.nanoTime() < deadline
                && partitions.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                sink.accept(r);
                count++;
            }
        }
        return count;
    }

    /** The consumer, positioned {@code history} back on first use; null while the topic does not exist. */
    private KafkaConsumer<String, byte[]> consumer() {
        if (consumer != null) {
            return consumer;
        }
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.reader(connection.get(), clientId, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> info = c.partitionsFor(topic, timeout);
            if (info == null || info.isEmpty()) {
                c.close(Duration.ofSeconds(1));
                return null;
            }
            partitions = info.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            long from = clock.instant().minus(history).toEpochMilli();
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, from));
            Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, timeout);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = found.get(tp);
                c.seek(tp, at != null ? at.offset() : end.get(tp)); // nothing that recent: from the end
            }
        } catch (RuntimeException e) {
            c.close(Duration.ofSeconds(1));
            throw e;
        }
        consumer = c;
        return consumer;
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
            consumer = null;
        }
    }
}
