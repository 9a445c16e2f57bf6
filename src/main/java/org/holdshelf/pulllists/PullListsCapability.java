package org.holdshelf.pulllists;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.files.InstanceMarks;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.platform.kafka.GroupMembers;
import org.holdshelf.platform.kafka.KafkaRangeReader;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.ConsumerGroup;
import org.holdshelf.platform.runtime.DaemonThreads;
import org.holdshelf.platform.runtime.RunFollowUp;
import org.holdshelf.platform.runtime.Wiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pull lists: per-branch CSV files of each run ({@code routes/pull-lists.camel.yaml}), with the
 * run's manifest and the {@code latest} pointer. Settings: {@code holdshelf.reports.*}; off with
 * {@code holdshelf.reports.enabled=false}. Meter: {@code holdshelf_pull_lists_locations_written_total}.
 *
 * <p>Health {@code pull-lists}: DOWN while another instance reads pull lists but does not share this
 * instance's reports directory ({@link SharedReportsCheck}, every
 * {@code holdshelf.reports.shared-dir-check-interval}); each instance leaves its mark there
 * ({@link InstanceMarks}) before its consumer joins the group, and removes it when it stops.
 */
public final class PullListsCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(PullListsCapability.class);
    static final String CHECK_INTERVAL = "holdshelf.reports.shared-dir-check-interval";

    private final boolean enabled;
    private final String groupId;
    private final int sortChunkRows;
    private final Duration replayStallTimeout;
    private final Duration checkInterval;
    private PullListService service;
    private InstanceMarks marks;
    private SharedReportsCheck sharedCheck;

    public PullListsCapability(HoldshelfConfig config) {
        this.enabled = config.booleanValue("holdshelf.reports.enabled");
        this.groupId = config.require("holdshelf.reports.group-id");
        this.sortChunkRows = config.intValue("holdshelf.reports.sort-chunk-rows");
        this.replayStallTimeout = config.duration("holdshelf.reports.replay-stall-timeout");
        this.checkInterval = config.duration(CHECK_INTERVAL);
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new ConfigurationException("Setting " + CHECK_INTERVAL + " must be positive, e.g. 30s; got " + checkInterval);
        }
    }

    @Override
    public String name() {
        return "pull-lists";
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public List<String> routeFiles() {
        return List.of("pull-lists.camel.yaml");
    }

    @Override
    public Set<Topic> topics() {
        return Set.of(Topic.ENTRIES, Topic.DLQ);
    }

    @Override
    public void bind(Wiring w) {
        KafkaRangeReader replay = w.closeOnStop(new KafkaRangeReader(w.kafkaConsumerBase(), w.topic(Topic.ENTRIES),
                replayStallTimeout));
        service = new PullListService(w.runDirectory(), sortChunkRows, replay, w.clock());
        w.bind("pullLists", service);
        w.consumerGroup(new ConsumerGroup(name(), groupId, Topic.ENTRIES));
        FunctionCounter.builder("holdshelf.pull.lists.locations.written", service, PullListService::locationsWritten)
                .description("Locations whose pull lists this instance wrote").register(w.meters());

        // the mark goes before the consumer joins the group (Camel starts it after bind): a member's mark is
        // then in its reports directory whenever another instance sees it in the group
        marks = new InstanceMarks(w.runDirectory().reportsDir(), w.instanceId(), w.clock());
        marks.write();
        w.closeOnStop((AutoCloseable) marks::remove);
        sharedCheck = new SharedReportsCheck(w.instanceId(), w.runDirectory().reportsDir(), groupId);
        w.health(name(), sharedCheck::health);
    }

    /** Checks every {@code holdshelf.reports.shared-dir-check-interval} that the group's members share the reports directory. */
    @Override
    public void started(Wiring w) {
        GroupMembers members = w.closeOnStop(new GroupMembers(w.kafkaConnection(), "holdshelf-pull-lists-members",
                Duration.ofSeconds(10)));
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("pull-lists-shared-dir"));
        w.closeOnStop(() -> {
            checks.shutdownNow();
            checks.awaitTermination(10, TimeUnit.SECONDS); // a reading in flight ends before the mark is removed
        });
        long every = checkInterval.toMillis();
        checks.scheduleWithFixedDelay(() -> checkShared(members), every, every, TimeUnit.MILLISECONDS);
    }

    /** One reading: this instance's mark (left again if gone), then the group's members, then the marks present. */
    private void checkShared(GroupMembers members) {
        Optional<SharedReportsCheck.Change> change;
        try {
            if (marks.restore()) {
                LOG.warn("The mark of this instance was gone from {} (was the reports directory cleaned?): left again",
                        marks.folder());
            }
            List<String> clientIds = members.clientIds(groupId);
            change = sharedCheck.observe(clientIds, marks.instances());
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // the pipeline is stopping
            }
            change = sharedCheck.unchecked(e.getMessage());
        }
        change.ifPresent(c -> {
            switch (c.kind()) {
                case NOT_SHARED -> LOG.error(c.message());
                case UNCHECKED -> LOG.warn(c.message());
                case SHARED_AGAIN, CHECKED_AGAIN -> LOG.info(c.message());
            }
        });
    }

    /** Waits for the run's manifest: every pull list in place (written here or by another instance). */
    @Override
    public Optional<RunFollowUp> runFollowUp() {
        return Optional.of((RunEvent run, Duration timeout) -> {
            Optional<Manifest> manifest = awaitManifest(run.runId(), timeout);
            return manifest.map(m -> String.format(java.util.Locale.ROOT,
                    "%d files in %s (manifest.json; 'latest' points here), last file %s after the run started",
                    m.files().stream().filter(f -> f.kind().equals("ready") || f.kind().equals("incoming")).count(),
                    service.runs().of(run.runId()),
                    Durations.human(Duration.ofMillis(m.timings().runToLastFileMs()))));
        });
    }

    /**
     * Waits until the run's pull lists are all in place and {@code latest} has moved to it (or past
     * it, to a newer run): they may be written by another instance.
     */
    public Optional<Manifest> awaitManifest(String runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Manifest> manifest = service.runs().manifest(runId);
            boolean latestMoved = service.runs().latest()
                    .map(latest -> Path.of(latest).getFileName().toString().compareTo(runId) >= 0).orElse(false);
            if (manifest.isPresent() && latestMoved) {
                return manifest;
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(50);
        }
    }

    public PullListService service() {
        return service;
    }

    /** Consumer group of the pull-list route. */
    public String groupId() {
        return groupId;
    }
}
