package org.holdshelf.pulllists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.pulllists.PullListsCapability;
import org.holdshelf.sandbox.sierra.FaultPlan;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.PipelineHarness;
import org.holdshelf.testing.PullListOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Pull lists written by the real pipeline (broker, routes, Sierra simulator), read back with an independent CSV parser. */
class PullListsIT {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @TempDir
    Path reports;

    private static PipelineHarness harness(String name, int holds, Path reports) {
        return PipelineHarness.create(name, SierraSandboxSettings.builder().holds(holds).seed(2024).build(), reports)
                .set("holdshelf.timezone", NEW_YORK.getId())
                .set("holdshelf.sierra.page-size", "2000");
    }

    private Path awaitRun(Holdshelf app, RunEvent run) throws InterruptedException {
        assertThat(app.capability(PullListsCapability.class).orElseThrow().awaitManifest(run.runId(), Duration.ofSeconds(60))).as("run complete").isPresent();
        return app.wiring().runDirectory().of(run.runId());
    }

    /** Every file of the run equals the seed-style oracle, row for row and cell for cell. */
    private static void assertFilesMatchOracle(Path runDir, PipelineHarness h) throws Exception {
        Map<String, List<List<String>>> expected = PullListOracle.expectedFiles(h.data(), NEW_YORK);
        long csvFiles;
        try (Stream<Path> files = Files.list(runDir)) {
            csvFiles = files.filter(p -> p.getFileName().toString().endsWith(".csv")).count();
        }
        // every location that has holds gets both files, header-only when it has none of a kind
        assertThat(csvFiles).isEqualTo(2L * h.data().locations().stream()
                .filter(l -> expected.containsKey(l.code() + ".csv") || expected.containsKey(l.code() + "-incoming.csv")).count());
        for (var entry : expected.entrySet()) {
            List<List<String>> rows = PullListOracle.read(runDir.resolve(entry.getKey()));
            assertThat(rows.get(0)).containsExactly("hold_id", "pickupLocation", "patron_record_num",
                    "pickupByDate (America/New_York)", "item_record_num", "location_code", "record_type", "item_barcode",
                    "title", "status_code", "placed");
            assertThat(rows.subList(1, rows.size())).as(entry.getKey()).containsExactlyElementsOf(entry.getValue());
        }
    }

    @Test
    void shouldWritePerBranchFilesThatMatchTheSeedReportRowForRowWithTheAddedColumns() throws Exception {
        try (PipelineHarness h = harness("oracle", 24_000, reports)) {
            Holdshelf app = h.start();
            RunEvent run = app.harvestNow("test");
            Path runDir = awaitRun(app, run);

            assertFilesMatchOracle(runDir, h);
            assertThat(runDir.getParent().getFileName().toString()).as("run date in the library's zone").isEqualTo(
                    org.holdshelf.events.RunIds.runDate(run.runId(), NEW_YORK).toString());
            assertThat(app.wiring().runDirectory().latest()).hasValue(reports.relativize(runDir).toString());
            Manifest manifest = app.wiring().runDirectory().manifest(run.runId()).orElseThrow();
            assertThat(manifest.readyHolds() + manifest.inTransitHolds()).isEqualTo(run.events());
            assertThat(manifest.files()).allSatisfy(f ->
                    assertThat(PullListOracle.read(runDir.resolve(f.file()))).hasSize((int) f.rows() + 1));
        }
    }

    @Test
    void shouldKeepNastyValuesIntactAndNeutraliseFormulaCells() throws Exception {
        try (PipelineHarness h = harness("nasty", 24_000, reports)) {
            Holdshelf app = h.start();
            Path runDir = awaitRun(app, app.harvestNow("test"));

            List<String> titles;
            List<String> names;
            try (Stream<Path> files = Files.list(runDir)) {
                List<List<String>> rows = files.filter(p -> p.toString().endsWith(".csv"))
                        .flatMap(p -> PullListOracle.read(p).stream().skip(1)).toList();
                titles = rows.stream().map(r -> r.get(8)).toList();
                names = rows.stream().map(r -> r.get(1)).toList();
            }
            assertThat(titles).anyMatch(t -> t.contains(",")).anyMatch(t -> t.contains("\""))
                    .anyMatch(t -> t.contains("\n")).anyMatch(t -> t.codePoints().anyMatch(c -> c > 0x2E80));
            for (String formula : List.of("=", "+", "-", "@", "\t")) {
                assertThat(titles).as("titles starting with %s are neutralised", formula)
                        .anyMatch(t -> t.startsWith("'" + formula))
                        .noneMatch(t -> t.startsWith(formula));
            }
            assertThat(names).contains("The \"Annex\"", "Main Library, 2nd Floor", "中文图书馆", "Biblioteca Niño");
        }
    }

    @Test
    void shouldLeaveNoCompletedFilesForAFailedHarvestAndKeepLatest() throws Exception {
        // small batches, so the failing run has published events before it fails
        try (PipelineHarness h = harness("failed", 8_000, reports).set("holdshelf.harvest.batch-events", "300")) {
            Holdshelf app = h.start();
            RunEvent good = app.harvestNow("first");
            Path goodDir = awaitRun(app, good);
            String latest = app.wiring().runDirectory().latest().orElseThrow();

            h.sierra().setFaultPlan(FaultPlan.parse("malformed@3"));
            RunEvent failed = app.harvestNow("second");

            assertThat(failed.type()).isEqualTo(EventTypes.RUN_FAILED);
            // wait until the pull-list consumer has processed everything the failed run published
            assertThat(h.records("entries", EventTypes.HOLD)).hasSizeGreaterThan(good.events().intValue());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> org.holdshelf.testing.SharedKafka
                    .consumedToEnd(h.settings().get("holdshelf.reports.group-id"), h.topic("entries")));
            assertThat(app.wiring().runDirectory().of(failed.runId())).doesNotExist();
            assertThat(app.wiring().runDirectory().latest()).hasValue(latest);
            assertThat(goodDir.resolve("manifest.json")).exists();
        }
    }

    @Test
    void shouldSplitLocationsBetweenTwoInstancesAndWriteTheSameFilesAsOne() throws Exception {
        try (PipelineHarness h = harness("pair", 24_000, reports)) {
            Holdshelf first = h.start();
            HoldshelfConfig sameGroup = HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of())
                    .with(h.settings());
            try (Holdshelf second = Holdshelf.start(sameGroup)) {
                String group = h.settings().get("holdshelf.reports.group-id");
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    try (var admin = org.holdshelf.testing.SharedKafka.admin()) {
                        var members = admin.describeConsumerGroups(List.of(group)).all().get().get(group).members();
                        return members.size() == 2 && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
                    }
                });
                RunEvent run = first.harvestNow("test");
                Path runDir = awaitRun(first, run);

                assertFilesMatchOracle(runDir, h);
                assertThat(first.capability(PullListsCapability.class).orElseThrow().service().locationsWritten()).isPositive();
                assertThat(second.capability(PullListsCapability.class).orElseThrow().service().locationsWritten()).isPositive();
                assertThat(first.capability(PullListsCapability.class).orElseThrow().service().locationsWritten() + second.capability(PullListsCapability.class).orElseThrow().service().locationsWritten())
                        .isEqualTo(run.locations().size());
            }
        }
    }
}
