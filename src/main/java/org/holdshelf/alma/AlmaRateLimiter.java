package org.holdshelf.alma;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces every Alma call of the process to at most {@code callsPerSecond}, and uses that rate fully
 * however many threads call.
 *
 * <p>Alma refuses a call with 429 {@code PER_SECOND_THRESHOLD} when the institution's calls in the
 * trailing second exceed the limit. A client that fires in bursts loses calls to 429s and then to
 * backoff; a client that spaces calls evenly never meets the limit. So permits are evenly spaced:
 * {@link #acquire()} reserves the next free slot (one every {@code (1 s + margin) / rate}) and waits
 * for it. The {@value #SAFETY_MARGIN_MILLIS} ms margin on the second absorbs the jitter between a
 * permit and the call's arrival at Alma (thread scheduling on a busy host, a GC pause), at a cost
 * of 1.5% of the rate. (30 ms cost 3% of the rate; 15 ms met no 429 either in the benchmarks,
 * bench/RESULTS.md.)
 *
 * <p>Spacing alone can still bunch calls when threads wake late together (a GC pause, an
 * overloaded host): so a permit is also held back until the permit {@code callsPerSecond} places
 * before it is at least one window old. No window of {@code 1 s + margin} ever holds more than
 * {@code callsPerSecond} permits.
 *
 * <p><b>The limit is per process.</b> Alma counts all calls of the institution: with N instances of
 * the pipeline (or other integrations calling Alma) set {@code holdshelf.alma.calls-per-second} to
 * this instance's share. Create one limiter per process and share it.
 *
 * <p>Thread-safe.
 */
public final class AlmaRateLimiter {

    /** What is added to the one-second window, for jitter between a permit and the call's arrival. */
    public static final long SAFETY_MARGIN_MILLIS = 15;

    /** Waits; replaced by a fake in tests. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final int callsPerSecond;
    private final long windowNanos;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    /** The start of the next free slot; meaningful once {@code started}. */
    private long nextSlot;
    private boolean started;
    /** The last {@code callsPerSecond} permit times, oldest at {@code head} once the ring is full. */
    private final long[] granted;
    private int grantedCount;
    private int head;

    public AlmaRateLimiter(int callsPerSecond) {
        this(callsPerSecond, System::nanoTime, nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
    }

    AlmaRateLimiter(int callsPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (callsPerSecond < 1) {
            throw new IllegalArgumentException("callsPerSecond must be at least 1, was " + callsPerSecond);
        }
        this.callsPerSecond = callsPerSecond;
        this.windowNanos = Duration.ofSeconds(1).plusMillis(SAFETY_MARGIN_MILLIS).toNanos();
        this.intervalNanos = (windowNanos + callsPerSecond - 1) / callsPerSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.granted = new long[callsPerSecond];
    }

    /** Time between two permits. */
    public Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    /** Blocks until this caller may send one Alma call. */
    public void acquire() throws InterruptedException {
        long slot;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            slot = started ? Math.max(now, nextSlot) : now;
            started = true;
            nextSlot = slot + intervalNanos;
        }
        long untilSlot = slot - nanoTime.getAsLong();
        if (untilSlot > 0) {
            sleeper.sleepNanos(untilSlot);
        }
        while (true) {
            long wait;
            synchronized (this) {
                long now = nanoTime.getAsLong();
                wait = grantedCount < callsPerSecond ? 0 : granted[head] + windowNanos - now;
                if (wait <= 0) {
                    record(now);
                    return;
                }
            }
            sleeper.sleepNanos(wait);
        }
    }

    /**
     * Counts the most recent permit from now instead of from when it was given: for a call known to
     * have reached Alma late (a warm-up call that opened the connection), so that the calls after it
     * are spaced from its arrival. Only meaningful while no other permit was given since.
     */
    public synchronized void restampLatestPermit() {
        if (grantedCount == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        int latest = (head + grantedCount - 1) % callsPerSecond;
        granted[latest] = Math.max(granted[latest], now);
        nextSlot = Math.max(nextSlot, now + intervalNanos);
    }

    private void record(long now) {
        if (grantedCount < callsPerSecond) {
            granted[(head + grantedCount) % callsPerSecond] = now;
            grantedCount++;
        } else {
            granted[head] = now;
            head = (head + 1) % callsPerSecond;
        }
    }
}
