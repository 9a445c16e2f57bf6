package org.holdshelf.platform.runtime;

/** A run was asked for and could not start (the pipeline is stopping, Kafka cannot be reached...): the message says why. */
public class RunNotStartedException extends RuntimeException {

    public RunNotStartedException(String reason) {
        super(reason);
    }

    public RunNotStartedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
