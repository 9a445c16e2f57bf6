package org.holdshelf.scanin;

import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Where scan-in states are kept, so that each barcode is scanned in once across harvests,
 * restarts and instances. Implementations are thread-safe.
 */
public interface ScanStateStore {

    Optional<ScanState> get(String barcode);

    /** Stores the state; durable when this returns (a crash right after loses nothing). */
    void put(ScanState state);

    /** Forgets a barcode (durably, when this returns): its state expired. */
    void delete(String barcode);

    /** Every state known now. */
    void forEach(BiConsumer<String, ScanState> action);

    /** Takes in what other instances stored since the last refresh; called before each batch. */
    default void refresh() {
    }
}
