package org.holdshelf.sierra;

/** A harvest was requested while another one is still running; runs never overlap. */
public class HarvestAlreadyRunningException extends RuntimeException {

    public HarvestAlreadyRunningException(String runningRunId) {
        super("Harvest " + runningRunId + " is still running; runs never overlap");
    }
}
