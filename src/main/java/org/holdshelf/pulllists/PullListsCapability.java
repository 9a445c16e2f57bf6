package org.holdshelf.pulllists;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.micrometer.core.instrument.FunctionCounter;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.platform.kafka.KafkaRangeReader;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.ConsumerGroup;
import org.holdshelf.platform.runtime.RunFollowUp;
import org.holdshelf.platform.runtime.Wiring;

/**
 * Pull lists: per-branch CSV files of each run ({@code routes/pull-lists.camel.yaml}), with the
 * run's manifest and the {@code latest} pointer. Settings: {@code holdshelf.reports.*}; off with
 * {@code holdshelf.reports.enabled=false}. Meter: {@code holdshelf_pull_lists_locations_written_total}.
 */
public final class PullListsCapability implements Capability {

    private final boolean enabled;
    private final String groupId;
    private final int sortChunkRows;
    private final Duration replayStallTimeout;
    private PullListService service;

    public PullListsCapability(HoldshelfConfig config) {
        this.enabled = config.booleanValue("holdshelf.reports.enabled");
        this.groupId = config.require("holdshelf.reports.group-id");
        this.sortChunkRows = config.intValue("holdshelf.reports.sort-chunk-rows");
        this.replayStallTimeout = config.duration("holdshelf.reports.replay-stall-timeout");
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
