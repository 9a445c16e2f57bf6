package org.holdshelf.events;

import java.util.Map;

/**
 * The end-of-location marker on {@code holdshelf.entries}: sent with the location's key once
 * every hold event of that location in the run has been acknowledged by the broker. Consumers
 * complete a location when its marker arrives and the counts match.
 *
 * <p>{@code runStartOffsets} are the end offsets of the topic's partitions when the run began:
 * every event of the run lies between the start offset of the marker's partition and the
 * marker itself, so a consumer can replay exactly that range (the pull lists do, which is what
 * makes them crash-safe).
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
        Map<Integer, Long> runStartOffsets,
        String runStartedAt,
        String harvestCompletedAt) {
}
