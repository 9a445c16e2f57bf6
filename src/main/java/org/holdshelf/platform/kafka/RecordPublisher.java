package org.holdshelf.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.holdshelf.events.EventTypes;

/**
 * Publishes records from Java code where the order of a side effect and its record matters (a
 * notice is recorded on its audit topic before it counts as announced): each call sends its
 * records together and returns once the broker has acknowledged all of them. Idempotent, acks
 * from all in-sync replicas; the producer is created on first use. Thread-safe.
 */
public final class RecordPublisher implements AutoCloseable {

    private final Supplier<Properties> connection;
    private final String defaultTopic;
    private final String clientName;
    private final Duration timeout;
    private KafkaProducer<String, byte[]> producer;

    /** @param defaultTopic where records without a topic of their own go */
    public RecordPublisher(Supplier<Properties> connection, String defaultTopic, String clientName, Duration timeout) {
        this.connection = connection;
        this.defaultTopic = defaultTopic;
        this.clientName = clientName;
        this.timeout = timeout;
    }

    /** Sends the records and waits until every one is acknowledged; throws naming the topic if any is not. */
    public void publish(List<OutboundRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        KafkaProducer<String, byte[]> p = producer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (OutboundRecord r : records) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(r.topic() == null ? defaultTopic : r.topic(), r.key(),
                    r.value());
            record.headers().add(new RecordHeader(EventTypes.HEADER, r.type().getBytes(StandardCharsets.UTF_8)));
            acks.add(p.send(record));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Cannot publish " + records.size() + " records to " + defaultTopic + ": "
                    + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing to " + defaultTopic, e);
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.putAll(connection.get());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            props.put(ProducerConfig.CLIENT_ID_CONFIG, clientName);
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
