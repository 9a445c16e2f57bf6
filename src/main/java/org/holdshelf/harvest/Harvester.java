package org.holdshelf.harvest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.SynchronizationAdapter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.holdshelf.events.RunIds;
import org.holdshelf.platform.kafka.DeadLetters;
import org.holdshelf.platform.kafka.EndOffsets;
import org.holdshelf.platform.kafka.KafkaRecords;
import org.holdshelf.platform.kafka.OutboundRecord;
import org.holdshelf.platform.kafka.RunLedger;
import org.holdshelf.platform.runtime.RunLease;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the harvest routes ({@code routes/harvest.camel.yaml}, {@code routes/run-watch.camel.yaml}),
 * each returning the records its route publishes next. The run travels in the exchange (property
 * {@value #RUN}); the route's reply is the run's outcome, read from the run itself.
 *
 * <p>Runs never overlap, whatever starts them: a run holds the {@link RunLease} from its start
 * until its exchange is done, however it ends.
 */
public class Harvester {

    private static final Logger LOG = LoggerFactory.getLogger(Harvester.class);

    /** The exchange property that carries the run through the route. */
    public static final String RUN = "harvestRun";

    /** The exchange property of a scheduled run: the schedule's fire time (slot) it harvests. */
    public static final String SLOT = "harvestSlot";

    /** The exchange property of a run on demand: the id of the request it answers. */
    public static final String REQUEST = "harvestRequest";

    private final SierraClient sierra;
    private final HoldEnricher enricher;
    private final SierraSettings sierraSettings;
    private final HarvestSettings settings;
    private final DeadLetters deadLetters;
    private final EndOffsets endOffsets;
    private final String entriesTopic;
    private final RunLease lease;
    private final RunLedger ledger;
    private final HarvestMetrics metrics;
    private final String instance;
    private final Clock clock;
    private final AtomicReference<HarvestRun> running = new AtomicReference<>();
    private final RunWatchWindow watchWindow;
    private volatile java.util.function.Supplier<List<org.holdshelf.platform.runtime.ExtraHolds>> extraHolds = List::of;

    public Harvester(SierraClient sierra, HoldEnricher enricher, SierraSettings sierraSettings, HarvestSettings settings,
                     DeadLetters deadLetters, EndOffsets endOffsets, String entriesTopic, RunLease lease, RunLedger ledger,
                     HarvestMetrics metrics, String instance, Clock clock) {
        this.sierra = sierra;
        this.enricher = enricher;
        this.sierraSettings = sierraSettings;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.endOffsets = endOffsets;
        this.entriesTopic = entriesTopic;
        this.lease = lease;
        this.ledger = ledger;
        this.metrics = metrics;
        this.instance = instance;
        this.clock = clock;
        this.watchWindow = new RunWatchWindow(settings.progressInterval());
    }

    /** Where the ready holds of other sources come from (the platform's registrations); none by default. */
    public void extraHoldsFrom(java.util.function.Supplier<List<org.holdshelf.platform.runtime.ExtraHolds>> sources) {
        this.extraHolds = sources;
    }

    /**
     * Starts a run for the trigger in the body ({@code schedule}, {@code once}, {@code operator}...):
     * takes the run lease (or throws {@link org.holdshelf.platform.runtime.RunInProgressException}),
     * notes where the entries topic ends (every event of the run lies after it) and requests the
     * first pages. Returns the run's {@code RUN_STARTED}.
     */
    public List<Message> start(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        String trigger = body == null || body.isBlank() ? "manual" : body.trim();
        Instant now = clock.instant();
        String runId = RunIds.newRunId(now);
        RunLease.Held held = lease.acquire(runId);
        HarvestRun run;
        try {
            Map<Integer, Long> startOffsets = endOffsets.of(entriesTopic);
            RunOrigin origin = new RunOrigin(trigger, exchange.getProperty(SLOT, String.class),
                    exchange.getProperty(REQUEST, String.class));
            run = new HarvestRun(runId, origin, instance, now, sierra, enricher,
                    sierraSettings, deadLetters, settings.batching(), startOffsets, clock);
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
        running.set(run);
        exchange.setProperty(RUN, run);
        // however the exchange ends (completed, failed, failed while reporting its failure), the run's
        // threads stop and the lease is given back
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                run.close();
                running.compareAndSet(run, null);
                held.close();
            }
        });
        metrics.started(run, ledger.outcomes().stream().filter(o -> EventTypes.RUN_COMPLETED.equals(o.type()))
                .map(RunEvent::holdsScanned).filter(java.util.Objects::nonNull).findFirst().orElse(-1L));
        LOG.info("Harvest {} started (trigger: {}, {} holds a page, {} page(s) at a time, Sierra {})",
                runId, trigger, sierraSettings.pageSize(), sierraSettings.pageConcurrency(), sierraSettings.baseUrl());
        return messages(exchange, List.of(record(run.startedEvent())));
    }

    /** True until the run has read Sierra's last page. */
    public boolean hasMore(Exchange exchange) {
        return !run(exchange).isExhausted();
    }

    /** The next batch of hold events (and dead letters for holds Sierra sent incomplete). */
    public List<Message> nextBatch(Exchange exchange) {
        HarvestRun run = run(exchange);
        List<OutboundRecord> batch = run.nextBatch();
        metrics.countProgress();
        return messages(exchange, batch);
    }

    /**
     * The ready holds of the other sources (Hoopla), published with the run as locations of their
     * own. A source that fails is logged and left out of this run (the Sierra harvest goes on).
     */
    public List<Message> extraHolds(Exchange exchange) {
        HarvestRun run = run(exchange);
        List<OutboundRecord> records = new java.util.ArrayList<>();
        for (org.holdshelf.platform.runtime.ExtraHolds source : extraHolds.get()) {
            try {
                List<OutboundRecord> published = run.acceptExtra(source.readyHolds(run.runId()));
                records.addAll(published);
                LOG.info("Harvest {}: {} ready {} holds published with the run", run.runId(), published.size(), source.name());
            } catch (RuntimeException e) {
                LOG.error("Harvest {}: the {} holds are left out of this run: {}", run.runId(), source.name(), e.getMessage());
            }
        }
        return messages(exchange, records);
    }

    /** Each location's end marker, then the run's: sent once every event of the run is acknowledged. */
    public List<Message> endMarkers(Exchange exchange) {
        return messages(exchange, run(exchange).endMarkers());
    }

    /** {@code RUN_COMPLETED} with the run's counts. */
    public List<Message> completed(Exchange exchange) {
        RunEvent completed = run(exchange).completed();
        metrics.ended(completed);
        return messages(exchange, List.of(record(completed)));
    }

    /** {@code RUN_FAILED} with the reason, and a dead letter saying what failed. */
    public List<Message> failed(Exchange exchange) {
        HarvestRun run = run(exchange);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RunEvent failed = run.failed(cause == null ? new IllegalStateException("unknown failure") : cause);
        metrics.ended(failed);
        return messages(exchange, List.of(record(failed), deadLetters.of("harvest", run.runId(),
                cause == null ? null : cause.getClass().getSimpleName(), "Harvest " + run.runId() + " failed: " + failed.reason(),
                run.runId(), null)));
    }

    /** The run's outcome: the route's reply. */
    public RunEvent outcome(Exchange exchange) {
        RunEvent outcome = run(exchange).outcome();
        if (outcome == null) {
            throw new IllegalStateException("the harvest route ended before the run was completed or failed");
        }
        return outcome;
    }

    /** {@code RUN_PROGRESS} of the run in progress in this process, if any: its sign of life, logged too. */
    public List<Message> progress(Exchange exchange) {
        HarvestRun run = running.get();
        if (run == null || run.outcome() != null) {
            return List.of();
        }
        RunEvent progress = run.progress();
        metrics.countProgress();
        return messages(exchange, List.of(record(progress)));
    }

    /**
     * {@code RUN_FAILED} (abandoned) for every run that started and did not end, does not run in
     * this process, and has given no sign of life for {@code holdshelf.harvest.abandon-after}: its
     * instance died (killed, lost its machine) before it could end it. Nobody watching the runs
     * topic then sees a run that never ends. Silence counts only while this instance could read the
     * topic ({@link RunWatchWindow}): a run whose progress waited out a Kafka outage in its
     * instance's producer is not taken for abandoned.
     */
    public List<Message> closeAbandoned(Exchange exchange) {
        Instant started = clock.instant();
        try {
            ledger.refresh();
        } catch (RuntimeException e) {
            watchWindow.failed();
            throw e;
        }
        Instant now = clock.instant();
        Instant watchedSince = watchWindow.read(started, now);
        String mine = Optional.ofNullable(running.get()).map(HarvestRun::runId).orElse(null);
        List<OutboundRecord> records = new ArrayList<>();
        for (RunEvent last : ledger.open()) {
            if (last.runId().equals(mine)) {
                continue;
            }
            Instant lastSeen = lastSeen(last);
            Duration silent = Duration.between(lastSeen, now);
            Duration heardSilent = Duration.between(lastSeen.isAfter(watchedSince) ? lastSeen : watchedSince, now);
            if (heardSilent.compareTo(settings.abandonAfter()) < 0) {
                if (silent.compareTo(settings.abandonAfter()) >= 0 && watchedSince.equals(now)) {
                    LOG.info("Harvest {} of instance {} not recorded abandoned yet: last seen {}, but this instance could not "
                            + "read the runs topic until now; it has {} s to show a sign of life", last.runId(),
                            last.instance(), lastSeen, settings.abandonAfter().toSeconds());
                }
                continue;
            }
            records.addAll(abandoned(last, now, "stopped without ending the run; last seen " + lastSeen + " ("
                    + silent.toSeconds() + " s before instance " + instance + " checked)"));
        }
        return messages(exchange, records);
    }

    /**
     * The records that end a run its instance left without ending: {@code RUN_FAILED} with a
     * reason starting {@value RunEvent#ABANDONED}, and a dead letter saying so.
     *
     * @param why what shows the instance is gone, after "instance X "
     */
    List<OutboundRecord> abandoned(RunEvent last, Instant now, String why) {
        String reason = RunEvent.ABANDONED + ": instance " + last.instance() + " " + why + ", after "
                + (last.pages() == null ? 0 : last.pages()) + " pages";
        RunEvent failed = new RunEvent(EventTypes.RUN_FAILED, EventTypes.SCHEMA_VERSION, last.runId(), last.trigger(),
                last.instance(), last.startedAt(), now.toString(), now.toString(),
                Duration.between(Instant.parse(last.startedAt()), now).toMillis(), last.pages(), last.holdsScanned(),
                last.events(), null, null, null, reason, last.slot(), last.request());
        LOG.warn("Harvest {} recorded as failed: {}", last.runId(), reason);
        metrics.ended(failed);
        return List.of(record(failed), deadLetters.of("harvest", last.runId(), "ABANDONED",
                "Harvest " + last.runId() + " failed: " + reason, last.runId(), null));
    }

    private static Instant lastSeen(RunEvent run) {
        return Instant.parse(run.at() != null ? run.at() : run.startedAt());
    }

    /** Stops the running harvest, if any, at its next page (the application is stopping). */
    public void abortRunning() {
        HarvestRun run = running.get();
        if (run != null) {
            LOG.warn("Stopping harvest {} because the application is shutting down", run.runId());
            run.abort();
        }
    }

    /** The run in progress in this process, if any. */
    public Optional<String> runningRunId() {
        return Optional.ofNullable(running.get()).map(HarvestRun::runId);
    }

    public RunLedger ledger() {
        return ledger;
    }

    private static HarvestRun run(Exchange exchange) {
        HarvestRun run = exchange.getProperty(RUN, HarvestRun.class);
        if (run == null) {
            throw new IllegalStateException("no harvest run in this exchange: the route must start one first (bean start)");
        }
        return run;
    }

    private static OutboundRecord record(RunEvent event) {
        return OutboundRecord.of(event.runId(), event.type(), Json.toBytes(event));
    }

    private static List<Message> messages(Exchange exchange, List<OutboundRecord> records) {
        return KafkaRecords.messages(records, exchange.getContext());
    }
}
