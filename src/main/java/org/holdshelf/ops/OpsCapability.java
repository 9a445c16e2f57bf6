package org.holdshelf.ops;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.health.HealthCheckRegistry;
import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.RunLedger;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.kafka.TopicFollower;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.ConsumerGroup;
import org.holdshelf.platform.runtime.Wiring;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' endpoint ({@code routes/ops.camel.yaml}): an HTTP server (camel-platform-http-main)
 * on {@code holdshelf.ops.bind}:{@code holdshelf.ops.port} with harvests on demand
 * ({@code POST /api/harvest}), health ({@code /q/health}, {@code /live}, {@code /ready}), Prometheus
 * metrics ({@code /q/metrics}), the operators' page ({@code /}) with the run files
 * ({@code /files/...}) and the notice search. Every path but health and sign-in needs
 * {@code holdshelf.ops.token} ({@link OpsAccess}, enforced by {@link OpsGate} before any route runs);
 * without a token it only listens on a loopback address. Settings: {@code holdshelf.ops.*}
 * ({@link OpsSettings}); on by default.
 *
 * <p>It knows the other capabilities only through the platform: the harvest through
 * {@link Wiring#runTrigger()}, their health checks and consumer groups as registered, the runs and
 * audit records through the topics, the files through the run directory.
 */
public final class OpsCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(OpsCapability.class);

    private final OpsSettings settings;
    private final HoldshelfConfig config;
    private Wiring wiring;
    private OpsViews views;
    private KafkaStatus kafka;
    private volatile int port = -1;
    private OpsGate gate;

    public OpsCapability(HoldshelfConfig config) {
        this.config = config;
        this.settings = OpsSettings.from(config);
    }

    @Override
    public String name() {
        return "ops";
    }

    @Override
    public boolean enabled() {
        return settings.enabled();
    }

    @Override
    public List<String> routeFiles() {
        return List.of("ops.camel.yaml");
    }

    @Override
    public Set<Topic> topics() {
        return Set.of(Topic.RUNS, Topic.DLQ);
    }

    /** Camel's HTTP server on the configured address (no uploads, small bodies), its health checks and meters. */
    @Override
    public Map<String, String> camelSettings() {
        Map<String, String> camel = new LinkedHashMap<>();
        camel.put("camel.server.enabled", "true");
        camel.put("camel.server.host", settings.bind());
        camel.put("camel.server.port", String.valueOf(settings.port()));
        camel.put("camel.server.path", "/");
        camel.put("camel.server.file-upload-enabled", "false");
        camel.put("camel.server.max-body-size", "65536");
        camel.put("camel.health.enabled", "true");
        camel.put("camel.health.routes-enabled", "true");
        camel.put("camel.health.consumers-enabled", "true");
        camel.put("camel.metrics.enabled", "true");
        camel.put("camel.metrics.binders", "jvm-memory,jvm-gc,jvm-thread,processor,uptime");
        return camel;
    }

    @Override
    public void bind(Wiring w) {
        this.wiring = w;
        if (!(w.meters() instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("the operators' endpoint needs a Prometheus meter registry");
        }
        OpsAccess access = new OpsAccess(settings.token());
        OpsTemplates templates = new OpsTemplates(settings.templatesDir());
        Duration timeout = Duration.ofSeconds(10);
        kafka = w.closeOnStop(new KafkaStatus(w.kafkaConnection(), Duration.ofSeconds(3), Duration.ofSeconds(2), w.meters()));
        Map<ConsumerGroup, String> groupTopics = new LinkedHashMap<>();
        views = w.closeOnStop(new OpsViews(
                new RunLedger(w.kafkaConnection(), w.topic(Topic.RUNS), settings.recentRuns(), timeout),
                new TopicFollower(w.kafkaConsumerBase(), w.topic(Topic.DLQ), "holdshelf-ops-dlq", settings.noticeHistory(),
                        w.clock(), timeout),
                new TopicFollower(w.kafkaConsumerBase(), w.topic(Topic.NOTICES), "holdshelf-ops-notices",
                        settings.noticeHistory(), w.clock(), timeout),
                new TopicFollower(w.kafkaConsumerBase(), w.topic(Topic.SCANIN), "holdshelf-ops-scanin", settings.noticeHistory(),
                        w.clock(), timeout),
                new RecentDeadLetters(settings.recentDeadLetters()), new NoticeIndex(settings.noticeRecords()),
                new ScanInTally(settings.recentRuns()), kafka, w.consumerGroups(), groupTopics, w.clock()));
        OpsHealth health = new OpsHealth(w::camel);
        PatronFinder patrons = PatronFinder.of(new SierraClient(SierraSettings.from(config), w.zone()));
        OpsApi api = new OpsApi(access, templates, views, health, new ReportFiles(w.runDirectory()), patrons, w::runTrigger,
                prometheus, w.instanceId(), w.zone(), w.clock());
        w.bind("ops", api);
        w.bind("opsViews", views);

        // every platform-http route gets the gate in front of its own handler, before Camel sees the request
        Counter refused = Counter.builder("holdshelf.ops.requests.refused")
                .description("Requests to the operators' endpoint refused for want of the token").register(w.meters());
        gate = new OpsGate(access, () -> api.signInPage(null), refused);
        VertxPlatformHttpEngine engine = new VertxPlatformHttpEngine() {
            @Override
            protected void doInit() throws Exception {
                setCamelContext(wiring.camel());
                super.doInit();
            }
        };
        engine.setHandlers(List.of(gate));
        w.bind("platform-http-engine", engine);
    }

    /**
     * Registers the health checks with Camel (the capabilities' own, Kafka's, the harvest's age
     * against the schedule), finds the port the server listens on, and says where the page is.
     */
    @Override
    public void started(Wiring w) {
        // the consumer groups' topics are known now that every capability has bound
        Map<ConsumerGroup, String> topics = new LinkedHashMap<>();
        w.consumerGroups().forEach(g -> topics.put(g, w.topic(g.topic())));
        views.groupTopics(topics, w.consumerGroups());
        HealthCheckRegistry registry = HealthCheckRegistry.get(w.camel());
        // "capability:<name>": Camel also finds route checks by route id, and a capability may share its name with a route
        w.healthChecks().forEach((name, check) -> registry.register(new OpsHealth.Check("capability:" + name, check)));
        registry.register(new OpsHealth.Check(KafkaStatus.NAME, kafka::health));
        HarvestFreshness freshness = new HarvestFreshness(
                config.booleanValue("holdshelf.harvest.scheduled") ? config.require("holdshelf.harvest.cron") : null, w.zone(),
                config.duration("holdshelf.ops.harvest-grace"), w.clock().instant());
        registry.register(new OpsHealth.Check(HarvestFreshness.NAME, () -> freshness.check(views.lastCompletedAt(),
                w.clock().instant())));

        // and in front of the whole router too, so a path no route serves is checked the same way
        // (a climbing path is refused with 400 instead of being normalised into another path)
        w.camel().getRegistry().findByType(VertxPlatformHttpRouter.class)
                .forEach(router -> router.route().order(Integer.MIN_VALUE).handler(gate));
        VertxPlatformHttpServer server = w.camel().hasService(VertxPlatformHttpServer.class);
        port = server == null ? -1 : server.getPort();
        if (port <= 0) {
            throw new ConfigurationException("The operators' endpoint cannot listen on " + settings.bind() + ":"
                    + settings.port() + " (" + OpsSettings.BIND + ", " + OpsSettings.PORT + "): the address is in use or not "
                    + "this machine's; see the log above");
        }
        String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
        String shown = "0.0.0.0".equals(settings.bind()) || "::".equals(settings.bind()) ? "127.0.0.1" : host;
        LOG.info("Operators' page: http://{}:{}/ ({}); metrics /q/metrics, health /q/health, harvest now: POST /api/harvest",
                shown, port, settings.token().isPresent()
                        ? "sign in with the token " + OpsSettings.TOKEN + "; scripts send it as 'Authorization: Bearer'"
                        : "no token set: open to this machine only");
    }

    /** The port the server listens on (the one picked when {@code holdshelf.ops.port=0}); -1 before it started. */
    public int port() {
        return port;
    }

    /** The views brought up to date now, for tests that look right after a run. */
    public void refreshViews() {
        views.refresh();
    }

    Optional<OpsViews> views() {
        return Optional.ofNullable(views);
    }
}
