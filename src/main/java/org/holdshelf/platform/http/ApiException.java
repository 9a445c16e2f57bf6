package org.holdshelf.platform.http;

import java.time.Duration;

/**
 * A call to an outside API that failed: the HTTP status (0 when no answer came), whether trying
 * again may help, and the server's {@code Retry-After}. The API clients' exceptions extend it with
 * what their API says about the failure.
 */
public abstract class ApiException extends RuntimeException implements RetryableFailure {

    private final int httpStatus;
    private final boolean retryable;
    private final Duration retryAfter;

    protected ApiException(String message, Throwable cause, int httpStatus, boolean retryable, Duration retryAfter) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status, or 0 when no answer came (timeout, connection refused). */
    public int httpStatus() {
        return httpStatus;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
