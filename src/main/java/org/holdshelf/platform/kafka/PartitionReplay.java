package org.holdshelf.platform.kafka;

/** Replays the records of one partition between two offsets: the pull lists' input. */
public interface PartitionReplay {

    /** Receives each record's offset, key and value. */
    @FunctionalInterface
    interface Sink {
        void accept(long offset, String key, byte[] value);
    }

    /** Calls {@code sink} for every record from {@code fromOffset} up to, not including, {@code toOffset}, in order. */
    void replay(int partition, long fromOffset, long toOffset, Sink sink);
}
