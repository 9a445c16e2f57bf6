package org.holdshelf.sierra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.holdshelf.events.RunIds;
import org.holdshelf.kafka.OutboundRecord;
import org.holdshelf.kafka.EndOffsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harvest as the {@code harvest} route drives it: start a run, publish its batches, record
 * the broker's acknowledgements, publish the end-of-location markers, then the run's outcome.
 * It guarantees that runs never overlap, whatever triggers them (schedule, operator, {@code --once}).
 */
public class SierraHarvester {

    private static final Logger LOG = LoggerFactory.getLogger(SierraHarvester.class);

    private final SierraClient sierra;
    private final HoldEnricher enricher;
    private final SierraSettings settings;
    private final String deadLetterTopic;
    private final Duration progressInterval;
    private final HarvestRun.Batching batching;
    private final EndOffsets endOffsets;
    private final String entriesTopic;
    private final Clock clock;
    private final AtomicReference<HarvestRun> running = new AtomicReference<>();
    private volatile CompletableFuture<RunEvent> lastOutcome = new CompletableFuture<>();

    public SierraHarvester(SierraClient sierra, HoldEnricher enricher, SierraSettings settings, String deadLetterTopic,
                           Duration progressInterval, HarvestRun.Batching batching, EndOffsets endOffsets,
                           String entriesTopic, Clock clock) {
        this.sierra = sierra;
        this.enricher = enricher;
        this.settings = settings;
        this.deadLetterTopic = deadLetterTopic;
        this.progressInterval = progressInterval;
        this.batching = batching;
        this.endOffsets = endOffsets;
        this.entriesTopic = entriesTopic;
        this.clock = clock;
    }

    /** Starts a run; throws {@link HarvestAlreadyRunningException} if one is in progress. */
    public synchronized HarvestRun start(String trigger) {
        HarvestRun current = running.get();
        if (current != null) {
            throw new HarvestAlreadyRunningException(current.runId());
        }
        Instant now = clock.instant();
        // every event of this run will lie after these offsets: consumers replay from them
        Map<Integer, Long> startOffsets = endOffsets.of(entriesTopic);
        HarvestRun run = new HarvestRun(RunIds.newRunId(now), trigger == null || trigger.isBlank() ? "manual" : trigger,
                now, sierra, enricher, settings, deadLetterTopic, progressInterval, batching, startOffsets, clock);
        running.set(run);
        lastOutcome = new CompletableFuture<>();
        LOG.info("Harvest {} started (trigger: {}, {} holds a page, {} page(s) at a time, Sierra {})",
                run.runId(), run.trigger(), settings.pageSize(), settings.pageConcurrency(), settings.baseUrl());
        return run;
    }

    public List<OutboundRecord> startedRecords(HarvestRun run) {
        return List.of(OutboundRecord.of(run.runId(), EventTypes.RUN_STARTED, Json.toBytes(run.startedEvent())));
    }

    public boolean hasMore(HarvestRun run) {
        return !run.isExhausted();
    }

    public List<OutboundRecord> nextBatch(HarvestRun run) {
        return run.nextBatch();
    }

    public List<OutboundRecord> locationMarkers(HarvestRun run) {
        return run.locationMarkers();
    }

    /** The run's completed event; the run is over once it is published. */
    public List<OutboundRecord> completedRecords(HarvestRun run) {
        RunEvent completed = run.completedEvent();
        finish(run, completed);
        return List.of(OutboundRecord.of(run.runId(), EventTypes.RUN_COMPLETED, Json.toBytes(completed)));
    }

    /** The run's failed event for the runs topic and a dead letter saying what failed. */
    public List<OutboundRecord> failedRecords(HarvestRun run, Throwable cause) {
        RunEvent failed = run.failedEvent(cause);
        finish(run, failed);
        DeadLetter letter = new DeadLetter(EventTypes.DEAD_LETTER, EventTypes.SCHEMA_VERSION, clock.instant().toString(),
                "harvest", run.runId(), cause.getClass().getSimpleName(), "Harvest " + run.runId() + " failed: " + failed.reason(),
                null, null, null, run.runId(), null);
        List<OutboundRecord> records = new ArrayList<>(2);
        records.add(OutboundRecord.of(run.runId(), EventTypes.RUN_FAILED, Json.toBytes(failed)));
        records.add(new OutboundRecord(deadLetterTopic, run.runId(), EventTypes.DEAD_LETTER, Json.toBytes(letter)));
        return records;
    }

    private void finish(HarvestRun run, RunEvent outcome) {
        run.close();
        running.compareAndSet(run, null);
        lastOutcome.complete(outcome);
    }

    /** Stops the running harvest, if any, at its next page (used on application shutdown). */
    public void abortRunning() {
        HarvestRun run = running.get();
        if (run != null) {
            LOG.warn("Stopping harvest {} because the application is shutting down", run.runId());
            run.abort();
        }
    }

    public Optional<HarvestRun> running() {
        return Optional.ofNullable(running.get());
    }

    /** The outcome of the latest run that was started (completes when it ends). */
    public CompletableFuture<RunEvent> lastOutcome() {
        return lastOutcome;
    }

    /** The outcome of the latest run if it has ended, else null. */
    public RunEvent lastRunOutcome() {
        return lastOutcome.getNow(null);
    }

    public SierraClient client() {
        return sierra;
    }
}
