package org.holdshelf.sandbox.alma;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How long after its arrival a call reaches the part of Alma that counts it against the
 * per-second threshold ({@code jitter-ms}, see {@link AlmaSandboxSettings}).
 *
 * <p>Real Alma sits behind load balancers and shared front ends: a call waits in a queue or for a
 * thread before the node that counts it sees it, and that wait varies from call to call. Most calls
 * wait little and a few wait long, so the delay is exponential (a queueing wait) with a mean of a
 * quarter of the bound, cut off at the bound: about 12% of calls wait more than half of it, about
 * 3% more than three quarters. Two calls a client sent in one order can therefore be judged in the
 * other order, and calls the client spaced evenly bunch up in the window.
 *
 * <p>Seeded, so a test can replay the same delays. Thread-safe.
 */
final class JudgingDelay {

    private final long boundNanos;
    private final double meanNanos;
    /** 1 - e^(-bound/mean): scales a uniform draw so the inverse CDF never passes the bound. */
    private final double cutOff;
    private final SplittableRandom random;

    JudgingDelay(Duration bound, long seed) {
        if (bound.isNegative()) {
            throw new IllegalArgumentException("the judging delay bound must not be negative, was " + bound);
        }
        this.boundNanos = bound.toNanos();
        this.meanNanos = boundNanos / 4.0;
        this.cutOff = -Math.expm1(-4.0);
        this.random = new SplittableRandom(seed);
    }

    /** No delay: calls are judged when they arrive. */
    static JudgingDelay none() {
        return new JudgingDelay(Duration.ZERO, 0);
    }

    boolean isNone() {
        return boundNanos == 0;
    }

    Duration bound() {
        return Duration.ofNanos(boundNanos);
    }

    /** The next call's delay, within {@code [0, bound]}. */
    long nextNanos() {
        if (boundNanos == 0) {
            return 0;
        }
        double u;
        synchronized (this) {
            u = random.nextDouble();
        }
        // inverse CDF of the exponential truncated at the bound
        long delay = (long) (-meanNanos * Math.log1p(-u * cutOff));
        return Math.min(boundNanos, Math.max(0, delay));
    }
}
