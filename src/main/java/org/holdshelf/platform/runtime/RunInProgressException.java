package org.holdshelf.platform.runtime;

/** A run was asked for while another one is in progress; runs never overlap. An expected condition, not a failure. */
public class RunInProgressException extends RuntimeException {

    private final String runningRunId;

    public RunInProgressException(String runningRunId) {
        super("run " + runningRunId + " is still in progress");
        this.runningRunId = runningRunId;
    }

    public String runningRunId() {
        return runningRunId;
    }
}
