package org.holdshelf.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Run ids sort by start time ({@code 20261123T081500Z-3fa9}): consumers can tell an older run
 * from a newer one without a lookup, and the run date follows from the id alone.
 */
public final class RunIds {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private RunIds() {
    }

    /** The last run id made in this process: the next one made in the same second sorts after it. */
    private static final AtomicReference<String> LAST = new AtomicReference<>("");

    /**
     * A new run id for a run started at {@code startedAt}. Within one process, a run started in the
     * same second as the one before gets a larger suffix, so ids still sort by start (two runs can
     * start within a second: on demand right after a short one).
     */
    public static String newRunId(Instant startedAt) {
        String stamp = STAMP.format(startedAt);
        while (true) {
            String last = LAST.get();
            // the first of a second in the lower half, the next ones a little above the one before
            int suffix = ThreadLocalRandom.current().nextInt(0x8000);
            if (last.startsWith(stamp + "-")) {
                int previous = Integer.parseInt(last.substring(stamp.length() + 1), 16);
                suffix = Math.min(0xffff, previous + 1 + ThreadLocalRandom.current().nextInt(16));
            }
            String id = stamp + "-" + String.format("%04x", suffix);
            if (LAST.compareAndSet(last, id)) {
                return id;
            }
        }
    }

    public static Instant startedAt(String runId) {
        if (runId == null || runId.length() < 16) {
            throw new IllegalArgumentException("Not a run id: " + runId);
        }
        return STAMP.parse(runId.substring(0, 16), Instant::from);
    }

    /** The run's calendar date in the library's time zone (the reports folder name). */
    public static LocalDate runDate(String runId, ZoneId zone) {
        return startedAt(runId).atZone(zone).toLocalDate();
    }
}
