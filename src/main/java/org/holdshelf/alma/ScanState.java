package org.holdshelf.alma;

import java.time.Instant;

/**
 * The durable scan-in state of one barcode (the value of the compacted state topic, keyed by barcode).
 *
 * @param attempts    Alma's definitive answers about the barcode so far (scanned, not found, refused);
 *                    outages, throttling and pauses are not counted
 * @param lastRunId   the run that wrote this state; for SCANNED, the run that scanned the item in
 * @param lastOutcome the outcome that led to this state
 */
public record ScanState(
        String barcode,
        ScanStatus status,
        int attempts,
        String lastRunId,
        ScanOutcome.Outcome lastOutcome,
        String lastMessage,
        Instant updatedAt) {
}
