package org.holdshelf.scanin;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** A store that lives as long as the object: for tests, and for dry runs that must leave no trace. */
public final class InMemoryScanStateStore implements ScanStateStore {

    private final Map<String, ScanState> states = new ConcurrentHashMap<>();

    @Override
    public Optional<ScanState> get(String barcode) {
        return Optional.ofNullable(states.get(barcode));
    }

    @Override
    public void put(ScanState state) {
        states.put(state.barcode(), state);
    }

    @Override
    public void delete(String barcode) {
        states.remove(barcode);
    }

    @Override
    public void forEach(BiConsumer<String, ScanState> action) {
        states.forEach(action);
    }

    public int size() {
        return states.size();
    }
}
