package org.holdshelf.sandbox.hoopla;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Hoopla's requests-per-minute pace in the {@link HooplaSimulator}, exact over every 60 s window: a
 * request is admitted when, with it, no half-open window of 60 s holds more than the limit of
 * admitted judgment times. Requests are judged a jittered moment after their arrival, so they may be
 * judged out of order: the windows after a time are checked as well as those before it. Refused
 * requests do not count. Thread-safe.
 */
final class HooplaPace {

    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final long windowNanos;
    private final long keepNanos;
    /** Judgment times (nanos) of admitted requests; a tie is moved on by a nanosecond. */
    private final NavigableSet<Long> admitted = new TreeSet<>();
    private long newest = Long.MIN_VALUE;

    HooplaPace() {
        this(WINDOW_NANOS);
    }

    /** Another window length: for unit tests of the arithmetic. */
    HooplaPace(long windowNanos) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("the window must be positive");
        }
        this.windowNanos = windowNanos;
        this.keepNanos = 3 * windowNanos;
    }

    /**
     * Admits the request judged at {@code nanos} unless that would put more than {@code limit}
     * admitted requests into one window; {@code limit} 0 admits everything (and records nothing).
     */
    synchronized boolean admit(long nanos, int limit) {
        if (limit <= 0) {
            return true;
        }
        long t = nanos;
        while (admitted.contains(t)) {
            t++;
        }
        // limit + 1 times fit in one window exactly when the last is less than a window after the
        // first; with t among them, j of the others come before it and limit - j after it
        long[] before = nearest(admitted.headSet(t, false).descendingIterator(), limit);
        long[] after = nearest(admitted.tailSet(t, false).iterator(), limit);
        for (int j = 0; j <= limit; j++) {
            int k = limit - j;
            if (j > before.length || k > after.length) {
                continue;
            }
            long first = j == 0 ? t : before[j - 1];
            long last = k == 0 ? t : after[k - 1];
            if (last - first < windowNanos) {
                return false;
            }
        }
        admitted.add(t);
        if (newest == Long.MIN_VALUE || t - newest > 0) {
            newest = t;
        }
        while (!admitted.isEmpty() && newest - admitted.first() > keepNanos) {
            admitted.pollFirst();
        }
        return true;
    }

    /**
     * For a request refused at {@code nanos}: how long until the window ending then holds fewer than
     * {@code limit} admitted requests, that is until enough of the oldest have left it (at least 1 ns).
     */
    synchronized long retryAfterNanos(long nanos, int limit) {
        if (limit <= 0) {
            return 1;
        }
        NavigableSet<Long> inWindow = admitted.subSet(nanos - windowNanos, false, nanos, true);
        int leave = inWindow.size() - limit + 1;
        if (leave <= 0) {
            return 1; // refused for requests judged after it: soon
        }
        Iterator<Long> oldest = inWindow.iterator();
        long last = nanos;
        for (int i = 0; i < leave; i++) {
            last = oldest.next();
        }
        return Math.max(1, last + windowNanos - nanos);
    }

    private static long[] nearest(Iterator<Long> from, int most) {
        long[] out = new long[most];
        int n = 0;
        while (n < most && from.hasNext()) {
            out[n++] = from.next();
        }
        return n == most ? out : Arrays.copyOf(out, n);
    }

    synchronized void reset() {
        admitted.clear();
        newest = Long.MIN_VALUE;
    }
}
