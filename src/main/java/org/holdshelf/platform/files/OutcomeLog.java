package org.holdshelf.platform.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.holdshelf.events.Json;

/**
 * The outcomes of one report of a run, per part (a location), appended as JSON lines to
 * {@code <run dir>/.outcomes/<report>/<part>.jsonl} and forced to disk before the work that
 * produced them is committed, so the run's report never misses an outcome after a crash. Work
 * done again after a crash appends its outcomes again; reading keeps the last one per key, in the
 * order first recorded, and ignores a last line cut off by the crash.
 *
 * @param <T> the outcome, written and read as JSON with {@link Json}
 */
public final class OutcomeLog<T> {

    private static final String DIR = ".outcomes";

    private final RunDirectory runs;
    private final String report;
    private final Class<T> type;
    private final Function<T, String> key;

    /**
     * @param report the report's name (a folder per report)
     * @param key    what identifies an outcome: a later outcome with the same key replaces it
     */
    public OutcomeLog(RunDirectory runs, String report, Class<T> type, Function<T, String> key) {
        this.runs = runs;
        this.report = report;
        this.type = type;
        this.key = key;
    }

    /** Appends outcomes of one part of a run, durably when this returns. */
    public void append(String runId, String part, List<T> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (T o : outcomes) {
            lines.writeBytes(Json.toBytes(o)); // JSON has no raw line breaks: one line an outcome
            lines.write('\n');
        }
        Path file = file(runId, part);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap(lines.toByteArray());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record " + report + " outcomes in " + file, e);
        }
    }

    /** One outcome per key (the last recorded), in the order first recorded. */
    public List<T> read(String runId, String part) {
        Path file = file(runId, part);
        if (!Files.exists(file)) {
            return List.of();
        }
        Map<String, T> byKey = new LinkedHashMap<>();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            for (String line : text.substring(0, end + 1).split("\n")) {
                if (!line.isBlank()) {
                    T o = Json.read(line.getBytes(StandardCharsets.UTF_8), type);
                    byKey.put(key.apply(o), o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + report + " outcomes from " + file, e);
        }
        return new ArrayList<>(byKey.values());
    }

    /** Every recorded outcome of a run, one per key and part. */
    public List<T> readRun(String runId) {
        Path dir = runs.of(runId).resolve(DIR).resolve(FileNames.safe(report));
        List<T> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (var files = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                all.addAll(read(runId, FileNames.original(name.substring(0, name.length() - ".jsonl".length()))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + report + " outcomes in " + dir, e);
        }
        return all;
    }

    private Path file(String runId, String part) {
        return runs.of(runId).resolve(DIR).resolve(FileNames.safe(report)).resolve(FileNames.safe(part) + ".jsonl");
    }
}
