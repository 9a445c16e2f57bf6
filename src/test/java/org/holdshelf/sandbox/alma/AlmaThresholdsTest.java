package org.holdshelf.sandbox.alma;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.holdshelf.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.holdshelf.sandbox.alma.AlmaThresholds.Verdict.ACCEPTED;
import static org.holdshelf.sandbox.alma.AlmaThresholds.Verdict.DAILY_THRESHOLD;
import static org.holdshelf.sandbox.alma.AlmaThresholds.Verdict.PER_SECOND_THRESHOLD;

/** The window and quota arithmetic on a hand-driven clock, where the boundaries can be hit exactly. */
class AlmaThresholdsTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong nanos = new AtomicLong(5_000 * MS);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T23:59:58Z"));

    private AlmaThresholds thresholds(int callsPerSecond, long dailyQuota) {
        return new AlmaThresholds(callsPerSecond, dailyQuota, clock, nanos::get);
    }

    @Test
    void acceptsTheLimitThenRejectsUntilTheOldestCallIsOneSecondOld() {
        AlmaThresholds thresholds = thresholds(3, 100);

        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);          // t = 0
        nanos.addAndGet(100 * MS);
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);          // t = 100
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);          // t = 100
        assertThat(thresholds.admit()).isEqualTo(PER_SECOND_THRESHOLD);
        nanos.addAndGet(899 * MS);                                   // t = 999: the call at 0 is still inside
        assertThat(thresholds.admit()).isEqualTo(PER_SECOND_THRESHOLD);
        nanos.addAndGet(MS);                                         // t = 1000: the call at 0 has left (t-1000, t]
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
        assertThat(thresholds.admit()).isEqualTo(PER_SECOND_THRESHOLD);
        nanos.addAndGet(100 * MS);                                   // t = 1100: both calls at 100 have left
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
        assertThat(thresholds.admit()).isEqualTo(PER_SECOND_THRESHOLD);

        assertThat(thresholds.maxCallsInAnyWindow()).isEqualTo(3);
        assertThat(thresholds.remaining()).isEqualTo(100 - 6);
    }

    @Test
    void rejectedCallsNeitherUseQuotaNorExtendTheWindow() {
        AlmaThresholds thresholds = thresholds(1, 10);

        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
        for (int i = 0; i < 50; i++) {
            nanos.addAndGet(10 * MS);
            assertThat(thresholds.admit()).isEqualTo(PER_SECOND_THRESHOLD);
        }
        nanos.addAndGet(500 * MS);                                   // one second after the accepted call
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
        assertThat(thresholds.remaining()).isEqualTo(8);
        assertThat(thresholds.acceptedCallTimes()).hasSize(2);
    }

    @Test
    void dailyQuotaRunsOutAndRefillsAtUtcMidnight() {
        AlmaThresholds thresholds = thresholds(100, 2);

        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
        assertThat(thresholds.remaining()).isZero();
        assertThat(thresholds.admit()).isEqualTo(DAILY_THRESHOLD);

        clock.advance(Duration.ofSeconds(2));                        // 2026-03-03T00:00:00Z
        assertThat(thresholds.remaining()).isEqualTo(2);
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
    }

    @Test
    void quotaCanBeSetAndTheDayReset() {
        AlmaThresholds thresholds = thresholds(100, 50);

        thresholds.setRemaining(1);
        assertThat(thresholds.admit()).isEqualTo(ACCEPTED);
        assertThat(thresholds.admit()).isEqualTo(DAILY_THRESHOLD);
        thresholds.resetDay();
        assertThat(thresholds.remaining()).isEqualTo(50);
        assertThatThrownBy(() -> thresholds.setRemaining(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void historyKeepsArrivalTimesOldestFirstAndResetClearsEverything() {
        AlmaThresholds thresholds = thresholds(10, 100);
        Instant start = clock.instant();

        thresholds.admit();
        nanos.addAndGet(250 * MS);
        thresholds.admit();

        assertThat(thresholds.acceptedCallTimes()).containsExactly(start, start.plusMillis(250));

        thresholds.reset();
        assertThat(thresholds.acceptedCallTimes()).isEmpty();
        assertThat(thresholds.maxCallsInAnyWindow()).isZero();
        assertThat(thresholds.remaining()).isEqualTo(100);
        for (int i = 0; i < 10; i++) {
            assertThat(thresholds.admit()).isEqualTo(ACCEPTED);      // the window was emptied too
        }
    }
}
