package org.holdshelf.platform.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process broker is a real Kafka: it takes writes, serves reads, and keeps its data across a restart. */
class EmbeddedKafkaBrokerIT {

    @TempDir
    Path dir;

    @Test
    void shouldKeepTopicsAndRecordsAcrossARestartOnTheSameDataDirectory() throws Exception {
        Path data = dir.resolve("kafka");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, 0, false)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("survivor", 2, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("survivor", "k" + i, "v" + i));
                }
                producer.flush();
            }
        }
        assertThat(data).isDirectory();

        try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(data, 0, true)) {
            assertThat(readValues(restarted.bootstrapServers(), "survivor", 10))
                    .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
        }
        assertThat(Files.exists(data)).as("deleteOnClose removes the data directory").isFalse();
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    private static List<String> readValues(String bootstrap, String topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
