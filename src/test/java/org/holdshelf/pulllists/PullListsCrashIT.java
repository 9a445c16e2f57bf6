package org.holdshelf.pulllists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.pulllists.PullListsCapability;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pipeline JVM killed with SIGKILL in the middle of writing a run's pull lists, then restarted (or,
 * with two instances, the other one taking over),
 * ends with exactly the files an uncrashed pipeline writes: no lost rows, no duplicates, no debris.
 */
class PullListsCrashIT {

    @TempDir
    Path dir;

    @Test
    void shouldProduceTheUncrashedFilesAfterASigkillMidRun() throws Exception {
        crashAndCompare(false);
    }

    /**
     * Two instances write the run's pull lists together (by partition) in one shared directory; one
     * is SIGKILLed mid-run and the other, once the dead one's session expires, gets its partitions
     * and the uncommitted end markers, and completes the run with exactly the files of one instance.
     */
    @Test
    void shouldProduceTheUncrashedFilesWhenOneOfTwoInstancesIsKilledMidRun() throws Exception {
        crashAndCompare(true);
    }

    private void crashAndCompare(boolean twoInstances) throws Exception {
        Path crashed = dir.resolve("crashed");
        Path reference = dir.resolve("reference");
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(240_000).seed(99).build();
        try (PipelineHarness h = PipelineHarness.create("crash", sierra, dir.resolve("unused"))
                .set("holdshelf.reports.enabled", "false")) {
            // the run's events and end markers are on the topic before any pull-list writer starts
            RunEvent run = h.start().harvestNow("test");
            h.stopPipeline();

            Map<String, String> child = new TreeMap<>(h.settings());
            child.put("holdshelf.reports.enabled", "true");
            child.put("holdshelf.reports.dir", crashed.toString());
            child.put("holdshelf.reports.sort-chunk-rows", "500");
            child.put("camel.component.kafka.session-timeout-ms", "6000");
            child.put("camel.component.kafka.heartbeat-interval-ms", "1000");
            Path runDir = crashed.resolve(org.holdshelf.events.RunIds.runDate(run.runId(), java.time.ZoneId.of("UTC"))
                    .toString()).resolve(run.runId());
            Path done = runDir.resolve(".done");
            Map<String, Path> logs = new TreeMap<>();
            Map<String, ChildPipeline> instances = new TreeMap<>();
            try {
                for (String id : twoInstances ? java.util.List.of("a", "b") : java.util.List.of("a")) {
                    logs.put(id, Path.of("target", "crash-child-" + run.runId() + "-" + id + ".log"));
                    Map<String, String> settings = new TreeMap<>(child);
                    settings.put("holdshelf.instance-id", id);
                    instances.put(id, ChildPipeline.start(settings, logs.get(id)));
                }
                // killed once it has written some of its locations (and, with two, the other has too)
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5)).until(() -> count(done) >= 2
                        && logs.values().stream().allMatch(log -> read(log).contains("Pull list ")));
                instances.remove("a").kill();
                assertThat(runDir.resolve("manifest.json")).as("killed before the run was complete").doesNotExist();
                assertThat(count(done)).isLessThan(run.locations().size());

                if (!twoInstances) {
                    Map<String, String> settings = new TreeMap<>(child);
                    settings.put("holdshelf.instance-id", "a2");
                    instances.put("a2", ChildPipeline.start(settings, logs.get("a")));
                }
                Path manifest = runDir.resolve("manifest.json");
                await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(manifest));
            } finally {
                for (ChildPipeline instance : instances.values()) {
                    instance.close();
                }
            }

            // the same run written by a pipeline that never crashed
            h.set("holdshelf.reports.enabled", "true").set("holdshelf.reports.dir", reference.toString())
                    .set("holdshelf.reports.group-id", h.settings().get("holdshelf.reports.group-id") + "-reference");
            Holdshelf uncrashed = h.start();
            assertThat(uncrashed.capability(PullListsCapability.class).orElseThrow().awaitManifest(run.runId(), Duration.ofSeconds(120))).isPresent();
            Path referenceDir = uncrashed.wiring().runDirectory().of(run.runId());

            Map<String, byte[]> crashedFiles = visibleFiles(runDir);
            Map<String, byte[]> referenceFiles = visibleFiles(referenceDir);
            assertThat(crashedFiles.keySet()).containsExactlyElementsOf(referenceFiles.keySet()).hasSize(2 * run.locations().size() + 1);
            crashedFiles.forEach((name, bytes) -> {
                if (!name.equals("manifest.json")) {
                    assertThat(bytes).as(name).isEqualTo(referenceFiles.get(name));
                }
            });
            Manifest a = uncrashed.wiring().runDirectory().manifest(run.runId()).orElseThrow();
            Manifest b = org.holdshelf.events.Json.read(crashedFiles.get("manifest.json"), Manifest.class);
            assertThat(b.files()).isEqualTo(a.files());
            assertThat(b.readyHolds()).isEqualTo(a.readyHolds()).isEqualTo(run.locations().values().stream().mapToLong(c -> c.ready()).sum());
            try (Stream<Path> all = Files.walk(runDir)) {
                assertThat(all.map(p -> p.getFileName().toString())).as("no temporary files or sort spills left")
                        .noneMatch(n -> n.endsWith(".tmp") || n.startsWith(".sort-"));
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    private static Map<String, byte[]> visibleFiles(Path runDir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(runDir)) {
            for (Path p : (Iterable<Path>) list.filter(p -> !p.getFileName().toString().startsWith("."))::iterator) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
