package org.holdshelf.harvest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.NotifyBuilder;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEnd;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.pulllists.PullListsCapability;
import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.scanin.ScanInCapability;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;
import org.holdshelf.testing.PullListOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A run always ends on the runs topic, and downstream always learns that it ended, even with nothing on the shelf. */
class RunLifecycleIT {

    @TempDir
    Path reports;

    private static List<RunEvent> runs(PipelineHarness h, String type) {
        return h.records("runs", type).stream().map(r -> Json.read(r.value(), RunEvent.class)).toList();
    }

    /**
     * A pipeline JVM is SIGKILLed in the middle of a scheduled harvest, so its run stays
     * RUN_STARTED. A pipeline started afterwards records it RUN_FAILED (abandoned), naming the
     * instance that ran it, once the run has been silent for holdshelf.harvest.abandon-after.
     */
    @Test
    void shouldRecordAHarvestWhoseInstanceWasKilledAsAbandoned() throws Exception {
        // 40 pages of 250 ms: a run of 10 s, killed once its progress shows two pages
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(20_000).pageLatencyMs(250).build();
        try (PipelineHarness h = PipelineHarness.create("abandoned", sierra, reports)
                .set("holdshelf.sierra.page-size", "500").set("holdshelf.reports.enabled", "false")
                .set("holdshelf.harvest.progress-interval", "200ms").set("holdshelf.harvest.abandon-after", "2s")) {
            Map<String, String> child = new TreeMap<>(h.settings());
            child.put("holdshelf.harvest.scheduled", "true");
            child.put("holdshelf.harvest.cron", "* * * * * ?");
            child.put("holdshelf.instance-id", "doomed-instance");
            Path log = Path.of("target", "abandoned-child-" + h.topic("runs") + ".log");
            String killedRun;
            try (ChildPipeline doomed = ChildPipeline.start(child, log)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> runs(h, EventTypes.RUN_PROGRESS).stream().anyMatch(p -> p.pages() >= 2));
                doomed.kill();
                killedRun = runs(h, EventTypes.RUN_STARTED).get(0).runId();
            }
            assertThat(runs(h, EventTypes.RUN_FAILED)).as("nobody ended the killed run").isEmpty();

            h.start(); // an instance that is not scheduled: it only watches the runs
            await().atMost(Duration.ofSeconds(30)).until(() -> !runs(h, EventTypes.RUN_FAILED).isEmpty());

            List<RunEvent> failed = runs(h, EventTypes.RUN_FAILED);
            assertThat(failed).hasSize(1);
            RunEvent abandoned = failed.get(0);
            assertThat(abandoned.runId()).isEqualTo(killedRun);
            assertThat(abandoned.instance()).isEqualTo("doomed-instance");
            assertThat(abandoned.reason()).startsWith("abandoned: instance doomed-instance stopped without ending the run; last seen ");
            assertThat(abandoned.pages()).as("how far it got, from its last progress record").isGreaterThanOrEqualTo(2);
            assertThat(h.records("entries", EventTypes.LOCATION_END)).as("no report of it is ever complete").isEmpty();
            List<DeadLetter> letters = h.records("dlq", EventTypes.DEAD_LETTER).stream()
                    .map(r -> Json.read(r.value(), DeadLetter.class)).toList();
            assertThat(letters).extracting(DeadLetter::runId).containsExactly(killedRun);
            assertThat(letters.get(0).error()).isEqualTo("ABANDONED");
            assertThat(h.holdshelf().wiring().meters().get("holdshelf.harvest.runs").tag("outcome", "abandoned").counter().count())
                    .isEqualTo(1.0);

            // the watch goes on, and records it only once
            NotifyBuilder moreChecks = new NotifyBuilder(h.holdshelf().camel()).fromRoute("run-watch").whenCompleted(5).create();
            assertThat(moreChecks.matches(10, TimeUnit.SECONDS)).isTrue();
            assertThat(runs(h, EventTypes.RUN_FAILED)).hasSize(1);
        }
    }

    /**
     * A run that finds nothing on the shelf and nothing in transit sends RUN_END only: the pull
     * lists complete it with an empty manifest and move {@code latest} to it, and the scan-in
     * report is there (empty), so downstream can tell "nothing on the shelf" from "no run".
     */
    @Test
    void shouldCompleteARunWithNothingOnTheShelfDownstream() throws Exception {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(3_000)
                .profile(new HoldsDataSet.Profile(0, 0, LocalDate.of(2026, 11, 23))).build();
        try (PipelineHarness h = PipelineHarness.create("empty", sierra, reports)
                .withAlma(AlmaSandboxSettings.builder().callsPerSecond(100).build(), 0)) {
            Holdshelf app = h.start();
            RunEvent earlier = app.harvestNow("first");
            RunEvent empty = app.harvestNow("second");

            assertThat(empty.type()).isEqualTo(EventTypes.RUN_COMPLETED);
            assertThat(empty.events()).isZero();
            assertThat(h.records("entries", EventTypes.RUN_END)).extracting(r -> Json.read(r.value(), RunEnd.class))
                    .extracting(RunEnd::runId, RunEnd::locationsInRun)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(earlier.runId(), 0),
                            org.assertj.core.groups.Tuple.tuple(empty.runId(), 0));

            Optional<Manifest> manifest = app.capability(PullListsCapability.class).orElseThrow()
                    .awaitManifest(empty.runId(), Duration.ofSeconds(30));
            assertThat(manifest).isPresent();
            assertThat(manifest.get().locations()).isZero();
            assertThat(manifest.get().readyHolds()).isZero();
            assertThat(app.wiring().runDirectory().latest()).hasValue(
                    reports.relativize(app.wiring().runDirectory().of(empty.runId())).toString());
            ScanInCapability scanIn = app.capability(ScanInCapability.class).orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> scanIn.outcomeCounts(empty.runId()).isPresent());
            Path report = app.wiring().runDirectory().of(empty.runId()).resolve("scan-in.csv");
            assertThat(PullListOracle.read(report)).as("the header only").hasSize(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.wiring().runDirectory().manifest(empty.runId())
                    .map(m -> m.files().stream().anyMatch(f -> f.file().equals("scan-in.csv"))).orElse(false));
            assertThat(Files.list(app.wiring().runDirectory().of(empty.runId()))
                    .map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .containsExactlyInAnyOrder("manifest.json", "scan-in.csv");
        }
    }
}
