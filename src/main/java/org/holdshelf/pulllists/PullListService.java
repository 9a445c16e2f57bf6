package org.holdshelf.pulllists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.holdshelf.events.RunEnd;
import org.holdshelf.events.RunIds;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.files.AtomicFiles;
import org.holdshelf.platform.files.FileNames;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.platform.files.RunDirectory;
import org.holdshelf.platform.kafka.PartitionReplay;
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

    private final RunDirectory runs;
    private final int sortChunkRows;
    private final PartitionReplay source;
    private final Clock clock;
    private final AtomicLong locationsWritten = new AtomicLong();

    public PullListService(RunDirectory runs, int sortChunkRows, PartitionReplay source, Clock clock) {
        this.runs = runs;
        this.sortChunkRows = sortChunkRows;
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
        Path runDir = runs.of(marker.runId());
        String base = FileNames.safe(marker.pickupLocationCode());
        Path doneRecord = runDir.resolve(DONE_DIR).resolve(base + ".json");
        if (Files.exists(doneRecord)) {
            LOG.debug("Pull list {} of run {} is already complete", marker.pickupLocationCode(), marker.runId());
            // a writer killed after its done record and before its cleanup left debris: ours to clear now
            clearLocationDebris(runDir, base, doneRecord);
        } else {
            writeLocation(marker, partition, markerOffset, runDir, base, doneRecord);
        }
        finishRunIfComplete(marker.runId(), marker.locationsInRun(), marker.runStartedAt(), marker.harvestCompletedAt());
    }

    /**
     * Handles the run's end marker: completes the run if all its locations are done, which for a
     * run with no holds on the shelf means an empty manifest and {@code latest} moved to it.
     */
    public void completeRun(byte[] runEndJson) {
        RunEnd end = Json.read(runEndJson, RunEnd.class);
        if (end.runId() == null || end.locationsInRun() < 0) {
            throw new PullListException("End-of-run marker without run id or location count: "
                    + new String(runEndJson, StandardCharsets.UTF_8));
        }
        finishRunIfComplete(end.runId(), end.locationsInRun(), end.runStartedAt(), end.harvestCompletedAt());
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
                    (event.state() == HoldState.READY ? ready : incoming).add(PullListRow.of(offset, event, runs.zone()));
                });
            }
            if (ready.count() != marker.readyCount() || incoming.count() != marker.inTransitCount()) {
                throw new PullListException(String.format(Locale.ROOT,
                        "Pull list %s of run %s: replayed %d ready and %d in-transit holds from partition %d offsets %d..%d, "
                                + "but the end marker announces %d and %d; no file written",
                        marker.pickupLocationCode(), marker.runId(), ready.count(), incoming.count(), partition,
                        runStart, markerOffset - 1, marker.readyCount(), marker.inTransitCount()));
            }
            List<String> header = PullListRow.header(runs.zone());
            runs.writeCsv(runDir.resolve(incomingFile), header, cells(incoming.sorted()));
            runs.writeCsv(runDir.resolve(readyFile), header, cells(ready.sorted()));
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

    private static Iterator<List<String>> cells(Iterator<PullListRow> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public List<String> next() {
                return rows.next().cellList();
            }
        };
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

    /** Completes the run when every location is done: manifest.json, then the latest pointer. */
    private void finishRunIfComplete(String runId, int locationsInRun, String runStartedAt, String harvestCompletedAt) {
        Path runDir = runs.of(runId);
        if (runs.exists(runId, RunDirectory.MANIFEST)) {
            clearRunDebris(runDir);
            return;
        }
        List<LocationDone> done = readDoneRecords(runDir);
        if (done.size() < locationsInRun) {
            return;
        }
        Optional<Manifest> written = runs.createManifest(runId,
                () -> manifest(runId, done, runStartedAt, harvestCompletedAt));
        clearRunDebris(runDir);
        if (written.isEmpty()) {
            return; // another instance completed the run at the same moment
        }
        Manifest manifest = written.get();
        runs.moveLatest(runId);
        LOG.info("Run {} pull lists complete: {} locations, {} ready and {} in-transit holds in {} files, {} after the run started",
                runId, manifest.locations(), manifest.readyHolds(), manifest.inTransitHolds(), manifest.files().size(),
                Durations.human(Duration.ofMillis(manifest.timings().runToLastFileMs())));
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
        if (!Files.isDirectory(doneDir)) {
            return;
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(doneDir, "*.json")) {
            for (Path record : records) {
                String name = record.getFileName().toString();
                clearLocationDebris(runDir, name.substring(0, name.length() - ".json".length()), record);
            }
        } catch (IOException e) {
            LOG.debug("Cannot list {} for leftover temporaries: {}", doneDir, e.getMessage());
        }
    }

    private Manifest manifest(String runId, List<LocationDone> done, String runStartedAt, String harvestCompletedAt) {
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
        Instant started = Instant.parse(runStartedAt);
        Instant harvested = Instant.parse(harvestCompletedAt);
        Instant lastFile = last == null ? clock.instant() : last; // a run with nothing on the shelf: its manifest is its file
        Manifest.Timings timings = new Manifest.Timings(runStartedAt, harvestCompletedAt,
                first == null ? null : first.toString(), last == null ? null : last.toString(),
                Duration.between(started, harvested).toMillis(), Duration.between(started, lastFile).toMillis());
        return new Manifest(runId, RunIds.runDate(runId, runs.zone()).toString(), runs.zone().getId(), done.size(),
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

    /** Locations this instance wrote since it started (another instance may write the others). */
    public long locationsWritten() {
        return locationsWritten.get();
    }

    /** The reports directory this service writes to. */
    public RunDirectory runs() {
        return runs;
    }
}
