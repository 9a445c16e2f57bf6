package org.holdshelf.harvest;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEnd;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.DeadLetters;
import org.holdshelf.platform.kafka.RunLedger;
import org.holdshelf.platform.runtime.RunInProgressException;
import org.holdshelf.platform.runtime.RunLease;
import org.holdshelf.sandbox.sierra.FaultPlan;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SierraSimulator;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped {@code routes/harvest.camel.yaml} as operators edit it, with its Kafka endpoints
 * mocked: the order of what a run publishes, and each way a run can fail. Sierra is the simulator
 * over HTTP; no broker is started.
 */
class HarvestRouteTest extends CamelMainTestSupport {

    private static SierraSimulator sierra;
    private final RunLease lease = new RunLease();
    private volatile RuntimeException endOffsetsFailure;

    @BeforeAll
    static void startSierra() {
        sierra = new SierraSimulator(SierraSandboxSettings.builder().holds(2_500).seed(3).build());
        sierra.start(0);
    }

    @AfterAll
    static void stopSierra() {
        sierra.close();
    }

    @BeforeEach
    void noFaults() {
        sierra.setFaultPlan(FaultPlan.parse(""));
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/harvest.camel.yaml");
    }

    @Override
    public void configureContext(CamelContextConfiguration camelContextConfiguration) {
        super.configureContext(camelContextConfiguration);
        Properties topics = new Properties();
        topics.setProperty("holdshelf.topic.runs", "runs");
        topics.setProperty("holdshelf.topic.entries", "entries");
        topics.setProperty("camel.component.kafka.brokers", "127.0.0.1:9"); // never reached: Kafka endpoints are mocked
        camelContextConfiguration.withMockEndpointsAndSkip("kafka:*").withUseOverridePropertiesWithPropertiesComponent(topics);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        HoldshelfConfig config = HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of()).with(Map.of(
                "holdshelf.sierra.base-url", sierra.baseUrl(),
                "holdshelf.sierra.client-key", sierra.settings().clientKey(),
                "holdshelf.sierra.client-secret", sierra.settings().clientSecret(),
                "holdshelf.sierra.page-size", "1000",
                "holdshelf.sierra.max-attempts", "1"));
        SierraSettings sierraSettings = SierraSettings.from(config);
        SierraClient client = new SierraClient(sierraSettings, config.zone("holdshelf.timezone"));
        Clock clock = Clock.systemUTC();
        registry.bind("harvest", new Harvester(client, new HoldEnricher(client, 100), sierraSettings, HarvestSettings.from(config),
                new DeadLetters("dlq", clock), topic -> {
                    if (endOffsetsFailure != null) {
                        throw endOffsetsFailure;
                    }
                    return Map.of(0, 0L, 1, 0L);
                }, "entries", lease, new RunLedger(() -> {
                    throw new IllegalStateException("the run ledger is not used by this route");
                }, "runs", 1, Duration.ofSeconds(1)), new HarvestMetrics(new SimpleMeterRegistry(), clock), "test/1", clock));
    }

    private MockEndpoint runs() {
        return getMockEndpoint("mock:kafka:runs");
    }

    private MockEndpoint entries() {
        return getMockEndpoint("mock:kafka:entries");
    }

    /** Every message of every list the endpoint was sent, in order. */
    @SuppressWarnings("unchecked")
    private static List<Message> sent(MockEndpoint endpoint) {
        List<Message> all = new ArrayList<>();
        for (Exchange e : endpoint.getReceivedExchanges()) {
            all.addAll(e.getMessage().getBody(List.class));
        }
        return all;
    }

    private static List<String> types(List<Message> messages) {
        return messages.stream().map(m -> m.getHeader(EventTypes.HEADER, String.class)).toList();
    }

    @Test
    void shouldPublishStartHoldsMarkersAndCompletionInThatOrderAndReplyWithTheOutcome() {
        RunEvent outcome = template().requestBody("direct:harvest", "test", RunEvent.class);

        assertThat(outcome.type()).isEqualTo(EventTypes.RUN_COMPLETED);
        assertThat(types(sent(runs()))).containsExactly(EventTypes.RUN_STARTED, EventTypes.RUN_COMPLETED);
        List<String> entryTypes = types(sent(entries()));
        int firstMarker = entryTypes.indexOf(EventTypes.LOCATION_END);
        assertThat(entryTypes.subList(0, firstMarker)).isNotEmpty().containsOnly(EventTypes.HOLD);
        assertThat(entryTypes.subList(firstMarker, entryTypes.size() - 1)).hasSize(outcome.locations().size())
                .containsOnly(EventTypes.LOCATION_END);
        Message last = sent(entries()).get(entryTypes.size() - 1);
        assertThat(last.getHeader(EventTypes.HEADER)).isEqualTo(EventTypes.RUN_END);
        assertThat(last.getHeader(KafkaConstants.KEY)).as("the run's end is keyed by run id").isEqualTo(outcome.runId());
        RunEnd end = Json.read(last.getBody(byte[].class), RunEnd.class);
        assertThat(end.locationsInRun()).isEqualTo(outcome.locations().size());
        assertThat(firstMarker).isEqualTo(outcome.events().intValue());
        assertThat(lease.holder()).as("the lease is given back").isEmpty();
    }

    @Test
    void shouldEndARunWhoseSierraPageFailsWithRunFailedAndADeadLetterAndNoMarkers() {
        sierra.setFaultPlan(FaultPlan.parse("malformed@1"));

        RunEvent outcome = template().requestBody("direct:harvest", "test", RunEvent.class);

        assertThat(outcome.type()).isEqualTo(EventTypes.RUN_FAILED);
        assertThat(outcome.reason()).contains("malformed page");
        List<Message> published = sent(runs());
        assertThat(types(published)).containsExactly(EventTypes.RUN_STARTED, EventTypes.RUN_FAILED, EventTypes.DEAD_LETTER);
        assertThat(published.get(2).getHeader(KafkaConstants.OVERRIDE_TOPIC)).isEqualTo("dlq");
        assertThat(types(sent(entries()))).doesNotContain(EventTypes.LOCATION_END, EventTypes.RUN_END);
        assertThat(lease.holder()).isEmpty();
    }

    @Test
    void shouldFailTheRunWhenKafkaRefusesASend() {
        entries().whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("broker unavailable");
        });

        RunEvent outcome = template().requestBody("direct:harvest", "test", RunEvent.class);

        assertThat(outcome.type()).isEqualTo(EventTypes.RUN_FAILED);
        assertThat(outcome.reason()).isEqualTo("broker unavailable");
        assertThat(types(sent(runs()))).containsExactly(EventTypes.RUN_STARTED, EventTypes.RUN_FAILED, EventTypes.DEAD_LETTER);
        assertThat(lease.holder()).isEmpty();
    }

    @Test
    void shouldTellTheCallerWhenARunCannotStartAndPublishNothing() {
        endOffsetsFailure = new IllegalStateException("Cannot read the end offsets of Kafka topic entries: timed out");

        assertThatThrownBy(() -> template().requestBody("direct:harvest", "test"))
                .isInstanceOf(CamelExecutionException.class).hasRootCauseMessage(endOffsetsFailure.getMessage());
        assertThat(runs().getReceivedCounter()).isZero();
        assertThat(entries().getReceivedCounter()).isZero();
        assertThat(lease.holder()).as("the lease is given back").isEmpty();
    }

    @Test
    void shouldRefuseASecondRunWhileOneIsInProgress() {
        try (RunLease.Held running = lease.acquire("20261130T080000Z-0001")) {
            assertThatThrownBy(() -> template().requestBody("direct:harvest", "test"))
                    .hasRootCauseInstanceOf(RunInProgressException.class).hasRootCauseMessage("run 20261130T080000Z-0001 is still in progress");
        }
        assertThat(runs().getReceivedCounter()).isZero();
    }
}
