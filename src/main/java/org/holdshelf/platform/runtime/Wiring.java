package org.holdshelf.platform.runtime;

import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.files.RunDirectory;
import org.holdshelf.platform.kafka.CompactedTopicStore;
import org.holdshelf.platform.kafka.DeadLetters;
import org.holdshelf.platform.kafka.KafkaClients;
import org.holdshelf.platform.kafka.Topic;

/**
 * What the platform gives every capability: the configuration and the library's clock and zone,
 * topic names, Kafka connection settings, the dead-letter factory, the run directory, the run
 * lease, the meter registry, the run trigger and the consumer groups; and where a capability binds its beans, registers its health checks
 * and hands over the resources to close when the pipeline stops.
 *
 * <p>Built by the composition root, one per pipeline. The Kafka connection and the Camel context
 * are known only once Camel is configured: use the suppliers, or {@link #camel()} from
 * {@link Capability#started}.
 */
public final class Wiring {

    private final HoldshelfConfig config;
    private final Clock clock;
    private final ZoneId zone;
    private final String instanceId;
    private final Supplier<CamelContext> camel;
    private final BiConsumer<String, Object> binder;
    private final MeterRegistry meters;
    private final RunDirectory runDirectory;
    private final DeadLetters deadLetters;
    private final RunLease runLease = new RunLease();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, Supplier<Health>> health = new LinkedHashMap<>();
    private final List<ConsumerGroup> consumerGroups = new ArrayList<>();
    private final List<ExtraHolds> extraHolds = new java.util.ArrayList<>();
    /** The in-process view of each compacted topic opened so far; guarded by itself. */
    private final Map<Topic, CompactedTopicStore<?>> stores = new java.util.EnumMap<>(Topic.class);
    private volatile RunTrigger runTrigger;

    public Wiring(HoldshelfConfig config, Clock clock, String instanceId, Supplier<CamelContext> camel,
                  BiConsumer<String, Object> binder, MeterRegistry meters) {
        this.config = config;
        this.clock = clock;
        this.zone = config.zone("holdshelf.timezone");
        this.instanceId = instanceId;
        this.camel = camel;
        this.binder = binder;
        this.meters = meters;
        this.runDirectory = new RunDirectory(config.path("holdshelf.reports.dir"), zone,
                config.booleanValue("holdshelf.reports.csv-byte-order-mark"));
        this.deadLetters = new DeadLetters(topic(Topic.DLQ), clock, meters);
    }

    public HoldshelfConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    /** The library's time zone ({@code holdshelf.timezone}). */
    public ZoneId zone() {
        return zone;
    }

    /** This process among the pipeline's instances ({@code holdshelf.instance-id}, by default host and process id). */
    public String instanceId() {
        return instanceId;
    }

    /** The name of a topic in this configuration. */
    public String topic(Topic topic) {
        return topic.name(config);
    }

    /** Bootstrap servers and security settings for plain Kafka clients, as camel-kafka is configured. */
    public Supplier<Properties> kafkaConnection() {
        return () -> KafkaClients.connection(camel());
    }

    /** camel-kafka's consumer settings with the bootstrap servers, for plain consumers. */
    public Supplier<Properties> kafkaConsumerBase() {
        return () -> KafkaClients.consumerBase(camel());
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public RunDirectory runDirectory() {
        return runDirectory;
    }

    public RunLease runLease() {
        return runLease;
    }

    public MeterRegistry meters() {
        return meters;
    }

    /** The Camel context; available once Camel is configured. */
    public CamelContext camel() {
        CamelContext context = camel.get();
        if (context == null) {
            throw new IllegalStateException("Camel is not configured yet");
        }
        return context;
    }

    /** Binds a bean the routes refer to by name. */
    public void bind(String name, Object bean) {
        binder.accept(name, bean);
    }

    /** Closes the resource when the pipeline stops (in the reverse order of registration). */
    public <T extends AutoCloseable> T closeOnStop(T resource) {
        synchronized (closeables) {
            closeables.add(resource);
        }
        return resource;
    }

    /**
     * The one in-process view of a compacted topic, opened (the whole topic read) on first use and
     * closed when the pipeline stops. Capabilities that use the same topic share it: the directory
     * mirror writes {@code holdshelf.patrons} and the notices read it through one copy in memory.
     *
     * @param recordType the {@code holdshelf-type} header of each value written, or null for an internal topic
     */
    @SuppressWarnings("unchecked")
    public <V> CompactedTopicStore<V> compactedStore(Topic topic, Class<V> type, java.util.function.Function<V, String> recordType) {
        if (topic.cleanup() != Topic.Cleanup.COMPACT) {
            throw new IllegalArgumentException(topic + " is not a compacted topic");
        }
        synchronized (stores) {
            CompactedTopicStore<?> store = stores.get(topic);
            if (store == null) {
                store = closeOnStop(new CompactedTopicStore<>(kafkaConnection().get(), topic(topic), type, recordType,
                        "holdshelf-" + topic.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), java.time.Duration.ofSeconds(60)));
                stores.put(topic, store);
            }
            return (CompactedTopicStore<V>) store;
        }
    }

    /** Registers a health check. */
    public void health(String name, Supplier<Health> check) {
        synchronized (health) {
            health.put(name, check);
        }
    }

    /** Offers harvests on demand to the other capabilities (the harvest capability registers it). */
    public void runTrigger(RunTrigger trigger) {
        this.runTrigger = trigger;
    }

    /** What starts a harvest on demand, if a capability that runs harvests is enabled. */
    public Optional<RunTrigger> runTrigger() {
        return Optional.ofNullable(runTrigger);
    }

    /** Registers ready holds of another source, which every harvest publishes with its run. */
    public void extraHolds(ExtraHolds source) {
        synchronized (extraHolds) {
            extraHolds.add(source);
        }
    }

    /** The registered sources of ready holds other than Sierra. */
    public List<ExtraHolds> extraHolds() {
        synchronized (extraHolds) {
            return List.copyOf(extraHolds);
        }
    }

    /** Registers a Kafka consumer group of a capability, whose lag the operators' endpoint reports. */
    public void consumerGroup(ConsumerGroup group) {
        synchronized (consumerGroups) {
            consumerGroups.add(group);
        }
    }

    /** The registered consumer groups. */
    public List<ConsumerGroup> consumerGroups() {
        synchronized (consumerGroups) {
            return List.copyOf(consumerGroups);
        }
    }

    /** Every registered health check by name, to be read when asked. */
    public Map<String, Supplier<Health>> healthChecks() {
        synchronized (health) {
            return new LinkedHashMap<>(health);
        }
    }

    /** Every registered health check, read now. */
    public List<Health> healthNow() {
        List<Supplier<Health>> checks;
        synchronized (health) {
            checks = new ArrayList<>(health.values());
        }
        List<Health> readings = new ArrayList<>(checks.size());
        for (Supplier<Health> check : checks) {
            readings.add(check.get());
        }
        return readings;
    }

    /** The resources to close, last registered first. */
    public List<AutoCloseable> closeables() {
        synchronized (closeables) {
            List<AutoCloseable> reversed = new ArrayList<>(closeables);
            java.util.Collections.reverse(reversed);
            return reversed;
        }
    }
}
