package org.holdshelf.events;

import java.util.Map;

/**
 * A harvest run's lifecycle on {@code holdshelf.runs}, keyed by run id: {@code RUN_STARTED},
 * then exactly one of {@code RUN_COMPLETED} (with counts) or {@code RUN_FAILED} (with the reason).
 */
public record RunEvent(
        String type,
        int schemaVersion,
        String runId,
        String trigger,
        String startedAt,
        String finishedAt,
        Long durationMs,
        Integer pages,
        Long holdsScanned,
        Long events,
        Long duplicatesDropped,
        Long rejected,
        Map<String, LocationCount> locations,
        String reason) {

    /** Per pickup location: ready and in-transit holds published in the run. */
    public record LocationCount(String name, long ready, long inTransit) {
    }

    public static RunEvent started(String runId, String trigger, String startedAt) {
        return new RunEvent(EventTypes.RUN_STARTED, EventTypes.SCHEMA_VERSION, runId, trigger, startedAt,
                null, null, null, null, null, null, null, null, null);
    }
}
