package org.holdshelf.bench;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.holdshelf.platform.kafka.TopicAdmin;

/**
 * The ceiling the pipeline is compared with: a plain KafkaProducer sending records like hold
 * events (same size, location keys, the holdshelf-type header), asynchronously, then flushing,
 * with the pipeline's producer settings (acks=all, idempotence) against the same broker.
 */
final class RawProducerBaseline {

    private RawProducerBaseline() {
    }

    /** How the raw producer is configured. */
    enum Tuning {
        /** Kafka's producer defaults (16 KB batches, no linger): a raw KafkaProducer as the platform notes measured it. */
        DEFAULTS,
        /** The pipeline's own producer settings (256 KB batches): the ceiling of the same client tuned the same way. */
        PIPELINE
    }

    /** The best of three runs (runs on a busy 2-core machine vary a lot). */
    static double best(String bootstrap, int records, int recordBytes, int keys, int partitions, Tuning tuning) throws Exception {
        double best = 0;
        for (int i = 0; i < 3; i++) {
            best = Math.max(best, run(bootstrap, records, recordBytes, keys, partitions, tuning));
        }
        return best;
    }

    /** Records per second for {@code records} records of {@code recordBytes} bytes over {@code keys} keys. */
    static double run(String bootstrap, int records, int recordBytes, int keys, int partitions, Tuning tuning) throws Exception {
        String topic = "bench-raw-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            TopicAdmin.awaitPartitionsReady(admin, List.of(topic), java.time.Duration.ofSeconds(60));
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (tuning == Tuning.PIPELINE) {
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        }
        byte[] value = new byte[recordBytes];
        java.util.Arrays.fill(value, (byte) 'x');
        // the same record the pipeline writes: a location key, the value, and the holdshelf-type header
        List<org.apache.kafka.common.header.Header> headers = List.of(new org.apache.kafka.common.header.internals.RecordHeader(
                org.holdshelf.events.EventTypes.HEADER, org.holdshelf.events.EventTypes.HOLD.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            // warm-up: connections, metadata, JIT
            for (int i = 0; i < 20_000; i++) {
                producer.send(new ProducerRecord<>(topic, null, "k" + (i % keys), value, headers));
            }
            producer.flush();
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, null, "k" + (i % keys), value, headers));
            }
            producer.flush();
            return records / ((System.nanoTime() - start) / 1e9);
        }
    }
}
