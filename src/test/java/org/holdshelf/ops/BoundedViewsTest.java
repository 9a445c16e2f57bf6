package org.holdshelf.ops;

import java.util.List;
import java.util.Set;

import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.Json;
import org.holdshelf.events.NoticeEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The page's views keep what they are told to and no more. */
class BoundedViewsTest {

    @Test
    void shouldKeepTheLatestDeadLettersNewestFirstWithoutPayloads() {
        RecentDeadLetters letters = new RecentDeadLetters(3);
        for (int i = 1; i <= 5; i++) {
            letters.accept(Json.toBytes(new DeadLetter("DEAD_LETTER", 1, "2026-11-23T08:0" + i + ":00Z", "scan-in", "run-" + i,
                    "IllegalStateException", "failure " + i, "holdshelf.entries", 2, (long) i, "MAIN", "{\"patron\":\"secret\"}")));
        }
        letters.accept("not json".getBytes());
        assertThat(letters.entries()).extracting(RecentDeadLetters.Entry::message)
                .containsExactly("failure 5", "failure 4", "failure 3");
        assertThat(letters.entries().get(0).original()).isEqualTo("holdshelf.entries/2@5 key MAIN");
        assertThat(letters.entries().toString()).doesNotContain("secret");
        assertThat(letters.unreadable()).isEqualTo(1);
    }

    @Test
    void shouldFindAPatronsNoticesNewestFirst() {
        NoticeIndex index = new NoticeIndex(10);
        index.accept(notice("p1", "2026-11-23T08:00:00Z", "SENT"));
        index.accept(notice("p2", "2026-11-23T08:01:00Z", "FAILED"));
        index.accept(notice("p1", "2026-11-24T08:00:00Z", "SENT"));
        assertThat(index.find(Set.of("p1"))).extracting(NoticeIndex.Entry::at)
                .containsExactly("2026-11-24T08:00:00Z", "2026-11-23T08:00:00Z");
        assertThat(index.find(Set.of("p1", "p2"))).hasSize(3);
        assertThat(index.find(Set.of("p3"))).isEmpty();
        assertThat(index.find(Set.of("p1")).get(0).destination()).isEqualTo("p***@example.org");
    }

    @Test
    void shouldForgetTheOldestNoticeRecordsWhenFull() {
        NoticeIndex index = new NoticeIndex(3);
        index.accept(notice("p1", "2026-11-23T08:00:00Z", "SENT"));
        index.accept(notice("p2", "2026-11-23T08:01:00Z", "SENT"));
        index.accept(notice("p1", "2026-11-23T08:02:00Z", "SENT"));
        index.accept(notice("p3", "2026-11-23T08:03:00Z", "SENT"));
        assertThat(index.size()).isEqualTo(3);
        assertThat(index.find(Set.of("p1"))).extracting(NoticeIndex.Entry::at).containsExactly("2026-11-23T08:02:00Z");
        index.accept(notice("p4", "2026-11-23T08:04:00Z", "SENT"));
        assertThat(index.find(Set.of("p2"))).isEmpty();
        assertThat(index.size()).isEqualTo(3);
    }

    @Test
    void shouldCountScanInOutcomesOfTheLatestRuns() {
        ScanInTally tally = new ScanInTally(2);
        tally.accept(scan("r1", "SCANNED"));
        tally.accept(scan("r2", "SCANNED"));
        tally.accept(scan("r2", "NOT_FOUND"));
        tally.accept(scan("r2", "SCANNED"));
        assertThat(tally.of("r2")).hasValueSatisfying(c -> assertThat(c).containsEntry("SCANNED", 2L).containsEntry("NOT_FOUND", 1L));
        tally.accept(scan("r3", "SKIPPED"));
        assertThat(tally.of("r1")).as("only the last 2 runs are kept").isEmpty();
        assertThat(tally.latest()).hasValueSatisfying(e -> assertThat(e.getKey()).isEqualTo("r3"));
    }

    private static byte[] notice(String patron, String at, String outcome) {
        return Json.toBytes(new NoticeEvent("NOTICE", 1, "run-MAIN-" + patron, "run", "sierra", patron, "MAIN", "Main Library",
                List.of("1", "2"), "email", "email/en", "en", "p***@example.org", outcome, null, "250 OK", "<id@x>", at));
    }

    private static byte[] scan(String run, String outcome) {
        return ("{\"type\":\"SCAN_IN\",\"runId\":\"" + run + "\",\"outcome\":\"" + outcome + "\",\"itemBarcode\":\"3\"}").getBytes();
    }
}
