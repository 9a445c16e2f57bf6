package org.holdshelf.scanin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.holdshelf.platform.files.Manifest;
import org.holdshelf.platform.files.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's {@code scan-in.csv}: one row per scan-in outcome, built from durable parts so that it
 * is right after a crash and with several instances.
 *
 * <p>When a location of the run is complete, its outcomes become that location's part of the
 * report ({@link RunDirectory#writePart}). When the parts of all the run's locations are there,
 * they are joined, in location order, into {@code <run dir>/scan-in.csv}, written aside and
 * renamed. Nothing is kept in memory between calls: a redelivered end-of-location rewrites the
 * same part and the same report, and the instance that writes the last part writes the report,
 * whichever it is. Rows are RFC 4180 CSV, so Alma's messages cannot smuggle a formula into a
 * spreadsheet.
 */
public final class ScanInReport {

    private static final Logger LOG = LoggerFactory.getLogger(ScanInReport.class);

    public static final String FILE_NAME = "scan-in.csv";
    static final String REPORT = "scan-in";
    public static final List<String> HEADER = List.of("run_id", "location_code", "hold_id", "item_barcode", "outcome",
            "alma_error_code", "message", "attempt", "dry_run", "at");

    private static final Comparator<ScanOutcome> ROW_ORDER = Comparator
            .comparing(ScanOutcome::itemBarcode, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ScanOutcome::holdId, Comparator.nullsLast(Comparator.naturalOrder()));

    private final RunDirectory runs;

    public ScanInReport(RunDirectory runs) {
        this.runs = runs;
    }

    /**
     * Records the scan-in outcomes of one location of a run, and writes the run's report once every
     * location has its part. Idempotent.
     *
     * @param outcomesOfLocation every outcome of this location in this run (any order)
     * @param locationsInRun     how many locations the run has (from the end-of-location marker)
     */
    public void completeLocation(String runId, String locationCode, List<ScanOutcome> outcomesOfLocation, int locationsInRun) {
        if (locationCode == null || locationCode.isEmpty()) {
            throw new IllegalArgumentException("A scan-in report part needs a location code (run " + runId + ")");
        }
        if (locationsInRun < 1) {
            throw new IllegalArgumentException("A run has at least one location, got " + locationsInRun + " (run " + runId + ")");
        }
        List<ScanOutcome> sorted = new ArrayList<>(outcomesOfLocation);
        sorted.sort(ROW_ORDER);
        List<List<String>> rows = new ArrayList<>(sorted.size());
        for (ScanOutcome o : sorted) {
            rows.add(List.of(runId, locationCode, text(o.holdId()), text(o.itemBarcode()),
                    o.outcome() == null ? "" : o.outcome().name(), text(o.almaErrorCode()), text(o.message()),
                    Integer.toString(o.attempt()), Boolean.toString(o.dryRun()), text(o.at())));
        }
        runs.writePart(runId, REPORT, locationCode, rows);
        LOG.debug("Scan-in report part {} of run {}: {} rows", locationCode, runId, rows.size());
        completeRun(runId, locationsInRun);
    }

    /**
     * Writes the run's report once every one of its {@code locationsInRun} locations has its part
     * (at once for a run with no location). Idempotent.
     */
    public void completeRun(String runId, int locationsInRun) {
        int parts = runs.partCount(runId, REPORT);
        if (parts < locationsInRun) {
            return;
        }
        if (parts > locationsInRun) {
            LOG.warn("Run {} has scan-in report parts for {} locations, but its end markers announce {}; the report has them all",
                    runId, parts, locationsInRun);
        }
        long rows = runs.joinParts(runId, REPORT, FILE_NAME, HEADER);
        runs.addManifestEntry(runId, new Manifest.FileEntry(FILE_NAME, null, null, "scan-in", rows));
        LOG.info("Scan-in report of run {} complete: {} locations in {}", runId, parts, runs.of(runId).resolve(FILE_NAME));
    }

    /** True once the run's {@code scan-in.csv} is in place. */
    public boolean complete(String runId) {
        return runs.exists(runId, FILE_NAME);
    }

    /** The reports directory the report is written to. */
    public RunDirectory runs() {
        return runs;
    }

    /** The run's folder, where the report goes. */
    public Path runDir(String runId) {
        return runs.of(runId);
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
