package org.holdshelf.alma;

/**
 * An Alma call failed. {@link #error()} is Alma's error envelope when the answer had one;
 * {@link #isTransient()} tells a failure of the service (timeouts, 5xx, connection failures, 429
 * retries used up), which says nothing about the item, from Alma's definitive refusal (4xx).
 */
public class AlmaApiException extends RuntimeException {

    private final int httpStatus;
    private final AlmaError error;
    private final boolean transientFailure;

    public AlmaApiException(String message, int httpStatus, AlmaError error, boolean transientFailure) {
        this(message, httpStatus, error, transientFailure, null);
    }

    public AlmaApiException(String message, int httpStatus, AlmaError error, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.error = error;
        this.transientFailure = transientFailure;
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
