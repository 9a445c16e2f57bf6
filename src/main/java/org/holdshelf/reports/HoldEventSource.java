package org.holdshelf.reports;

/** Replays the records of one partition between two offsets (both inclusive): the pull lists' input. */
public interface HoldEventSource {

    /** Receives each record's offset, key and value. */
    @FunctionalInterface
    interface Sink {
        void accept(long offset, String key, byte[] value);
    }

    /** Calls {@code sink} for every hold record in the range, in offset order. */
    void replay(int partition, long firstOffset, long lastOffset, Sink sink);
}
