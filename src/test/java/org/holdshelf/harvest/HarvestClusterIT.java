package org.holdshelf.harvest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.pulllists.PullListsCapability;
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
 * Several pipeline JVMs on one broker, all on the same schedule, behave as one pipeline: each
 * slot of the schedule is harvested once, and when the instance harvesting a slot is SIGKILLed,
 * another one records its run abandoned and harvests the slot within the consumer session
 * timeout plus a run, and the pull lists the instances write for it together are those of a
 * single instance.
 */
class HarvestClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(HarvestClusterIT.class);

    @TempDir
    Path dir;

    private static List<RunEvent> runs(PipelineHarness h, String type) {
        return h.records("runs", type).stream().map(r -> Json.read(r.value(), RunEvent.class)).toList();
    }

    /** The settings every instance shares, plus its own name. */
    private static Map<String, String> instance(PipelineHarness h, String id) {
        Map<String, String> child = new TreeMap<>(h.settings());
        child.put("holdshelf.instance-id", id);
        child.put("holdshelf.harvest.scheduled", "true");
        // a dead owner's slots move on after 6 s (the broker's minimum) instead of 15 s
        child.put("camel.component.kafka.session-timeout-ms", "6000");
        child.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        return child;
    }

    @Test
    void shouldHarvestEachSlotOnceWhenThreeInstancesRunTheSchedule() throws Exception {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(2_000).build();
        try (PipelineHarness h = PipelineHarness.create("cluster3", sierra, dir.resolve("reports"))
                .set("holdshelf.reports.enabled", "false").set("holdshelf.harvest.cron", "0/3 * * * * ?")) {
            Path log = Path.of("target", "cluster3-" + h.topic("runs") + ".log");
            List<ChildPipeline> instances = new ArrayList<>();
            try {
                for (String id : List.of("a", "b", "c")) {
                    instances.add(ChildPipeline.start(instance(h, id), log));
                }
                // slots published by all three, and several harvested since
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    Map<String, Long> publishers = slotPublishers(h);
                    Instant allUp = publishers.entrySet().stream().filter(e -> e.getValue() == 3).map(e -> Instant.parse(e.getKey()))
                            .min(Instant::compareTo).orElse(Instant.MAX);
                    return runs(h, EventTypes.RUN_COMPLETED).stream()
                            .filter(r -> r.slot() != null && !Instant.parse(r.slot()).isBefore(allUp)).count() >= 4;
                });
            } finally {
                for (ChildPipeline instance : instances) {
                    instance.close();
                }
            }

            List<RunEvent> started = runs(h, EventTypes.RUN_STARTED);
            assertThat(started).allSatisfy(r -> {
                assertThat(r.trigger()).isEqualTo("schedule");
                assertThat(r.slot()).isNotNull();
            });
            Map<String, Long> runsPerSlot = started.stream().collect(Collectors.groupingBy(RunEvent::slot, TreeMap::new,
                    Collectors.counting()));
            LOG.info("Runs per slot: {}; instances that ran them: {}", runsPerSlot,
                    started.stream().map(RunEvent::instance).distinct().sorted().toList());
            assertThat(runsPerSlot.values()).as("one run per slot, runs per slot " + runsPerSlot).containsOnly(1L);
            assertThat(runsPerSlot).hasSizeGreaterThanOrEqualTo(4);
            List<RunEvent> completed = runs(h, EventTypes.RUN_COMPLETED);
            assertThat(completed.stream().map(RunEvent::slot).distinct().count()).as("completed once each")
                    .isEqualTo(completed.size());
            assertThat(completed).allSatisfy(r -> assertThat(r.holdsScanned()).isEqualTo((long) h.data().size()));
        }
    }

    @Test
    void shouldTakeOverTheSlotOfAnInstanceKilledMidHarvest() throws Exception {
        // 40 pages of 250 ms: a run of 10 s; a slot every 20 s
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(20_000).pageLatencyMs(250).build();
        Path shared = dir.resolve("reports");
        try (PipelineHarness h = PipelineHarness.create("takeover", sierra, shared)
                .set("holdshelf.reports.enabled", "true").set("holdshelf.sierra.page-size", "500")
                .set("holdshelf.harvest.cron", "0/20 * * * * ?").set("holdshelf.harvest.progress-interval", "200ms")
                .set("holdshelf.harvest.abandon-after", "60s")) {
            Path log = Path.of("target", "takeover-" + h.topic("runs") + ".log");
            Map<String, ChildPipeline> instances = new TreeMap<>();
            try {
                for (String id : List.of("a", "b")) {
                    instances.put(id, ChildPipeline.start(instance(h, id), log));
                }
                RunEvent victim = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                        .until(() -> runs(h, EventTypes.RUN_PROGRESS).stream().filter(p -> p.pages() >= 2).findFirst().orElse(null),
                                java.util.Objects::nonNull);
                instances.remove(victim.instance()).kill();
                Instant killedAt = Instant.now();
                String survivor = instances.keySet().iterator().next();

                RunEvent takeover = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                        .until(() -> runs(h, EventTypes.RUN_COMPLETED).stream().filter(r -> victim.slot().equals(r.slot()))
                                .findFirst().orElse(null), java.util.Objects::nonNull);
                RunEvent takeoverStart = runs(h, EventTypes.RUN_STARTED).stream()
                        .filter(r -> r.runId().equals(takeover.runId())).findFirst().orElseThrow();
                LOG.info("Slot {} taken over by instance {} {} ms after instance {} was killed", victim.slot(), survivor,
                        Duration.between(killedAt, Instant.parse(takeoverStart.startedAt())).toMillis(), victim.instance());

                assertThat(takeover.instance()).isEqualTo(survivor);
                assertThat(takeover.holdsScanned()).isEqualTo((long) h.data().size());
                List<RunEvent> failed = runs(h, EventTypes.RUN_FAILED);
                assertThat(failed).as("the killed run, recorded once").hasSize(1);
                assertThat(failed.get(0).runId()).isEqualTo(victim.runId());
                assertThat(failed.get(0).slot()).isEqualTo(victim.slot());
                assertThat(failed.get(0).reason()).startsWith("abandoned: instance " + victim.instance()
                        + " left the harvest group without ending the run");
                // within the session timeout plus the run's own time, with room for a loaded machine
                assertThat(Duration.between(killedAt, Instant.parse(takeover.finishedAt()))).isLessThan(Duration.ofSeconds(60));
                Map<String, Long> startsPerSlot = runs(h, EventTypes.RUN_STARTED).stream()
                        .collect(Collectors.groupingBy(RunEvent::slot, Collectors.counting()));
                assertThat(startsPerSlot.get(victim.slot())).as("the killed run and the takeover").isEqualTo(2L);

                // the pull lists of the slot, written by the survivor in the shared directory
                Path takeoverDir = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> runDirectory(shared, takeover.runId()).filter(d -> Files.exists(d.resolve("manifest.json")))
                                .orElse(null), java.util.Objects::nonNull);
                assertThat(runDirectory(shared, victim.runId()).filter(d -> Files.exists(d.resolve("manifest.json"))))
                        .as("no report of the killed run completes").isEmpty();
                for (ChildPipeline instance : instances.values()) {
                    instance.close();
                }
                instances.clear();

                // the same data harvested by one instance alone, into a directory of its own
                h.set("holdshelf.reports.dir", dir.resolve("single").toString())
                        .set("holdshelf.reports.group-id", h.settings().get("holdshelf.reports.group-id") + "-single");
                Holdshelf single = h.start();
                RunEvent alone = single.harvestNow("single");
                assertThat(alone.type()).isEqualTo(EventTypes.RUN_COMPLETED);
                assertThat(single.capability(PullListsCapability.class).orElseThrow().awaitManifest(alone.runId(),
                        Duration.ofSeconds(60))).isPresent();
                Map<String, byte[]> together = visibleFiles(takeoverDir);
                Map<String, byte[]> reference = visibleFiles(single.wiring().runDirectory().of(alone.runId()));
                assertThat(together.keySet()).as("the same files").containsExactlyElementsOf(reference.keySet())
                        .hasSize(2 * takeover.locations().size() + 1);
                together.forEach((name, bytes) -> {
                    if (!name.equals("manifest.json")) {
                        assertThat(new String(bytes, StandardCharsets.UTF_8)).as(name)
                                .isEqualTo(new String(reference.get(name), StandardCharsets.UTF_8));
                    }
                });
                Manifest a = Json.read(together.get("manifest.json"), Manifest.class);
                Manifest b = Json.read(reference.get("manifest.json"), Manifest.class);
                assertThat(a.files()).isEqualTo(b.files());
                assertThat(a.readyHolds()).isEqualTo(b.readyHolds()).isGreaterThan(0);
            } finally {
                for (ChildPipeline instance : instances.values()) {
                    instance.close();
                }
            }
        }
    }

    /** The directory of a run under a reports directory (under its run date), if it exists. */
    private static java.util.Optional<Path> runDirectory(Path reports, String runId) throws IOException {
        if (!Files.isDirectory(reports)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> dates = Files.list(reports)) {
            return dates.map(d -> d.resolve(runId)).filter(Files::isDirectory).findFirst();
        }
    }

    /** A run directory's files but the hidden ones (markers, temporary files). */
    private static Map<String, byte[]> visibleFiles(Path runDir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(runDir)) {
            for (Path p : (Iterable<Path>) list.filter(p -> !p.getFileName().toString().startsWith("."))::iterator) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /** How many instances published each slot. */
    private static Map<String, Long> slotPublishers(PipelineHarness h) {
        return h.records("harvest-slots", HarvestSlots.SLOT_TYPE).stream().map(ConsumerRecord::key)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
