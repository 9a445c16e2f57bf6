package org.holdshelf.reports;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import org.holdshelf.events.Json;
import org.holdshelf.events.LocationEnd;
import org.holdshelf.events.RunIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the per-branch pull lists of each harvest run.
 *
 * <p>It acts on end-of-location markers only. For a marker it replays that location's hold
 * events from the topic (the marker names their offset range), sorts them with bounded memory,
 * writes {@code <code>.csv} (ready) and {@code <code>-incoming.csv} (in transit) aside and renames
 * them into place, then notes the location as done. When every location of the run is done it
 * writes {@code manifest.json} and moves {@code latest} to the run.
 *
 * <p>Nothing here depends on state kept between markers, which is what makes it crash-safe:
 * killed at any point, the consumer gets the marker again and rebuilds the same files; two
 * instances sharing the reports directory split the locations between them (a location is
 * always on one partition) and produce the same files as one.
 */
public class PullListService {

    private static final Logger LOG = LoggerFactory.getLogger(PullListService.class);
    private static final String DONE_DIR = ".done";
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Path reportsDir;
    private final ZoneId zone;
    private final int sortChunkRows;
    private final boolean byteOrderMark;
    private final HoldEventSource source;
    private final Clock clock;
    private final AtomicLong locationsWritten = new AtomicLong();

    public PullListService(Path reportsDir, ZoneId zone, int sortChunkRows, boolean byteOrderMark,
                           HoldEventSource source, Clock clock) {
        this.reportsDir = reportsDir;
        this.zone = zone;
        this.sortChunkRows = sortChunkRows;
        this.byteOrderMark = byteOrderMark;
        this.source = source;
        this.clock = clock;
    }

    /** Handles one end-of-location marker (its JSON) that arrived on {@code partition} at {@code markerOffset}. */
    public void completeLocation(byte[] markerJson, int partition, long markerOffset) {
        LocationEnd marker = Json.read(markerJson, LocationEnd.class);
        if (marker.runId() == null || marker.pickupLocationCode() == null || marker.count() < 0) {
            throw new PullListException("End-of-location marker without run id or location code: "
                    + new String(markerJson, StandardCharsets.UTF_8));
        }
        Path runDir = runDir(marker.runId());
        String base = FileNames.safe(marker.pickupLocationCode());
        Path doneRecord = runDir.resolve(DONE_DIR).resolve(base + ".json");
        if (Files.exists(doneRecord)) {
            LOG.debug("Pull list {} of run {} is already complete", marker.pickupLocationCode(), marker.runId());
            // a writer killed after its done record and before its cleanup left debris: ours to clear now
            clearLocationDebris(runDir, base, doneRecord);
        } else {
            writeLocation(marker, partition, markerOffset, runDir, base, doneRecord);
        }
        finishRunIfComplete(runDir, marker);
    }

    private void writeLocation(LocationEnd marker, int partition, long markerOffset, Path runDir, String base,
                               Path doneRecord) {
        Long runStart = marker.runStartOffsets() == null ? null : marker.runStartOffsets().get(partition);
        if (runStart == null) {
            throw new PullListException("End marker of " + marker.pickupLocationCode() + " (run " + marker.runId()
                    + ") arrived on partition " + partition + ", which the run did not know when it started; "
                    + "was the entries topic given more partitions during the run?");
        }
        try {
            Files.createDirectories(runDir.resolve(DONE_DIR));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the run directory " + runDir, e);
        }
        Path spill = spillDir(runDir, base);
        String readyFile = base + ".csv";
        String incomingFile = base + "-incoming.csv";
        // a writer killed earlier may have left hidden temporaries; they are ours to clear
        clearLocationDebris(runDir, base, doneRecord);
        LocationDone done;
        try (ExternalSorter ready = new ExternalSorter(sortChunkRows, spill);
             ExternalSorter incoming = new ExternalSorter(sortChunkRows, spill)) {
            if (marker.count() > 0) {
                source.replay(partition, runStart, markerOffset, (offset, key, value) -> {
                    if (!marker.pickupLocationCode().equals(key)) {
                        return;
                    }
                    HoldEvent event = Json.read(value, HoldEvent.class);
                    if (!EventTypes.HOLD.equals(event.type()) || !marker.runId().equals(event.runId())) {
                        return;
                    }
                    (event.state() == HoldState.READY ? ready : incoming).add(PullListRow.of(offset, event, zone));
                });
            }
            if (ready.count() != marker.readyCount() || incoming.count() != marker.inTransitCount()) {
                throw new PullListException(String.format(Locale.ROOT,
                        "Pull list %s of run %s: replayed %d ready and %d in-transit holds from partition %d offsets %d..%d, "
                                + "but the end marker announces %d and %d; no file written",
                        marker.pickupLocationCode(), marker.runId(), ready.count(), incoming.count(), partition,
                        runStart, markerOffset - 1, marker.readyCount(), marker.inTransitCount()));
            }
            writeCsvAtomically(runDir.resolve(incomingFile), incoming.sorted());
            writeCsvAtomically(runDir.resolve(readyFile), ready.sorted());
            done = new LocationDone(marker.pickupLocationCode(), marker.pickupLocationName(), readyFile,
                    ready.count(), incomingFile, incoming.count(), clock.instant().toString(), marker.runStartedAt(),
                    marker.harvestCompletedAt());
        } finally {
            AtomicFiles.deleteQuietly(spill);
        }
        // the done record comes last, after the spill is gone: "done" always means "nothing left to clear"
        AtomicFiles.write(doneRecord, out -> out.write(Json.toBytes(done)));
        locationsWritten.incrementAndGet();
        LOG.info("Pull list {} ({}) of run {}: {} ready, {} incoming", marker.pickupLocationCode(),
                marker.pickupLocationName(), marker.runId(), done.ready(), done.inTransit());
    }

    private static Path spillDir(Path runDir, String base) {
        return runDir.resolve(".sort-" + base);
    }

    /** The hidden leftovers of a writer of this location that was killed: its sort spill and temporary files. */
    private static void clearLocationDebris(Path runDir, String base, Path doneRecord) {
        AtomicFiles.deleteQuietly(spillDir(runDir, base));
        AtomicFiles.deleteStaleTemporaries(runDir.resolve(base + ".csv"));
        AtomicFiles.deleteStaleTemporaries(runDir.resolve(base + "-incoming.csv"));
        AtomicFiles.deleteStaleTemporaries(doneRecord);
    }

    private void writeCsvAtomically(Path target, Iterator<PullListRow> rows) {
        AtomicFiles.write(target, out -> {
            if (byteOrderMark) {
                out.write(UTF8_BOM); // so spreadsheet programs read non-Latin text as UTF-8
            }
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            CsvWriter csv = new CsvWriter(writer);
            csv.writeRow(PullListRow.header(zone));
            while (rows.hasNext()) {
                csv.writeRow(rows.next().cellList());
            }
            writer.flush();
        });
    }

    /** Completes the run when every location is done: manifest.json, then the latest pointer. */
    private void finishRunIfComplete(Path runDir, LocationEnd marker) {
        Path manifestFile = runDir.resolve("manifest.json");
        if (Files.exists(manifestFile)) {
            clearRunDebris(runDir);
            return;
        }
        List<LocationDone> done = readDoneRecords(runDir);
        if (done.size() < marker.locationsInRun()) {
            return;
        }
        Optional<Manifest> written = RunManifest.create(runDir, () -> manifest(marker, done));
        clearRunDebris(runDir);
        if (written.isEmpty()) {
            return; // another instance completed the run at the same moment
        }
        Manifest manifest = written.get();
        moveLatest(marker.runId(), reportsDir.relativize(runDir));
        LOG.info("Run {} pull lists complete: {} locations, {} ready and {} in-transit holds in {} files, {} after the run started",
                marker.runId(), manifest.locations(), manifest.readyHolds(), manifest.inTransitHolds(), manifest.files().size(),
                org.holdshelf.config.Durations.human(Duration.ofMillis(manifest.timings().runToLastFileMs())));
    }

    /** Once every location of the run is done, no writer of its pull lists is left: every spill and temporary is debris. */
    private static void clearRunDebris(Path runDir) {
        try (DirectoryStream<Path> spills = Files.newDirectoryStream(runDir, ".sort-*")) {
            for (Path spill : spills) {
                AtomicFiles.deleteQuietly(spill);
            }
        } catch (IOException e) {
            LOG.debug("Cannot list {} for leftover sort spills: {}", runDir, e.getMessage());
        }
        Path doneDir = runDir.resolve(DONE_DIR);
        try (DirectoryStream<Path> records = Files.newDirectoryStream(doneDir, "*.json")) {
            for (Path record : records) {
                String name = record.getFileName().toString();
                clearLocationDebris(runDir, name.substring(0, name.length() - ".json".length()), record);
            }
        } catch (IOException e) {
            LOG.debug("Cannot list {} for leftover temporaries: {}", doneDir, e.getMessage());
        }
    }

    private Manifest manifest(LocationEnd marker, List<LocationDone> done) {
        List<Manifest.FileEntry> files = new ArrayList<>();
        long ready = 0;
        long inTransit = 0;
        Instant first = null;
        Instant last = null;
        for (LocationDone d : done) {
            files.add(new Manifest.FileEntry(d.readyFile(), d.locationCode(), d.locationName(), "ready", d.ready()));
            files.add(new Manifest.FileEntry(d.incomingFile(), d.locationCode(), d.locationName(), "incoming", d.inTransit()));
            ready += d.ready();
            inTransit += d.inTransit();
            Instant at = Instant.parse(d.completedAt());
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
        }
        Instant started = Instant.parse(marker.runStartedAt());
        Instant harvested = Instant.parse(marker.harvestCompletedAt());
        Manifest.Timings timings = new Manifest.Timings(marker.runStartedAt(), marker.harvestCompletedAt(),
                String.valueOf(first), String.valueOf(last), Duration.between(started, harvested).toMillis(),
                Duration.between(started, last).toMillis());
        return new Manifest(marker.runId(), RunIds.runDate(marker.runId(), zone).toString(), zone.getId(), done.size(),
                ready, inTransit, files, timings);
    }

    private List<LocationDone> readDoneRecords(Path runDir) {
        List<LocationDone> done = new ArrayList<>();
        Path dir = runDir.resolve(DONE_DIR);
        if (!Files.isDirectory(dir)) {
            return done;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : entries) {
                done.add(Json.read(Files.readAllBytes(p), LocationDone.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the completed locations of " + runDir, e);
        }
        done.sort(Comparator.comparing(LocationDone::locationCode));
        return done;
    }

    /** Points {@code latest} at the run, unless it already points at a newer one (runs can finish out of order). */
    private void moveLatest(String runId, Path relativeRunDir) {
        Path latest = reportsDir.resolve("latest");
        Path lockFile = reportsDir.resolve(".latest.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            Optional<String> current = latestRunPath();
            if (current.isPresent()) {
                String currentRun = Path.of(current.get()).getFileName().toString();
                if (currentRun.compareTo(runId) >= 0) {
                    return;
                }
            }
            String pointer = relativeRunDir.toString().replace('\\', '/') + "\n";
            AtomicFiles.write(latest, out -> out.write(pointer.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move the latest pointer in " + reportsDir, e);
        }
    }

    /** Locations this instance wrote since it started (another instance may write the others). */
    public long locationsWritten() {
        return locationsWritten.get();
    }

    /** What {@code latest} names ({@code <run date>/<run id>}), if a run is complete. */
    public Optional<String> latestRunPath() {
        Path latest = reportsDir.resolve("latest");
        try {
            return Files.exists(latest) ? Optional.of(Files.readString(latest).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + latest, e);
        }
    }

    /** The directory of a run's files. */
    public Path runDir(String runId) {
        return reportsDir.resolve(RunIds.runDate(runId, zone).toString()).resolve(runId);
    }

    /** Waits until the run's pull lists are all in place (they may be written by another instance). */
    public Optional<Manifest> awaitManifest(String runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Manifest> manifest = manifest(runId);
            if (manifest.isPresent() || System.nanoTime() > deadline) {
                return manifest;
            }
            Thread.sleep(200);
        }
    }

    /** The run's manifest once all its pull lists are in place. */
    public Optional<Manifest> manifest(String runId) {
        Path file = runDir(runId).resolve("manifest.json");
        try {
            return Files.exists(file) ? Optional.of(Json.read(Files.readAllBytes(file), Manifest.class)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
