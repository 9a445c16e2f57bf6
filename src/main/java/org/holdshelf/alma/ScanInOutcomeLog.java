package org.holdshelf.alma;

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
import org.holdshelf.platform.files.FileNames;

/**
 * The scan-in outcomes of each location of a run, appended to
 * {@code <run dir>/.scan-in-outcomes/<location>.jsonl} and forced to disk before the batch that
 * produced them is committed, so the run's report never misses an outcome after a crash. A
 * redelivered batch appends its (identical) outcomes again; reading keeps one per hold, and
 * ignores a last line cut off by a crash.
 */
final class ScanInOutcomeLog {

    static final String DIR = ".scan-in-outcomes";

    private final Function<String, Path> runDir;

    ScanInOutcomeLog(Function<String, Path> runDir) {
        this.runDir = runDir;
    }

    void append(List<ScanOutcome> outcomes) {
        Map<Path, StringBuilder> lines = new LinkedHashMap<>();
        for (ScanOutcome o : outcomes) {
            lines.computeIfAbsent(file(o.runId(), o.pickupLocationCode()), f -> new StringBuilder())
                    .append(new String(Json.toBytes(o), StandardCharsets.UTF_8)).append('\n');
        }
        lines.forEach((file, text) -> {
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    channel.force(false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot record scan-in outcomes in " + file, e);
            }
        });
    }

    /** One outcome per hold (the last recorded), in the order first recorded. */
    List<ScanOutcome> read(String runId, String locationCode) {
        Path file = file(runId, locationCode);
        if (!Files.exists(file)) {
            return List.of();
        }
        Map<String, ScanOutcome> byHold = new LinkedHashMap<>();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            for (String line : text.substring(0, end + 1).split("\n")) {
                if (!line.isBlank()) {
                    ScanOutcome o = Json.read(line.getBytes(StandardCharsets.UTF_8), ScanOutcome.class);
                    byHold.put(o.holdId(), o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read scan-in outcomes from " + file, e);
        }
        return new ArrayList<>(byHold.values());
    }

    /** Every recorded outcome of a run, one per hold. */
    List<ScanOutcome> readRun(String runId) {
        Path dir = runDir.apply(runId).resolve(DIR);
        List<ScanOutcome> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (var files = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                all.addAll(read(runId, FileNames.original(name.substring(0, name.length() - ".jsonl".length()))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list scan-in outcomes in " + dir, e);
        }
        return all;
    }

    private Path file(String runId, String locationCode) {
        return runDir.apply(runId).resolve(DIR).resolve(FileNames.safe(locationCode) + ".jsonl");
    }
}
