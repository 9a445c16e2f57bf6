package org.holdshelf.pulllists;

/** The durable note that a location's files of a run are in place (one small JSON file per location). */
record LocationDone(String locationCode, String locationName, String readyFile, long ready, String incomingFile,
                    long inTransit, String completedAt, String runStartedAt, String harvestCompletedAt) {
}
