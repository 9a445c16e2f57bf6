package org.holdshelf.hoopla;

/** Hoopla refuses the pipeline's credentials: nothing is retried until an operator fixes them. */
public class HooplaCredentialsException extends RuntimeException {
    public HooplaCredentialsException(String message) {
        super(message);
    }
}
