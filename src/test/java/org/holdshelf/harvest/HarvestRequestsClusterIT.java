package org.holdshelf.harvest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator's {@code POST /api/harvest} takes the path of a scheduled slot, whichever instance is
 * asked: the instance owning the harvest slots runs it, a request while a run is in progress
 * anywhere is refused (409 naming that run), and when the instance running it is SIGKILLed,
 * another records the run abandoned and runs the request again. Two pipeline JVMs on one broker.
 */
class HarvestRequestsClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(HarvestRequestsClusterIT.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Answer(int status, JsonNode body) {
    }

    @Test
    void shouldRunEveryOperatorsHarvestOnTheSlotsOwnerOnceAndTakeItOverWhenItsInstanceDies() throws Exception {
        // 40 pages of 250 ms: a run of about 10 s
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(20_000).pageLatencyMs(250).build();
        try (PipelineHarness h = PipelineHarness.create("requests", sierra, dir.resolve("reports"))
                .set("holdshelf.reports.enabled", "false").set("holdshelf.sierra.page-size", "500")
                .set("holdshelf.harvest.progress-interval", "200ms").set("holdshelf.harvest.abandon-after", "60s")) {
            Path log = Path.of("target", "requests-" + h.topic("runs") + ".log");
            Map<String, ChildPipeline> instances = new TreeMap<>();
            Map<String, Integer> ports = new TreeMap<>();
            try {
                for (String id : List.of("a", "b")) {
                    ports.put(id, freePort());
                    instances.put(id, ChildPipeline.start(instance(h, id, ports.get(id)), log));
                }
                for (int port : ports.values()) {
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                            .ignoreExceptions().until(() -> get(port, "/q/health/live") == 200);
                }

                // asked at a: run by the owner of the slots, while both refuse a second run
                Answer first = post(ports.get("a"));
                assertThat(first.status()).as("202 with the run id: " + first.body()).isEqualTo(202);
                String firstRun = first.body().get("runId").asText();
                RunEvent started = startedRun(h, firstRun);
                String owner = started.instance();
                String other = owner.equals("a") ? "b" : "a";
                assertThat(started.trigger()).isEqualTo("operator");
                assertThat(started.request()).startsWith("request-");
                for (int port : ports.values()) {
                    Answer refused = post(port);
                    assertThat(refused.status()).as("while run " + firstRun + " runs: " + refused.body()).isEqualTo(409);
                    assertThat(refused.body().get("runId").asText()).isEqualTo(firstRun);
                }
                RunEvent firstOutcome = outcome(h, firstRun);
                assertThat(firstOutcome.type()).isEqualTo(EventTypes.RUN_COMPLETED);
                assertThat(firstOutcome.holdsScanned()).isEqualTo((long) h.data().size());

                // asked at the instance that does not own the slots: still run by the owner
                Answer second = post(ports.get(other));
                assertThat(second.status()).as(second.body().toString()).isEqualTo(202);
                String victimRun = second.body().get("runId").asText();
                RunEvent victim = startedRun(h, victimRun);
                assertThat(victim.instance()).as("the owner of the slots runs it, not the instance asked").isEqualTo(owner);

                // the owner dies mid-run: the other instance takes the request over
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> runs(h,
                        EventTypes.RUN_PROGRESS).stream().anyMatch(p -> p.runId().equals(victimRun) && p.pages() >= 2));
                instances.remove(owner).kill();
                Instant killedAt = Instant.now();
                RunEvent takeover = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                        .until(() -> runs(h, EventTypes.RUN_COMPLETED).stream()
                                .filter(r -> victim.request().equals(r.request())).findFirst().orElse(null), Objects::nonNull);
                LOG.info("Request {} taken over by instance {}; its run ended {} ms after instance {} was killed",
                        victim.request(), takeover.instance(),
                        Duration.between(killedAt, Instant.parse(takeover.finishedAt())).toMillis(), owner);

                assertThat(takeover.instance()).isEqualTo(other);
                assertThat(takeover.trigger()).isEqualTo("operator");
                assertThat(takeover.holdsScanned()).isEqualTo((long) h.data().size());
                List<RunEvent> failed = runs(h, EventTypes.RUN_FAILED);
                assertThat(failed).as("the killed run, recorded once").hasSize(1);
                assertThat(failed.get(0).runId()).isEqualTo(victimRun);
                assertThat(failed.get(0).reason()).startsWith("abandoned: instance " + owner
                        + " left the harvest group without ending the run (its request " + victim.request());
                assertThat(Duration.between(killedAt, Instant.parse(takeover.finishedAt()))).isLessThan(Duration.ofSeconds(60));
                assertThat(runs(h, EventTypes.RUN_STARTED).stream().filter(r -> victim.request().equals(r.request())))
                        .as("the killed run and the takeover, nothing more").hasSize(2);
                assertThat(runs(h, EventTypes.RUN_STARTED)).as("two requests, one taken over").hasSize(3);
            } finally {
                for (ChildPipeline instance : instances.values()) {
                    instance.close();
                }
            }
        }
    }

    private static Map<String, String> instance(PipelineHarness h, String id, int port) {
        Map<String, String> child = new TreeMap<>(h.settings());
        child.put("holdshelf.instance-id", id);
        child.put("holdshelf.ops.port", Integer.toString(port));
        // a dead owner's slots move on after 6 s (the broker's minimum) instead of 15 s
        child.put("camel.component.kafka.session-timeout-ms", "6000");
        child.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        return child;
    }

    private static List<RunEvent> runs(PipelineHarness h, String type) {
        return h.records("runs", type).stream().map(r -> Json.read(r.value(), RunEvent.class)).toList();
    }

    private static RunEvent startedRun(PipelineHarness h, String runId) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs(h, EventTypes.RUN_STARTED).stream().filter(r -> r.runId().equals(runId)).findFirst()
                        .orElse(null), Objects::nonNull);
    }

    private static RunEvent outcome(PipelineHarness h, String runId) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> java.util.stream.Stream.concat(runs(h, EventTypes.RUN_COMPLETED).stream(),
                        runs(h, EventTypes.RUN_FAILED).stream()).filter(r -> r.runId().equals(runId)).findFirst().orElse(null),
                        Objects::nonNull);
    }

    private Answer post(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/harvest"))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), MAPPER.readTree(r.body()));
    }

    private int get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
