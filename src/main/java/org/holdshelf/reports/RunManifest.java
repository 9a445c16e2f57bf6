package org.holdshelf.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.holdshelf.events.Json;

/**
 * {@code manifest.json} of a run, written by the pull lists when all their files are in place
 * and completed by other reports of the run (the scan-in report) that may finish before or after.
 * Both go through here under a lock file, so whichever finishes second adds the other's entry.
 */
public final class RunManifest {

    public static final String FILE_NAME = "manifest.json";
    /** What a report other than the pull lists leaves beside its file: the manifest entry to add. */
    public static final String EXTRA_ENTRIES_DIR = ".manifest-entries";

    private RunManifest() {
    }

    /** Writes the manifest built by {@code build}, plus any extra entries already recorded, unless it exists. */
    static Optional<Manifest> create(Path runDir, Supplier<Manifest> build) {
        return locked(runDir, () -> {
            Path file = runDir.resolve(FILE_NAME);
            if (Files.exists(file)) {
                return Optional.empty();
            }
            Manifest manifest = build.get();
            List<Manifest.FileEntry> files = new ArrayList<>(manifest.files());
            files.addAll(extraEntries(runDir));
            Manifest complete = new Manifest(manifest.runId(), manifest.runDate(), manifest.timeZone(), manifest.locations(),
                    manifest.readyHolds(), manifest.inTransitHolds(), files, manifest.timings());
            write(file, complete);
            return Optional.of(complete);
        });
    }

    /** Records a report's entry and, if the manifest already exists, adds it there. */
    public static void addEntry(Path runDir, Manifest.FileEntry entry) {
        locked(runDir, () -> {
            Path entries = runDir.resolve(EXTRA_ENTRIES_DIR);
            Files.createDirectories(entries);
            AtomicFiles.write(entries.resolve(FileNames.safe(entry.file()) + ".json"), out -> out.write(Json.toBytes(entry)));
            Path file = runDir.resolve(FILE_NAME);
            if (Files.exists(file)) {
                Manifest m = Json.read(Files.readAllBytes(file), Manifest.class);
                List<Manifest.FileEntry> files = new ArrayList<>(m.files());
                files.removeIf(f -> f.file().equals(entry.file()));
                files.add(entry);
                write(file, new Manifest(m.runId(), m.runDate(), m.timeZone(), m.locations(), m.readyHolds(),
                        m.inTransitHolds(), files, m.timings()));
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
        extra.sort(java.util.Comparator.comparing(Manifest.FileEntry::file));
        return extra;
    }

    private static void write(Path file, Manifest manifest) {
        AtomicFiles.write(file, out -> out.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest)));
    }

    @FunctionalInterface
    private interface Locked<T> {
        T run() throws IOException;
    }

    private static <T> T locked(Path runDir, Locked<T> action) {
        try {
            Files.createDirectories(runDir);
            try (FileChannel channel = FileChannel.open(runDir.resolve(".manifest.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                return action.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot update the manifest of " + runDir, e);
        }
    }
}
