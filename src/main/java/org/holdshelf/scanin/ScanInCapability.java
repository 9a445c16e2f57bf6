package org.holdshelf.scanin;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.SingleOwnerAssignor;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.ConsumerGroup;
import org.holdshelf.platform.runtime.RunFollowUp;
import org.holdshelf.platform.runtime.Wiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alma scan-in: in-transit items scanned in at Alma once per barcode ({@code routes/scan-in.camel.yaml}),
 * every outcome on {@code holdshelf.scanin} and in the run's {@code scan-in.csv}. Settings:
 * {@code holdshelf.alma.*} ({@link AlmaSettings}); off unless {@code holdshelf.alma.enabled}.
 * The service (and its state store, which reads the state topic) starts on the first batch.
 *
 * <p>With several instances, the scan-in group has one owner at a time ({@link SingleOwnerAssignor}):
 * Alma's per-second limit counts the whole institution, so its calls come from one place. The
 * instance that takes the scan-ins over waits one window of the limiter first, so the previous
 * owner's last calls have left Alma's window before its own arrive.
 */
public final class ScanInCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(ScanInCapability.class);

    private final AlmaSettings settings;
    private final java.util.concurrent.atomic.AtomicReference<Boolean> owner = new java.util.concurrent.atomic.AtomicReference<>();
    private AlmaRateLimiter limiter;
    private Wiring wiring;
    private ScanInReport report;
    private ScanInBatches batches;
    private KafkaScanStateStore store;
    private ScanInService service;

    public ScanInCapability(HoldshelfConfig config) {
        this.settings = AlmaSettings.from(config);
    }

    @Override
    public String name() {
        return "scan-in";
    }

    @Override
    public boolean enabled() {
        return settings.enabled();
    }

    @Override
    public List<String> routeFiles() {
        return List.of("scan-in.camel.yaml");
    }

    @Override
    public Set<Topic> topics() {
        return Set.of(Topic.ENTRIES, Topic.SCANIN, Topic.SCANIN_STATE, Topic.DLQ);
    }

    @Override
    public void bind(Wiring w) {
        this.wiring = w;
        this.report = new ScanInReport(w.runDirectory());
        this.batches = new ScanInBatches(this::service, report, w.deadLetters());
        w.bind("scanInBatches", batches);
        w.consumerGroup(new ConsumerGroup(name(), settings.groupId(), Topic.ENTRIES));
        this.limiter = new AlmaRateLimiter(settings.callsPerSecond());
        AutoCloseable ownership = SingleOwnerAssignor.onOwnership(settings.groupId(), this::ownership);
        Gauge.builder("holdshelf.alma.owner", owner, o -> Boolean.TRUE.equals(o.get()) ? 1 : 0)
                .description("1 while this instance runs the Alma scan-ins (owns the scan-in group)").register(w.meters());
        w.closeOnStop(this::closeService);
        w.closeOnStop(ownership);
    }

    /** The scan-in consumer received an assignment: all of the group's partitions, or none. */
    private void ownership(boolean owns) {
        Boolean before = owner.getAndSet(owns);
        if (owns && !Boolean.TRUE.equals(before)) {
            Duration pause = limiter.window();
            limiter.holdOff(pause);
            LOG.info("Alma scan-ins run in this instance now (it owns consumer group {}); its first call waits {} ms, so "
                    + "the calls of a previous owner have left Alma's one-second window", settings.groupId(), pause.toMillis());
        } else if (!owns && !Boolean.FALSE.equals(before)) {
            LOG.info("Alma scan-ins run in another instance of consumer group {}; this one stands by", settings.groupId());
        }
    }

    /** Waits for the run's {@code scan-in.csv} and sums up its outcomes. */
    @Override
    public Optional<RunFollowUp> runFollowUp() {
        return Optional.of((RunEvent run, Duration timeout) -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Map<ScanOutcome.Outcome, Long>> counts = outcomeCounts(run.runId());
                if (counts.isPresent()) {
                    return Optional.of(counts.get().entrySet().stream()
                            .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                            .collect(Collectors.joining(", ")) + " (scan-in.csv)");
                }
                Thread.sleep(50);
            }
            return Optional.empty();
        });
    }

    /** Outcome counts of a run, once its scan-in report is complete (empty until then). */
    public Optional<Map<ScanOutcome.Outcome, Long>> outcomeCounts(String runId) {
        return report.complete(runId) ? Optional.of(new EnumMap<>(batches.outcomeCounts(runId))) : Optional.empty();
    }

    public ScanInReport report() {
        return report;
    }

    /** The service, started on first use (the state store reads its topic, so Kafka must be known). */
    public synchronized ScanInService service() {
        if (service == null) {
            Supplier<Properties> connection = wiring.kafkaConnection();
            store = new KafkaScanStateStore(connection.get(), wiring.topic(Topic.SCANIN_STATE));
            AlmaClient client = new AlmaClient(settings, limiter, wiring.clock());
            service = new ScanInService(settings, client, store, wiring.zone(), wiring.clock(), wiring.meters());
            FunctionCounter.builder("holdshelf.alma.throttled", limiter, AlmaRateLimiter::throttledAnswers)
                    .description("Alma calls answered 429 PER_SECOND_THRESHOLD (retried)").register(wiring.meters());
        }
        return service;
    }

    private synchronized void closeService() {
        if (service != null) {
            service.close();
            store.close();
        }
    }
}
