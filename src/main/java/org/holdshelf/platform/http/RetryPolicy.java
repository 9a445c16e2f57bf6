package org.holdshelf.platform.http;

import java.time.Duration;

import org.slf4j.Logger;

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

    /** One attempt of a call; {@code attempt} counts from 1. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call(int attempt) throws InterruptedException;
    }

    /**
     * Calls {@code attempt} until it returns. A failure that is a {@link RetryableFailure} saying
     * it may help is tried again after the backoff (or the server's {@code Retry-After}), logged as
     * one warning line without a stack trace; any other failure, or the last attempt's, is thrown,
     * the last saying how many attempts were made.
     */
    public <T> T call(Attempt<T> attempt, Logger log) throws InterruptedException {
        for (int n = 1; ; n++) {
            try {
                return attempt.call(n);
            } catch (RuntimeException e) {
                if (!(e instanceof RetryableFailure failure) || !failure.retryable()) {
                    throw e;
                }
                if (!canRetry(n)) {
                    throw n > 1 ? failure.afterAttempts(n) : e;
                }
                Duration wait = delayBefore(n + 1, failure.retryAfter());
                log.warn("{}; retry {} of {} in {} ms", e.getMessage(), n, maxAttempts - 1, wait.toMillis());
                Thread.sleep(wait.toMillis());
            }
        }
    }
}
