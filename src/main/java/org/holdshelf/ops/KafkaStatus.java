package org.holdshelf.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.holdshelf.platform.kafka.KafkaClients;
import org.holdshelf.platform.runtime.ConsumerGroup;
import org.holdshelf.platform.runtime.Health;

/**
 * What the operators' endpoint asks Kafka itself: whether the cluster answers (a health check,
 * asked at most once per {@code probeEvery}, each time within {@code timeout}), and each
 * registered consumer group's lag, the records of its topic it has not committed yet
 * ({@code holdshelf_kafka_consumer_lag_records{group,topic}}), measured at each refresh.
 * Thread-safe.
 */
final class KafkaStatus implements AutoCloseable {

    static final String NAME = "kafka";

    private final Supplier<Properties> connection;
    private final Duration timeout;
    private final Duration probeEvery;
    private final MeterRegistry meters;
    private final Map<String, Double> lag = new ConcurrentHashMap<>();
    /** Guards the probe; the lag is measured without it, so a slow measurement never holds up a health check. */
    private final Object probing = new Object();
    private Admin admin;
    private Health lastProbe;
    private long lastProbeNanos;

    KafkaStatus(Supplier<Properties> connection, Duration timeout, Duration probeEvery, MeterRegistry meters) {
        this.connection = connection;
        this.timeout = timeout;
        this.probeEvery = probeEvery;
        this.meters = meters;
    }

    /** UP when the cluster answered a metadata request within the timeout, naming its brokers. */
    Health health() {
        synchronized (probing) {
            return probe();
        }
    }

    private Health probe() {
        if (lastProbe != null && System.nanoTime() - lastProbeNanos < probeEvery.toNanos()) {
            return lastProbe;
        }
        Health h;
        try {
            int nodes = admin().describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            h = Health.up(NAME, nodes + " broker(s) answered");
        } catch (TimeoutException e) {
            h = Health.down(NAME, "the cluster did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            h = Health.down(NAME, "the cluster cannot be reached: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            h = Health.down(NAME, "interrupted while asking the cluster");
        } catch (RuntimeException e) {
            h = Health.down(NAME, "the cluster cannot be reached: " + e.getMessage());
        }
        lastProbe = h;
        lastProbeNanos = System.nanoTime();
        return h;
    }

    /**
     * Measures each group's lag on its topic (end offsets less committed offsets, over the partitions
     * it has committed on) and updates the gauges. Throws if Kafka cannot be asked.
     */
    void measureLag(List<ConsumerGroup> groups, Map<ConsumerGroup, String> topicNames) throws Exception {
        if (!health().up()) {
            return; // Kafka does not answer: the lag is measured again at the next refresh
        }
        for (ConsumerGroup group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String topic = topicNames.get(group);
            if (topic == null) {
                continue; // not known yet: the capabilities are still binding
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            List<TopicPartition> mine = new ArrayList<>();
            committed.forEach((tp, offset) -> {
                if (tp.topic().equals(topic) && offset != null) {
                    latest.put(tp, OffsetSpec.latest());
                    mine.add(tp);
                }
            });
            long total = 0;
            if (!latest.isEmpty()) {
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin().listOffsets(latest).all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                for (TopicPartition tp : mine) {
                    total += Math.max(0, ends.get(tp).offset() - committed.get(tp).offset());
                }
            }
            String key = group.groupId() + "\n" + topic;
            if (lag.put(key, (double) total) == null) {
                Gauge.builder("holdshelf.kafka.consumer.lag", lag, l -> l.getOrDefault(key, Double.NaN))
                        .tags("group", group.groupId(), "topic", topic, "capability", group.capability()).baseUnit("records")
                        .description("Records of the topic the consumer group has not committed yet").register(meters);
            }
        }
    }

    /** The last measured lag of each group ({@code group -> records}). */
    Map<String, Long> lag() {
        Map<String, Long> out = new java.util.TreeMap<>();
        lag.forEach((key, value) -> out.put(key.substring(0, key.indexOf('\n')), value.longValue()));
        return out;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = KafkaClients.admin(connection.get(), "holdshelf-ops", timeout);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ZERO); // nothing it asks matters once the pipeline stops
            admin = null;
        }
    }
}
