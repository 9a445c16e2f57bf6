package org.holdshelf.sandbox.alma;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Alma's API governance for one institution: the per-second threshold and the daily quota.
 *
 * <p><b>Per-second window.</b> A call judged at time {@code t} is accepted only if fewer than
 * {@code callsPerSecond} calls were accepted in the half-open interval {@code (t - 1000 ms, t]}.
 * A call is judged when {@link #admit()} is called: on its arrival, or after a judging delay when the
 * simulator has a jitter ({@link JudgingDelay}); either way calls are judged in time order, and every
 * time below is a judged time.
 * Only accepted calls count: a rejected call does not push the window out, so a client that backs
 * off gets in again exactly one second after the calls that filled the window. This guarantees that
 * no 1000 ms interval whatsoever holds more than {@code callsPerSecond} accepted calls.
 *
 * <p><b>Daily quota.</b> Every accepted call uses one unit. When none is left, calls are refused
 * with {@code DAILY_THRESHOLD} (checked before the per-second window, so refused calls use neither).
 * The quota refills when the UTC date changes ([INF]: Ex Libris speaks of "a 24 hour period") or
 * when {@link #resetDay()} is called.
 *
 * <p>Also keeps the judged times of the last {@value #HISTORY_CAPACITY} accepted calls and the
 * largest number of accepted calls seen in any window, for benchmarks. Thread-safe (one lock;
 * a decision is a few array operations).
 */
final class AlmaThresholds {

    /** The verdict on one call. */
    enum Verdict { ACCEPTED, PER_SECOND_THRESHOLD, DAILY_THRESHOLD }

    static final int HISTORY_CAPACITY = 100_000;
    private static final long WINDOW_NANOS = Duration.ofSeconds(1).toNanos();

    private final int callsPerSecond;
    private final long dailyQuota;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Instant anchorInstant;
    private final long anchorNanos;

    /** Judged times of the accepted calls still inside the window, oldest at {@code windowHead}. */
    private final long[] window;
    private int windowHead;
    private int windowSize;
    private int maxInWindow;
    /** Judged times of every call within the last second, refused ones included (what clients sent). */
    private final java.util.ArrayDeque<Long> arrivals = new java.util.ArrayDeque<>();
    private int maxArrivalsInWindow;

    private final long[] history = new long[HISTORY_CAPACITY];
    private long historyCount;

    private long remaining;
    private LocalDate quotaDay;

    /**
     * @param clock    wall clock: the quota day and the instants reported in the call history
     * @param nanoTime monotonic time for the window ({@code System::nanoTime} outside tests): a call is
     *                 judged at the time it reads when {@link #admit()} is called
     */
    AlmaThresholds(int callsPerSecond, long dailyQuota, Clock clock, LongSupplier nanoTime) {
        this.callsPerSecond = callsPerSecond;
        this.dailyQuota = dailyQuota;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.window = new long[callsPerSecond];
        this.anchorInstant = clock.instant();
        this.anchorNanos = nanoTime.getAsLong();
        this.remaining = dailyQuota;
        this.quotaDay = today();
    }

    synchronized Verdict admit() {
        long now = nanoTime.getAsLong();
        refillOnNewDay();
        if (remaining <= 0) {
            return Verdict.DAILY_THRESHOLD;
        }
        while (windowSize > 0 && now - window[windowHead] >= WINDOW_NANOS) {
            windowHead = (windowHead + 1) % window.length;
            windowSize--;
        }
        while (!arrivals.isEmpty() && now - arrivals.peekFirst() >= WINDOW_NANOS) {
            arrivals.pollFirst();
        }
        arrivals.addLast(now);
        maxArrivalsInWindow = Math.max(maxArrivalsInWindow, arrivals.size());
        if (windowSize == callsPerSecond) {
            return Verdict.PER_SECOND_THRESHOLD;
        }
        window[(windowHead + windowSize) % window.length] = now;
        windowSize++;
        maxInWindow = Math.max(maxInWindow, windowSize);
        history[(int) (historyCount % HISTORY_CAPACITY)] = now;
        historyCount++;
        remaining--;
        return Verdict.ACCEPTED;
    }

    /** What {@code X-Exl-Api-Remaining} reports. */
    synchronized long remaining() {
        refillOnNewDay();
        return remaining;
    }

    synchronized void setRemaining(long calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("remaining calls must not be negative, was " + calls);
        }
        refillOnNewDay();
        remaining = calls;
    }

    /** Starts a new quota day now: the full daily quota is available again. */
    synchronized void resetDay() {
        quotaDay = today();
        remaining = dailyQuota;
    }

    /** A new day with an empty window and no history. */
    synchronized void reset() {
        resetDay();
        windowHead = 0;
        windowSize = 0;
        maxInWindow = 0;
        arrivals.clear();
        maxArrivalsInWindow = 0;
        historyCount = 0;
    }

    /**
     * The most calls any 1000 ms interval has received since the last reset, refused ones included:
     * what the clients together sent, whatever the simulator let through.
     */
    synchronized int maxArrivalsInAnyWindow() {
        return maxArrivalsInWindow;
    }

    /** The most accepted calls any 1000 ms interval has held since the last reset. */
    synchronized int maxCallsInAnyWindow() {
        return maxInWindow;
    }

    /** Judged times of the most recent accepted calls (at most {@value #HISTORY_CAPACITY}), oldest first. */
    synchronized List<Instant> acceptedCallTimes() {
        int count = (int) Math.min(historyCount, HISTORY_CAPACITY);
        List<Instant> times = new ArrayList<>(count);
        for (long n = historyCount - count; n < historyCount; n++) {
            times.add(anchorInstant.plusNanos(history[(int) (n % HISTORY_CAPACITY)] - anchorNanos));
        }
        return Collections.unmodifiableList(times);
    }

    private void refillOnNewDay() {
        LocalDate today = today();
        if (!today.equals(quotaDay)) {
            quotaDay = today;
            remaining = dailyQuota;
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
