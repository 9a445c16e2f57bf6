package org.holdshelf.events;

import java.util.Optional;

/**
 * Where a hold stands, decided by its Sierra status <em>code</em> only: status names differ
 * between libraries and versions ("Item hold ready for pickup." vs "Requested item ready for pickup.").
 */
public enum HoldState {
    /** On the holdshelf: status code {@code b} (bib), {@code i} (item) or {@code j} (volume). */
    READY,
    /** On its way to the pickup location: status code {@code t}. */
    IN_TRANSIT;

    /** The state for a Sierra hold status code, or empty for holds the pipeline does not publish. */
    public static Optional<HoldState> ofSierraStatus(String code) {
        if (code == null) {
            return Optional.empty();
        }
        return switch (code) {
            case "b", "i", "j" -> Optional.of(READY);
            case "t" -> Optional.of(IN_TRANSIT);
            default -> Optional.empty();
        };
    }
}
