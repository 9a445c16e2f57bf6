package org.holdshelf.directory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Libib's pace: "you may hit the API once every 2 seconds". A call starts at least {@code spacing}
 * (Libib's interval plus a margin) after the previous call's answer arrived, not after it was
 * sent: when a call was sent is no bound on when it reached Libib (a new connection's handshake, a
 * slow network), but it surely had reached Libib by the time its answer came back, so calls spaced
 * this way arrive at least the interval apart whatever the network does. The price is one latency
 * per call. A 429 or a failure pushes the next call back by the backoff it asks for. One pacer
 * serves every mirror of the process, so a mirror started right after another still waits.
 *
 * <p>Time is read from a nanosecond ticker and waited for by a {@link Sleeper}, so the pacing is
 * tested without the wall clock.
 */
public final class LibibPacer {

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

    public LibibPacer(Duration spacing, LongSupplier ticker, Sleeper sleeper) {
        this.spacingNanos = spacing.toNanos();
        this.ticker = ticker;
        this.sleeper = sleeper;
    }

    /** The pacer of a running process: {@link System#nanoTime()} and parking. */
    public static LibibPacer system(Duration spacing) {
        return new LibibPacer(spacing, System::nanoTime, nanos -> {
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
