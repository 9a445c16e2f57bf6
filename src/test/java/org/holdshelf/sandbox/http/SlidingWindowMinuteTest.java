package org.holdshelf.sandbox.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-minute window on hand-made judgment times: exact over every 60 s window, in any order. */
class SlidingWindowMinuteTest {

    private static final long S = 1_000_000_000L;

    @Test
    void atMostTheLimitInAnyHalfOpenMinute() {
        SlidingWindow pace = new SlidingWindow(SlidingWindow.ONE_MINUTE);

        assertThat(pace.admit(0, 3)).isTrue();
        assertThat(pace.admit(10 * S, 3)).isTrue();
        assertThat(pace.admit(20 * S, 3)).isTrue();
        assertThat(pace.admit(30 * S, 3)).isFalse();
        assertThat(pace.admit(60 * S - 1, 3)).isFalse();
        assertThat(pace.admit(60 * S, 3)).as("a minute after the first").isTrue();
        assertThat(pace.admit(65 * S, 3)).isFalse();
        assertThat(pace.admit(70 * S, 3)).isTrue();
    }

    /** Times exactly a minute apart are in different windows; the busiest window wins. */
    @Test
    void theMostTimesInAnyMinuteCountHalfOpenWindows() {
        long m = SlidingWindow.ONE_MINUTE;
        assertThat(SlidingWindow.mostInAnyWindow(java.util.List.of(), m)).isZero();
        assertThat(SlidingWindow.mostInAnyWindow(java.util.List.of(0L, 60 * S), m)).isEqualTo(1);
        assertThat(SlidingWindow.mostInAnyWindow(java.util.List.of(0L, 60 * S - 1), m)).isEqualTo(2);
        assertThat(SlidingWindow.mostInAnyWindow(java.util.List.of(0L, 10 * S, 50 * S, 55 * S, 65 * S, 69 * S, 109 * S, 200 * S), m))
                .as("[50 s, 110 s) holds five").isEqualTo(5);
    }

    @Test
    void refusedRequestsDoNotCount() {
        SlidingWindow pace = new SlidingWindow(SlidingWindow.ONE_MINUTE);
        assertThat(pace.admit(0, 1)).isTrue();
        for (int i = 1; i < 60; i++) {
            assertThat(pace.admit(i * S, 1)).isFalse();
        }
        assertThat(pace.admit(60 * S, 1)).isTrue();
    }

    @Test
    void aRequestJudgedLateIsCheckedAgainstTheWindowsAfterItToo() {
        SlidingWindow pace = new SlidingWindow(1000);
        assertThat(pace.admit(1000, 2)).isTrue();
        assertThat(pace.admit(1500, 2)).isTrue();

        assertThat(pace.admit(400, 2)).as("[400, 1400) holds 400 and 1000 only").isTrue();
        assertThat(pace.admit(600, 2)).as("[600, 1600) would hold 600, 1000 and 1500").isFalse();
        assertThat(pace.admit(2400, 2)).isTrue();
        assertThat(pace.admit(2450, 2)).as("[1500, 2500) would hold 1500, 2400 and 2450").isFalse();
    }

    @Test
    void retryAfterIsTheTimeUntilTheWindowHasRoom() {
        SlidingWindow pace = new SlidingWindow(SlidingWindow.ONE_MINUTE);
        pace.admit(0, 3);
        pace.admit(10 * S, 3);
        pace.admit(20 * S, 3);

        assertThat(pace.admit(25 * S, 3)).isFalse();
        assertThat(pace.retryAfterNanos(25 * S, 3)).as("until the first leaves, at 60 s").isEqualTo(35 * S);
        assertThat(pace.admit(25 * S + 35 * S, 3)).isTrue();
        assertThat(pace.admit(61 * S, 3)).isFalse();
        assertThat(pace.retryAfterNanos(61 * S, 3)).as("the one at 10 s leaves at 70 s").isEqualTo(9 * S);
    }

    @Test
    void noLimitAdmitsEverythingAndResetForgets() {
        SlidingWindow pace = new SlidingWindow(SlidingWindow.ONE_MINUTE);
        for (int i = 0; i < 1000; i++) {
            assertThat(pace.admit(i, 0)).isTrue();
        }
        assertThat(pace.admit(0, 1)).isTrue();
        assertThat(pace.admit(1, 1)).isFalse();
        pace.reset();
        assertThat(pace.admit(1, 1)).isTrue();
    }
}
