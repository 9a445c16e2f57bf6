package org.holdshelf.platform.http;

import java.time.Duration;

/**
 * Exponential backoff for transient failures (timeouts, 5xx, 429): the wait doubles from
 * {@code initialBackoff} up to {@code maxBackoff}; a server's {@code Retry-After} is honoured
 * when it asks for longer, up to the same cap.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** The wait before attempt {@code attempt} (2 for the first retry). */
    public Duration delayBefore(int attempt, Duration retryAfter) {
        long base = initialBackoff.toMillis();
        int doublings = Math.min(Math.max(attempt - 2, 0), 30);
        long exponential = Math.min(maxBackoff.toMillis(), base << doublings);
        long wanted = retryAfter == null ? exponential : Math.max(exponential, retryAfter.toMillis());
        return Duration.ofMillis(Math.min(wanted, maxBackoff.toMillis()));
    }

    public boolean canRetry(int attempt) {
        return attempt < maxAttempts;
    }
}
