package org.holdshelf.events;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A harvest run's lifecycle on {@code holdshelf.runs}, keyed by run id: {@code RUN_STARTED}, then
 * a {@code RUN_PROGRESS} every progress interval while it goes on, then exactly one of
 * {@code RUN_COMPLETED} (with counts) or {@code RUN_FAILED} (with the reason). A run whose
 * instance died stops sending progress; another instance then records it {@code RUN_FAILED} with
 * a reason starting {@value #ABANDONED}.
 *
 * @param instance the pipeline instance running it (host and process id by default)
 * @param at       when this record was written
 * @param slot     for a scheduled run, the schedule's fire time it harvests (the same on every
 *                 instance, so the cluster harvests each slot once); null for other triggers
 * @param request  for a run on demand (an operator's, {@code --once}), the id of the request it
 *                 answers (the requester waits for the run with this id; each request is
 *                 harvested once across instances); null for scheduled runs
 */
public record RunEvent(
        String type,
        int schemaVersion,
        String runId,
        String trigger,
        String instance,
        String startedAt,
        String at,
        String finishedAt,
        Long durationMs,
        Integer pages,
        Long holdsScanned,
        Long events,
        Long duplicatesDropped,
        Long rejected,
        Map<String, LocationCount> locations,
        String reason,
        String slot,
        String request) {

    /** How the reason of a run whose instance stopped without ending it begins. */
    public static final String ABANDONED = "abandoned";

    /** Per pickup location: ready and in-transit holds published in the run. */
    public record LocationCount(String name, long ready, long inTransit) {
    }

    public static RunEvent started(String runId, String trigger, String instance, String startedAt, String slot,
                                   String request) {
        return new RunEvent(EventTypes.RUN_STARTED, EventTypes.SCHEMA_VERSION, runId, trigger, instance, startedAt,
                startedAt, null, null, null, null, null, null, null, null, null, slot, request);
    }

    /** True for a {@code RUN_FAILED} recorded by another instance because the run's own instance died. */
    @JsonIgnore
    public boolean isAbandoned() {
        return EventTypes.RUN_FAILED.equals(type) && reason != null && reason.startsWith(ABANDONED);
    }

    /** True for {@code RUN_COMPLETED} and {@code RUN_FAILED}: nothing follows them. */
    @JsonIgnore
    public boolean isOutcome() {
        return EventTypes.RUN_COMPLETED.equals(type) || EventTypes.RUN_FAILED.equals(type);
    }
}
