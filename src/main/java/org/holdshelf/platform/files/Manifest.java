package org.holdshelf.platform.files;

import java.util.List;

/**
 * {@code manifest.json} of a complete run: every file with its row count, the totals and the
 * timings. Written last, so its presence means the run's pull lists are all in place.
 */
public record Manifest(
        String runId,
        String runDate,
        String timeZone,
        int locations,
        long readyHolds,
        long inTransitHolds,
        List<FileEntry> files,
        Timings timings) {

    /** The same manifest listing {@code files}. */
    public Manifest withFiles(List<FileEntry> files) {
        return new Manifest(runId, runDate, timeZone, locations, readyHolds, inTransitHolds, List.copyOf(files), timings);
    }

    /** One file of the run. {@code kind} is {@code ready} or {@code incoming} (pull lists), {@code scan-in}... */
    public record FileEntry(String file, String locationCode, String locationName, String kind, long rows) {
    }

    /**
     * @param runToLastFileMs from the harvest's start to the last pull list renamed into place
     */
    public record Timings(String runStartedAt, String harvestCompletedAt, String firstFileAt, String lastFileAt,
                          long harvestMs, long runToLastFileMs) {
    }
}
