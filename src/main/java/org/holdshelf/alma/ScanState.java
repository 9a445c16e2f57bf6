package org.holdshelf.alma;

import java.time.Instant;

/**
 * The durable scan-in state of one barcode (the value of the compacted state topic, keyed by barcode).
 *
 * @param attempts    Alma's definitive answers about the barcode so far (scanned, not found, refused);
 *                    outages, throttling and pauses are not counted
 * @param lastRunId   the run that wrote this state; for SCANNED, the run that scanned the item in
 * @param lastHoldId  the hold of that run the state was written for
 * @param lastOutcome the outcome that led to this state
 * @param lastErrorCode Alma's error code with that outcome, if any
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
        Instant updatedAt) {
}
