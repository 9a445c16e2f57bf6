package org.holdshelf.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.holdshelf.alma.ScanState;
import org.holdshelf.alma.ScanStateStore;
import org.holdshelf.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scan-in states in a compacted topic keyed by barcode, so that "scanned once" survives restarts,
 * broker restarts and moving to another instance.
 *
 * <p>On start the whole topic is read (from the beginning to the end offsets, within the timeout)
 * into memory: lookups cost no round trip. {@link #put} waits for the broker's acknowledgement
 * before it returns, so a recorded state is never lost to a crash. {@link #refresh()} reads what was
 * added since, which brings in the states other instances wrote (after a rebalance, a location may
 * move to this instance). A state read back never replaces a newer one: entries keep their offset.
 *
 * <p>The topic is created by the application (compacted). Thread-safe.
 */
public final class KafkaScanStateStore implements ScanStateStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaScanStateStore.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** A state and the offset it was written at, to keep the newest when writes and reads cross. */
    private record Entry(ScanState state, long offset) {
    }

    private final String topic;
    private final Duration timeout;
    private final Map<String, Entry> states = new ConcurrentHashMap<>();
    private final KafkaProducer<String, byte[]> producer;
    /** Guarded by {@code this}: a consumer is not thread-safe. */
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;

    public KafkaScanStateStore(Properties connection, String topic) {
        this(connection, topic, DEFAULT_TIMEOUT);
    }

    /**
     * @param connection bootstrap servers and security settings ({@link KafkaClients#connection})
     * @param timeout    bound on loading the topic, on each refresh and on each acknowledgement
     */
    public KafkaScanStateStore(Properties connection, String topic, Duration timeout) {
        this.topic = topic;
        this.timeout = timeout;
        long started = System.nanoTime();
        KafkaConsumer<String, byte[]> c = null;
        KafkaProducer<String, byte[]> p = null;
        try {
            c = new KafkaConsumer<>(consumerProperties(connection), new StringDeserializer(), new ByteArrayDeserializer());
            List<PartitionInfo> info = c.partitionsFor(topic, timeout);
            if (info == null || info.isEmpty()) {
                throw new IllegalStateException("The scan-in state topic " + topic + " does not exist; create it (compacted) first");
            }
            this.partitions = info.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            p = new KafkaProducer<>(producerProperties(connection), new StringSerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            closeQuietly(c, p);
            throw e;
        }
        this.consumer = c;
        this.producer = p;
        try {
            refresh();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Loaded {} scan-in states from {} ({} partitions) in {} ms", states.size(), topic, partitions.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public Optional<ScanState> get(String barcode) {
        Entry entry = states.get(barcode);
        return entry == null ? Optional.empty() : Optional.of(entry.state());
    }

    @Override
    public void put(ScanState state) {
        RecordMetadata written;
        try {
            written = producer.send(new ProducerRecord<>(topic, state.barcode(), Json.toBytes(state)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Cannot record the scan-in state of barcode " + state.barcode() + " in " + topic
                    + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while recording the scan-in state of barcode " + state.barcode(), e);
        }
        keepNewest(state.barcode(), new Entry(state, written.offset()));
    }

    /** Reads the topic up to its current end offsets. */
    @Override
    public synchronized void refresh() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Reading the scan-in states from " + topic + " did not reach the end offsets "
                        + end.values() + " within " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                apply(r);
            }
        }
    }

    /** States currently known. */
    public int size() {
        return states.size();
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, timeout) < end.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            states.computeIfPresent(record.key(), (k, old) -> old.offset() <= record.offset() ? null : old);
            return;
        }
        try {
            keepNewest(record.key(), new Entry(Json.read(record.value(), ScanState.class), record.offset()));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring an unreadable scan-in state for key {} at {}-{} offset {}: {}", record.key(), topic,
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    private void keepNewest(String barcode, Entry entry) {
        states.merge(barcode, entry, (old, candidate) -> candidate.offset() >= old.offset() ? candidate : old);
    }

    private static Properties consumerProperties(Properties connection) {
        Properties props = new Properties();
        props.putAll(connection);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "holdshelf-scan-in-state-reader");
        return props;
    }

    private static Properties producerProperties(Properties connection) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "holdshelf-scan-in-state-writer");
        return props;
    }

    private static void closeQuietly(KafkaConsumer<?, ?> consumer, KafkaProducer<?, ?> producer) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        synchronized (this) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
