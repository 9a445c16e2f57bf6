package org.holdshelf.alma;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.holdshelf.events.RunIds;
import org.holdshelf.reports.AtomicFiles;
import org.holdshelf.reports.CsvWriter;
import org.holdshelf.reports.FileNames;
import org.holdshelf.reports.Manifest;
import org.holdshelf.reports.RunManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's {@code scan-in.csv}: one row per scan-in outcome, built from durable parts so that it
 * is right after a crash and with several instances.
 *
 * <p>When a location of the run is complete, its outcomes go to
 * {@code <run dir>/.scan-in/<location>.csv} (written aside, then renamed). When the parts of all
 * the run's locations are there, they are joined, in location order, into
 * {@code <run dir>/scan-in.csv}, again written aside and renamed. Nothing is kept in memory between
 * calls: a redelivered end-of-location rewrites the same part and the same report, and the
 * instance that writes the last part writes the report, whichever it is.
 *
 * <p>Rows are RFC 4180 CSV through {@link CsvWriter}, so Alma's messages cannot smuggle a formula
 * into a spreadsheet.
 */
public final class ScanInReport {

    private static final Logger LOG = LoggerFactory.getLogger(ScanInReport.class);

    public static final String FILE_NAME = "scan-in.csv";
    public static final List<String> HEADER = List.of("run_id", "location_code", "hold_id", "item_barcode", "outcome",
            "alma_error_code", "message", "attempt", "dry_run", "at");
    static final String PARTS_DIR = ".scan-in";

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final String PART_SUFFIX = ".csv";
    private static final Comparator<ScanOutcome> ROW_ORDER = Comparator
            .comparing(ScanOutcome::itemBarcode, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ScanOutcome::holdId, Comparator.nullsLast(Comparator.naturalOrder()));

    private final Path reportsDir;
    private final ZoneId zone;
    private final boolean byteOrderMark;

    /**
     * @param reportsDir    {@code holdshelf.reports.dir}
     * @param zone          the library's time zone, which names the run's date folder
     * @param byteOrderMark start {@code scan-in.csv} with a UTF-8 byte order mark, as the pull lists
     *                      do ({@code holdshelf.reports.csv-byte-order-mark})
     */
    public ScanInReport(Path reportsDir, ZoneId zone, boolean byteOrderMark) {
        this.reportsDir = reportsDir;
        this.zone = zone;
        this.byteOrderMark = byteOrderMark;
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
        Path runDir = runDir(runId);
        Path partsDir = runDir.resolve(PARTS_DIR);
        try {
            Files.createDirectories(partsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + partsDir, e);
        }
        List<ScanOutcome> rows = new ArrayList<>(outcomesOfLocation);
        rows.sort(ROW_ORDER);
        AtomicFiles.write(partsDir.resolve(partFileName(locationCode)), out -> writeRows(out, runId, locationCode, rows));
        LOG.debug("Scan-in report part {} of run {}: {} rows", locationCode, runId, rows.size());

        List<Path> parts = parts(partsDir);
        if (parts.size() < locationsInRun) {
            return;
        }
        if (parts.size() > locationsInRun) {
            LOG.warn("Run {} has scan-in report parts for {} locations, but its end markers announce {}; the report has them all",
                    runId, parts.size(), locationsInRun);
        }
        Path report = runDir.resolve(FILE_NAME);
        AtomicFiles.write(report, out -> joinParts(out, parts));
        RunManifest.addEntry(runDir, new Manifest.FileEntry(FILE_NAME, null, null, "scan-in", rowCount(parts)));
        LOG.info("Scan-in report of run {} complete: {} locations in {}", runId, parts.size(), report);
    }

    /** Rows in the parts (each part is a header and its rows). */
    private static long rowCount(List<Path> parts) {
        long rows = 0;
        for (Path part : parts) {
            try {
                rows += CsvWriter.countRecords(Files.readAllBytes(part)) - 1;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + part, e);
            }
        }
        return rows;
    }

    /** True once the run's {@code scan-in.csv} is in place. */
    public boolean complete(String runId) {
        return Files.exists(runDir(runId).resolve(FILE_NAME));
    }

    /** {@code <reports dir>/<run date>/<run id>}, the layout of the pull lists. */
    public Path runDir(String runId) {
        return reportsDir.resolve(RunIds.runDate(runId, zone).toString()).resolve(runId);
    }

    private static void writeRows(OutputStream out, String runId, String locationCode, List<ScanOutcome> rows) throws IOException {
        BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        CsvWriter csv = new CsvWriter(writer);
        csv.writeRow(HEADER);
        for (ScanOutcome o : rows) {
            csv.writeRow(List.of(runId, locationCode, text(o.holdId()), text(o.itemBarcode()),
                    o.outcome() == null ? "" : o.outcome().name(), text(o.almaErrorCode()), text(o.message()),
                    Integer.toString(o.attempt()), Boolean.toString(o.dryRun()), text(o.at())));
        }
        writer.flush();
    }

    /** The header once, then each part's rows as written (already CSV: nothing is parsed or escaped twice). */
    private void joinParts(OutputStream out, List<Path> parts) throws IOException {
        if (byteOrderMark) {
            out.write(UTF8_BOM); // so spreadsheet programs read non-Latin text as UTF-8
        }
        StringWriter header = new StringWriter();
        new CsvWriter(header).writeRow(HEADER);
        out.write(header.toString().getBytes(StandardCharsets.UTF_8));
        for (Path part : parts) {
            byte[] content = Files.readAllBytes(part);
            int rowsStart = indexAfterFirstLine(content);
            out.write(content, rowsStart, content.length - rowsStart);
        }
    }

    private static int indexAfterFirstLine(byte[] content) {
        for (int i = 0; i + 1 < content.length; i++) {
            if (content[i] == '\r' && content[i + 1] == '\n') {
                return i + 2;
            }
        }
        return content.length;
    }

    /** The parts written so far, in location-code order. */
    private static List<Path> parts(Path partsDir) {
        List<Path> parts = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(partsDir, "*" + PART_SUFFIX)) {
            for (Path p : entries) {
                if (!p.getFileName().toString().startsWith(".")) {
                    parts.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + partsDir, e);
        }
        parts.sort(Comparator.comparing(p -> locationOf(p.getFileName().toString())));
        return parts;
    }

    /**
     * A location code as a file name: letters, digits and {@code _} stay, every other byte is
     * {@code %XX}, so no code can climb out of the directory or collide with another.
     */
    static String partFileName(String locationCode) {
        return FileNames.safe(locationCode) + PART_SUFFIX;
    }

    static String locationOf(String partFileName) {
        return FileNames.original(partFileName.substring(0, partFileName.length() - PART_SUFFIX.length()));
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
