package org.holdshelf.hoopla;

/**
 * A call not made: while it waited for its turn, this instance stopped owning the harvest slots, so
 * another instance polls Hoopla now. The poll route catches it and ends the poll with its summary.
 */
public class PollHandedOverException extends RuntimeException {
    public PollHandedOverException(String message) {
        super(message);
    }
}
