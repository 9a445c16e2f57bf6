package org.holdshelf.scanin;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One scan-in outcome: the record on {@code holdshelf.scanin} (keyed by item barcode; see
 * {@link #kafkaKey()}) and a row of the run's {@code scan-in.csv}. Field names are the public
 * contract (camelCase JSON through {@link org.holdshelf.events.Json}).
 *
 * @param type          {@link org.holdshelf.events.EventTypes#SCAN_IN}
 * @param almaErrorCode Alma's {@code errorCode} ({@code 401689} for NOT_FOUND); {@code HTTP_<status>} or
 *                      {@code NO_RESPONSE} when Alma's answer had no error envelope
 * @param message       Alma's destination text for SCANNED, Alma's error message, or why nothing was done
 * @param attempt       the barcode's counted attempts after this outcome (only Alma's definitive answers
 *                      about the barcode count: scanned, not found, refused)
 * @param at            when the outcome was decided, ISO-8601 UTC
 */
public record ScanOutcome(
        String type,
        int schemaVersion,
        String runId,
        String holdId,
        String itemBarcode,
        String pickupLocationCode,
        Outcome outcome,
        String almaErrorCode,
        String message,
        int attempt,
        boolean dryRun,
        String at) {

    public enum Outcome {
        /** Scanned in now (or found scanned in after a lost answer or a restart). */
        SCANNED,
        /** Scanned in by an earlier run; nothing sent. */
        ALREADY_SCANNED,
        /** Alma knows no item with this barcode (401689). */
        NOT_FOUND,
        /** Alma refused or failed the call; {@code almaErrorCode} says how. */
        ALMA_ERROR,
        /** Not attempted: no item barcode, or given up after the maximum attempts. */
        SKIPPED,
        /** Not attempted: scan-ins are paused until the daily quota refills. */
        PAUSED,
        /** Looked up, not scanned in: dry-run mode. */
        DRY_RUN
    }

    /** The record key: the item barcode, or the hold id for a hold without one. */
    @JsonIgnore
    public String kafkaKey() {
        return itemBarcode == null || itemBarcode.isBlank() ? holdId : itemBarcode;
    }
}
