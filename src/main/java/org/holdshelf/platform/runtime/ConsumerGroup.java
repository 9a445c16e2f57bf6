package org.holdshelf.platform.runtime;

import org.holdshelf.platform.kafka.Topic;

/**
 * A Kafka consumer group of a capability and the topic it consumes: what the operators' endpoint
 * measures the lag of.
 *
 * @param capability the capability's name ({@code pull-lists})
 * @param groupId    the group's id in this configuration
 * @param topic      the topic it consumes
 */
public record ConsumerGroup(String capability, String groupId, Topic topic) {
}
