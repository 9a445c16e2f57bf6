package org.holdshelf.scanin;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The durable scan-in state of one barcode (the value of the compacted state topic, keyed by barcode).
 *
 * @param attempts    Alma's definitive answers about the barcode so far (scanned, not found, refused);
 *                    outages, throttling and pauses are not counted
 * @param lastRunId   the run that wrote this state; for SCANNED, the run that scanned the item in
 * @param lastHoldId  the hold of that run the state was written for
 * @param lastOutcome the outcome that led to this state
 * @param lastErrorCode Alma's error code with that outcome, if any
 * @param seenAt      the last time a harvest had the barcode in transit (refreshed at most once a
 *                    {@link ScanInService#SEEN_REFRESH}); a state not seen for
 *                    {@code holdshelf.alma.state-retention} expires. Absent in states written
 *                    before it existed: {@code updatedAt} stands in.
 */
public record ScanState(
        String barcode,
        ScanStatus status,
        int attempts,
        String lastRunId,
        String lastHoldId,
        ScanOutcome.Outcome lastOutcome,
        String lastErrorCode,
        String lastMessage,
        Instant updatedAt,
        Instant seenAt) {

    /** When a harvest last had this barcode in transit. */
    @JsonIgnore
    public Instant lastSeen() {
        return seenAt != null ? seenAt : updatedAt;
    }

    /** The same state, seen in transit at {@code now}. */
    public ScanState seen(Instant now) {
        return new ScanState(barcode, status, attempts, lastRunId, lastHoldId, lastOutcome, lastErrorCode, lastMessage,
                updatedAt, now);
    }
}
