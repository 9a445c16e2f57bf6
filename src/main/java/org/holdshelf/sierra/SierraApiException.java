package org.holdshelf.sierra;

import java.time.Duration;

import org.holdshelf.platform.http.ApiException;

/**
 * Sierra could not answer a request usefully. The message is written for an operator: which
 * call, what came back (HTTP status, Sierra error code and name, or what was wrong with the
 * body), and how many attempts were made. It never contains credentials or tokens.
 */
public class SierraApiException extends ApiException {

    private final Integer sierraCode;

    public SierraApiException(String message, int httpStatus, Integer sierraCode, boolean retryable) {
        this(message, httpStatus, sierraCode, retryable, null);
    }

    public SierraApiException(String message, int httpStatus, Integer sierraCode, boolean retryable, Duration retryAfter) {
        super(message, null, httpStatus, retryable, retryAfter);
        this.sierraCode = sierraCode;
    }

    /** No answer came (timeout, connection refused): retryable. */
    public SierraApiException(String message, Throwable cause) {
        super(message, cause, 0, true, null);
        this.sierraCode = null;
    }

    public Integer sierraCode() {
        return sierraCode;
    }

    @Override
    public SierraApiException afterAttempts(int attempts) {
        return new SierraApiException(getMessage() + " (after " + attempts + " attempts)", httpStatus(), sierraCode, retryable());
    }
}
