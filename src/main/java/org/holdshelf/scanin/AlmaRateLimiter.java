package org.holdshelf.scanin;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paces every Alma call of the process to at most {@code callsPerSecond}, uses nearly all of that
 * rate however many threads call, and learns from Alma's {@code PER_SECOND_THRESHOLD} answers how
 * much slack the way to Alma needs.
 *
 * <p>Alma refuses a call with 429 {@code PER_SECOND_THRESHOLD} when the institution's calls in the
 * trailing second exceed the limit. A client that fires in bursts loses calls to 429s and then to
 * backoff; a client that spaces calls evenly meets the limit only through jitter. So permits are
 * evenly spaced: {@link #acquire()} reserves the next free slot (one every
 * {@code (1 s + margin) / callsPerSecond}) and waits for it. Spacing alone can still bunch calls when
 * threads wake late together (a GC pause, an overloaded host), so a permit is also held back until the
 * permit {@code callsPerSecond} places before it is at least {@code 1 s + margin} old: no window of
 * {@code 1 s + margin} ever holds more than {@code callsPerSecond} permits.
 *
 * <p><b>Why the margin adapts.</b> Alma does not judge a call when this process sends it but when
 * the call reaches the node that counts it, after load balancers and queues whose delay varies from
 * call to call: two calls sent one second and one spacing apart can be judged less than a second
 * apart. The margin has to cover that variation, and only Alma knows how large it is. A fixed margin
 * is either too small for a busy gateway (15 ms let 2.1% of calls through to a 429 against a
 * simulator that judges calls with scheduling noise, issue 8) or wastes rate on a quiet one (each
 * 10 ms costs 1%). So the margin starts at {@value #SAFETY_MARGIN_MILLIS} ms; each
 * {@code PER_SECOND_THRESHOLD} answer widens it by {@value #WIDEN_MILLIS} ms (up to
 * {@value #MAX_MARGIN_MILLIS} ms), at most once per window, since the calls already on their way
 * were paced with the old margin; and every {@value #QUIET_PERMITS} permits without such an answer
 * narrow it by {@value #NARROW_MILLIS} ms, back toward the floor. A 429 costs as much margin as
 * {@code WIDEN / NARROW * QUIET} = 1,000 quiet permits win back, so the margin settles where about one
 * call in a thousand meets a 429, or lower at the floor: under 1% of calls, with the rate as high as
 * the path's jitter allows ({@code callsPerSecond / (1 s + margin)}: 97% at a 30 ms margin). Each
 * refused call did not happen at Alma and is retried by {@link AlmaClient}.
 *
 * <p><b>The limit is per process.</b> Alma counts all calls of the institution. Several instances
 * of the pipeline stay within it together because only one of them calls Alma at a time (the
 * scan-in group has a single owner, {@link org.holdshelf.platform.kafka.SingleOwnerAssignor}), and
 * an instance taking the calls over {@linkplain #holdOff holds off} one window first. Other
 * integrations calling Alma need their share taken off {@code holdshelf.alma.calls-per-second}.
 * Create one limiter per process and share it.
 *
 * <p>Thread-safe; waiting callers sleep, they never spin. Margin changes are logged at INFO at most
 * once a minute.
 */
public final class AlmaRateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(AlmaRateLimiter.class);

    /** The smallest margin on the one-second window, where the limiter starts. */
    public static final long SAFETY_MARGIN_MILLIS = 15;
    /** The largest margin: 20% of the rate; beyond it the trouble is not jitter. */
    public static final long MAX_MARGIN_MILLIS = 200;
    /** Added to the margin by a {@code PER_SECOND_THRESHOLD} answer. */
    static final long WIDEN_MILLIS = 20;
    /** Taken from the margin after {@value #QUIET_PERMITS} permits without one. */
    static final long NARROW_MILLIS = 1;
    static final int QUIET_PERMITS = 50;
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Waits; replaced by a fake in tests. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    /**
     * How the margin moves: between {@code floor} and {@code cap}, {@code widen} per
     * {@code PER_SECOND_THRESHOLD} answer, {@code narrow} per {@code quietPermits} permits without one.
     */
    record Adaptation(Duration floor, Duration cap, Duration widen, Duration narrow, int quietPermits) {

        static final Adaptation STANDARD = new Adaptation(Duration.ofMillis(SAFETY_MARGIN_MILLIS),
                Duration.ofMillis(MAX_MARGIN_MILLIS), Duration.ofMillis(WIDEN_MILLIS), Duration.ofMillis(NARROW_MILLIS),
                QUIET_PERMITS);

        Adaptation {
            if (floor.isNegative() || cap.compareTo(floor) < 0 || widen.isNegative() || narrow.isNegative() || quietPermits < 1) {
                throw new IllegalArgumentException("inconsistent margin adaptation " + floor + ".." + cap + ", +" + widen
                        + ", -" + narrow + " per " + quietPermits);
            }
        }

        /** A margin that never moves: the limiter before it learned from 429s. */
        static Adaptation fixed(Duration margin) {
            return new Adaptation(margin, margin, Duration.ZERO, Duration.ZERO, Integer.MAX_VALUE);
        }
    }

    private final int callsPerSecond;
    private final Adaptation adaptation;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    /** Guarded by this: the current margin and what follows from it. */
    private long marginNanos;
    private long windowNanos;
    private long intervalNanos;

    /** The start of the next free slot; meaningful once {@code started}. */
    private long nextSlot;
    private boolean started;
    /** The last {@code callsPerSecond} permit times, oldest at {@code head} once the ring is full. */
    private final long[] granted;
    private int grantedCount;
    private int head;

    /** Permits since the last PER_SECOND_THRESHOLD answer or narrowing. */
    private int quietPermits;
    /** When the margin last widened; meaningful once {@code widened}. */
    private long lastWidenedNanos;
    private boolean widened;
    private long throttledAnswers;
    private long lastLoggedNanos;
    private boolean logged;
    private long loggedMarginNanos;

    public AlmaRateLimiter(int callsPerSecond) {
        this(callsPerSecond, Adaptation.STANDARD, System::nanoTime, nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
    }

    AlmaRateLimiter(int callsPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        this(callsPerSecond, Adaptation.STANDARD, nanoTime, sleeper);
    }

    AlmaRateLimiter(int callsPerSecond, Adaptation adaptation, LongSupplier nanoTime, Sleeper sleeper) {
        if (callsPerSecond < 1) {
            throw new IllegalArgumentException("callsPerSecond must be at least 1, was " + callsPerSecond);
        }
        this.callsPerSecond = callsPerSecond;
        this.adaptation = adaptation;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.granted = new long[callsPerSecond];
        setMargin(adaptation.floor().toNanos());
        this.loggedMarginNanos = marginNanos;
    }

    /** Time between two permits at the current margin. */
    public synchronized Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    /** What is added to the one-second window now, for the jitter on the way to Alma's count. */
    public synchronized Duration margin() {
        return Duration.ofNanos(marginNanos);
    }

    /** The window no more than {@code callsPerSecond} permits fall in: one second plus the margin. */
    public synchronized Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    /**
     * Grants no permit for {@code pause} from now (calls already waiting wait longer): this process
     * has just taken Alma's calls over from another instance, whose last calls may still be in
     * Alma's window.
     */
    public synchronized void holdOff(Duration pause) {
        long until = nanoTime.getAsLong() + pause.toNanos();
        nextSlot = started ? Math.max(nextSlot, until) : until;
        started = true;
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
            boolean narrowed = false;
            synchronized (this) {
                long now = nanoTime.getAsLong();
                wait = grantedCount < callsPerSecond ? 0 : granted[head] + windowNanos - now;
                if (wait <= 0) {
                    record(now);
                    narrowed = narrowAfterQuietStretch();
                }
            }
            if (wait <= 0) {
                if (narrowed) {
                    logMarginChange();
                }
                return;
            }
            sleeper.sleepNanos(wait);
        }
    }

    /** How many {@code PER_SECOND_THRESHOLD} answers (429) it was told of. */
    public synchronized long throttledAnswers() {
        return throttledAnswers;
    }

    /**
     * Alma answered {@code PER_SECOND_THRESHOLD}: the calls reached its count closer together than
     * they were sent. Widens the margin, unless it widened less than a window ago: the calls answered
     * since were mostly paced before that, so their 429s say nothing new.
     */
    public void throttled() {
        boolean changed;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            throttledAnswers++;
            quietPermits = 0;
            if (widened && now - lastWidenedNanos < windowNanos) {
                return;
            }
            long wider = Math.min(adaptation.cap().toNanos(), marginNanos + adaptation.widen().toNanos());
            changed = wider != marginNanos;
            widened = true;
            lastWidenedNanos = now;
            setMargin(wider);
        }
        if (changed) {
            logMarginChange();
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

    /** Guarded by this. */
    private boolean narrowAfterQuietStretch() {
        quietPermits++;
        if (quietPermits < adaptation.quietPermits()) {
            return false;
        }
        quietPermits = 0;
        long narrower = Math.max(adaptation.floor().toNanos(), marginNanos - adaptation.narrow().toNanos());
        if (narrower == marginNanos) {
            return false;
        }
        setMargin(narrower);
        return true;
    }

    /** Guarded by this. */
    private void setMargin(long margin) {
        marginNanos = margin;
        windowNanos = SECOND_NANOS + margin;
        intervalNanos = (windowNanos + callsPerSecond - 1) / callsPerSecond;
    }

    /** Says where the margin is now, at most once a minute and only when it moved since it was last said. */
    private void logMarginChange() {
        long margin;
        long answers;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if ((logged && now - lastLoggedNanos < LOG_EVERY_NANOS) || marginNanos == loggedMarginNanos) {
                return;
            }
            logged = true;
            lastLoggedNanos = now;
            loggedMarginNanos = marginNanos;
            margin = marginNanos;
            answers = throttledAnswers;
        }
        if (LOG.isInfoEnabled()) {
            LOG.info("Alma pacing: margin on the one-second window now {} ms, {} calls/s of the {} allowed "
                            + "(PER_SECOND_THRESHOLD answers so far: {})",
                    String.format(Locale.ROOT, "%.0f", margin / 1e6),
                    String.format(Locale.ROOT, "%.2f", callsPerSecond * 1e9 / (SECOND_NANOS + margin)), callsPerSecond,
                    answers);
        }
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
