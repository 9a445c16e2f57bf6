package org.holdshelf.platform.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer set up as the pipeline's are (its {@code camel.component.kafka.*} defaults) whose
 * commit fails, because the broker went away between a poll and the commit, goes on from where it
 * was once the broker is back: no record skipped, none delivered twice. (camel-kafka's own default,
 * pollOnError=ERROR_HANDLER, seeks one record ahead after such a failure and skips a record.)
 */
class ConsumerCommitFailureIT {

    @TempDir
    Path dir;

    @Test
    void shouldNeitherSkipNorRepeatARecordWhenACommitFailsBecauseTheBrokerWentAway() throws Exception {
        int port = freePort();
        Path data = dir.resolve("kafka");
        AtomicReference<EmbeddedKafkaBroker> broker = new AtomicReference<>(EmbeddedKafkaBroker.start(data, port, false));
        String bootstrap = broker.get().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("markers", 1, (short) 1))).all().get();
        }
        send(bootstrap, "r0", "r1");

        List<String> received = new CopyOnWriteArrayList<>();
        Main main = new Main();
        Properties props = new Properties();
        HoldshelfConfig.classpathDefaults().forEach((k, v) -> {
            if (k.startsWith("camel.component.kafka.") && !v.isBlank()) {
                props.setProperty(k, v);
            }
        });
        props.setProperty("camel.component.kafka.brokers", bootstrap);
        main.setOverrideProperties(props);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                // as the pipeline's consumers: processed records committed after each poll
                from("kafka:markers?groupId=commit-failure&autoOffsetReset=earliest&autoCommitEnable=false"
                        + "&allowManualCommit=true&pollTimeoutMs=100&commitTimeoutMs=2000")
                        .process(exchange -> {
                            String value = exchange.getMessage().getBody(String.class);
                            received.add(value);
                            if (value.equals("r1") && received.size() == 2) {
                                broker.get().close(); // before this poll's commit
                            }
                        });
            }
        });
        CommitFailures failures = new CommitFailures();
        EmbeddedKafkaBroker restarted = null;
        try {
            main.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> failures.seen() > 0);
            restarted = EmbeddedKafkaBroker.start(data, port, false);
            send(bootstrap, "r2", "r3");
            await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("r3"));
            // and nothing more comes (a replay from the start would)
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(received).containsExactly("r0", "r1", "r2", "r3"));
        } finally {
            main.stop();
            failures.close();
            broker.get().close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    private static void send(String bootstrap, String... values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>("markers", v, v));
            }
            producer.flush();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Counts the consumer's warnings that a commit failed while it polled. */
    private static final class CommitFailures extends AbstractAppender implements AutoCloseable {

        private final Logger logger = (Logger) LogManager.getLogger("org.apache.camel.component.kafka.KafkaFetchRecords");
        private final List<String> lines = new CopyOnWriteArrayList<>();

        CommitFailures() {
            super("commit-failures", null, null, true, Property.EMPTY_ARRAY);
            start();
            logger.addAppender(this);
        }

        @Override
        public void append(LogEvent event) {
            String message = event.getMessage().getFormattedMessage();
            if (message.contains("committing offsets")) {
                lines.add(message);
            }
        }

        int seen() {
            return lines.size();
        }

        @Override
        public void close() {
            logger.removeAppender(this);
            stop();
        }
    }
}
