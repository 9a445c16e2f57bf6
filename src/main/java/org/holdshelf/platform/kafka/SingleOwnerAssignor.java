package org.holdshelf.platform.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka partition assignor that gives <em>every</em> partition of a consumer group's topics to one
 * member, the one that joined first: a group whose work must run in one place at a time (calls to an
 * API whose rate limit counts all instances together) gets one owner, and Kafka's group protocol
 * gives the work to another member when the owner dies (its session expires) or leaves. The other
 * members stand by with nothing assigned. Ownership is sticky: the owner says so when it rejoins
 * at a rebalance and keeps the work, so a member joining later does not take it from a live owner
 * (members starting at the same moment may pass it once while the group forms);
 * when the owner is gone, the oldest member gets it.
 *
 * <p>The group uses Kafka's eager protocol: at a rebalance every member gives up its partitions
 * before any member gets new ones, so two members never own the work at the same time. Whoever
 * needs to know when this consumer gains or loses the work registers with
 * {@link #onOwnership(String, Consumer)} under the group's id (the assignor is created by the Kafka
 * consumer, by class name: {@code partition.assignment.strategy}, Camel's {@code partitionAssignor}).
 */
public final class SingleOwnerAssignor implements ConsumerPartitionAssignor, Configurable {

    private static final Map<String, List<Consumer<Boolean>>> LISTENERS = new ConcurrentHashMap<>();

    /** When this consumer was created: among members that did not own the work, the oldest gets it. */
    private final long since = System.currentTimeMillis();
    /** Whether this consumer owned the work at the last assignment: it keeps it at the next rebalance. */
    private volatile boolean owned;
    private String groupId;

    /**
     * Tells {@code listener} (true or false) whenever a consumer of group {@code groupId} in this
     * process receives an assignment: true when it owns the group's partitions. Closing the handle
     * forgets the listener (its capability stopped).
     */
    public static AutoCloseable onOwnership(String groupId, Consumer<Boolean> listener) {
        LISTENERS.computeIfAbsent(groupId, g -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(listener);
        return () -> LISTENERS.computeIfPresent(groupId, (g, all) -> {
            all.remove(listener);
            return all.isEmpty() ? null : all;
        });
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object group = configs.get(ConsumerConfig.GROUP_ID_CONFIG);
        this.groupId = group == null ? null : group.toString();
    }

    @Override
    public String name() {
        return "holdshelf-single-owner";
    }

    @Override
    public ByteBuffer subscriptionUserData(java.util.Set<String> topics) {
        return ByteBuffer.allocate(Long.BYTES + 1).putLong(0, since).put(Long.BYTES, (byte) (owned ? 1 : 0));
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = groupSubscription.groupSubscription();
        String owner = owner(members);
        Map<String, Assignment> assignments = new HashMap<>();
        for (String member : members.keySet()) {
            assignments.put(member, new Assignment(List.of()));
        }
        if (owner != null) {
            List<TopicPartition> all = new ArrayList<>();
            for (String topic : new TreeSet<>(members.get(owner).topics())) {
                List<PartitionInfo> partitions = metadata.partitionsForTopic(topic);
                if (partitions != null) {
                    partitions.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            all.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            assignments.put(owner, new Assignment(all));
        }
        return new GroupAssignment(assignments);
    }

    /**
     * The member that owned the work at the last assignment, if it is still in the group; otherwise
     * the oldest (the earliest creation time); the smaller member id on a tie.
     */
    static String owner(Map<String, Subscription> members) {
        return members.entrySet().stream()
                .min(Comparator.<Map.Entry<String, Subscription>>comparingInt(e -> owned(e.getValue()) ? 0 : 1)
                        .thenComparingLong(e -> since(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).orElse(null);
    }

    private static boolean owned(Subscription subscription) {
        ByteBuffer data = subscription.userData();
        return data != null && data.remaining() > Long.BYTES && data.get(data.position() + Long.BYTES) == 1;
    }

    private static long since(Subscription subscription) {
        ByteBuffer data = subscription.userData();
        return data != null && data.remaining() >= Long.BYTES ? data.getLong(data.position()) : Long.MAX_VALUE;
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        owned = !assignment.partitions().isEmpty();
        String group = metadata != null ? metadata.groupId() : groupId;
        List<Consumer<Boolean>> listeners = group == null ? null : LISTENERS.get(group);
        if (listeners != null) {
            boolean owns = !assignment.partitions().isEmpty();
            listeners.forEach(l -> l.accept(owns));
        }
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.EAGER);
    }
}
