package org.holdshelf.platform.kafka;

import java.util.Map;

/** Where each partition of a topic ends right now: a run notes them before it publishes anything. */
@FunctionalInterface
public interface EndOffsets {

    /** Partition number to the offset the next record will get. */
    Map<Integer, Long> of(String topic);
}
