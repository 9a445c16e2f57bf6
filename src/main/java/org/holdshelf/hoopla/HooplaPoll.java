package org.holdshelf.hoopla;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/**
 * One poll's state, carried by the poll route's exchange: its cards, which one is being read and
 * how often it was asked, and what the poll found. Not thread-safe: one exchange, one thread.
 */
final class HooplaPoll {

    final String id;
    final Instant started;
    final HooplaReadings.Plan plan;
    private int index;
    private int attempts;
    private boolean renewedForCard;
    private String stopped;
    long calls;
    long tokenCalls;
    long throttled;
    int covered;
    int reserved;
    int waiting;
    int failed;
    int withoutReserveUntil;
    int unmatched;
    /** Rejected cards by what Hoopla said (e.g. "400 Invalid library card"), and one masked example each. */
    final TreeMap<String, Integer> rejected = new TreeMap<>();
    final TreeMap<String, String> rejectedExample = new TreeMap<>();

    HooplaPoll(String id, Instant started, HooplaReadings.Plan plan) {
        this.id = id;
        this.started = started;
        this.plan = plan;
    }

    boolean done() {
        return stopped != null || index >= plan.cards().size();
    }

    String card() {
        return plan.cards().get(index);
    }

    /** Attempts of the current card so far (1 for the first call). */
    int attempt() {
        return attempts;
    }

    void called() {
        attempts++;
        calls++;
    }

    /** The current card is done with (read, rejected or given up on): on to the next. */
    void next() {
        index++;
        attempts = 0;
        renewedForCard = false;
    }

    /** A 401 for the current card: true the first time (the token is renewed and the card asked again). */
    boolean renewOnce() {
        if (renewedForCard) {
            return false;
        }
        renewedForCard = true;
        attempts = 0;
        return true;
    }

    void stop(String why) {
        stopped = why;
    }

    String stopped() {
        return stopped;
    }

    int position() {
        return index;
    }

    List<String> cards() {
        return plan.cards();
    }
}
