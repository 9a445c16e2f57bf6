package org.holdshelf.alma;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Properties;
import java.util.function.Supplier;

import org.holdshelf.config.HoldshelfConfig;
import org.holdshelf.kafka.KafkaScanStateStore;

/**
 * The scan-in capability assembled from the configuration: client and rate limiter, durable scan
 * state, service, report and batch stage. Absent when {@code holdshelf.alma.enabled} is false.
 * The service (and its state store, which reads the state topic) starts on the first batch,
 * once the Kafka connection settings are known.
 */
public final class ScanIn implements AutoCloseable {

    private final AlmaSettings settings;
    private final Supplier<Properties> kafkaConnection;
    private final ZoneId zone;
    private final Clock clock;
    private final ScanInReport report;
    private final ScanInBatches batches;
    private KafkaScanStateStore store;
    private ScanInService service;

    private ScanIn(AlmaSettings settings, Supplier<Properties> kafkaConnection, ZoneId zone, Clock clock,
                   ScanInReport report, String deadLetterTopic) {
        this.settings = settings;
        this.kafkaConnection = kafkaConnection;
        this.zone = zone;
        this.clock = clock;
        this.report = report;
        this.batches = new ScanInBatches(this::service, report, deadLetterTopic, clock);
    }

    /** The capability, or null when scan-in is disabled. Validates the Alma settings now. */
    public static ScanIn create(HoldshelfConfig config, ZoneId zone, Supplier<Properties> kafkaConnection, Clock clock) {
        AlmaSettings settings = AlmaSettings.from(config);
        if (!settings.enabled()) {
            return null;
        }
        ScanInReport report = new ScanInReport(Path.of(config.require("holdshelf.reports.dir")), zone,
                config.booleanValue("holdshelf.reports.csv-byte-order-mark"));
        return new ScanIn(settings, kafkaConnection, zone, clock, report, config.require("holdshelf.topic.dlq"));
    }

    /** Outcome counts of a run, once its scan-in report is complete (empty until then). */
    public java.util.Optional<java.util.Map<ScanOutcome.Outcome, Long>> outcomeCounts(String runId) {
        return report.complete(runId) ? java.util.Optional.of(batches.outcomeCounts(runId)) : java.util.Optional.empty();
    }

    public ScanInBatches batches() {
        return batches;
    }

    public ScanInReport report() {
        return report;
    }

    /** The service, started on first use. */
    public synchronized ScanInService service() {
        if (service == null) {
            store = new KafkaScanStateStore(kafkaConnection.get(), settings.stateTopic());
            AlmaClient client = new AlmaClient(settings, new AlmaRateLimiter(settings.callsPerSecond()), clock);
            service = new ScanInService(settings, client, store, zone, clock);
        }
        return service;
    }

    @Override
    public synchronized void close() {
        if (service != null) {
            service.close();
            store.close();
        }
    }
}
