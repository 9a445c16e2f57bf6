package org.holdshelf.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.EventTypes;
import org.holdshelf.harvest.HarvestCapability;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.pulllists.PullListsCapability;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SierraSimulator;
import org.holdshelf.scanin.ScanInCapability;

/**
 * The real pipeline (the shipped routes, beans and configuration) against the shared in-process
 * broker and a Sierra simulator, with topics and consumer groups unique to the test. A test that
 * runs its own broker sets {@code camel.component.kafka.brokers} to it: the pipeline and
 * {@link #records} then use that one.
 */
public final class PipelineHarness implements AutoCloseable {

    private SierraSimulator sierra;
    private org.holdshelf.sandbox.alma.AlmaSimulator alma;
    private org.holdshelf.sandbox.libib.LibibSimulator libib;
    private final Map<String, String> settings;
    private final String prefix;
    private Holdshelf holdshelf;
    private java.time.Clock clock = java.time.Clock.systemUTC();

    private PipelineHarness(SierraSimulator sierra, Map<String, String> settings, String prefix) {
        this.sierra = sierra;
        this.settings = settings;
        this.prefix = prefix;
    }

    /** Starts a Sierra simulator with the given settings and prepares (but does not start) the pipeline. */
    public static PipelineHarness create(String name, SierraSandboxSettings sierraSettings, Path reportsDir) {
        SierraSimulator sierra = new SierraSimulator(sierraSettings);
        sierra.start(0);
        String prefix = SharedKafka.uniquePrefix(name);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("camel.component.kafka.brokers", SharedKafka.bootstrapServers());
        s.put("holdshelf.sierra.base-url", sierra.baseUrl());
        s.put("holdshelf.sierra.client-key", sierraSettings.clientKey());
        s.put("holdshelf.sierra.client-secret", sierraSettings.clientSecret());
        s.put("holdshelf.harvest.scheduled", "false");
        s.put("holdshelf.ops.port", "0"); // a free port: tests run side by side
        s.put("holdshelf.reports.dir", reportsDir.toString());
        s.put("holdshelf.sierra.initial-backoff", "50ms");
        s.put("holdshelf.sierra.max-backoff", "200ms");
        s.put("holdshelf.errors.redelivery-delay-ms", "50");
        for (Topic topic : Topic.values()) {
            s.put(topic.setting(), prefix + "." + topic.setting().substring("holdshelf.topic.".length()));
        }
        s.put("holdshelf.reports.group-id", prefix + "-pull-lists");
        s.put("holdshelf.alma.group-id", prefix + "-scan-in");
        s.put("holdshelf.harvest.group-id", prefix + "-harvest");
        return new PipelineHarness(sierra, s, prefix);
    }

    /** Starts an Alma simulator knowing the data set's in-transit barcodes but {@code unknownPercent}%, and enables scan-in. */
    public PipelineHarness withAlma(org.holdshelf.sandbox.alma.AlmaSandboxSettings almaSettings, int unknownPercent) {
        alma = new org.holdshelf.sandbox.alma.AlmaSimulator(almaSettings,
                org.holdshelf.sandbox.Sandbox.almaCatalogue(sierra.dataSet(), unknownPercent));
        alma.start(0);
        settings.put("holdshelf.alma.enabled", "true");
        settings.put("holdshelf.alma.base-url", alma.baseUrl());
        settings.put("holdshelf.alma.api-key", almaSettings.apiKey());
        settings.put("holdshelf.alma.library", almaSettings.library());
        settings.put("holdshelf.alma.calls-per-second", String.valueOf(almaSettings.callsPerSecond()));
        settings.put("holdshelf.alma.remaining-floor", "0");
        return this;
    }

    /**
     * Starts a Libib simulator with the directory that overlaps the data set's patrons, at a pace of
     * one call per {@code intervalMs}, and enables the directory mirror (read at start-up).
     */
    public PipelineHarness withLibib(long intervalMs) {
        var sim = org.holdshelf.sandbox.libib.LibibSandboxSettings.defaults().withPace(intervalMs, 0, 0);
        libib = new org.holdshelf.sandbox.libib.LibibSimulator(sim, org.holdshelf.sandbox.libib.LibibSimulator.directoryFor(data(), sim));
        libib.start(0);
        settings.put("holdshelf.libib.enabled", "true");
        settings.put("holdshelf.libib.base-url", libib.baseUrl());
        settings.put("holdshelf.libib.api-key", sim.apiKey());
        settings.put("holdshelf.libib.api-user", sim.apiUser());
        settings.put("holdshelf.libib.min-interval", intervalMs + "ms");
        settings.put("holdshelf.libib.margin", "5ms");
        settings.put("holdshelf.libib.cron", "0 0 0 1 1 ? 2099");
        return this;
    }

    public org.holdshelf.sandbox.libib.LibibSimulator libib() {
        return libib;
    }

    /** Sends pickup notices by email to the SMTP server on {@code smtpPort} (127.0.0.1, no TLS, no login). */
    public PipelineHarness withNotices(int smtpPort) {
        settings.put("holdshelf.notices.enabled", "true");
        settings.put("holdshelf.notices.smtp.host", "127.0.0.1");
        settings.put("holdshelf.notices.smtp.port", String.valueOf(smtpPort));
        settings.put("holdshelf.notices.smtp.starttls", "false");
        settings.put("holdshelf.notices.from", "Cityville Library <holds@cityville.example.org>");
        settings.put("holdshelf.notices.reply-to", "circulation@cityville.example.org");
        settings.put("holdshelf.notices.group-id", prefix + "-notices");
        settings.put("holdshelf.notices.smtp.initial-backoff", "50ms");
        settings.put("holdshelf.notices.smtp.max-backoff", "200ms");
        settings.put("holdshelf.notices.redelivery-delay-ms", "100");
        settings.put("holdshelf.notices.send-window", ""); // any time: only the quiet-hours tests set one, on a test clock
        return this;
    }

    /**
     * The settings that point the pipeline's Hoopla poll at a simulator, with its cards written to
     * {@code cardsFile}: enabled, base URL, credentials, library id and the cards file (the pace and
     * the trigger are the caller's).
     */
    public static Map<String, String> hooplaSettings(org.holdshelf.sandbox.hoopla.HooplaSimulator hoopla, Path cardsFile)
            throws java.io.IOException {
        java.nio.file.Files.write(cardsFile, hoopla.cards());
        Map<String, String> s = new LinkedHashMap<>();
        s.put("holdshelf.hoopla.enabled", "true");
        s.put("holdshelf.hoopla.base-url", hoopla.baseUrl());
        s.put("holdshelf.hoopla.username", hoopla.settings().username());
        s.put("holdshelf.hoopla.password", hoopla.settings().password());
        s.put("holdshelf.hoopla.library-id", Long.toString(hoopla.settings().libraryId()));
        s.put("holdshelf.hoopla.cards", cardsFile.toString());
        return s;
    }

    /** The pipeline's clock (what notices see as now): a test drives the send window and reminders with it. */
    public PipelineHarness withClock(java.time.Clock testClock) {
        this.clock = testClock;
        return this;
    }

    /**
     * Stops the Sierra simulator and starts another with {@code next} on the same port, as Sierra
     * looks after its data changed between harvests (holds leave the shelf, come back, move).
     */
    public void replaceSierra(SierraSandboxSettings next) {
        int port = sierra.port();
        sierra.close();
        sierra = new SierraSimulator(next);
        sierra.start(port);
    }

    public org.holdshelf.sandbox.alma.AlmaSimulator alma() {
        return alma;
    }

    public PipelineHarness set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    public Map<String, String> settings() {
        return settings;
    }

    public Holdshelf start() {
        HoldshelfConfig config = HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of())
                .with(settings);
        holdshelf = Holdshelf.start(config, false, clock);
        return holdshelf;
    }

    public Holdshelf holdshelf() {
        return holdshelf;
    }

    public PullListsCapability pullLists() {
        return holdshelf.capability(PullListsCapability.class).orElseThrow();
    }

    public ScanInCapability scanIn() {
        return holdshelf.capability(ScanInCapability.class).orElseThrow();
    }

    public HarvestCapability harvest() {
        return holdshelf.capability(HarvestCapability.class).orElseThrow();
    }

    public SierraSimulator sierra() {
        return sierra;
    }

    public HoldsDataSet data() {
        return sierra.dataSet();
    }

    public String topic(String name) {
        return prefix + "." + name;
    }

    /**
     * Records of a topic of type {@code type} (header {@code holdshelf-type}), read from the broker
     * the pipeline is set to ({@code camel.component.kafka.brokers}: the shared one unless the test
     * set its own).
     */
    public List<ConsumerRecord<String, byte[]>> records(String topicName, String type) {
        return SharedKafka.readAll(settings.get("camel.component.kafka.brokers"), topic(topicName)).stream()
                .filter(r -> r.headers().lastHeader(EventTypes.HEADER) != null
                        && type.equals(new String(r.headers().lastHeader(EventTypes.HEADER).value())))
                .toList();
    }

    public void stopPipeline() {
        if (holdshelf != null) {
            holdshelf.close();
            holdshelf = null;
        }
    }

    @Override
    public void close() {
        stopPipeline();
        sierra.close();
        if (alma != null) {
            alma.close();
        }
        if (libib != null) {
            libib.close();
        }
    }
}
