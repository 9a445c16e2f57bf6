package org.holdshelf.events;

/**
 * The run's last record on {@code holdshelf.entries}, keyed by run id, after every location's
 * {@link LocationEnd}: how many locations the run has (zero for a run that found nothing on the
 * shelf), so a consumer can complete a run that has no location markers at all. A run that failed
 * sends none.
 *
 * @param locationCodes the pickup locations of the run, so a consumer can tell which locations
 *                      have nothing on the shelf any more
 */
public record RunEnd(
        String type,
        int schemaVersion,
        String runId,
        String source,
        int locationsInRun,
        java.util.List<String> locationCodes,
        long readyCount,
        long inTransitCount,
        String runStartedAt,
        String harvestCompletedAt) {
}
