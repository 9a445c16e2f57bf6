package org.holdshelf.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Run ids sort by start time ({@code 20261123T081500Z-3fa9}): consumers can tell an older run
 * from a newer one without a lookup, and the run date follows from the id alone.
 */
public final class RunIds {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private RunIds() {
    }

    public static String newRunId(Instant startedAt) {
        return STAMP.format(startedAt) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
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
