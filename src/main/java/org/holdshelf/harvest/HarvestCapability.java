package org.holdshelf.harvest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.camel.ProducerTemplate;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.AdminEndOffsets;
import org.holdshelf.platform.kafka.RunLedger;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.Health;
import org.holdshelf.platform.runtime.RunInProgressException;
import org.holdshelf.platform.runtime.RunNotStartedException;
import org.holdshelf.platform.runtime.Wiring;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraSettings;

/**
 * Harvest: Sierra's holds on the holdshelf and in transit onto {@code holdshelf.entries}, each
 * run's lifecycle on {@code holdshelf.runs}. Routes: {@code harvest.camel.yaml} (a run),
 * {@code run-watch.camel.yaml} (progress of the running run, runs left open by a dead instance),
 * {@code harvest-slots.camel.yaml} (the instance owning the slots topic starts every run of the
 * cluster, each slot and request once: {@link HarvestSlots}), {@code harvest-request.camel.yaml}
 * (runs on demand are requested there: {@link RunRequests}) and, unless
 * {@code holdshelf.harvest.scheduled=false}, {@code harvest-schedule.camel.yaml} (the Quartz trigger
 * publishes slots). Always enabled: it is what everything else consumes.
 */
public final class HarvestCapability implements Capability {

    /** How long a requester of a run on demand waits for it to start. */
    static final Duration START_PATIENCE = Duration.ofSeconds(30);

    private final SierraSettings sierraSettings;
    private final HarvestSettings settings;
    private final String groupId;
    private Harvester harvester;
    private RunRequests requests;
    private Wiring wiring;
    private volatile boolean stopping;

    public HarvestCapability(HoldshelfConfig config) {
        this.sierraSettings = SierraSettings.from(config);
        this.settings = HarvestSettings.from(config);
        this.groupId = config.require("holdshelf.harvest.group-id");
    }

    @Override
    public String name() {
        return "harvest";
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public List<String> routeFiles() {
        List<String> files = new ArrayList<>(List.of("harvest.camel.yaml", "run-watch.camel.yaml", "harvest-slots.camel.yaml",
                "harvest-request.camel.yaml"));
        if (settings.scheduled()) {
            files.add("harvest-schedule.camel.yaml");
        }
        return files;
    }

    @Override
    public Set<Topic> topics() {
        return Set.of(Topic.ENTRIES, Topic.RUNS, Topic.HARVEST_SLOTS, Topic.DLQ);
    }

    @Override
    public void bind(Wiring w) {
        this.wiring = w;
        SierraClient sierra = new SierraClient(sierraSettings, w.zone());
        AdminEndOffsets endOffsets = w.closeOnStop(new AdminEndOffsets(w.kafkaConnection()));
        RunLedger ledger = w.closeOnStop(new RunLedger(w.kafkaConnection(), w.topic(Topic.RUNS), 50, Duration.ofSeconds(30)));
        harvester = new Harvester(sierra, new HoldEnricher(sierra, settings.titleCacheSize()), sierraSettings, settings,
                w.deadLetters(), endOffsets, w.topic(Topic.ENTRIES), w.runLease(), ledger, new HarvestMetrics(w.meters(), w.clock()),
                w.instanceId(), w.clock());
        harvester.extraHoldsFrom(w::extraHolds);
        w.bind("harvest", harvester);
        w.bind("harvestSlots", new HarvestSlots(harvester, ledger, settings.cron(), w.zone(), w.instanceId(), w.clock()));
        requests = new RunRequests(ledger, this::publishRequest, w.instanceId(), groupId, w.clock());
        w.health(name(), this::health);
        w.runTrigger(this::startRun);
    }

    /**
     * Up unless the last run failed; says how long ago the last run completed. (Whether that age is
     * too old for the schedule is the ops endpoint's call.)
     */
    private Health health() {
        Optional<RunEvent> last = harvester.ledger().outcomes().stream().findFirst();
        Optional<String> running = harvester.runningRunId();
        String now = running.map(id -> "run " + id + " in progress; ").orElse("");
        if (last.isEmpty()) {
            return Health.up(name(), now + "no run has ended yet");
        }
        RunEvent run = last.get();
        String age = Durations.human(Duration.between(Instant.parse(run.finishedAt()), wiring.clock().instant()));
        if (EventTypes.RUN_FAILED.equals(run.type())) {
            return Health.down(name(), now + "last run " + run.runId() + " failed " + age + " ago: " + run.reason());
        }
        return Health.up(name(), now + "last run " + run.runId() + " completed " + age + " ago");
    }

    /**
     * Asks for one harvest now, the way the schedule does (the instance owning the harvest slots runs
     * it: this one, or another), and waits for its outcome ({@code RUN_COMPLETED} or
     * {@code RUN_FAILED}). What {@code --once} runs. Throws {@link RunInProgressException} if a run is in
     * progress in the cluster, or the reason a run could not even start.
     */
    public RunEvent harvestNow(String trigger) {
        try {
            return requests.outcome(request(trigger), settings.maxRunTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunNotStartedException("interrupted while waiting for the harvest");
        }
    }

    /**
     * A run on demand (the operators' endpoint): asked for as {@link #harvestNow} does; returns the
     * run's id as soon as it has started (within {@link #START_PATIENCE}), while the run goes on.
     */
    String startRun(String trigger) {
        try {
            return request(trigger).runId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunNotStartedException("interrupted while the harvest was starting");
        }
    }

    private RunEvent request(String trigger) throws InterruptedException {
        if (stopping) {
            throw new RunNotStartedException("the pipeline is stopping");
        }
        return requests.start(trigger, START_PATIENCE);
    }

    private void publishRequest(HarvestSlots.SlotRecord record) {
        ProducerTemplate template = wiring.camel().createProducerTemplate();
        try {
            template.sendBody("direct:harvest-request", record);
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // a template holds no resources worth reporting
            }
        }
    }

    /** Stops the running harvest at its next page: the pipeline is stopping. */
    @Override
    public void stopping() {
        stopping = true;
        if (harvester != null) {
            harvester.abortRunning();
        }
    }

    public Harvester harvester() {
        return harvester;
    }
}
