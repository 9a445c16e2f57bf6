package org.holdshelf.scanin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Alma's per-second threshold as a discrete-event model, written independently of the bundled
 * simulator: each call is judged a seeded random delay after it was sent (exponential with a mean of
 * a quarter of {@code jitterBound}, cut off at the bound: the judging delay of load balancers and
 * queues), in the order of those judged times; it is accepted when fewer than {@code limit} accepted
 * calls were judged in {@code (t - 1 s, t]}. Only accepted calls count. Answers leave {@code latency}
 * after the call was sent, or when it was judged if that is later.
 *
 * <p>Not thread-safe on its own: used under {@link VirtualTime}, where one caller runs at a time.
 */
final class JitteryAlmaModel {

    private static final long SECOND = 1_000_000_000L;

    /** One call on its way: when it is judged, and when its answer is back at the caller. */
    record Call(int id, long sent, long judged, long answered) {
    }

    private final int limit;
    private final long latency;
    private final long jitterBound;
    private final SplittableRandom random;
    private final PriorityQueue<Call> unjudged = new PriorityQueue<>((a, b) -> a.judged != b.judged
            ? Long.compare(a.judged, b.judged) : Integer.compare(a.id, b.id));
    private final List<Boolean> verdicts = new ArrayList<>();
    private final ArrayDeque<Long> window = new ArrayDeque<>();
    private final List<Long> acceptedTimes = new ArrayList<>();
    private long refused;
    private int maxInWindow;

    JitteryAlmaModel(int limit, long latencyNanos, long jitterBoundNanos, long seed) {
        this.limit = limit;
        this.latency = latencyNanos;
        this.jitterBound = jitterBoundNanos;
        this.random = new SplittableRandom(seed);
    }

    /** A call sent now. */
    Call send(long now) {
        long judged = now + delay();
        Call call = new Call(verdicts.size(), now, judged, Math.max(now + latency, judged));
        verdicts.add(null);
        unjudged.add(call);
        return call;
    }

    /** Whether the call was accepted; asked at or after its answer time, when it has been judged. */
    boolean accepted(Call call, long now) {
        while (!unjudged.isEmpty() && unjudged.peek().judged <= now) {
            judge(unjudged.poll());
        }
        Boolean verdict = verdicts.get(call.id);
        if (verdict == null) {
            throw new IllegalStateException("call " + call.id + " asked for at " + now + " but judged at " + call.judged);
        }
        return verdict;
    }

    long calls() {
        return verdicts.size();
    }

    long refused() {
        return refused;
    }

    /** Judged times of the accepted calls, in order. */
    List<Long> acceptedTimes() {
        return acceptedTimes;
    }

    int maxAcceptedInAnySecond() {
        return maxInWindow;
    }

    private void judge(Call call) {
        while (!window.isEmpty() && window.peekFirst() <= call.judged - SECOND) {
            window.pollFirst();
        }
        boolean accept = window.size() < limit;
        if (accept) {
            window.addLast(call.judged);
            acceptedTimes.add(call.judged);
            maxInWindow = Math.max(maxInWindow, window.size());
        } else {
            refused++;
        }
        verdicts.set(call.id, accept);
    }

    private long delay() {
        if (jitterBound == 0) {
            return 0;
        }
        double mean = jitterBound / 4.0;
        double u = random.nextDouble();
        return Math.min(jitterBound, (long) (-mean * Math.log1p(-u * -Math.expm1(-jitterBound / mean))));
    }
}
