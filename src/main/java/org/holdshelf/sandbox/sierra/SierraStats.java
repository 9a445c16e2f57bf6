package org.holdshelf.sandbox.sierra;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the {@link SierraSimulator} has been asked and how it answered, for assertions in tests
 * ("the harvest asked for limit 2000", "the lookup sent a limit with its id list", "the retry
 * happened"). Thread-safe; the logs keep the most recent entries only, so a long benchmark
 * cannot exhaust the heap.
 */
public final class SierraStats {

    private static final int MAX_LOGGED_CALLS = 100_000;
    private static final int MAX_LOGGED_FAULTS = 10_000;

    /**
     * One {@code /patrons/holds} page request.
     *
     * @param limit  the effective limit (50 when the request had none)
     * @param fields the {@code fields} parameter as sent, empty when absent
     */
    public record HoldsCall(int offset, int limit, String fields) {
    }

    /**
     * One id-list call on {@code /items}, {@code /bibs} or {@code /patrons}.
     *
     * @param idCount  distinct ids requested
     * @param limit    the {@code limit} parameter, empty when the request had none (Sierra then
     *                 silently cuts the answer to 50 records)
     * @param returned records in the answer (0 for a 404 or a fault)
     */
    public record LookupCall(SierraEndpoint endpoint, int idCount, OptionalInt limit, int returned) {
    }

    /** One injected fault: on which endpoint, page (or call number), and which kind. */
    public record FiredFault(FaultPlan.Target target, long page, FaultPlan.Kind kind) {
    }

    private final Map<SierraEndpoint, AtomicLong> requests = new EnumMap<>(SierraEndpoint.class);
    private final AtomicLong tokensIssued = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final BoundedLog<HoldsCall> holdsCalls = new BoundedLog<>(MAX_LOGGED_CALLS);
    private final BoundedLog<LookupCall> lookupCalls = new BoundedLog<>(MAX_LOGGED_CALLS);
    private final BoundedLog<FiredFault> faults = new BoundedLog<>(MAX_LOGGED_FAULTS);

    SierraStats() {
        for (SierraEndpoint endpoint : SierraEndpoint.values()) {
            requests.put(endpoint, new AtomicLong());
        }
    }

    /** Requests that reached the endpoint, whatever the answer (401s and faults included). */
    public long requests(SierraEndpoint endpoint) {
        return requests.get(endpoint).get();
    }

    /** Successful {@code /token} answers. */
    public long tokensIssued() {
        return tokensIssued.get();
    }

    /** 401 answers on any endpoint, {@code /token} included. */
    public long unauthorized() {
        return unauthorized.get();
    }

    /** {@code /patrons/holds} requests with valid parameters, in arrival order. */
    public List<HoldsCall> holdsCalls() {
        return holdsCalls.snapshot();
    }

    /** The offsets of {@link #holdsCalls()}, in arrival order. */
    public List<Integer> holdsOffsets() {
        return holdsCalls.snapshot().stream().map(HoldsCall::offset).toList();
    }

    /** Id-list calls with valid parameters, in arrival order. */
    public List<LookupCall> lookupCalls() {
        return lookupCalls.snapshot();
    }

    public List<LookupCall> lookupCalls(SierraEndpoint endpoint) {
        return lookupCalls.snapshot().stream().filter(call -> call.endpoint() == endpoint).toList();
    }

    public List<FiredFault> faultsFired() {
        return faults.snapshot();
    }

    /** Forgets everything counted so far (issued tokens stay valid). */
    public void reset() {
        requests.values().forEach(counter -> counter.set(0));
        tokensIssued.set(0);
        unauthorized.set(0);
        holdsCalls.clear();
        lookupCalls.clear();
        faults.clear();
    }

    void request(SierraEndpoint endpoint) {
        requests.get(endpoint).incrementAndGet();
    }

    void tokenIssued() {
        tokensIssued.incrementAndGet();
    }

    void unauthorizedAnswered() {
        unauthorized.incrementAndGet();
    }

    void holdsCall(HoldsCall call) {
        holdsCalls.add(call);
    }

    void lookupCall(LookupCall call) {
        lookupCalls.add(call);
    }

    void faultFired(FiredFault fault) {
        faults.add(fault);
    }

    @Override
    public String toString() {
        return "SierraStats[requests=" + requests + ", tokensIssued=" + tokensIssued + ", unauthorized=" + unauthorized
                + ", faultsFired=" + faults.size() + "]";
    }

    /** The last {@code capacity} entries, oldest first. */
    private static final class BoundedLog<T> {

        private final int capacity;
        private final ArrayDeque<T> entries = new ArrayDeque<>();

        BoundedLog(int capacity) {
            this.capacity = capacity;
        }

        synchronized void add(T entry) {
            if (entries.size() == capacity) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }

        synchronized List<T> snapshot() {
            return List.copyOf(entries);
        }

        synchronized int size() {
            return entries.size();
        }

        synchronized void clear() {
            entries.clear();
        }
    }
}
