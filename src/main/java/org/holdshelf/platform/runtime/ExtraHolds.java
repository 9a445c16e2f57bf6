package org.holdshelf.platform.runtime;

import java.util.List;

import org.holdshelf.events.HoldEvent;

/**
 * Ready holds from a source other than Sierra (Hoopla's reserved titles), published with every
 * harvest's run as one more pickup location of their own, so they get a run id, an end marker, a
 * pull list and notices like the shelf's holds. A capability that has such holds registers one
 * with {@link Wiring#extraHolds(ExtraHolds)}; the harvest asks each at the end of its run.
 */
public interface ExtraHolds {

    /** The source's name, for logs ({@code hoopla}). */
    String name();

    /**
     * The holds to publish with run {@code runId}, each with that run id and this source's pickup
     * location. Never throws: a source that cannot answer now returns what it has.
     */
    List<HoldEvent> readyHolds(String runId);
}
