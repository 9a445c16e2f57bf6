package org.holdshelf.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Connection settings for the plain Kafka clients the pipeline uses beside camel-kafka (topic
 * creation, replaying a range of records), taken from the camel-kafka component so a cluster's
 * address and security ({@code camel.component.kafka.*}) are configured in one place only.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** Bootstrap servers plus the security settings (TLS, SASL) of the camel-kafka component. */
    public static Properties connection(CamelContext camel) {
        Properties all = consumerBase(camel);
        Properties connection = new Properties();
        for (String name : all.stringPropertyNames()) {
            if (name.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) || name.startsWith("security.")
                    || name.startsWith("sasl.") || name.startsWith("ssl.")) {
                connection.setProperty(name, all.getProperty(name));
            }
        }
        return connection;
    }

    /**
     * An admin client on {@code connection} that answers or fails within {@code timeout} (each
     * request and each call), named {@code clientId} in the broker's logs.
     */
    public static Admin admin(Properties connection, String clientId, Duration timeout) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return Admin.create(props);
    }

    /**
     * Settings of a consumer that reads by assigned partitions and offsets, outside any consumer
     * group and never committing: {@code connection} plus the given offset reset ("earliest", or
     * "none" to fail on offsets that are gone). A fetch parked at the end of a partition waits at
     * most 10 ms: these readers only read records that already exist, and the default 500 ms would
     * be added to every seek.
     */
    public static Properties reader(Properties connection, String clientId, String offsetReset) {
        Properties props = new Properties();
        props.putAll(connection);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /**
     * A {@link #reader} of every partition of {@code topic}, positioned by {@code position}, or empty if
     * the topic does not exist; the consumer is closed again if the assignment or the positioning fails.
     */
    public static Optional<KafkaConsumer<String, byte[]>> assignedReader(Properties connection, String clientId, String topic,
                                                                      Duration timeout,
                                                                      Consumer<KafkaConsumer<String, byte[]>> position) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(reader(connection, clientId, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<PartitionInfo> info = c.partitionsFor(topic, timeout);
            if (info == null || info.isEmpty()) {
                c.close(Duration.ZERO);
                return Optional.empty();
            }
            c.assign(info.stream().map(i -> new TopicPartition(topic, i.partition())).toList());
            position.accept(c);
            return Optional.of(c);
        } catch (RuntimeException e) {
            c.close(Duration.ZERO);
            throw e;
        }
    }

    /** The component's consumer settings (deserializers, security...) with the bootstrap servers. */
    public static Properties consumerBase(CamelContext camel) {
        KafkaConfiguration configuration = camel.getComponent("kafka", KafkaComponent.class).getConfiguration();
        Properties props = configuration.createConsumerProperties();
        props.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        return props;
    }
}
