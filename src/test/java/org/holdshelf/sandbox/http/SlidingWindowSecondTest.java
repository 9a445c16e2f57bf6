package org.holdshelf.sandbox.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The requests-per-second window on hand-made arrival times: exact over every 1 s window, in any order. */
class SlidingWindowSecondTest {

    private static final long MS = 1_000_000L;

    @Test
    void atMostTheLimitInAnyHalfOpenSecond() {
        SlidingWindow window = new SlidingWindow(SlidingWindow.ONE_SECOND);

        assertThat(window.admit(0, 3)).isTrue();
        assertThat(window.admit(100 * MS, 3)).isTrue();
        assertThat(window.admit(200 * MS, 3)).isTrue();
        assertThat(window.admit(300 * MS, 3)).isFalse();
        assertThat(window.admit(999 * MS, 3)).isFalse();
        assertThat(window.admit(1000 * MS, 3)).as("a second after the first").isTrue();
        assertThat(window.admit(1050 * MS, 3)).isFalse();
        assertThat(window.admit(1100 * MS, 3)).isTrue();
    }

    @Test
    void refusedRequestsDoNotCount() {
        SlidingWindow window = new SlidingWindow(SlidingWindow.ONE_SECOND);
        assertThat(window.admit(0, 1)).isTrue();
        for (int i = 1; i < 10; i++) {
            assertThat(window.admit(i * 100 * MS, 1)).isFalse();
        }
        assertThat(window.admit(1000 * MS, 1)).isTrue();
    }

    @Test
    void anArrivalJudgedLateIsCheckedAgainstTheWindowsAfterItToo() {
        SlidingWindow window = new SlidingWindow(SlidingWindow.ONE_SECOND);
        assertThat(window.admit(1000 * MS, 2)).isTrue();
        assertThat(window.admit(1500 * MS, 2)).isTrue();

        assertThat(window.admit(400 * MS, 2)).as("[400, 1400) holds 400 and 1000 only").isTrue();
        assertThat(window.admit(600 * MS, 2)).as("[600, 1600) would hold 600, 1000 and 1500").isFalse();
        assertThat(window.admit(2400 * MS, 2)).isTrue();
        assertThat(window.admit(2450 * MS, 2)).as("[1500, 2500) would hold 1500, 2400 and 2450").isFalse();
    }

    @Test
    void simultaneousArrivalsAreCountedEach() {
        SlidingWindow window = new SlidingWindow(SlidingWindow.ONE_SECOND);
        assertThat(window.admit(5 * MS, 2)).isTrue();
        assertThat(window.admit(5 * MS, 2)).isTrue();
        assertThat(window.admit(5 * MS, 2)).isFalse();
    }

    @Test
    void noLimitAdmitsEverythingAndResetForgets() {
        SlidingWindow window = new SlidingWindow(SlidingWindow.ONE_SECOND);
        for (int i = 0; i < 1000; i++) {
            assertThat(window.admit(i, 0)).isTrue();
        }
        assertThat(window.admit(0, 1)).isTrue();
        assertThat(window.admit(1, 1)).isFalse();
        window.reset();
        assertThat(window.admit(1, 1)).isTrue();
    }
}
