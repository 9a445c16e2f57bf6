package org.holdshelf.sandbox.http;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A simulator's rate limit, exact over every window (Hoopla's requests per minute, an SMS
 * gateway's per second): a request is admitted when, with it, no half-open window holds more than
 * the limit of admitted judgment times. Requests are judged a jittered moment after their arrival, so they may be
 * judged out of order: the windows after a time are checked as well as those before it. Refused
 * requests do not count. Thread-safe.
 */
public final class SlidingWindow {

    /** Hoopla's window: requests per minute. */
    public static final long ONE_MINUTE = TimeUnit.SECONDS.toNanos(60);
    /** An SMS gateway's window: requests per second. */
    public static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final long windowNanos;
    private final long keepNanos;
    /** Judgment times (nanos) of admitted requests; a tie is moved on by a nanosecond. */
    private final NavigableSet<Long> admitted = new TreeSet<>();
    private long newest = Long.MIN_VALUE;

    /** A limit over every window of {@code windowNanos} ({@link #ONE_MINUTE}, {@link #ONE_SECOND}). */
    public SlidingWindow(long windowNanos) {
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
    public synchronized boolean admit(long nanos, int limit) {
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
    public synchronized long retryAfterNanos(long nanos, int limit) {
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

    /**
     * The most of {@code sortedNanos} (times in ascending order, e.g. a simulator's arrivals) that
     * fall in one half-open window {@code [t, t + windowNanos)}: what the clients together sent in
     * their busiest window, whatever a limit let through. 0 for no times.
     */
    public static int mostInAnyWindow(java.util.List<Long> sortedNanos, long windowNanos) {
        int most = 0;
        int from = 0;
        for (int to = 0; to < sortedNanos.size(); to++) {
            while (sortedNanos.get(to) - sortedNanos.get(from) >= windowNanos) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }

    public synchronized void reset() {
        admitted.clear();
        newest = Long.MIN_VALUE;
    }
}
