package org.holdshelf.sierra;

/**
 * Sierra could not answer a request usefully. The message is written for an operator: which
 * call, what came back (HTTP status, Sierra error code and name, or what was wrong with the
 * body), and how many attempts were made. It never contains credentials or tokens.
 */
public class SierraApiException extends RuntimeException {

    private final int httpStatus;
    private final Integer sierraCode;
    private final boolean retryable;

    public SierraApiException(String message, int httpStatus, Integer sierraCode, boolean retryable) {
        super(message);
        this.httpStatus = httpStatus;
        this.sierraCode = sierraCode;
        this.retryable = retryable;
    }

    public SierraApiException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
        this.sierraCode = null;
        this.retryable = true;
    }

    /** The HTTP status, or 0 when no response arrived (timeout, connection refused). */
    public int httpStatus() {
        return httpStatus;
    }

    public Integer sierraCode() {
        return sierraCode;
    }

    public boolean retryable() {
        return retryable;
    }
}
