package org.holdshelf.platform.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupAssignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every partition to the member that joined first; the others stand by; the owner is told. */
class SingleOwnerAssignorTest {

    private static final Node NODE = new Node(1, "localhost", 9092);

    private static Cluster cluster(String topic, int partitions) {
        List<PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(topic, p, NODE, new Node[] {NODE}, new Node[] {NODE}));
        }
        return new Cluster("c", List.of(NODE), infos, Set.of(), Set.of());
    }

    private static Subscription member(String topic, long since) {
        return new Subscription(List.of(topic), ByteBuffer.allocate(Long.BYTES).putLong(0, since));
    }

    @Test
    void shouldGiveEveryPartitionToTheMemberThatJoinedFirst() {
        GroupAssignment result = new SingleOwnerAssignor().assign(cluster("entries", 6), new GroupSubscription(Map.of(
                "consumer-b", member("entries", 2_000), "consumer-a", member("entries", 3_000),
                "consumer-c", member("entries", 1_000))));

        Map<String, Assignment> assignments = result.groupAssignment();
        assertThat(assignments).containsOnlyKeys("consumer-a", "consumer-b", "consumer-c");
        assertThat(assignments.get("consumer-c").partitions()).extracting(TopicPartition::partition)
                .containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(assignments.get("consumer-a").partitions()).isEmpty();
        assertThat(assignments.get("consumer-b").partitions()).isEmpty();
    }

    @Test
    void shouldKeepTheOwnerWhenAMemberJoinsLaterAndBreakTiesByMemberId() {
        assertThat(SingleOwnerAssignor.owner(Map.of("consumer-x", member("t", 5), "consumer-new", member("t", 9))))
                .isEqualTo("consumer-x");
        assertThat(SingleOwnerAssignor.owner(Map.of("consumer-2", member("t", 5), "consumer-1", member("t", 5))))
                .isEqualTo("consumer-1");
        assertThat(SingleOwnerAssignor.owner(Map.of("old-client", new Subscription(List.of("t")), "consumer-1", member("t", 5))))
                .as("a member without the start time is the last choice").isEqualTo("consumer-1");
    }

    @Test
    void shouldLeaveTheWorkWithTheMemberThatOwnedItEvenIfAnOlderOneJoins() {
        Subscription owner = new Subscription(List.of("t"), ByteBuffer.allocate(Long.BYTES + 1).putLong(0, 9).put(Long.BYTES, (byte) 1));

        assertThat(SingleOwnerAssignor.owner(Map.of("consumer-owner", owner, "consumer-older", member("t", 1))))
                .isEqualTo("consumer-owner");
    }

    @Test
    void shouldSayInItsSubscriptionWhetherItOwnedTheWork() {
        SingleOwnerAssignor assignor = new SingleOwnerAssignor();
        Subscription before = new Subscription(List.of("t"), assignor.subscriptionUserData(Set.of("t")));
        assignor.onAssignment(new Assignment(List.of(new TopicPartition("t", 0))), new ConsumerGroupMetadata("g"));
        Subscription after = new Subscription(List.of("t"), assignor.subscriptionUserData(Set.of("t")));

        assertThat(SingleOwnerAssignor.owner(Map.of("a-new", member("t", 0), "z-owner", after))).isEqualTo("z-owner");
        assertThat(SingleOwnerAssignor.owner(Map.of("a-new", member("t", 0), "z-owner", before))).isEqualTo("a-new");
    }

    @Test
    void shouldTellTheGroupsListenersWhetherThisConsumerOwnsTheWork() throws Exception {
        List<Boolean> told = new ArrayList<>();
        List<Boolean> toldToo = new ArrayList<>();
        AutoCloseable second = SingleOwnerAssignor.onOwnership("group-under-test", toldToo::add);
        try (AutoCloseable first = SingleOwnerAssignor.onOwnership("group-under-test", told::add)) {
            SingleOwnerAssignor assignor = new SingleOwnerAssignor();
            assignor.configure(Map.of("group.id", "group-under-test"));
            ConsumerGroupMetadata metadata = new ConsumerGroupMetadata("group-under-test");

            assignor.onAssignment(new Assignment(List.of(new TopicPartition("entries", 0))), metadata);
            assignor.onAssignment(new Assignment(List.of()), metadata);
            assignor.onAssignment(new Assignment(List.of()), new ConsumerGroupMetadata("another-group"));

            assertThat(told).containsExactly(true, false);
            second.close();
            assignor.onAssignment(new Assignment(List.of(new TopicPartition("entries", 0))), metadata);
            assertThat(toldToo).as("forgotten once closed").containsExactly(true, false);
            assertThat(told).containsExactly(true, false, true);
        }
    }
}
