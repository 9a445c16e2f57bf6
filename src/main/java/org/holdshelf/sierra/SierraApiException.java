package org.holdshelf.sierra;

import java.time.Duration;

import org.holdshelf.platform.http.RetryableFailure;

/**
 * Sierra could not answer a request usefully. The message is written for an operator: which
 * call, what came back (HTTP status, Sierra error code and name, or what was wrong with the
 * body), and how many attempts were made. It never contains credentials or tokens.
 */
public class SierraApiException extends RuntimeException implements RetryableFailure {

    private final int httpStatus;
    private final Integer sierraCode;
    private final boolean retryable;
    private final Duration retryAfter;

    public SierraApiException(String message, int httpStatus, Integer sierraCode, boolean retryable) {
        this(message, httpStatus, sierraCode, retryable, null);
    }

    public SierraApiException(String message, int httpStatus, Integer sierraCode, boolean retryable, Duration retryAfter) {
        super(message);
        this.httpStatus = httpStatus;
        this.sierraCode = sierraCode;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public SierraApiException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
        this.sierraCode = null;
        this.retryable = true;
        this.retryAfter = null;
    }

    /** The HTTP status, or 0 when no response arrived (timeout, connection refused). */
    public int httpStatus() {
        return httpStatus;
    }

    public Integer sierraCode() {
        return sierraCode;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public SierraApiException afterAttempts(int attempts) {
        return new SierraApiException(getMessage() + " (after " + attempts + " attempts)", httpStatus, sierraCode, retryable);
    }
}
