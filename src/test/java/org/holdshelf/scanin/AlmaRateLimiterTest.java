package org.holdshelf.scanin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Even spacing, the hard per-window cap and the margin's adaptation, on fake clocks (with real threads for the cap). */
class AlmaRateLimiterTest {

    /** Time that moves only when someone sleeps. */
    private static final class FakeTime implements LongSupplier, AlmaRateLimiter.Sleeper {
        long now = 1_000_000_000L;

        @Override
        public long getAsLong() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            now += nanos;
        }
    }

    @Test
    void shouldSpacePermitsEvenlyAtTheRateWithTheFloorMargin() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(10, time, time);
        List<Long> permits = new ArrayList<>();

        for (int i = 0; i < 35; i++) {
            limiter.acquire();
            permits.add(time.now);
        }

        assertThat(limiter.interval()).as("(1 s + margin) / 10").isEqualTo(Duration.ofMillis(1000 + AlmaRateLimiter.SAFETY_MARGIN_MILLIS).dividedBy(10));
        for (int i = 1; i < permits.size(); i++) {
            assertThat(permits.get(i) - permits.get(i - 1)).isEqualTo(limiter.interval().toNanos());
        }
        assertThat(maxInAnySecond(permits)).isEqualTo(10);
        double rate = (permits.size() - 1) / ((permits.get(permits.size() - 1) - permits.get(0)) / 1e9);
        assertThat(rate).isBetween(10 * 0.95, 10.0);
    }

    /**
     * An instance taking Alma's calls over from another (the scan-in group changed owner) holds off
     * one window: the two instances' calls together never put more than the limit in any second.
     * Without the hold-off the new owner's first calls would join the old owner's last ones.
     */
    @Test
    void shouldKeepTheLimitAcrossAHandOverWhenTheNewOwnerHoldsOff() throws Exception {
        for (boolean holdOff : new boolean[] {true, false}) {
            FakeTime time = new FakeTime();
            AlmaRateLimiter previous = new AlmaRateLimiter(10, time, time);
            List<Long> permits = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                previous.acquire();
                permits.add(time.now);
            }
            AlmaRateLimiter next = new AlmaRateLimiter(10, time, time); // another process: no shared memory
            if (holdOff) {
                next.holdOff(next.window());
            }
            for (int i = 0; i < 25; i++) {
                next.acquire();
                permits.add(time.now);
            }

            if (holdOff) {
                assertThat(maxInAnySecond(permits)).as("both owners together").isLessThanOrEqualTo(10);
            } else {
                assertThat(maxInAnySecond(permits)).as("the hand-over without the hold-off").isGreaterThan(10);
            }
        }
    }

    @Test
    void shouldNotBurstAfterAnIdlePeriod() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(5, time, time);
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
        }
        time.now += Duration.ofSeconds(10).toNanos();
        long resumedAt = time.now;

        List<Long> permits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            limiter.acquire();
            permits.add(time.now);
        }

        assertThat(permits.get(0)).as("the first call after a pause goes at once").isEqualTo(resumedAt);
        assertThat(permits.get(1) - permits.get(0)).isEqualTo(limiter.interval().toNanos());
        assertThat(maxInAnySecond(permits)).isLessThanOrEqualTo(5);
    }

    @Test
    void shouldSpaceTheCallsAfterALateWarmUpCallFromItsAnswer() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(10, time, time);
        limiter.acquire();
        long permitted = time.now;
        time.now += Duration.ofMillis(400).toNanos(); // the warm-up call opens the connection, then answers

        limiter.restampLatestPermit();
        limiter.acquire();

        assertThat(time.now - permitted).isEqualTo(Duration.ofMillis(400).toNanos() + limiter.interval().toNanos());
    }

    /**
     * Eight real threads, each looping on {@code acquire()}, on a virtual clock: the contention is
     * real, the timing is not, so a loaded host cannot make the rate look low.
     */
    @Test
    void shouldHoldTheRateAcrossManyThreadsWithoutExceedingItInAnyWindow() throws Exception {
        VirtualTime time = new VirtualTime(1_000_000_000L);
        AlmaRateLimiter limiter = new AlmaRateLimiter(100, time, time);
        List<Long> permits = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(400);
        List<VirtualTime.ThrowingRunnable> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(() -> {
                while (left.getAndDecrement() > 0) {
                    limiter.acquire();
                    permits.add(time.getAsLong());
                    time.sleepNanos(Duration.ofMillis(30).toNanos()); // the call's round trip
                }
            });
        }

        time.run(threads, 30, TimeUnit.SECONDS);

        List<Long> sorted = new ArrayList<>(permits);
        Collections.sort(sorted);
        assertThat(sorted).hasSize(400);
        double rate = (sorted.size() - 1) / ((sorted.get(sorted.size() - 1) - sorted.get(0)) / 1e9);
        assertThat(rate).isBetween(100 * 0.95, 100.0);
        assertThat(maxInAnySecond(sorted)).isLessThanOrEqualTo(100);
    }

    @Test
    void shouldWidenTheMarginOnAPerSecondThresholdAnswerOnlyOncePerWindow() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(10, time, time);
        limiter.acquire();

        limiter.throttled();
        Duration widened = Duration.ofMillis(AlmaRateLimiter.SAFETY_MARGIN_MILLIS + AlmaRateLimiter.WIDEN_MILLIS);
        assertThat(limiter.margin()).isEqualTo(widened);
        assertThat(limiter.interval()).isEqualTo(Duration.ofSeconds(1).plus(widened).dividedBy(10));

        time.now += Duration.ofMillis(500).toNanos(); // calls paced before the widening still answer 429
        limiter.throttled();
        assertThat(limiter.margin()).as("a second 429 within the window").isEqualTo(widened);

        time.now += Duration.ofMillis(600).toNanos();
        limiter.throttled();
        assertThat(limiter.margin()).isEqualTo(widened.plusMillis(AlmaRateLimiter.WIDEN_MILLIS));
    }

    @Test
    void shouldHoldBackThePermitAfterAWideningUntilTheWiderWindowHasPassed() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(10, time, time);
        List<Long> permits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            limiter.acquire();
            permits.add(time.now);
        }

        limiter.throttled();
        limiter.acquire();

        assertThat(time.now - permits.get(0)).as("the 11th permit waits for the widened window")
                .isEqualTo(Duration.ofMillis(1000 + AlmaRateLimiter.SAFETY_MARGIN_MILLIS + AlmaRateLimiter.WIDEN_MILLIS).toNanos());
    }

    @Test
    void shouldNarrowTheMarginSlowlyAfterQuietPermitsButNotBelowItsFloor() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(25, time, time);
        limiter.throttled();
        Duration widened = limiter.margin();

        for (int i = 0; i < AlmaRateLimiter.QUIET_PERMITS - 1; i++) {
            limiter.acquire();
        }
        assertThat(limiter.margin()).isEqualTo(widened);
        limiter.acquire();
        assertThat(limiter.margin()).isEqualTo(widened.minusMillis(AlmaRateLimiter.NARROW_MILLIS));

        long quietPermitsToFloor = AlmaRateLimiter.QUIET_PERMITS * AlmaRateLimiter.WIDEN_MILLIS / AlmaRateLimiter.NARROW_MILLIS;
        for (long i = 0; i < quietPermitsToFloor; i++) {
            limiter.acquire();
        }
        assertThat(limiter.margin()).isEqualTo(Duration.ofMillis(AlmaRateLimiter.SAFETY_MARGIN_MILLIS));
    }

    @Test
    void shouldRestartTheQuietStretchOnEveryPerSecondThresholdAnswer() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(25, time, time);
        limiter.throttled();

        for (int i = 0; i < AlmaRateLimiter.QUIET_PERMITS - 1; i++) {
            limiter.acquire();
        }
        limiter.throttled(); // the stretch is no longer quiet (and the margin widens again: a window has passed)
        Duration afterSecondAnswer = limiter.margin();
        limiter.acquire();

        assertThat(limiter.margin()).isEqualTo(afterSecondAnswer);
    }

    @Test
    void shouldNotWidenTheMarginBeyondItsCap() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(10, time, time);
        for (int i = 0; i < 50; i++) {
            limiter.throttled();
            time.now += Duration.ofSeconds(2).toNanos();
        }

        assertThat(limiter.margin()).isEqualTo(Duration.ofMillis(AlmaRateLimiter.MAX_MARGIN_MILLIS));
    }

    @Test
    void aFixedMarginNeverMoves() throws Exception {
        FakeTime time = new FakeTime();
        AlmaRateLimiter limiter = new AlmaRateLimiter(10, AlmaRateLimiter.Adaptation.fixed(Duration.ofMillis(15)), time, time);
        limiter.throttled();
        for (int i = 0; i < 200; i++) {
            limiter.acquire();
        }

        assertThat(limiter.margin()).isEqualTo(Duration.ofMillis(15));
    }

    private static int maxInAnySecond(List<Long> sortedNanos) {
        return maxInWindow(sortedNanos, Duration.ofSeconds(1).toNanos());
    }

    /** The most permits in any half-open interval (t - window, t], as Alma counts. */
    private static int maxInWindow(List<Long> sortedNanos, long window) {
        int max = 0;
        int first = 0;
        for (int last = 0; last < sortedNanos.size(); last++) {
            while (sortedNanos.get(first) <= sortedNanos.get(last) - window) {
                first++;
            }
            max = Math.max(max, last - first + 1);
        }
        return max;
    }
}
