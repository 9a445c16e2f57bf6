package org.holdshelf.scanin;

import java.time.Duration;

import org.holdshelf.platform.http.ApiException;

/**
 * An Alma call failed. {@link #error()} is Alma's error envelope when the answer had one;
 * {@link #isTransient()} tells a failure of the service (timeouts, 5xx, connection failures, 429
 * retries used up), which says nothing about the item, from Alma's definitive refusal (4xx).
 */
public class AlmaApiException extends ApiException {

    private final AlmaError error;
    private final boolean transientFailure;

    public AlmaApiException(String message, int httpStatus, AlmaError error, boolean transientFailure) {
        this(message, httpStatus, error, transientFailure, null);
    }

    public AlmaApiException(String message, int httpStatus, AlmaError error, boolean transientFailure, Throwable cause) {
        this(message, httpStatus, error, transientFailure, transientFailure, null, cause);
    }

    AlmaApiException(String message, int httpStatus, AlmaError error, boolean transientFailure, boolean retryable,
                     Duration retryAfter, Throwable cause) {
        // retryable turns false once the retries of this call are used up: a caller's own retries
        // must not repeat them
        super(message, cause, httpStatus, retryable, retryAfter);
        this.error = error;
        this.transientFailure = transientFailure;
    }

    /** The same failure once its retries are used up: still transient, no longer retryable. */
    @Override
    public AlmaApiException afterAttempts(int attempts) {
        return new AlmaApiException(getMessage() + " (after " + attempts + " attempts)", httpStatus(), error, transientFailure,
                false, null, getCause());
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
        return httpStatus() > 0 ? "HTTP_" + httpStatus() : "NO_RESPONSE";
    }
}
