package org.holdshelf.scanin;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiConsumer;

import org.holdshelf.platform.kafka.CompactedTopicStore;

/**
 * Scan-in states in the compacted topic {@code holdshelf.scanin.state}, keyed by barcode, so that
 * "scanned once" survives restarts, broker restarts and moving to another instance.
 */
public final class KafkaScanStateStore implements ScanStateStore, AutoCloseable {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final CompactedTopicStore<ScanState> store;

    public KafkaScanStateStore(Properties connection, String topic) {
        this(connection, topic, DEFAULT_TIMEOUT);
    }

    public KafkaScanStateStore(Properties connection, String topic, Duration timeout) {
        this.store = new CompactedTopicStore<>(connection, topic, ScanState.class, "holdshelf-scan-in-state", timeout);
    }

    @Override
    public Optional<ScanState> get(String barcode) {
        return store.get(barcode);
    }

    @Override
    public void put(ScanState state) {
        store.put(state.barcode(), state);
    }

    @Override
    public void delete(String barcode) {
        store.delete(barcode);
    }

    @Override
    public void forEach(BiConsumer<String, ScanState> action) {
        store.forEach(action);
    }

    @Override
    public void refresh() {
        store.refresh();
    }

    /** States currently known. */
    public int size() {
        return store.size();
    }

    @Override
    public void close() {
        store.close();
    }
}
