package org.holdshelf.pulllists;

/** A location's pull list cannot be written as it should be; nothing is marked complete. */
public class PullListException extends RuntimeException {

    public PullListException(String message) {
        super(message);
    }

    public PullListException(String message, Throwable cause) {
        super(message, cause);
    }
}
