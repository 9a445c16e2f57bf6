package org.holdshelf.scanin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import org.holdshelf.events.EventTypes;
import org.holdshelf.platform.files.RunDirectory;
import org.holdshelf.scanin.ScanOutcome.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The run's scan-in.csv from per-location parts, read back with an independent CSV parser. */
class ScanInReportTest {

    /** 03:00 UTC on 23 November is still 22 November in New York: the run's folder is 2026-11-22. */
    private static final String RUN = "20261123T030000Z-abcd";
    private static final ZoneId ZONE = ZoneId.of("America/New_York");

    @TempDir
    Path reports;

    private static ScanOutcome outcome(String location, String holdId, String barcode, Outcome outcome, String code, String message) {
        return new ScanOutcome(EventTypes.SCAN_IN, EventTypes.SCHEMA_VERSION, RUN, holdId, barcode, location, outcome, code,
                message, outcome == Outcome.SKIPPED ? 0 : 1, false, "2026-11-23T03:05:00Z");
    }

    private static List<List<String>> read(Path csv) throws IOException {
        CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<List<String>> rows = new ArrayList<>();
        try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class).readValues(csv.toFile())) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void shouldWriteEachLocationsPartAndTheReportOnceEveryLocationIsIn() throws Exception {
        ScanInReport report = new ScanInReport(new RunDirectory(reports, ZONE, false));
        Path runDir = reports.resolve("2026-11-22").resolve(RUN);
        assertThat(report.runDir(RUN)).isEqualTo(runDir);

        report.completeLocation(RUN, "mo", List.of(
                outcome("mo", "h3", "31234000000003", Outcome.NOT_FOUND, "401689", "No items found for barcode 31234000000003."),
                outcome("mo", "h9", null, Outcome.SKIPPED, null, "no item barcode (bib-level hold)"),
                outcome("mo", "h1", "31234000000001", Outcome.SCANNED, null,
                        "Item's destination is: On Hold Shelf. Request/Process Type: Patron physical item request. "
                                + "Requester: Okafor, Ada. Requester ID: 2000000001. Place in Queue: 1")), 2);

        assertThat(runDir.resolve("scan-in.csv")).doesNotExist();
        assertThat(read(runDir.resolve(".parts").resolve("scan%2Din").resolve("mo.csv"))).extracting(r -> r.get(2))
                .as("the location's part, sorted by barcode (none last)").containsExactly("h1", "h3", "h9");

        report.completeLocation(RUN, "ha", List.of(
                outcome("ha", "h5", "31234000000005", Outcome.ALMA_ERROR, "40166411",
                        "=HYPERLINK(\"http://evil\",\"click\"), then a second line\nhere")), 2);

        List<List<String>> rows = read(runDir.resolve("scan-in.csv"));
        assertThat(rows.get(0)).containsExactly("run_id", "location_code", "hold_id", "item_barcode", "outcome",
                "alma_error_code", "message", "attempt", "dry_run", "at");
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(1) + "/" + r.get(2))
                .containsExactly("ha/h5", "mo/h1", "mo/h3", "mo/h9");
        assertThat(rows.get(1)).containsExactly(RUN, "ha", "h5", "31234000000005", "ALMA_ERROR", "40166411",
                "'=HYPERLINK(\"http://evil\",\"click\"), then a second line\nhere", "1", "false", "2026-11-23T03:05:00Z");
        assertThat(rows.get(3)).containsExactly(RUN, "mo", "h3", "31234000000003", "NOT_FOUND", "401689",
                "No items found for barcode 31234000000003.", "1", "false", "2026-11-23T03:05:00Z");
        assertThat(rows.get(4).get(3)).isEmpty();
        try (var files = Files.list(runDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .as("the report is the only visible file").containsExactly("scan-in.csv");
        }
        assertThat(runDir.resolve(".manifest-entries").resolve(org.holdshelf.platform.files.FileNames.safe("scan-in.csv") + ".json")).as("its manifest entry waits for the pull lists")
                .exists();
    }

    @Test
    void shouldRewriteTheSameFilesWhenALocationIsCompletedAgain() throws Exception {
        ScanInReport report = new ScanInReport(new RunDirectory(reports, ZONE, true));
        List<ScanOutcome> mo = List.of(outcome("mo", "h1", "31234000000001", Outcome.SCANNED, null, "Item's destination is: X"));
        List<ScanOutcome> ha = List.of(outcome("ha", "h2", "31234000000002", Outcome.PAUSED, "DAILY_THRESHOLD", "paused"));
        report.completeLocation(RUN, "mo", mo, 2);
        report.completeLocation(RUN, "ha", ha, 2);
        Path file = report.runDir(RUN).resolve("scan-in.csv");
        byte[] first = Files.readAllBytes(file);

        report.completeLocation(RUN, "mo", mo, 2);

        assertThat(Files.readAllBytes(file)).isEqualTo(first);
        assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("\uFEFFrun_id,location_code,");
        assertThat(new String(first, StandardCharsets.UTF_8)).endsWith("\r\n").contains(",PAUSED,DAILY_THRESHOLD,paused,");
    }

    @Test
    void shouldKeepAnyLocationCodeInsideTheRunDirectory() throws Exception {
        ScanInReport report = new ScanInReport(new RunDirectory(reports, ZONE, false));

        report.completeLocation(RUN, "../x", List.of(outcome("../x", "h1", "31234000000001", Outcome.SCANNED, null, "ok")), 2);
        report.completeLocation(RUN, "b-2", List.of(outcome("b-2", "h2", "31234000000002", Outcome.SCANNED, null, "ok")), 2);

        assertThat(report.runDir(RUN).resolve(".parts").resolve("scan%2Din").resolve("%2E%2E%2Fx.csv")).exists();
        assertThat(read(report.runDir(RUN).resolve("scan-in.csv"))).extracting(r -> r.get(1))
                .containsExactly("location_code", "../x", "b-2");
    }
}
