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
import org.apache.kafka.common.TopicPartition;

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
        if (consumer == null) {
            consumer = KafkaClients.assignedReader(connection.get(), clientId, topic, timeout, this::seekToHistory).orElse(null);
            partitions = consumer == null ? null : List.copyOf(consumer.assignment());
        }
        return consumer;
    }

    /** Each partition at its first record of {@code history} ago, or at its end if it has none that recent. */
    private void seekToHistory(KafkaConsumer<String, byte[]> c) {
        long from = clock.instant().minus(history).toEpochMilli();
        Map<TopicPartition, Long> query = new HashMap<>();
        c.assignment().forEach(tp -> query.put(tp, from));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, timeout);
        Map<TopicPartition, Long> end = c.endOffsets(c.assignment(), timeout);
        for (TopicPartition tp : c.assignment()) {
            OffsetAndTimestamp at = found.get(tp);
            c.seek(tp, at != null ? at.offset() : end.get(tp));
        }
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ZERO); // assigned, nothing to commit: no need to wait
            consumer = null;
        }
    }
}
