package org.holdshelf.sandbox.alma;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of what an {@link AlmaSimulator} has served since it started or was last reset, for
 * tests and benchmarks. Counters taken while requests are in flight may differ by those requests.
 *
 * @param requests            every HTTP request received, whatever its answer
 * @param authFailures        requests refused for a missing or wrong API key (not counted as calls)
 * @param acceptedCalls       calls that passed both thresholds and used daily quota
 * @param perSecondRejections 429 {@code PER_SECOND_THRESHOLD} answers
 * @param dailyRejections     429 {@code DAILY_THRESHOLD} answers
 * @param barcodeLookups      accepted {@code GET /items?item_barcode=} calls, found or not
 * @param barcodesNotFound    of those, the ones answered 400 / 401689
 * @param itemFetches         accepted {@code GET /bibs/…/items/{pid}} answered with the item
 * @param scans               successful scan-ins
 * @param scansByBarcode      successful scan-ins per barcode, only barcodes scanned at least once
 * @param scanRequests        the parameters of the most recent successful scan-ins (at most
 *                            100,000), oldest first
 * @param acceptedCallTimes   when the most recent accepted calls (at most 100,000) were judged against the
 *                            per-second window, oldest first: their arrival, plus the judging delay when
 *                            the simulator has a {@code jitter-ms}
 * @param maxCallsInAnyWindow the most accepted calls any 1000 ms interval held, in judged times
 * @param maxArrivalsInAnyWindow the most calls any 1000 ms interval received, refused ones included (not
 *                            those refused for the daily quota): what all clients together sent
 */
public record AlmaStats(
        long requests,
        long authFailures,
        long acceptedCalls,
        long perSecondRejections,
        long dailyRejections,
        long barcodeLookups,
        long barcodesNotFound,
        long itemFetches,
        long scans,
        Map<String, Integer> scansByBarcode,
        List<ScanRequest> scanRequests,
        List<Instant> acceptedCallTimes,
        int maxCallsInAnyWindow,
        int maxArrivalsInAnyWindow) {

    /** The query parameters of one successful scan-in; {@code circDesk} or {@code department} may be null. */
    public record ScanRequest(String barcode, String library, String circDesk, String department) {
    }

    public AlmaStats {
        scansByBarcode = Map.copyOf(scansByBarcode);
        scanRequests = List.copyOf(scanRequests);
        acceptedCallTimes = List.copyOf(acceptedCallTimes);
    }

    /** How often the barcode was scanned in successfully. */
    public int scansOf(String barcode) {
        return scansByBarcode.getOrDefault(barcode, 0);
    }

    /**
     * Accepted calls per second over {@link #acceptedCallTimes()}: the number of intervals between
     * the first and the last recorded call divided by the time between them; 0 with fewer than two calls.
     */
    public double achievedCallsPerSecond() {
        if (acceptedCallTimes.size() < 2) {
            return 0;
        }
        Duration span = Duration.between(acceptedCallTimes.get(0), acceptedCallTimes.get(acceptedCallTimes.size() - 1));
        return span.isZero() ? 0 : (acceptedCallTimes.size() - 1) / (span.toNanos() / 1e9);
    }
}
