package org.holdshelf.platform.routes;

import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.platform.kafka.DeadLetters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped {@code routes/error-handling.camel.yaml}: the one policy for routes without their
 * own (retry, then the dead-letter route), the dead letter it writes, and the last resort when the
 * dead-letter topic cannot be written either. A consumer-like route that always fails stands in
 * for a Kafka consumer; the Kafka endpoint is mocked.
 */
class ErrorHandlingRouteTest extends CamelMainTestSupport {

    private final AtomicInteger attempts = new AtomicInteger();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/error-handling.camel.yaml");
    }

    @Override
    public void configureContext(CamelContextConfiguration camelContextConfiguration) {
        super.configureContext(camelContextConfiguration);
        Properties p = new Properties();
        p.setProperty("holdshelf.topic.dlq", "dlq");
        p.setProperty("holdshelf.errors.redelivery-delay-ms", "1");
        p.setProperty("camel.component.kafka.brokers", "127.0.0.1:9"); // never reached: Kafka endpoints are mocked
        camelContextConfiguration.withMockEndpointsAndSkip("kafka:*").withUseOverridePropertiesWithPropertiesComponent(p);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("deadLetters", new DeadLetters("dlq", Clock.systemUTC()));
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:poisoned").routeId("poisoned-consumer").process(e -> {
                    attempts.incrementAndGet();
                    throw new IllegalArgumentException("Not a valid LocationEnd record: unexpected end of input");
                });
            }
        };
    }

    private void sendRecord(byte[] value) {
        template().send("direct:poisoned", e -> {
            e.getMessage().setBody(value);
            e.getMessage().setHeader(KafkaConstants.TOPIC, "holdshelf.entries");
            e.getMessage().setHeader(KafkaConstants.PARTITION, 3);
            e.getMessage().setHeader(KafkaConstants.OFFSET, 1234L);
            e.getMessage().setHeader(KafkaConstants.KEY, "mo");
            e.getMessage().setHeader("holdshelf-type", "LOCATION_END");
        });
    }

    @Test
    void shouldRetryThenPutTheOriginalRecordWithTheReasonOnTheDeadLetterTopic() throws Exception {
        MockEndpoint dlq = getMockEndpoint("mock:kafka:dlq");
        dlq.expectedMessageCount(1);

        sendRecord("{\"type\":\"LOCATION_END\"".getBytes());

        dlq.assertIsSatisfied(5000);
        assertThat(attempts).as("1 attempt and 3 redeliveries").hasValue(4);
        Exchange letter = dlq.getReceivedExchanges().get(0);
        assertThat(letter.getMessage().getHeader(KafkaConstants.KEY)).isEqualTo("mo");
        assertThat(letter.getMessage().getHeader(EventTypes.HEADER)).isEqualTo(EventTypes.DEAD_LETTER);
        assertThat(letter.getMessage().getHeaders()).as("no header of the failed exchange leaks into the dead letter")
                .containsOnlyKeys(KafkaConstants.KEY, EventTypes.HEADER);
        DeadLetter dead = Json.read(letter.getMessage().getBody(byte[].class), DeadLetter.class);
        assertThat(dead.source()).isEqualTo("poisoned-consumer");
        assertThat(dead.error()).isEqualTo("IllegalArgumentException");
        assertThat(dead.message()).isEqualTo("Not a valid LocationEnd record: unexpected end of input");
        assertThat(List.of(dead.originalTopic(), dead.originalPartition(), dead.originalOffset(), dead.originalKey()))
                .containsExactly("holdshelf.entries", 3, 1234L, "mo");
        assertThat(dead.payload()).isEqualTo("{\"type\":\"LOCATION_END\"");
    }

    @Test
    void shouldKeepABinaryPayloadByteForByte() throws Exception {
        MockEndpoint dlq = getMockEndpoint("mock:kafka:dlq");
        dlq.expectedMessageCount(1);

        sendRecord(new byte[] {(byte) 0xC3, (byte) 0x28, 0x00, (byte) 0xFF});

        dlq.assertIsSatisfied(5000);
        DeadLetter dead = Json.read(dlq.getReceivedExchanges().get(0).getMessage().getBody(byte[].class), DeadLetter.class);
        assertThat(dead.payload()).isEqualTo("base64:wygA/w==");
    }

    @Test
    void shouldGiveUpWithoutLoopingWhenEvenTheDeadLetterTopicFails() throws Exception {
        MockEndpoint dlq = getMockEndpoint("mock:kafka:dlq");
        dlq.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("dead-letter topic unavailable");
        });

        sendRecord("{}".getBytes());

        assertThat(dlq.getReceivedCounter()).as("tried once, not retried into itself").isEqualTo(1);
        assertThat(attempts).hasValue(4);
    }
}
