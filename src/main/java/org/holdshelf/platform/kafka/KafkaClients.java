package org.holdshelf.platform.kafka;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.CommonClientConfigs;

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

    /** The component's consumer settings (deserializers, security...) with the bootstrap servers. */
    public static Properties consumerBase(CamelContext camel) {
        KafkaConfiguration configuration = camel.getComponent("kafka", KafkaComponent.class).getConfiguration();
        Properties props = configuration.createConsumerProperties();
        props.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        return props;
    }
}
