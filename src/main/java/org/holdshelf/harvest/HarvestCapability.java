package org.holdshelf.harvest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.AdminEndOffsets;
import org.holdshelf.platform.kafka.RunLedger;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.DaemonThreads;
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
 * and, unless {@code holdshelf.harvest.scheduled=false}, {@code harvest-schedule.camel.yaml} (the
 * Quartz trigger publishes slots) and {@code harvest-slots.camel.yaml} (the instance owning the
 * slots harvests each once: {@link HarvestSlots}). Always enabled: it is what everything else consumes.
 */
public final class HarvestCapability implements Capability {

    static final int START_TIMEOUT_SECONDS = 30;

    private final SierraSettings sierraSettings;
    private final HarvestSettings settings;
    private Harvester harvester;
    private Wiring wiring;
    private ExecutorService onDemand;
    private volatile boolean stopping;

    public HarvestCapability(HoldshelfConfig config) {
        this.sierraSettings = SierraSettings.from(config);
        this.settings = HarvestSettings.from(config);
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
        List<String> files = new ArrayList<>(List.of("harvest.camel.yaml", "run-watch.camel.yaml"));
        if (settings.scheduled()) {
            files.add("harvest-schedule.camel.yaml");
            files.add("harvest-slots.camel.yaml");
        }
        return files;
    }

    @Override
    public Set<Topic> topics() {
        return settings.scheduled() ? Set.of(Topic.ENTRIES, Topic.RUNS, Topic.HARVEST_SLOTS, Topic.DLQ)
                : Set.of(Topic.ENTRIES, Topic.RUNS, Topic.DLQ);
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
        if (settings.scheduled()) {
            w.bind("harvestSlots", new HarvestSlots(harvester, ledger, settings.cron(), w.zone(), w.instanceId(), w.clock()));
        }
        w.health(name(), this::health);
        onDemand = Executors.newCachedThreadPool(DaemonThreads.named("harvest-on-demand"));
        w.closeOnStop(onDemand::shutdownNow);
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
     * Runs one harvest now on the caller's thread, through the same route as a scheduled one, and
     * returns its outcome ({@code RUN_COMPLETED} or {@code RUN_FAILED}). Throws
     * {@link org.holdshelf.platform.runtime.RunInProgressException} if a run is in progress, or the
     * reason a run could not even start.
     */
    public RunEvent harvestNow(String trigger) {
        ProducerTemplate template = wiring.camel().createProducerTemplate();
        try {
            Exchange done = template.request("direct:harvest", e -> e.getMessage().setBody(trigger));
            if (done.getException() != null) {
                throw done.getException() instanceof RuntimeException r ? r
                        : new IllegalStateException(done.getException().getMessage(), done.getException());
            }
            return done.getMessage().getBody(RunEvent.class);
        } finally {
            stopQuietly(template);
        }
    }

    /**
     * A run on demand (the operators' endpoint): the same route as a scheduled run, on a thread of
     * its own; returns the run's id as soon as the run holds the lease (within
     * {@value #START_TIMEOUT_SECONDS} s), while the run goes on.
     */
    String startRun(String trigger) {
        if (stopping) {
            throw new RunNotStartedException("the pipeline is stopping");
        }
        Optional<String> running = wiring.runLease().holder();
        if (running.isPresent()) {
            throw new RunInProgressException(running.get());
        }
        CompletableFuture<String> started = new CompletableFuture<>();
        ProducerTemplate template = wiring.camel().createProducerTemplate();
        try {
            onDemand.execute(() -> {
                try {
                    Exchange done = template.request("direct:harvest", e -> {
                        e.getMessage().setBody(trigger);
                        e.setProperty(Harvester.STARTED, started);
                    });
                    if (done.getException() != null) {
                        started.completeExceptionally(done.getException());
                    }
                } catch (RuntimeException e) {
                    started.completeExceptionally(e);
                } finally {
                    stopQuietly(template);
                }
            });
        } catch (RejectedExecutionException e) {
            stopQuietly(template);
            throw new RunNotStartedException("the pipeline is stopping");
        }
        try {
            return started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RunInProgressException || cause instanceof RunNotStartedException) {
                throw (RuntimeException) cause;
            }
            throw new RunNotStartedException("the harvest could not start: " + HarvestRun.reason(cause), cause);
        } catch (TimeoutException e) {
            if (started.completeExceptionally(e)) {
                throw new RunNotStartedException("the harvest did not start within " + START_TIMEOUT_SECONDS
                        + " s (is Kafka reachable?)");
            }
            return started.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunNotStartedException("interrupted while the harvest was starting");
        }
    }

    private static void stopQuietly(ProducerTemplate template) {
        try {
            template.stop();
        } catch (Exception ignored) {
            // a template holds no resources worth reporting
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
