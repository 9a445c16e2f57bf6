package org.holdshelf.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

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
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A map kept in a compacted topic: the latest JSON value per key, so that state survives restarts,
 * broker restarts and moving to another instance (scan-in states now; announced notices, opt-outs
 * and the patron directory are the same shape).
 *
 * <p>On start the whole topic is read (from the beginning to the end offsets, within the timeout)
 * into memory: lookups cost no round trip. {@link #put} and {@link #delete} wait for the broker's
 * acknowledgement before they return, so a recorded value is never lost to a crash.
 * {@link #refresh()} reads what was added since, which brings in what other instances wrote. A
 * value read back never replaces a newer one: entries keep their offset. A tombstone
 * ({@link #delete}) removes the key here at once and from the topic when the broker compacts it,
 * which is what keeps the topic, and this map, bounded.
 *
 * <p>The topic is created by the application (compacted). Thread-safe.
 *
 * @param <V> the value type, read and written as JSON with {@link Json}
 */
public final class CompactedTopicStore<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicStore.class);

    /** A value and the offset it was written at, to keep the newest when writes and reads cross. */
    private record Entry<V>(V value, long offset) {
    }

    private final String topic;
    private final Class<V> type;
    /** The {@code holdshelf-type} header of a value written, or null for an internal topic without one. */
    private final java.util.function.Function<V, String> recordType;
    private final Duration timeout;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    /** Offsets of keys deleted here whose tombstone may not have been read back yet. */
    private final Map<String, Long> deletedAt = new ConcurrentHashMap<>();
    private final KafkaProducer<String, byte[]> producer;
    /** Guarded by {@code this}: a consumer is not thread-safe. */
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;

    /**
     * @param connection bootstrap servers and security settings ({@link KafkaClients#connection})
     * @param clientName names this store's Kafka clients in the broker's logs and metrics
     * @param timeout    bound on loading the topic, on each refresh and on each acknowledgement
     */
    public CompactedTopicStore(Properties connection, String topic, Class<V> type, String clientName, Duration timeout) {
        this(connection, topic, type, null, clientName, timeout);
    }

    /**
     * A store whose values carry the {@code holdshelf-type} header {@code recordType} gives them, as
     * every record of a topic other teams read does (tombstones carry none).
     */
    public CompactedTopicStore(Properties connection, String topic, Class<V> type, java.util.function.Function<V, String> recordType,
                               String clientName, Duration timeout) {
        this.topic = topic;
        this.type = type;
        this.recordType = recordType;
        this.timeout = timeout;
        long started = System.nanoTime();
        KafkaConsumer<String, byte[]> c = null;
        KafkaProducer<String, byte[]> p = null;
        try {
            c = new KafkaConsumer<>(consumerProperties(connection, clientName), new StringDeserializer(),
                    new ByteArrayDeserializer());
            List<PartitionInfo> info = c.partitionsFor(topic, timeout);
            if (info == null || info.isEmpty()) {
                throw new IllegalStateException("The topic " + topic + " does not exist; create it (compacted) first");
            }
            this.partitions = info.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            p = new KafkaProducer<>(producerProperties(connection, clientName), new StringSerializer(), new ByteArraySerializer());
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
        LOG.info("Loaded {} entries from {} ({} partitions) in {} ms", entries.size(), topic, partitions.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    public Optional<V> get(String key) {
        Entry<V> entry = entries.get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    /** Records {@code value} under {@code key}; durable when this returns. */
    public void put(String key, V value) {
        long offset = send(record(key, value));
        keepNewest(key, new Entry<>(value, offset));
    }

    /** Records every value of {@code values} under its key, sent together; durable when this returns. */
    public void putAll(Map<String, V> values) {
        Map<String, Future<RecordMetadata>> acks = new java.util.LinkedHashMap<>();
        values.forEach((key, value) -> acks.put(key, producer.send(record(key, value))));
        acks.forEach((key, ack) -> keepNewest(key, new Entry<>(values.get(key), await(key, ack))));
    }

    /** Removes every key of {@code keys}: tombstones sent together, durable when this returns. */
    public void deleteAll(java.util.Collection<String> keys) {
        Map<String, Future<RecordMetadata>> acks = new java.util.LinkedHashMap<>();
        keys.forEach(key -> acks.put(key, producer.send(new ProducerRecord<>(topic, key, null))));
        acks.forEach((key, ack) -> forget(key, await(key, ack)));
    }

    /** Removes {@code key}: a tombstone, durable when this returns. */
    public void delete(String key) {
        forget(key, send(new ProducerRecord<>(topic, key, null)));
    }

    private void forget(String key, long offset) {
        entries.computeIfPresent(key, (k, old) -> old.offset() <= offset ? null : old);
        deletedAt.merge(key, offset, Math::max);
    }

    private long send(ProducerRecord<String, byte[]> record) {
        return await(record.key(), producer.send(record));
    }

    private ProducerRecord<String, byte[]> record(String key, V value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, Json.toBytes(value));
        if (recordType != null) {
            record.headers().add(EventTypes.HEADER, recordType.apply(value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return record;
    }

    private long await(String key, Future<RecordMetadata> ack) {
        try {
            return ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Cannot record " + key + " in " + topic + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while recording " + key + " in " + topic, e);
        }
    }

    /** Reads the topic up to its current end offsets. */
    public synchronized void refresh() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Reading " + topic + " did not reach the end offsets "
                        + end.values() + " within " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                apply(r);
            }
        }
    }

    /** Entries currently known. */
    public int size() {
        return entries.size();
    }

    /**
     * Every entry known now. Entries written or removed meanwhile may or may not be seen (the
     * iteration is weakly consistent, and never fails); the action may write to the store.
     */
    public void forEach(BiConsumer<String, V> action) {
        entries.forEach((key, entry) -> action.accept(key, entry.value()));
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
            entries.computeIfPresent(record.key(), (k, old) -> old.offset() <= record.offset() ? null : old);
            deletedAt.computeIfPresent(record.key(), (k, at) -> at <= record.offset() ? null : at);
            return;
        }
        Long deleted = deletedAt.get(record.key());
        if (deleted != null && deleted > record.offset()) {
            return; // deleted here after this value was written
        }
        try {
            keepNewest(record.key(), new Entry<>(Json.read(record.value(), type), record.offset()));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring an unreadable value for key {} at {}-{} offset {}: {}", record.key(), topic,
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    private void keepNewest(String key, Entry<V> entry) {
        entries.merge(key, entry, (old, candidate) -> candidate.offset() >= old.offset() ? candidate : old);
    }

    private static Properties consumerProperties(Properties connection, String clientName) {
        return KafkaClients.reader(connection, clientName + "-reader", "earliest");
    }

    private static Properties producerProperties(Properties connection, String clientName) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientName + "-writer");
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
