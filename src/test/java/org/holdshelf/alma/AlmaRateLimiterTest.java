package org.holdshelf.alma;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Even spacing and the hard per-window cap, on a fake clock and with real threads. */
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
    void shouldSpacePermitsEvenlyAtTheRateWithTheSafetyMargin() throws Exception {
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

    @Test
    void shouldHoldTheRateAcrossManyThreadsWithoutExceedingItInAnyWindow() throws Exception {
        AlmaRateLimiter limiter = new AlmaRateLimiter(100);
        List<Long> permits = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                done.add(threads.submit(() -> {
                    limiter.acquire();
                    permits.add(System.nanoTime());
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        List<Long> sorted = new ArrayList<>(permits);
        Collections.sort(sorted);
        double rate = (sorted.size() - 1) / ((sorted.get(sorted.size() - 1) - sorted.get(0)) / 1e9);
        assertThat(rate).isBetween(100 * 0.95, 100.0);
        assertThat(maxInAnySecond(sorted)).isLessThanOrEqualTo(100);
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
