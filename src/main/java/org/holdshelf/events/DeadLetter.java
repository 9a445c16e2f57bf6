package org.holdshelf.events;

/**
 * A record the pipeline could not process, on {@code holdshelf.dlq} under the original key,
 * with enough context for an operator to see what was wrong and replay or fix it.
 *
 * @param source   what produced the bad input or failed: {@code harvest}, {@code sierra}, a route id...
 * @param error    the error class or API error code
 * @param message  a one-line explanation naming what was wrong
 * @param payload  the offending input as text (the original record, or a hold's JSON), when there is one
 */
public record DeadLetter(
        String type,
        int schemaVersion,
        String failedAt,
        String source,
        String runId,
        String error,
        String message,
        String originalTopic,
        Integer originalPartition,
        Long originalOffset,
        String originalKey,
        String payload) {
}
