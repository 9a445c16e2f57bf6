package org.holdshelf.harvest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.kafka.EmbeddedKafkaBroker;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two pipeline JVMs on the schedule, and the Kafka broker they share stopped in the middle of a
 * harvest and started again on the same port and data a while later (longer than
 * {@code holdshelf.harvest.abandon-after}, with a slot of the schedule falling in the outage). The
 * instances are not restarted: they reconnect on their own and go on, each later slot harvested
 * once; the run caught by the outage ends (completed, or failed with its reason) and is never left
 * open; each run has one outcome; and every completed run's pull lists are complete in the shared
 * reports directory. Its own broker, not the shared test broker: the other tests of this JVM use
 * that one.
 */
class BrokerRestartClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRestartClusterIT.class);

    private static final String CRON = "0/10 * * * * ?";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldGoOnHarvestingEachSlotOnceWhenTheBrokerRestarts() throws Exception {
        int port = freePort();
        Path kafkaData = dir.resolve("kafka");
        Path shared = dir.resolve("reports");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaData, port, false);
        EmbeddedKafkaBroker restarted = null;
        // 20 pages of 300 ms: a run of about 6 s; a slot every 10 s
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(10_000).pageLatencyMs(300).build();
        Map<String, ChildPipeline> instances = new TreeMap<>();
        Map<String, Integer> opsPorts = new TreeMap<>();
        try (PipelineHarness h = PipelineHarness.create("broker-restart", sierra, shared)
                .set("camel.component.kafka.brokers", broker.bootstrapServers())
                .set("holdshelf.reports.enabled", "true").set("holdshelf.sierra.page-size", "500")
                .set("holdshelf.harvest.cron", CRON).set("holdshelf.harvest.progress-interval", "1s")
                // shorter than the outage below: a run alive through it must not be taken for abandoned
                .set("holdshelf.harvest.abandon-after", "8s")) {
            Path log = Path.of("target", "broker-restart-" + h.topic("runs") + ".log");
            for (String id : List.of("a", "b")) {
                opsPorts.put(id, freePort());
                instances.put(id, ChildPipeline.start(instance(h, id, opsPorts.get(id)), log));
            }
            try {
                // a run completed with its pull lists, then the next one caught half-way
                RunEvent first = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> runs(h, EventTypes.RUN_COMPLETED).stream().findFirst().orElse(null), Objects::nonNull);
                RunEvent caught = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> inProgress(h, first), Objects::nonNull);
                broker.close();
                Instant stoppedAt = Instant.now();
                Instant slotInOutage = nextFire(stoppedAt);
                LOG.info("Broker stopped during run {} (slot {}, page {}); slot {} falls in the outage", caught.runId(),
                        caught.slot(), caught.pages(), slotInOutage);

                // both instances see Kafka gone, and the schedule fires while it is
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                        opsPorts.values().stream().allMatch(p -> kafkaHealth(p).equals("DOWN"))
                                && Instant.now().isAfter(slotInOutage.plusSeconds(2))
                                && Instant.now().isAfter(stoppedAt.plusSeconds(12)));
                Duration outage = Duration.between(stoppedAt, Instant.now());
                restarted = EmbeddedKafkaBroker.start(kafkaData, port, false);
                Instant backAt = Instant.now();
                LOG.info("Broker back after an outage of {} ms", outage.toMillis());

                // the instances reconnect by themselves: the operators' endpoint says Kafka is up again
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> opsPorts.values().stream().allMatch(p -> kafkaHealth(p).equals("UP")));
                Duration reconnected = Duration.between(backAt, Instant.now());
                // ... and go on: two runs started since, and completed
                List<RunEvent> after = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> runs(h, EventTypes.RUN_COMPLETED).stream()
                                .filter(r -> Instant.parse(r.startedAt()).isAfter(backAt)).toList(), l -> l.size() >= 2);
                RunEvent firstStartAfter = runs(h, EventTypes.RUN_STARTED).stream()
                        .filter(r -> Instant.parse(r.startedAt()).isAfter(backAt)).findFirst().orElseThrow();
                LOG.info("After the broker came back: Kafka up on both instances in {} ms, first run started {} ms later "
                        + "(run {}, slot {})", reconnected.toMillis(),
                        Duration.between(backAt, Instant.parse(firstStartAfter.startedAt())).toMillis(), firstStartAfter.runId(),
                        firstStartAfter.slot());

                // the run caught by the outage ends, once
                RunEvent caughtEnd = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> outcomes(h).stream().filter(r -> r.runId().equals(caught.runId())).findFirst().orElse(null),
                                Objects::nonNull);
                LOG.info("Run {} caught by the outage: {} {}", caught.runId(), caughtEnd.type(),
                        caughtEnd.reason() == null ? "" : caughtEnd.reason());
                if (EventTypes.RUN_FAILED.equals(caughtEnd.type())) {
                    assertThat(caughtEnd.reason()).as("a failed run says why").isNotBlank();
                }

                // no run left open: runs never overlap, so every run started up to the last one completed has ended
                Instant lastStart = Instant.parse(after.get(after.size() - 1).startedAt());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    Set<String> ended = outcomes(h).stream().map(RunEvent::runId).collect(Collectors.toSet());
                    assertThat(ended).as("runs that have ended").containsAll(runs(h, EventTypes.RUN_STARTED).stream()
                            .filter(r -> !Instant.parse(r.startedAt()).isAfter(lastStart)).map(RunEvent::runId).toList());
                });
                for (Map.Entry<String, ChildPipeline> e : instances.entrySet()) {
                    assertThat(e.getValue().isAlive()).as("instance " + e.getKey() + " still running").isTrue();
                }

                List<RunEvent> started = runs(h, EventTypes.RUN_STARTED);
                List<RunEvent> outcomes = outcomes(h);
                Map<String, Long> outcomesPerRun = outcomes.stream()
                        .collect(Collectors.groupingBy(RunEvent::runId, TreeMap::new, Collectors.counting()));
                assertThat(outcomesPerRun).as("one outcome per run: " + describe(outcomes))
                        .allSatisfy((run, n) -> assertThat(n).as(run).isEqualTo(1L));
                Map<String, Long> startsPerSlot = started.stream()
                        .collect(Collectors.groupingBy(RunEvent::slot, TreeMap::new, Collectors.counting()));
                LOG.info("Runs per slot: {}; outcomes: {}", startsPerSlot, describe(outcomes));
                startsPerSlot.forEach((slot, n) -> {
                    if (!slot.equals(caught.slot())) {
                        assertThat(n).as("runs of slot " + slot).isEqualTo(1L);
                    }
                });
                List<RunEvent> completed = runs(h, EventTypes.RUN_COMPLETED);
                assertThat(completed.stream().collect(Collectors.groupingBy(RunEvent::slot, Collectors.counting())))
                        .as("completed once per slot").allSatisfy((slot, n) -> assertThat(n).as(slot).isEqualTo(1L));
                assertThat(completed).allSatisfy(r -> assertThat(r.holdsScanned()).isEqualTo((long) h.data().size()));

                // every completed run's pull lists, complete in the shared directory
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    for (RunEvent run : runs(h, EventTypes.RUN_COMPLETED)) {
                        assertThat(runDirectory(shared, run.runId()).map(d -> d.resolve("manifest.json")).filter(Files::exists))
                                .as("manifest of completed run " + run.runId() + " (slot " + run.slot() + ")").isPresent();
                    }
                });
                for (RunEvent failed : runs(h, EventTypes.RUN_FAILED)) {
                    assertThat(runDirectory(shared, failed.runId()).map(d -> d.resolve("manifest.json")).filter(Files::exists))
                            .as("no report of failed run " + failed.runId() + " completes").isEmpty();
                }
                Map<String, Long> publishers = slotPublishers(h);
                Instant settled = Instant.now().minusSeconds(3); // both have published a slot this old
                assertThat(publishers.entrySet().stream().filter(e -> Instant.parse(e.getKey()).isAfter(backAt)
                        && Instant.parse(e.getKey()).isBefore(settled)))
                        .as("both instances publish the slots again after the restart: " + publishers)
                        .isNotEmpty().allSatisfy(e -> assertThat(e.getValue()).isEqualTo(2L));

                // an outage is an expected condition: no stack trace, no record failed for it
                List<String> traces = Files.readAllLines(log).stream()
                        .filter(l -> l.startsWith("\tat ") || l.startsWith("Stacktrace") || l.contains("Failed delivery"))
                        .toList();
                assertThat(traces).as("stack traces and failed deliveries in " + log).isEmpty();
            } finally {
                // before the Sierra simulator stops (closing the harness), so no run fails for want of it
                for (ChildPipeline instance : instances.values()) {
                    instance.close();
                }
            }
        } finally {
            broker.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    /** The settings every instance shares, plus its own name and operators' port. */
    private static Map<String, String> instance(PipelineHarness h, String id, int opsPort) {
        Map<String, String> child = new TreeMap<>(h.settings());
        child.put("holdshelf.instance-id", id);
        child.put("holdshelf.harvest.scheduled", "true");
        child.put("holdshelf.ops.port", String.valueOf(opsPort));
        // a dead owner's slots move on after 6 s (the broker's minimum) instead of 15 s
        child.put("camel.component.kafka.session-timeout-ms", "6000");
        child.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        return child;
    }

    /** The latest progress of a run after {@code after} that is half-way through and has not ended, if any. */
    private static RunEvent inProgress(PipelineHarness h, RunEvent after) {
        Set<String> ended = outcomes(h).stream().map(RunEvent::runId).collect(Collectors.toSet());
        return runs(h, EventTypes.RUN_PROGRESS).stream()
                .filter(p -> Instant.parse(p.slot()).isAfter(Instant.parse(after.slot())) && !ended.contains(p.runId())
                        && p.pages() != null && p.pages() >= 4 && p.pages() <= 12)
                .findFirst().orElse(null);
    }

    /** What the operators' endpoint of an instance says of Kafka: UP, DOWN, or UNREACHABLE (the endpoint). */
    private String kafkaHealth(int opsPort) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/q/health"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.body().contains("{\"name\":\"kafka\",\"status\":\"UP\"")) {
                return "UP";
            }
            return r.body().contains("{\"name\":\"kafka\",\"status\":\"DOWN\"") ? "DOWN" : "UNKNOWN";
        } catch (IOException e) {
            return "UNREACHABLE";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "UNREACHABLE";
        }
    }

    private static List<RunEvent> runs(PipelineHarness h, String type) {
        return h.records("runs", type).stream().map(r -> Json.read(r.value(), RunEvent.class)).toList();
    }

    private static List<RunEvent> outcomes(PipelineHarness h) {
        List<RunEvent> all = new ArrayList<>(runs(h, EventTypes.RUN_COMPLETED));
        all.addAll(runs(h, EventTypes.RUN_FAILED));
        return all;
    }

    private static Map<String, String> describe(List<RunEvent> outcomes) {
        Map<String, String> d = new LinkedHashMap<>();
        outcomes.forEach(o -> d.merge(o.runId(), o.slot() + " " + o.type() + " by " + o.instance()
                + (o.reason() == null ? "" : " (" + o.reason() + ")"), (x, y) -> x + "; " + y));
        return d;
    }

    /** The schedule's first fire time after {@code t}. */
    private static Instant nextFire(Instant t) throws java.text.ParseException {
        CronExpression cron = new CronExpression(CRON);
        cron.setTimeZone(TimeZone.getTimeZone("UTC"));
        return cron.getNextValidTimeAfter(java.util.Date.from(t)).toInstant();
    }

    /** The directory of a run under a reports directory (under its run date), if it exists. */
    private static Optional<Path> runDirectory(Path reports, String runId) throws IOException {
        if (!Files.isDirectory(reports)) {
            return Optional.empty();
        }
        try (Stream<Path> dates = Files.list(reports)) {
            return dates.map(d -> d.resolve(runId)).filter(Files::isDirectory).findFirst();
        }
    }

    /** How many instances published each slot. */
    private static Map<String, Long> slotPublishers(PipelineHarness h) {
        return h.records("harvest-slots", HarvestSlots.SLOT_TYPE).stream().map(ConsumerRecord::key)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
