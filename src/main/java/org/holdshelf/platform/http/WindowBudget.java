package org.holdshelf.platform.http;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} calls in any {@code window}, as the API counts them, whatever the network
 * does: a call may start only once the call {@code limit} calls before it was answered a whole
 * window ago. A call always reaches the API before its answer comes back, so two calls
 * {@code limit} apart arrive more than a window apart, and no window of arrivals can hold more
 * than {@code limit}. Spacing the starts evenly ({@link CallPacer}) keeps the rate smooth; this
 * bound holds even when one call is slow to arrive and the next ones are not (measured: with
 * spaced starts alone, a call delayed by a new connection or a pause put 91 arrivals in a minute
 * budgeted for 90). It costs about one response time per window.
 *
 * <p>For calls made one at a time. Time comes from a nanosecond ticker and waits go to a
 * {@link CallPacer.Sleeper}, so the bound is tested without the wall clock.
 */
public final class WindowBudget {

    private final int limit;
    private final long windowNanos;
    private final LongSupplier ticker;
    private final CallPacer.Sleeper sleeper;
    /** When the last {@code limit} calls were answered, oldest at {@code next} once full; guarded by this. */
    private final long[] answered;
    private int next;
    private int count;

    public WindowBudget(int limit, Duration window, LongSupplier ticker, CallPacer.Sleeper sleeper) {
        if (limit < 1) {
            throw new IllegalArgumentException("the budget must allow at least one call");
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.ticker = ticker;
        this.sleeper = sleeper;
        this.answered = new long[limit];
    }

    /** The budget of a running process: {@link System#nanoTime()} and parking. */
    public static WindowBudget system(int limit, Duration window) {
        return new WindowBudget(limit, window, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** Waits until a call may start: the call {@code limit} before it was answered a window ago. Returns the time waited. */
    public Duration awaitTurn() throws InterruptedException {
        long start = ticker.getAsLong();
        long wait;
        synchronized (this) {
            wait = count < limit ? 0 : Math.max(0, answered[next] + windowNanos - start);
        }
        if (wait > 0) {
            sleeper.sleepNanos(wait + 1);
        }
        return Duration.ofNanos(Math.max(0, ticker.getAsLong() - start));
    }

    /** The call that last took its turn was answered (or failed): from now on it counts as having arrived. */
    public synchronized void answered() {
        answered[next] = ticker.getAsLong();
        next = (next + 1) % limit;
        count = Math.min(limit, count + 1);
    }
}
