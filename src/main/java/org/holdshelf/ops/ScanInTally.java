package org.holdshelf.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.holdshelf.events.Json;

/**
 * Scan-in outcomes per run, counted from {@code holdshelf.scanin} as they are published (so the
 * page shows a run's scan-in while it goes on), for the last {@code runs} runs. Thread-safe.
 */
final class ScanInTally {

    /** The fields of a scan-in record the tally needs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Outcome(String runId, String outcome) {
    }

    private final int runs;
    private final LinkedHashMap<String, Map<String, Long>> byRun = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Long>> eldest) {
            return size() > runs;
        }
    };

    ScanInTally(int runs) {
        this.runs = runs;
    }

    /** Takes one record of the scan-in topic. */
    synchronized void accept(byte[] value) {
        Outcome o;
        try {
            o = Json.read(value, Outcome.class);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (o.runId() == null || o.outcome() == null) {
            return;
        }
        byRun.computeIfAbsent(o.runId(), id -> new TreeMap<>()).merge(o.outcome(), 1L, Long::sum);
    }

    /** The outcome counts of a run, by outcome name, if any scan-in of it was seen. */
    synchronized Optional<Map<String, Long>> of(String runId) {
        Map<String, Long> counts = byRun.get(runId);
        return counts == null ? Optional.empty() : Optional.of(new TreeMap<>(counts));
    }

    /** The most recent run with scan-ins, and its counts. */
    synchronized Optional<Map.Entry<String, Map<String, Long>>> latest() {
        Map.Entry<String, Map<String, Long>> last = null;
        for (Map.Entry<String, Map<String, Long>> e : byRun.entrySet()) {
            last = e;
        }
        return last == null ? Optional.empty() : Optional.of(Map.entry(last.getKey(), new TreeMap<>(last.getValue())));
    }
}
