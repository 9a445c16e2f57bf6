package org.holdshelf.events;

/**
 * The end-of-location marker on {@code holdshelf.entries}: sent with the location's key after
 * every hold event of that location in the run has been acknowledged by the broker. Consumers
 * complete a location when its marker arrives and the counts match.
 *
 * <p>{@code firstOffset}/{@code lastOffset} are the offsets of the run's first and last hold
 * event for this location on the marker's own partition, so a consumer can replay exactly that
 * range (the pull lists do, which is what makes them crash-safe).
 *
 * @param locationsInRun how many locations the run published, so a consumer knows when the whole run is done
 */
public record LocationEnd(
        String type,
        int schemaVersion,
        String runId,
        String source,
        String pickupLocationCode,
        String pickupLocationName,
        long readyCount,
        long inTransitCount,
        long count,
        int locationsInRun,
        long firstOffset,
        long lastOffset,
        String runStartedAt,
        String harvestCompletedAt) {
}
