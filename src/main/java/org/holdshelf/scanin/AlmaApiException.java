package org.holdshelf.scanin;

import java.time.Duration;

import org.holdshelf.platform.http.RetryableFailure;

/**
 * An Alma call failed. {@link #error()} is Alma's error envelope when the answer had one;
 * {@link #isTransient()} tells a failure of the service (timeouts, 5xx, connection failures, 429
 * retries used up), which says nothing about the item, from Alma's definitive refusal (4xx).
 */
public class AlmaApiException extends RuntimeException implements RetryableFailure {

    private final int httpStatus;
    private final AlmaError error;
    private final boolean transientFailure;
    /** False once the retries of this call are used up: a caller's own retries must not repeat them. */
    private final boolean retryable;
    private final Duration retryAfter;

    public AlmaApiException(String message, int httpStatus, AlmaError error, boolean transientFailure) {
        this(message, httpStatus, error, transientFailure, null);
    }

    public AlmaApiException(String message, int httpStatus, AlmaError error, boolean transientFailure, Throwable cause) {
        this(message, httpStatus, error, transientFailure, transientFailure, null, cause);
    }

    AlmaApiException(String message, int httpStatus, AlmaError error, boolean transientFailure, boolean retryable,
                     Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.error = error;
        this.transientFailure = transientFailure;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The same failure once its retries are used up: still transient, no longer retryable. */
    @Override
    public AlmaApiException afterAttempts(int attempts) {
        return new AlmaApiException(getMessage() + " (after " + attempts + " attempts)", httpStatus, error, transientFailure,
                false, null, getCause());
    }

    /** The HTTP status, or 0 when no answer came (timeout, connection failure). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Alma's error, or null when the answer had no error envelope (an HTML page, no answer). */
    public AlmaError error() {
        return error;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /**
     * Alma's {@code errorCode}; without an envelope {@code HTTP_<status>}, or {@code NO_RESPONSE}
     * when no answer came.
     */
    public String errorCode() {
        if (error != null) {
            return error.errorCode();
        }
        return httpStatus > 0 ? "HTTP_" + httpStatus : "NO_RESPONSE";
    }
}
