package org.holdshelf.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidMetadataException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they do not exist (never alters existing ones: in
 * production the cluster's owners may have tuned them), as the {@link Topic} catalogue describes them.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /**
     * Creates those of {@code topics} that do not exist: {@code holdshelf.kafka.partitions}
     * partitions (one for single-partition topics), {@code holdshelf.kafka.replication-factor},
     * compaction for state topics. Returns once every new partition can be written.
     */
    public static void ensureTopics(HoldshelfConfig config, Set<Topic> topics, Properties clientProperties) {
        int partitions = config.intValue("holdshelf.kafka.partitions");
        short replication = (short) config.intValue("holdshelf.kafka.replication-factor");
        List<NewTopic> wanted = new ArrayList<>();
        for (Topic topic : topics) {
            NewTopic t = new NewTopic(topic.name(config), topic.singlePartition() ? 1 : partitions, replication);
            if (topic.cleanup() == Topic.Cleanup.COMPACT) {
                t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            wanted.add(t);
        }
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                // another instance starting at the same time may create some of them first: theirs are as good
                List<String> created = new ArrayList<>();
                for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> result : admin.createTopics(missing).values().entrySet()) {
                    try {
                        result.getValue().get(60, TimeUnit.SECONDS);
                        created.add(result.getKey());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                            throw e;
                        }
                    }
                }
                awaitPartitionsReady(admin, missing.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
                if (!created.isEmpty()) {
                    LOG.info("Created Kafka topics {}", created);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot reach Kafka at " + props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + " to create the pipeline's topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating Kafka topics", e);
        }
    }

    /**
     * Waits until the leader of every partition of {@code topics} answers for it. A topic is
     * created before its partitions are ready: the controller names a leader before that broker
     * has loaded the partition. An idempotent producer that writes in between meets
     * NOT_LEADER_OR_FOLLOWER and can then be refused with OUT_OF_ORDER_SEQUENCE_NUMBER until its
     * delivery timeout (seen with Kafka 3.9.1), so nothing writes to a new topic before this
     * returns. Listing the partitions' end offsets is answered by the leaders themselves.
     */
    public static void awaitPartitionsReady(Admin admin, Collection<String> topics, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 10;
        String notReady;
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .forEach((name, description) -> description.partitions().forEach(
                                p -> partitions.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                admin.listOffsets(partitions).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof InvalidMetadataException)) {
                    throw e; // not a partition that is still being set up
                }
                notReady = e.getCause().getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + topics + " are not ready after " + timeout.toSeconds()
                        + " s: " + notReady);
            }
            TimeUnit.MILLISECONDS.sleep(pauseMs);
            pauseMs = Math.min(500, pauseMs * 2);
        }
    }
}
