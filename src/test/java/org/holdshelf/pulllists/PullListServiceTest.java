package org.holdshelf.pulllists;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import org.holdshelf.events.Json;
import org.holdshelf.events.LocationEnd;
import org.holdshelf.platform.files.FileNames;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.platform.files.RunDirectory;
import org.holdshelf.platform.kafka.PartitionReplay;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** File handling of the pull lists with an in-memory record source (the Kafka replay is covered by the integration tests). */
class PullListServiceTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final String RUN = "20261123T030000Z-abcd";

    @TempDir
    Path reports;

    /** A fake partition: offset i holds records.get(i). */
    private final List<Object[]> records = new ArrayList<>();
    private final AtomicInteger replays = new AtomicInteger();
    private RunDirectory runs;
    private PullListService service;

    @BeforeEach
    void setUp() {
        PartitionReplay source = (partition, from, to, sink) -> {
            replays.incrementAndGet();
            for (long o = from; o < to; o++) {
                Object[] r = records.get((int) o);
                sink.accept(o, (String) r[0], (byte[]) r[1]);
            }
        };
        runs = new RunDirectory(reports, NEW_YORK, false);
        service = new PullListService(runs, 2, source, Clock.fixed(Instant.parse("2026-11-23T03:05:00Z"), ZoneOffset.UTC));
    }

    private long add(String run, String location, String holdId, HoldState state, String patron, String pickupBy, String title) {
        HoldEvent e = new HoldEvent(EventTypes.HOLD, 1, run, "sierra", holdId, state, state == HoldState.READY ? "i" : "t",
                patron, "i", "100" + holdId, location, location + " Branch", pickupBy, "2026-11-01", "3000" + holdId, title);
        records.add(new Object[] {location, Json.toBytes(e)});
        return records.size() - 1;
    }

    /** A marker of a run that started at offset {@code runStart} of partition 0. */
    private byte[] marker(String run, String location, long ready, long inTransit, int locations, long runStart) {
        return Json.toBytes(new LocationEnd(EventTypes.LOCATION_END, 1, run, "sierra", location, location + " Branch",
                ready, inTransit, ready + inTransit, locations, java.util.Map.of(0, runStart),
                "2026-11-23T03:00:00Z", "2026-11-23T03:01:00Z"));
    }

    /** The offset the next record (the marker) gets. */
    private long next() {
        return records.size();
    }

    @Test
    void shouldWriteSortedReadyAndIncomingFilesThenTheManifestAndLatest() throws Exception {
        long first = add(RUN, "mo", "1", HoldState.READY, "200", "2026-11-25T03:30:00Z", "=SUM(A1)");
        add(RUN, "ha", "2", HoldState.READY, "100", "2026-11-25T10:00:00Z", "other branch");
        add(RUN, "mo", "3", HoldState.READY, "1000", "2026-11-24T10:00:00Z", "Title, \"quoted\"");
        add(RUN, "mo", "4", HoldState.IN_TRANSIT, "300", null, "moving");
        add(RUN, "mo", "5", HoldState.READY, "200", "2026-11-26T10:00:00Z", "newer pickup first");
        long last = add(RUN, "mo", "6", HoldState.READY, "200", "2026-11-26T10:00:00Z", "tie keeps Sierra order");

        service.completeLocation(marker(RUN, "mo", 4, 1, 2, first), 0, next());

        Path runDir = reports.resolve("2026-11-22").resolve(RUN);
        assertThat(Files.readString(runDir.resolve("mo.csv"))).isEqualTo(
                "hold_id,pickupLocation,patron_record_num,pickupByDate (America/New_York),item_record_num,location_code,"
                        + "record_type,item_barcode,title,status_code,placed\r\n"
                        + "3,mo Branch,1000,2026-11-24 05:00,1003,mo,i,30003,\"Title, \"\"quoted\"\"\",i,2026-11-01\r\n"
                        + "5,mo Branch,200,2026-11-26 05:00,1005,mo,i,30005,newer pickup first,i,2026-11-01\r\n"
                        + "6,mo Branch,200,2026-11-26 05:00,1006,mo,i,30006,tie keeps Sierra order,i,2026-11-01\r\n"
                        + "1,mo Branch,200,2026-11-24 22:30,1001,mo,i,30001,'=SUM(A1),i,2026-11-01\r\n");
        assertThat(Files.readString(runDir.resolve("mo-incoming.csv"))).endsWith("4,mo Branch,300,,1004,mo,i,30004,moving,t,2026-11-01\r\n");
        assertThat(runDir.resolve("manifest.json")).as("one of two locations done: run not complete").doesNotExist();
        assertThat(runs.latest()).isEmpty();

        service.completeLocation(marker(RUN, "ha", 1, 0, 2, 1), 0, next());

        Manifest manifest = runs.manifest(RUN).orElseThrow();
        assertThat(manifest.locations()).isEqualTo(2);
        assertThat(manifest.readyHolds()).isEqualTo(5);
        assertThat(manifest.inTransitHolds()).isEqualTo(1);
        assertThat(manifest.files()).extracting(Manifest.FileEntry::file, Manifest.FileEntry::rows).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ha.csv", 1L), org.assertj.core.groups.Tuple.tuple("ha-incoming.csv", 0L),
                org.assertj.core.groups.Tuple.tuple("mo.csv", 4L), org.assertj.core.groups.Tuple.tuple("mo-incoming.csv", 1L));
        assertThat(manifest.timings().runToLastFileMs()).isEqualTo(300_000);
        assertThat(runs.latest()).hasValue("2026-11-22/" + RUN);
        try (var files = Files.list(runDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void shouldWriteNothingWhenTheReplayedCountDiffersFromTheMarker() {
        long first = add(RUN, "mo", "1", HoldState.READY, "200", "2026-11-25T03:30:00Z", "t");
        long last = add(RUN, "mo", "2", HoldState.READY, "201", "2026-11-25T03:30:00Z", "t");

        assertThatThrownBy(() -> service.completeLocation(marker(RUN, "mo", 3, 0, 1, first), 0, next()))
                .isInstanceOf(PullListException.class)
                .hasMessage("Pull list mo of run " + RUN + ": replayed 2 ready and 0 in-transit holds from partition 0 "
                        + "offsets 0..1, but the end marker announces 3 and 0; no file written");
        assertThat(reports.resolve("2026-11-22").resolve(RUN).resolve("mo.csv")).doesNotExist();
        assertThat(runs.latest()).isEmpty();
    }

    @Test
    void shouldRefuseAMarkerFromAPartitionTheRunDidNotKnow() {
        long first = add(RUN, "mo", "1", HoldState.READY, "200", "2026-11-25T03:30:00Z", "t");

        assertThatThrownBy(() -> service.completeLocation(marker(RUN, "mo", 1, 0, 1, first), 7, next()))
                .isInstanceOf(PullListException.class)
                .hasMessageContaining("arrived on partition 7, which the run did not know when it started");
    }

    @Test
    void shouldIgnoreOtherRunsAndOtherLocationsInTheRange() throws Exception {
        long first = add("20261122T030000Z-0000", "mo", "1", HoldState.READY, "200", "2026-11-25T03:30:00Z", "older run");
        add(RUN, "mo", "2", HoldState.READY, "200", "2026-11-25T03:30:00Z", "this run");
        long last = add(RUN, "ha", "3", HoldState.READY, "200", "2026-11-25T03:30:00Z", "other location");

        service.completeLocation(marker(RUN, "mo", 1, 0, 1, first), 0, next());

        assertThat(Files.readAllLines(reports.resolve("2026-11-22").resolve(RUN).resolve("mo.csv"), StandardCharsets.UTF_8))
                .hasSize(2).last().asString().contains("this run");
    }

    @Test
    void shouldTreatARedeliveredMarkerAsDoneWithoutReplayingAgain() throws Exception {
        long only = add(RUN, "mo", "1", HoldState.READY, "200", "2026-11-25T03:30:00Z", "t");
        byte[] marker = marker(RUN, "mo", 1, 0, 1, only);
        long markerOffset = next();
        service.completeLocation(marker, 0, markerOffset);
        Path file = reports.resolve("2026-11-22").resolve(RUN).resolve("mo.csv");
        String before = Files.readString(file);

        service.completeLocation(marker, 0, markerOffset);

        assertThat(replays).hasValue(1);
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    /**
     * The state a writer leaves when it is killed after its done record and before its cleanup (the
     * window that once left a sort spill behind in a clean build): the location is complete, its
     * spill and a temporary file are still there. The next delivery of its marker clears them, and
     * so does the run's completion, however the debris got there.
     */
    @Test
    void shouldClearTheDebrisOfAWriterKilledAfterItsDoneRecord() throws Exception {
        long first = add(RUN, "mo", "1", HoldState.READY, "200", "2026-11-25T03:30:00Z", "a");
        add(RUN, "mo", "2", HoldState.READY, "201", "2026-11-25T03:30:00Z", "b");
        add(RUN, "mo", "3", HoldState.READY, "202", "2026-11-25T03:30:00Z", "c");
        byte[] moMarker = marker(RUN, "mo", 3, 0, 2, first);
        long moMarkerOffset = next();
        service.completeLocation(moMarker, 0, moMarkerOffset);
        Path runDir = runs.of(RUN);
        assertThat(runDir.resolve(".done").resolve("mo.json")).exists();
        assertThat(runDir.resolve(".sort-mo")).as("3 rows in chunks of 2 spilled, and the spill is gone").doesNotExist();

        leaveDebris(runDir, "mo");
        service.completeLocation(moMarker, 0, moMarkerOffset);
        assertThat(hiddenDebris(runDir)).as("cleared on the marker's next delivery").isEmpty();

        leaveDebris(runDir, "mo");
        long other = add(RUN, "ha", "4", HoldState.READY, "300", "2026-11-25T03:30:00Z", "d");
        service.completeLocation(marker(RUN, "ha", 1, 0, 2, other), 0, next());
        assertThat(runs.manifest(RUN)).isPresent();
        assertThat(hiddenDebris(runDir)).as("cleared when the run completes").isEmpty();
        assertThat(runDir.resolve("mo.csv")).exists();
    }

    private static void leaveDebris(Path runDir, String base) throws Exception {
        Files.createDirectories(runDir.resolve(".sort-" + base));
        Files.write(runDir.resolve(".sort-" + base).resolve("sort-123.run"), new byte[] {1, 2, 3});
        Files.write(runDir.resolve("." + base + ".csv.0badc0de.tmp"), new byte[] {4});
    }

    private static List<String> hiddenDebris(Path runDir) throws Exception {
        try (var files = Files.list(runDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".sort-") || n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void shouldNeverMoveLatestBackToAnOlderRun() {
        String newer = "20261123T150000Z-ffff";
        long a = add(newer, "mo", "1", HoldState.READY, "200", "2026-11-25T03:30:00Z", "t");
        long b = add(RUN, "mo", "1", HoldState.READY, "200", "2026-11-25T03:30:00Z", "t");

        service.completeLocation(marker(newer, "mo", 1, 0, 1, a), 0, next());
        service.completeLocation(marker(RUN, "mo", 1, 0, 1, b), 0, next());

        assertThat(runs.manifest(RUN)).isPresent();
        assertThat(runs.latest()).hasValue("2026-11-23/" + newer);
    }

    @Test
    void shouldEscapeLocationCodesThatAreNotSafeFileNames() {
        assertThat(FileNames.safe("mo")).isEqualTo("mo");
        assertThat(FileNames.safe("../etc")).isEqualTo("%2E%2E%2Fetc");
        assertThat(FileNames.safe("x-incoming")).isEqualTo("x%2Dincoming");
        assertThat(FileNames.safe("ñ")).isEqualTo("%C3%B1");
    }
}
