package org.holdshelf.sandbox.alma;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** The simulator's traffic counters behind {@link AlmaStats}; thread-safe. */
final class RequestCounters {

    static final int SCAN_HISTORY_CAPACITY = 100_000;

    final LongAdder requests = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder acceptedCalls = new LongAdder();
    final LongAdder perSecondRejections = new LongAdder();
    final LongAdder dailyRejections = new LongAdder();
    final LongAdder barcodeLookups = new LongAdder();
    final LongAdder barcodesNotFound = new LongAdder();
    final LongAdder itemFetches = new LongAdder();
    final LongAdder scans = new LongAdder();
    private final ArrayDeque<AlmaStats.ScanRequest> scanHistory = new ArrayDeque<>();

    void scanned(AlmaStats.ScanRequest request) {
        scans.increment();
        synchronized (scanHistory) {
            if (scanHistory.size() == SCAN_HISTORY_CAPACITY) {
                scanHistory.removeFirst();
            }
            scanHistory.addLast(request);
        }
    }

    List<AlmaStats.ScanRequest> scanHistory() {
        synchronized (scanHistory) {
            return new ArrayList<>(scanHistory);
        }
    }

    void reset() {
        for (LongAdder counter : List.of(requests, authFailures, acceptedCalls, perSecondRejections, dailyRejections,
                barcodeLookups, barcodesNotFound, itemFetches, scans)) {
            counter.reset();
        }
        synchronized (scanHistory) {
            scanHistory.clear();
        }
    }
}
