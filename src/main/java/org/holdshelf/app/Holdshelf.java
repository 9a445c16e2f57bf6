package org.holdshelf.app;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.holdshelf.events.RunEvent;
import org.holdshelf.directory.DirectoryCapability;
import org.holdshelf.hoopla.HooplaCapability;
import org.holdshelf.harvest.HarvestCapability;
import org.holdshelf.notices.NoticesCapability;
import org.holdshelf.ops.OpsCapability;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.EmbeddedKafkaBroker;
import org.holdshelf.platform.kafka.KafkaBatches;
import org.holdshelf.platform.kafka.KafkaClients;
import org.holdshelf.platform.kafka.KafkaRecords;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.kafka.TopicAdmin;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.RunFollowUp;
import org.holdshelf.platform.runtime.Wiring;
import org.holdshelf.pulllists.PullListsCapability;
import org.holdshelf.sandbox.Sandbox;
import org.holdshelf.scanin.ScanInCapability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pipeline, and the one place that starts and stops it: the sandbox simulators when
 * asked for, the embedded broker when no cluster is configured, then every enabled capability's
 * beans, topics and route files, and Camel. Used by the launcher, the tests and the benchmarks
 * alike, so they all exercise exactly what ships.
 *
 * <p>This class knows the capabilities only as a list; each one declares what it needs.
 */
public final class Holdshelf implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Holdshelf.class);

    /** Every capability of the pipeline, in the order they are bound (and their routes loaded). */
    static final List<Function<HoldshelfConfig, Capability>> CAPABILITIES = List.of(
            HarvestCapability::new,
            PullListsCapability::new,
            ScanInCapability::new,
            DirectoryCapability::new,
            HooplaCapability::new,
            NoticesCapability::new,
            OpsCapability::new);

    /** Platform routes every pipeline loads: the one error policy and the dead-letter route. */
    private static final List<String> PLATFORM_ROUTES = List.of("error-handling.camel.yaml");

    private final HoldshelfConfig config;
    private final Main main;
    private final Wiring wiring;
    private final List<Capability> capabilities;
    private final EmbeddedKafkaBroker broker;
    private final Sandbox sandbox;
    private final Duration startUp;
    private volatile boolean closed;

    private Holdshelf(HoldshelfConfig config, Main main, Wiring wiring, List<Capability> capabilities,
                      EmbeddedKafkaBroker broker, Sandbox sandbox, Duration startUp) {
        this.config = config;
        this.main = main;
        this.wiring = wiring;
        this.capabilities = capabilities;
        this.broker = broker;
        this.sandbox = sandbox;
        this.startUp = startUp;
    }

    /** Starts the pipeline; throws {@link org.holdshelf.platform.config.ConfigurationException} naming a bad setting. */
    public static Holdshelf start(HoldshelfConfig configuration) {
        return start(configuration, false);
    }

    /**
     * Starts the pipeline, with the bundled simulators when {@code withSandbox} (the configuration
     * is then pointed at them). Throws {@link org.holdshelf.platform.config.ConfigurationException}
     * naming a bad setting; nothing is left running when it throws.
     */
    public static Holdshelf start(HoldshelfConfig configuration, boolean withSandbox) {
        return start(configuration, withSandbox, Clock.systemUTC());
    }

    /**
     * Starts the pipeline on {@code clock} (what the capabilities see as now: tests drive the send
     * window and reminders with it).
     */
    public static Holdshelf start(HoldshelfConfig configuration, boolean withSandbox, Clock clock) {
        long started = System.nanoTime();
        EmbeddedKafkaBroker broker = null;
        Sandbox sandbox = null;
        Main main = null;
        Wiring wiring = null;
        try {
            HoldshelfConfig config = configuration;
            if (!config.isSet("camel.component.kafka.brokers")) {
                // started first, in the background: the rest of the start-up does not need it until the topics
                broker = EmbeddedKafkaBroker.startAsync(config.path("holdshelf.kafka.embedded.dir"),
                        config.intValue("holdshelf.kafka.embedded.port"),
                        config.booleanValue("holdshelf.kafka.embedded.delete-on-stop"));
                config = config.with("camel.component.kafka.brokers", broker.bootstrapServers());
            }
            if (withSandbox) {
                sandbox = Sandbox.start(config.asMap());
                config = config.with(sandbox.configuration());
            }

            List<Capability> capabilities = new ArrayList<>();
            for (Function<HoldshelfConfig, Capability> create : CAPABILITIES) {
                Capability capability = create.apply(config); // validates its settings
                if (capability.enabled()) {
                    capabilities.add(capability);
                }
            }
            config = config.with("camel.main.routes-include-pattern", routePattern(config, capabilities));
            for (Capability capability : capabilities) {
                config = config.with(capability.camelSettings());
            }

            main = new Main();
            // no hang-up hook of Camel's: stopping is this class's job (on SIGTERM, the launcher's hook
            // calls close), and a hook would keep the whole pipeline reachable after it is closed
            main.setShutdownStrategy(new SimpleMainShutdownStrategy());
            // Prometheus-backed: the operators' endpoint serves it as /q/metrics; bound under Camel's own
            // name too, so Camel's route and exchange meters (camel.metrics.*) land in the same registry
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            // the effective id, for the routes' placeholders too ({{holdshelf.instance-id}}: a consumer's client id)
            config = config.with("holdshelf.instance-id", instanceId(config));
            wiring = new Wiring(config, clock, config.require("holdshelf.instance-id"), main::getCamelContext, main::bind, meters);
            main.setOverrideProperties(config.toProperties());
            main.bind("metricsRegistry", meters);
            main.bind("deadLetters", wiring.deadLetters());
            main.bind("kafkaRecords", new KafkaRecords());
            main.bind("kafkaBatches", new KafkaBatches());
            for (Capability capability : capabilities) {
                capability.bind(wiring);
            }

            Set<Topic> topics = EnumSet.of(Topic.DLQ);
            capabilities.forEach(c -> topics.addAll(c.topics()));
            HoldshelfConfig finalConfig = config;
            EmbeddedKafkaBroker finalBroker = broker;
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport m) {
                    if (finalBroker != null) {
                        finalBroker.awaitReady();
                    }
                    if (finalConfig.booleanValue("holdshelf.kafka.create-topics")) {
                        TopicAdmin.ensureTopics(finalConfig, topics, KafkaClients.connection(m.getCamelContext()));
                    }
                }
            });
            main.start();
            if (main.getCamelContext() == null || !main.getCamelContext().getStatus().isStarted()) {
                throw new IllegalStateException("Camel did not start; see the log above");
            }
            for (Capability capability : capabilities) {
                capability.started(wiring);
            }
            Duration startUp = Duration.ofNanos(System.nanoTime() - started);
            Holdshelf holdshelf = new Holdshelf(config, main, wiring, List.copyOf(capabilities), broker, sandbox, startUp);
            LOG.info("Holdshelf pipeline started in {}: {}; Kafka {}; time zone {}; instance {}", Durations.human(startUp),
                    String.join(", ", capabilities.stream().map(Capability::name).toList()),
                    config.require("camel.component.kafka.brokers"), wiring.zone(), wiring.instanceId());
            return holdshelf;
        } catch (Exception e) {
            stopPartlyStarted(main, wiring, broker, sandbox);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("The pipeline could not start: " + e.getMessage(), e);
        }
    }

    private static void stopPartlyStarted(Main main, Wiring wiring, EmbeddedKafkaBroker broker, Sandbox sandbox) {
        List<AutoCloseable> resources = new ArrayList<>();
        if (main != null) {
            resources.add(main::stop);
        }
        if (wiring != null) {
            resources.addAll(wiring.closeables());
        }
        if (broker != null) {
            resources.add(broker);
        }
        if (sandbox != null) {
            resources.add(sandbox);
        }
        closeAll(resources);
    }

    /** The route files of the platform and of the enabled capabilities, plus any the operator adds. */
    private static String routePattern(HoldshelfConfig config, List<Capability> capabilities) {
        String dir = config.require("holdshelf.routes.dir").replaceAll("/+$", "");
        StringJoiner pattern = new StringJoiner(",");
        PLATFORM_ROUTES.forEach(f -> pattern.add("file:" + dir + "/" + f));
        capabilities.forEach(c -> c.routeFiles().forEach(f -> pattern.add("file:" + dir + "/" + f)));
        config.find("holdshelf.routes.extra").ifPresent(pattern::add);
        return pattern.toString();
    }

    /** {@code holdshelf.instance-id}, or host and process id: unique among instances, new after a restart. */
    private static String instanceId(HoldshelfConfig config) {
        return config.find("holdshelf.instance-id").orElseGet(() -> {
            String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
            int at = name.indexOf('@');
            return at < 0 ? name : name.substring(at + 1) + "/" + name.substring(0, at);
        });
    }

    /** Runs one harvest now (on the caller's thread) and returns its outcome event. */
    /** What every capability must do before {@code --once}'s harvest (a Hoopla poll), within {@code timeout}. */
    public void beforeOnceHarvest(Duration timeout) throws InterruptedException {
        for (Capability c : capabilities) {
            c.beforeOnceHarvest(timeout);
        }
    }

    public RunEvent harvestNow(String trigger) {
        return capability(HarvestCapability.class).orElseThrow().harvestNow(trigger);
    }

    /**
     * Waits for every capability's work for a completed run ({@code --once}): a summary line per
     * capability, empty for one whose work was not complete within {@code timeout}.
     */
    public Map<String, Optional<String>> awaitFollowUps(RunEvent run, Duration timeout) throws InterruptedException {
        Map<String, Optional<String>> lines = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Capability c : capabilities) {
            Optional<RunFollowUp> followUp = c.runFollowUp();
            if (followUp.isPresent()) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                lines.put(c.name(), followUp.get().await(run, left));
            }
        }
        return lines;
    }

    /** The enabled capability of this type, if it is enabled. */
    public <T extends Capability> Optional<T> capability(Class<T> type) {
        return capabilities.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public List<Capability> capabilities() {
        return capabilities;
    }

    public Wiring wiring() {
        return wiring;
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public HoldshelfConfig config() {
        return config;
    }

    /** How long {@link #start} took. */
    public Duration startUp() {
        return startUp;
    }

    /** The sandbox the pipeline runs against, if started with one. */
    public Optional<Sandbox> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    /**
     * Stops the pipeline: long work is told to end early, Camel stops its routes (consumers commit
     * what they processed), then the capabilities' resources, the broker and the simulators.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        capabilities.forEach(Capability::stopping);
        try {
            main.stop(); // stops the CamelContext before returning
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly: {}", e.getMessage());
        }
        List<AutoCloseable> rest = new ArrayList<>(wiring.closeables());
        if (broker != null) {
            rest.add(broker);
        }
        if (sandbox != null) {
            rest.add(sandbox);
        }
        closeAll(rest);
        LOG.info("Holdshelf pipeline stopped in {}", Durations.human(Duration.ofNanos(System.nanoTime() - started)));
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("Could not stop {}: {}", r.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
