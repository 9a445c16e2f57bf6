package org.holdshelf.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunIdsTest {

    @Test
    void shouldSortByStartTimeAndGiveTheRunDateInTheLibrarysZone() {
        String early = RunIds.newRunId(Instant.parse("2026-11-23T03:30:00Z"));
        String late = RunIds.newRunId(Instant.parse("2026-11-23T14:00:00Z"));

        assertThat(early).matches("20261123T033000Z-[0-9a-f]{4}");
        assertThat(early).isLessThan(late);
        assertThat(RunIds.startedAt(early)).isEqualTo(Instant.parse("2026-11-23T03:30:00Z"));
        assertThat(RunIds.runDate(early, ZoneId.of("America/New_York"))).isEqualTo(LocalDate.of(2026, 11, 22));
        assertThat(RunIds.runDate(early, ZoneId.of("UTC"))).isEqualTo(LocalDate.of(2026, 11, 23));
    }

    @Test
    void shouldSortRunsStartedInTheSameSecondByTheOrderTheyStarted() {
        Instant second = Instant.parse("2026-11-23T08:15:00.100Z");
        String previous = RunIds.newRunId(second);
        for (int i = 0; i < 200; i++) {
            String next = RunIds.newRunId(second.plusMillis(i));
            assertThat(next).startsWith("20261123T081500Z-").isGreaterThan(previous);
            previous = next;
        }
    }
}
