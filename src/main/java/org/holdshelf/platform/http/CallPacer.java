package org.holdshelf.platform.http;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * An API's pace, for the HTTP integrations that must stay under a rate: one call every
 * {@code spacing}. Two ways to use it:
 * <ul>
 *   <li><b>Spaced after the answer</b> (call {@link #answered()} when the answer arrives): a call
 *       starts at least {@code spacing} after the previous call's answer, not after it was sent.
 *       When a call was sent is no bound on when it reached the API (a new connection's handshake,
 *       a slow network), but it surely had by the time its answer came back, so calls arrive at
 *       least {@code spacing} apart whatever the network does, at the price of one latency a call.
 *       Libib ("once every 2 seconds") is paced this way.</li>
 *   <li><b>Spaced starts</b> (never call {@code answered()}): calls start {@code spacing} apart.
 *       For a budget per window with room to spare (Hoopla: 90 of its 100 a minute), arrivals may
 *       shift by the network's jitter but stay within the budget, and the latency costs nothing.</li>
 * </ul>
 * A 429 or a failure pushes the next call back by the backoff it asks for. One pacer serves every
 * caller of the process, so a poll started right after another still waits.
 *
 * <p>Time is read from a nanosecond ticker and waited for by a {@link Sleeper}, so the pacing is
 * tested without the wall clock.
 */
public final class CallPacer {

    /** Waits; interruptible. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final long spacingNanos;
    private final LongSupplier ticker;
    private final Sleeper sleeper;
    /** When the next call may start (ticker value); guarded by this. */
    private long nextCall;
    private boolean anyCall;

    public CallPacer(Duration spacing, LongSupplier ticker, Sleeper sleeper) {
        this.spacingNanos = spacing.toNanos();
        this.ticker = ticker;
        this.sleeper = sleeper;
    }

    /** The pacer of a running process: {@link System#nanoTime()} and parking. */
    public static CallPacer system(Duration spacing) {
        return new CallPacer(spacing, System::nanoTime, nanos -> {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        });
    }

    /**
     * Waits until a call may start and books it: the next call may start {@code spacing} later.
     * Returns the time waited.
     */
    public Duration awaitTurn() throws InterruptedException {
        long start = ticker.getAsLong();
        long wait;
        synchronized (this) {
            wait = anyCall ? Math.max(0, nextCall - start) : 0;
        }
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
        synchronized (this) {
            long now = ticker.getAsLong();
            nextCall = Math.max(now, anyCall ? nextCall : now) + spacingNanos;
            anyCall = true;
            return Duration.ofNanos(Math.max(0, now - start));
        }
    }

    /** The answer to the call that last took its turn has arrived (or the call failed): the next waits the spacing from now. */
    public synchronized void answered() {
        long until = ticker.getAsLong() + spacingNanos;
        nextCall = anyCall ? Math.max(nextCall, until) : until;
        anyCall = true;
    }

    /** The next call waits at least {@code delay} from now (a 429's backoff, a failure's). */
    public synchronized void backOff(Duration delay) {
        long until = ticker.getAsLong() + delay.toNanos();
        nextCall = anyCall ? Math.max(nextCall, until) : until;
        anyCall = true;
    }
}
