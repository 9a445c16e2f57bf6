package org.holdshelf;

import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.holdshelf.alma.ScanIn;
import org.holdshelf.config.HoldshelfConfig;
import org.holdshelf.events.RunEvent;
import org.holdshelf.kafka.AdminEndOffsets;
import org.holdshelf.kafka.DeadLetters;
import org.holdshelf.kafka.KafkaBatches;
import org.holdshelf.kafka.EmbeddedKafkaBroker;
import org.holdshelf.kafka.KafkaClients;
import org.holdshelf.kafka.KafkaRangeReader;
import org.holdshelf.kafka.KafkaRecords;
import org.holdshelf.kafka.TopicAdmin;
import org.holdshelf.reports.PullListService;
import org.holdshelf.sierra.HarvestRun;
import org.holdshelf.sierra.HoldEnricher;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraHarvester;
import org.holdshelf.sierra.SierraSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pipeline: the composition root that validates the configuration, starts the
 * embedded broker when no cluster is configured, creates the topics, binds the beans the routes
 * use, and starts Camel with the route files. Used by the launcher and by the integration tests
 * alike, so tests exercise exactly what ships.
 */
public final class Holdshelf implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Holdshelf.class);

    private final HoldshelfConfig config;
    private final Main main;
    private final SierraHarvester harvester;
    private final PullListService pullLists;
    private final ScanIn scanIn;
    private final List<AutoCloseable> resources;
    private volatile boolean closed;

    private Holdshelf(HoldshelfConfig config, Main main, SierraHarvester harvester, PullListService pullLists,
                      ScanIn scanIn, List<AutoCloseable> resources) {
        this.config = config;
        this.main = main;
        this.harvester = harvester;
        this.pullLists = pullLists;
        this.scanIn = scanIn;
        this.resources = resources;
    }

    /** Starts the pipeline; throws {@link org.holdshelf.config.ConfigurationException} naming a bad setting. */
    public static Holdshelf start(HoldshelfConfig configuration) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            HoldshelfConfig config = configuration;
            ZoneId zone = config.zone("holdshelf.timezone");
            SierraSettings sierraSettings = SierraSettings.from(config);
            Clock clock = Clock.systemUTC();

            if (!config.isSet("camel.component.kafka.brokers")) {
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config.path("holdshelf.kafka.embedded.dir"),
                        config.intValue("holdshelf.kafka.embedded.port"),
                        config.booleanValue("holdshelf.kafka.embedded.delete-on-stop"));
                resources.add(broker);
                config = config.with("camel.component.kafka.brokers", broker.bootstrapServers());
            }

            Main main = new Main();
            // the Kafka clients beside camel-kafka take its connection settings once Camel is configured
            Supplier<Properties> kafkaConnection = () -> KafkaClients.connection(main.getCamelContext());
            AdminEndOffsets endOffsets = new AdminEndOffsets(kafkaConnection);
            resources.add(endOffsets);
            SierraClient sierra = new SierraClient(sierraSettings, zone);
            SierraHarvester harvester = new SierraHarvester(sierra,
                    new HoldEnricher(sierra, config.intValue("holdshelf.sierra.title-cache-size")), sierraSettings,
                    config.require("holdshelf.topic.dlq"), config.duration("holdshelf.harvest.progress-interval"),
                    new HarvestRun.Batching(config.intValue("holdshelf.harvest.batch-events"),
                            config.duration("holdshelf.harvest.batch-linger")), endOffsets,
                    config.require("holdshelf.topic.entries"), clock);

            ScanIn scanIn = ScanIn.create(config, zone, kafkaConnection, clock);
            if (scanIn == null) {
                // a disabled capability's route is not loaded at all (it needs beans that do not exist)
                config = excludeRoutes(config, "**/scan-in.camel.yaml");
            }
            KafkaRangeReader replay = new KafkaRangeReader(() -> KafkaClients.consumerBase(main.getCamelContext()),
                    config.require("holdshelf.topic.entries"), config.duration("holdshelf.reports.replay-stall-timeout"));
            resources.add(replay);
            PullListService pullLists = new PullListService(config.path("holdshelf.reports.dir"), zone,
                    config.intValue("holdshelf.reports.sort-chunk-rows"),
                    config.booleanValue("holdshelf.reports.csv-byte-order-mark"), replay, clock);
            main.setOverrideProperties(config.toProperties());
            main.bind("sierraHarvester", harvester);
            main.bind("kafkaRecords", new KafkaRecords());
            main.bind("deadLetters", new DeadLetters(clock));
            main.bind("pullLists", pullLists);
            main.bind("kafkaBatches", new KafkaBatches());
            if (scanIn != null) {
                resources.add(scanIn);
                main.bind("scanInBatches", scanIn.batches());
            }
            HoldshelfConfig finalConfig = config;
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport m) {
                    if (finalConfig.booleanValue("holdshelf.kafka.create-topics")) {
                        TopicAdmin.ensureTopics(finalConfig, KafkaClients.connection(m.getCamelContext()));
                    }
                }
            });
            main.start();
            if (main.getCamelContext() == null || !main.getCamelContext().getStatus().isStarted()) {
                throw new IllegalStateException("Camel did not start; see the log above");
            }
            Holdshelf holdshelf = new Holdshelf(config, main, harvester, pullLists, scanIn, resources);
            LOG.info("Holdshelf pipeline started: Kafka {}, Sierra {}, time zone {}",
                    config.require("camel.component.kafka.brokers"), sierraSettings.baseUrl(), zone);
            return holdshelf;
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        } catch (Exception e) {
            closeAll(resources);
            throw new IllegalStateException("The pipeline could not start: " + e.getMessage(), e);
        }
    }

    private static HoldshelfConfig excludeRoutes(HoldshelfConfig config, String pattern) {
        String key = "camel.main.routes-exclude-pattern";
        return config.with(key, config.find(key).map(p -> p + "," + pattern).orElse(pattern));
    }

    /** Runs one harvest now (on the caller's thread) and returns its outcome event. */
    public RunEvent harvestNow(String trigger) {
        ProducerTemplate template = camel().createProducerTemplate();
        try {
            return template.requestBody("direct:harvest", trigger, RunEvent.class);
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // a template holds no resources worth reporting
            }
        }
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public HoldshelfConfig config() {
        return config;
    }

    public SierraHarvester harvester() {
        return harvester;
    }

    public PullListService pullLists() {
        return pullLists;
    }

    /** The scan-in capability, if {@code holdshelf.alma.enabled}. */
    public java.util.Optional<ScanIn> scanIn() {
        return java.util.Optional.ofNullable(scanIn);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        harvester.abortRunning();
        try {
            main.stop(); // stops the CamelContext before returning
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly: {}", e.getMessage());
        }
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Could not stop {}: {}", resources.get(i).getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
