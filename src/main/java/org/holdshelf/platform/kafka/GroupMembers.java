package org.holdshelf.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The live members of a consumer group as the group coordinator knows them (Kafka's own
 * membership: a member is there from its join until it leaves or its session expires), with an
 * admin client created on first use and kept.
 */
public final class GroupMembers implements AutoCloseable {

    private final Supplier<Properties> connection;
    private final String clientId;
    private final Duration timeout;
    private Admin admin;

    /**
     * @param connection the cluster's connection settings
     * @param clientId   the admin client's own client id
     * @param timeout    how long one question may take
     */
    public GroupMembers(Supplier<Properties> connection, String clientId, Duration timeout) {
        this.connection = connection;
        this.clientId = clientId;
        this.timeout = timeout;
    }

    /**
     * The client ids of the group's members now (one per member: two consumers with the same
     * client id appear twice); empty when the group has no member or does not exist.
     *
     * @throws IllegalStateException when the cluster does not answer in time
     */
    public synchronized List<String> clientIds(String groupId) {
        try {
            ConsumerGroupDescription group = admin().describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return group.members().stream().map(MemberDescription::clientId).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw new IllegalStateException("Cannot read the members of Kafka consumer group " + groupId + ": "
                    + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot read the members of Kafka consumer group " + groupId + ": "
                    + "no answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the members of " + groupId, e);
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = KafkaClients.admin(connection.get(), clientId, timeout);
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
