package org.holdshelf.platform.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded view of the runs topic: the runs that have started and not ended (with their latest
 * record, so their last sign of life), and the latest outcomes. Read with a plain consumer
 * (assigned, no group, nothing committed): {@link #refresh()} reads what was written since the
 * last call, from the beginning the first time. Memory holds the open runs (a handful) and at
 * most {@code keepOutcomes} outcomes, however long the topic's history.
 *
 * <p>Thread-safe. Reading the views never waits for a refresh that waits for Kafka: a refresh holds
 * only the consumer while it reads, and the views' lock for each record it applies.
 */
public final class RunLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunLedger.class);

    private final Supplier<Properties> connection;
    private final String topic;
    private final int keepOutcomes;
    private final Duration timeout;
    private final Map<String, RunEvent> open = new LinkedHashMap<>();
    private final Deque<RunEvent> outcomes = new ArrayDeque<>();
    /** Guards the consumer: one refresh at a time. The views are guarded by {@code this}. */
    private final Object reading = new Object();
    private KafkaConsumer<String, byte[]> consumer;
    private List<TopicPartition> partitions;

    /**
     * @param connection   bootstrap servers and security settings
     * @param keepOutcomes how many of the latest outcomes to keep
     * @param timeout      bound on each refresh
     */
    public RunLedger(Supplier<Properties> connection, String topic, int keepOutcomes, Duration timeout) {
        this.connection = connection;
        this.topic = topic;
        this.keepOutcomes = keepOutcomes;
        this.timeout = timeout;
    }

    /** Reads the records written since the last refresh. */
    public void refresh() {
        synchronized (reading) {
            KafkaConsumer<String, byte[]> c = consumer();
            Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading " + topic + " did not reach its end within " + timeout.toSeconds()
                            + " s");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    apply(r);
                }
            }
        }
    }

    private synchronized void apply(ConsumerRecord<String, byte[]> record) {
        RunEvent event;
        try {
            event = Json.read(record.value(), RunEvent.class);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring an unreadable record of {} at offset {}: {}", topic, record.offset(), e.getMessage());
            return;
        }
        if (event.runId() == null || event.type() == null) {
            return;
        }
        if (event.isOutcome()) {
            if (open.remove(event.runId()) != null || outcomes.stream().noneMatch(o -> o.runId().equals(event.runId()))) {
                outcomes.addFirst(event);
                while (outcomes.size() > keepOutcomes) {
                    outcomes.removeLast();
                }
            }
        } else if (outcomes.stream().noneMatch(o -> o.runId().equals(event.runId()))) {
            open.put(event.runId(), event); // a progress record after its outcome does not reopen a run
        }
    }

    /** The latest record of each run that has started and not ended, oldest run first. */
    public synchronized List<RunEvent> open() {
        return new ArrayList<>(open.values());
    }

    /** The latest outcomes, newest first. */
    public synchronized List<RunEvent> outcomes() {
        return new ArrayList<>(outcomes);
    }

    /** The newest outcome, if any run has ended. */
    public synchronized Optional<RunEvent> latestOutcome() {
        return Optional.ofNullable(outcomes.peekFirst());
    }

    private KafkaConsumer<String, byte[]> consumer() {
        if (consumer == null) {
            consumer = KafkaClients.assignedReader(connection.get(), "holdshelf-run-ledger", topic, timeout,
                    c -> c.seekToBeginning(c.assignment()))
                    .orElseThrow(() -> new IllegalStateException("The runs topic " + topic + " does not exist"));
            partitions = List.copyOf(consumer.assignment());
        }
        return consumer;
    }

    @Override
    public void close() {
        synchronized (reading) {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(2));
                consumer = null;
            }
        }
    }
}
