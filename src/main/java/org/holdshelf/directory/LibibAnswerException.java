package org.holdshelf.directory;

/**
 * Libib answered something the mirror cannot use: an error status or a body that is not a page of
 * patrons. The message names what was wrong; {@link #retryable()} says whether asking again may help.
 */
public class LibibAnswerException extends RuntimeException {

    private final boolean retryable;

    public LibibAnswerException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
