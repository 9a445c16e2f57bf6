package org.holdshelf.scanin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.holdshelf.events.RunEvent;
import org.holdshelf.events.RunIds;
import org.holdshelf.sandbox.Sandbox;
import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.alma.AlmaStats;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;
import org.holdshelf.testing.PullListOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three pipeline JVMs with Alma scan-in on one broker: Alma's per-second limit holds for all of
 * them together, while a third instance joins (a rebalance) and while the instance doing the
 * scan-ins is SIGKILLed and another takes over; every barcode is scanned once.
 */
class ScanInClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(ScanInClusterIT.class);
    private static final int UNKNOWN_PERCENT = 10;
    private static final String TOOK_OVER = "Alma scan-ins run in this instance now";

    @TempDir
    Path reports;

    @Test
    void shouldKeepAlmasLimitForAllInstancesTogetherAcrossARebalanceAndATakeover() throws Exception {
        int limit = 20;
        try (PipelineHarness h = PipelineHarness.create("scan-cluster", SierraSandboxSettings.builder().holds(12_000).seed(7).build(),
                reports).withAlma(AlmaSandboxSettings.builder().callsPerSecond(limit).latency(Duration.ofMillis(50)).build(),
                UNKNOWN_PERCENT)) {
            Set<String> known = Set.copyOf(Sandbox.almaCatalogue(h.data(), UNKNOWN_PERCENT));
            Map<String, String> shared = new TreeMap<>(h.settings());
            shared.put("camel.component.kafka.session-timeout-ms", "6000");
            shared.put("camel.component.kafka.heartbeat-interval-ms", "1000");
            h.set("holdshelf.alma.enabled", "false").set("holdshelf.reports.enabled", "false");
            RunEvent run = h.start().harvestNow("test");
            h.stopPipeline();

            Map<String, ChildPipeline> instances = new TreeMap<>();
            Map<String, Path> logs = new TreeMap<>();
            try {
                for (String id : List.of("a", "b")) {
                    logs.put(id, Path.of("target", "scan-cluster-" + run.runId() + "-" + id + ".log"));
                    instances.put(id, start(shared, id, logs.get(id)));
                }
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() -> h.alma().stats().scans() >= 20);
                String owner = await().atMost(Duration.ofSeconds(10))
                        .until(() -> logs.keySet().stream().filter(id -> read(logs.get(id)).contains(TOOK_OVER)).toList(),
                                o -> o.size() == 1).get(0);

                // a third instance joins while the owner scans: the group rebalances
                logs.put("c", Path.of("target", "scan-cluster-" + run.runId() + "-c.log"));
                instances.put("c", start(shared, "c", logs.get("c")));
                long scansAtJoin = h.alma().stats().scans();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                        .until(() -> h.alma().stats().scans() >= scansAtJoin + 30);

                // the owner is killed mid-batch: another instance takes the scan-ins over
                instances.remove(owner).kill();
                long scansAtKill = h.alma().stats().scans();
                assertThat(scansAtKill).as("killed before all were scanned").isLessThan(known.size());
                Path report = reports.resolve(RunIds.runDate(run.runId(), java.time.ZoneId.of("UTC")).toString())
                        .resolve(run.runId()).resolve("scan-in.csv");
                await().atMost(Duration.ofSeconds(180)).until(() -> Files.exists(report));

                List<String> successors = instances.keySet().stream().filter(id -> read(logs.get(id)).contains(TOOK_OVER)).toList();
                assertThat(successors).as("one instance took the scan-ins over").hasSize(1);

                AlmaStats stats = h.alma().stats();
                LOG.info("Alma calls: {} accepted, {} refused PER_SECOND_THRESHOLD, at most {} sent in any second (limit {}); owner {}, then {}",
                        stats.acceptedCalls(), stats.perSecondRejections(), stats.maxArrivalsInAnyWindow(), limit, owner, successors);
                assertThat(stats.scansByBarcode()).as("each known barcode scanned once, none twice")
                        .containsOnlyKeys(known).allSatisfy((barcode, scans) -> assertThat(scans).isEqualTo(1));
                // measured at the simulator, by arrival: two instances calling at once send about twice the
                // limit in a second (40 of 20 when this test runs with Kafka's range assignor) and have a
                // third of their calls refused; one at a time, only this host's scheduling jitter bunches
                // a call now and then (21 of 20 measured)
                assertThat(stats.maxArrivalsInAnyWindow()).as("calls sent in any one second, all instances together")
                        .isLessThanOrEqualTo(limit + limit / 10);
                assertThat(stats.perSecondRejections()).as("calls refused for the per-second limit")
                        .isLessThanOrEqualTo(Math.max(3, stats.acceptedCalls() * 3 / 100));
                List<List<String>> rows = PullListOracle.read(report);
                assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(4)).filteredOn("SCANNED"::equals).hasSize(known.size());
            } finally {
                for (ChildPipeline instance : instances.values()) {
                    instance.close();
                }
            }
        }
    }

    private static ChildPipeline start(Map<String, String> shared, String id, Path log) {
        Map<String, String> settings = new TreeMap<>(shared);
        settings.put("holdshelf.instance-id", id);
        return ChildPipeline.start(settings, log);
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
