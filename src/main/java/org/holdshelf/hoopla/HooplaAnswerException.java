package org.holdshelf.hoopla;

/** An answer of Hoopla's that cannot be read (not JSON, not the shape the API documents). */
public class HooplaAnswerException extends RuntimeException {
    public HooplaAnswerException(String message) {
        super(message);
    }
}
