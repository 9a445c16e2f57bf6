package org.holdshelf.ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.Json;

/**
 * The latest dead letters, newest first, at most {@code capacity} of them: what the operators'
 * page shows (what failed, when, why), never the payloads, which may hold patron data.
 * Thread-safe.
 */
final class RecentDeadLetters {

    /** One dead letter as the page shows it. */
    record Entry(String failedAt, String source, String runId, String error, String message, String original) {
    }

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long unreadable;

    RecentDeadLetters(int capacity) {
        this.capacity = capacity;
    }

    /** Takes one record of the dead-letter topic. */
    synchronized void accept(byte[] value) {
        DeadLetter letter;
        try {
            letter = Json.read(value, DeadLetter.class);
        } catch (IllegalArgumentException e) {
            unreadable++;
            return;
        }
        String original = letter.originalTopic() == null ? (letter.originalKey() == null ? "" : letter.originalKey())
                : letter.originalTopic() + "/" + letter.originalPartition() + "@" + letter.originalOffset()
                        + (letter.originalKey() == null ? "" : " key " + letter.originalKey());
        entries.addFirst(new Entry(letter.failedAt(), letter.source(), letter.runId(), letter.error(), letter.message(), original));
        while (entries.size() > capacity) {
            entries.removeLast();
        }
    }

    /** Newest first. */
    synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    /** Records of the topic that were not dead letters anyone could read. */
    synchronized long unreadable() {
        return unreadable;
    }
}
