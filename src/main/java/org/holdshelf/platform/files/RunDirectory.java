package org.holdshelf.platform.files;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.holdshelf.events.Json;
import org.holdshelf.events.RunIds;

/**
 * The reports directory and the layout of each run's folder, shared by every report of a run:
 * <pre>
 * &lt;reports dir&gt;/latest                       the last complete run ("2026-11-23/20261123T081500Z-3fa9")
 * &lt;reports dir&gt;/&lt;run date&gt;/&lt;run id&gt;/         the run's files (run date in the library's zone)
 *     manifest.json                        every file with its row count, written when the run is complete
 *     .manifest-entries/                   entries of reports that finish after or before the manifest
 *     .parts/&lt;report&gt;/&lt;part&gt;.csv          parts of a report assembled from pieces (one per location)
 * </pre>
 * Everything is written aside and renamed into place ({@link AtomicFiles}), and nothing depends
 * on state kept in memory, so several writers (a redelivered record, another instance) produce
 * the same files. CSV goes through {@link CsvWriter} (RFC 4180, spreadsheet-injection safe), with
 * a UTF-8 byte order mark when configured so spreadsheet programs read non-Latin text correctly.
 */
public final class RunDirectory {

    public static final String MANIFEST = "manifest.json";
    private static final String LATEST = "latest";
    private static final String EXTRA_ENTRIES_DIR = ".manifest-entries";
    private static final String PARTS_DIR = ".parts";
    private static final String PART_SUFFIX = ".csv";
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Path reportsDir;
    private final ZoneId zone;
    private final boolean byteOrderMark;

    /**
     * @param reportsDir    {@code holdshelf.reports.dir}
     * @param zone          the library's time zone, which names a run's date folder
     * @param byteOrderMark start every CSV file with a UTF-8 byte order mark ({@code holdshelf.reports.csv-byte-order-mark})
     */
    public RunDirectory(Path reportsDir, ZoneId zone, boolean byteOrderMark) {
        this.reportsDir = reportsDir;
        this.zone = zone;
        this.byteOrderMark = byteOrderMark;
    }

    public Path reportsDir() {
        return reportsDir;
    }

    public ZoneId zone() {
        return zone;
    }

    /** {@code <reports dir>/<run date>/<run id>} (not created). */
    public Path of(String runId) {
        return reportsDir.resolve(RunIds.runDate(runId, zone).toString()).resolve(runId);
    }

    /** The run's folder, created if missing. */
    public Path create(String runId) {
        Path dir = of(runId);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the run directory " + dir, e);
        }
        return dir;
    }

    /** Writes a CSV file atomically: the header, then the rows. */
    public void writeCsv(Path target, List<String> header, Iterator<? extends List<String>> rows) {
        AtomicFiles.write(target, out -> {
            if (byteOrderMark) {
                out.write(UTF8_BOM);
            }
            writeRows(out, header, rows);
        });
    }

    private static void writeRows(OutputStream out, List<String> header, Iterator<? extends List<String>> rows)
            throws IOException {
        BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        CsvWriter csv = new CsvWriter(writer);
        if (header != null) {
            csv.writeRow(header);
        }
        while (rows.hasNext()) {
            csv.writeRow(rows.next());
        }
        writer.flush();
    }

    // ---- reports assembled from parts ------------------------------------------------------------

    /**
     * Writes one part of a run's report (e.g. one location's rows), atomically. Rewriting a part
     * with the same rows changes nothing, so a redelivered record may write it again.
     */
    public void writePart(String runId, String report, String partKey, List<? extends List<String>> rows) {
        Path dir = create(runId).resolve(PARTS_DIR).resolve(FileNames.safe(report));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        AtomicFiles.write(dir.resolve(FileNames.safe(partKey) + PART_SUFFIX), out -> writeRows(out, null, rows.iterator()));
    }

    /** How many parts of the report are written. */
    public int partCount(String runId, String report) {
        return parts(runId, report).size();
    }

    /**
     * Joins the report's parts, in part-key order, into {@code fileName} in the run's folder (written
     * aside and renamed), and returns its row count. Parts are already CSV: nothing is parsed or
     * escaped twice.
     */
    public long joinParts(String runId, String report, String fileName, List<String> header) {
        List<Path> parts = parts(runId, report);
        long rows = 0;
        for (Path part : parts) {
            try {
                rows += CsvWriter.countRecords(Files.readAllBytes(part));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + part, e);
            }
        }
        AtomicFiles.write(of(runId).resolve(fileName), out -> {
            if (byteOrderMark) {
                out.write(UTF8_BOM);
            }
            StringWriter head = new StringWriter();
            new CsvWriter(head).writeRow(header);
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            for (Path part : parts) {
                out.write(Files.readAllBytes(part));
            }
        });
        return rows;
    }

    private List<Path> parts(String runId, String report) {
        Path dir = of(runId).resolve(PARTS_DIR).resolve(FileNames.safe(report));
        List<Path> parts = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return parts;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + PART_SUFFIX)) {
            for (Path p : entries) {
                if (!p.getFileName().toString().startsWith(".")) {
                    parts.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
        parts.sort(Comparator.comparing(p -> partKey(p.getFileName().toString())));
        return parts;
    }

    private static String partKey(String fileName) {
        return FileNames.original(fileName.substring(0, fileName.length() - PART_SUFFIX.length()));
    }

    /** True once the run's folder holds {@code fileName}. */
    public boolean exists(String runId, String fileName) {
        return Files.exists(of(runId).resolve(fileName));
    }

    // ---- manifest and latest --------------------------------------------------------------------

    /** The run's manifest, once it is complete. */
    public Optional<Manifest> manifest(String runId) {
        Path file = of(runId).resolve(MANIFEST);
        try {
            return Files.exists(file) ? Optional.of(Json.read(Files.readAllBytes(file), Manifest.class)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /**
     * Writes the manifest built by {@code build}, with the entries other reports already recorded,
     * unless it exists. Empty when another writer was first.
     */
    public Optional<Manifest> createManifest(String runId, Supplier<Manifest> build) {
        Path runDir = create(runId);
        return locked(runDir, () -> {
            Path file = runDir.resolve(MANIFEST);
            if (Files.exists(file)) {
                return Optional.empty();
            }
            Manifest manifest = build.get();
            List<Manifest.FileEntry> files = new ArrayList<>(manifest.files());
            files.addAll(extraEntries(runDir));
            Manifest complete = manifest.withFiles(files);
            writeManifest(file, complete);
            return Optional.of(complete);
        });
    }

    /** Records a report's manifest entry and, if the manifest already exists, adds it there. */
    public void addManifestEntry(String runId, Manifest.FileEntry entry) {
        Path runDir = create(runId);
        locked(runDir, () -> {
            Path entries = runDir.resolve(EXTRA_ENTRIES_DIR);
            Files.createDirectories(entries);
            AtomicFiles.write(entries.resolve(FileNames.safe(entry.file()) + ".json"), out -> out.write(Json.toBytes(entry)));
            Path file = runDir.resolve(MANIFEST);
            if (Files.exists(file)) {
                Manifest m = Json.read(Files.readAllBytes(file), Manifest.class);
                List<Manifest.FileEntry> files = new ArrayList<>(m.files());
                files.removeIf(f -> f.file().equals(entry.file()));
                files.add(entry);
                writeManifest(file, m.withFiles(files));
            }
            return null;
        });
    }

    private static List<Manifest.FileEntry> extraEntries(Path runDir) throws IOException {
        List<Manifest.FileEntry> extra = new ArrayList<>();
        Path dir = runDir.resolve(EXTRA_ENTRIES_DIR);
        if (Files.isDirectory(dir)) {
            try (var files = Files.newDirectoryStream(dir, "*.json")) {
                for (Path p : files) {
                    extra.add(Json.read(Files.readAllBytes(p), Manifest.FileEntry.class));
                }
            }
        }
        extra.sort(Comparator.comparing(Manifest.FileEntry::file));
        return extra;
    }

    private static void writeManifest(Path file, Manifest manifest) {
        AtomicFiles.write(file, out -> out.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest)));
    }

    /** Points {@code latest} at the run, unless it already points at a newer one (runs can finish out of order). */
    public void moveLatest(String runId) {
        String pointer = reportsDir.relativize(of(runId)).toString().replace('\\', '/') + "\n";
        try {
            Files.createDirectories(reportsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + reportsDir, e);
        }
        locked(reportsDir, () -> {
            Optional<String> current = latest();
            if (current.isPresent() && Path.of(current.get()).getFileName().toString().compareTo(runId) >= 0) {
                return null;
            }
            AtomicFiles.write(reportsDir.resolve(LATEST), out -> out.write(pointer.getBytes(StandardCharsets.UTF_8)));
            return null;
        });
    }

    /** What {@code latest} names ({@code <run date>/<run id>}), if a run is complete. */
    public Optional<String> latest() {
        Path latest = reportsDir.resolve(LATEST);
        try {
            return Files.exists(latest) ? Optional.of(Files.readString(latest).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + latest, e);
        }
    }

    @FunctionalInterface
    private interface Locked<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} holding the folder's lock file, so writers in other processes take turns. */
    private static <T> T locked(Path dir, Locked<T> action) {
        try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return action.run();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot update " + dir, e);
        }
    }
}
