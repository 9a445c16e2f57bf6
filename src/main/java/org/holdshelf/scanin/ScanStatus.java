package org.holdshelf.scanin;

/** Where a barcode's scan-in stands across harvests and restarts. */
public enum ScanStatus {
    /**
     * A scan-in was started and its outcome is not recorded: the process died, or Alma's answer was
     * lost. The item is read in Alma before anything is sent again.
     */
    IN_FLIGHT,
    /** Scanned in; never sent again. */
    SCANNED,
    /** Not scanned in; retried on later harvests while {@code attempts} is below the maximum. */
    FAILED,
    /** Not attempted because Alma's daily quota ran out; retried after the pause, not counted. */
    PAUSED
}
