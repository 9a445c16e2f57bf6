package org.holdshelf.sandbox.sms;

import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The requests-per-second limit of the {@link SmsGatewaySimulator}, exact over every 1 s window:
 * a request is admitted when, with it, no half-open window of one second holds more than the limit
 * of admitted arrivals. Arrivals may be judged slightly out of order (worker threads), so the
 * windows after an arrival are checked as well as those before it. Thread-safe.
 */
final class RateWindow {

    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Admitted arrivals older than this before the newest are forgotten. */
    private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Arrivals (nanos) of admitted requests; a tie is moved on by a nanosecond. */
    private final NavigableSet<Long> admitted = new TreeSet<>();
    private long newest = Long.MIN_VALUE;

    /**
     * Admits the request arrived at {@code nanos} unless that would put more than {@code limit}
     * admitted arrivals into one window; {@code limit} 0 admits everything (and records nothing).
     */
    synchronized boolean admit(long nanos, int limit) {
        if (limit <= 0) {
            return true;
        }
        long t = nanos;
        while (admitted.contains(t)) {
            t++;
        }
        // limit + 1 arrivals fit in one window exactly when the last is less than 1 s after the
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
            if (last - first < WINDOW_NANOS) {
                return false;
            }
        }
        admitted.add(t);
        if (t - newest > 0 || newest == Long.MIN_VALUE) {
            newest = t;
        }
        while (!admitted.isEmpty() && newest - admitted.first() > KEEP_NANOS) {
            admitted.pollFirst();
        }
        return true;
    }

    private static long[] nearest(Iterator<Long> from, int most) {
        long[] out = new long[most];
        int n = 0;
        while (n < most && from.hasNext()) {
            out[n++] = from.next();
        }
        return n == most ? out : java.util.Arrays.copyOf(out, n);
    }

    synchronized void reset() {
        admitted.clear();
        newest = Long.MIN_VALUE;
    }
}
