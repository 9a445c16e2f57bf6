package org.holdshelf.hoopla;

/** A trigger that starts no poll (one is running, the credentials were refused, the pipeline is stopping): logged and skipped. */
public class PollNotStartedException extends RuntimeException {
    public PollNotStartedException(String message) {
        super(message);
    }
}
