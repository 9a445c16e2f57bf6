package org.holdshelf.platform.http;

import java.time.Duration;

/**
 * A failed call that says whether trying again may help (a timeout, a 5xx, a 429 may; a 4xx or an
 * unreadable answer will not) and how long the server asked to wait. The API clients' exceptions
 * implement it, so one {@link RetryPolicy} decides for all of them.
 */
public interface RetryableFailure {

    /** True when the same call may succeed later. */
    boolean retryable();

    /** The server's {@code Retry-After}, or null. */
    default Duration retryAfter() {
        return null;
    }

    /** The failure to report once no attempt is left: the same, saying how many attempts were made. */
    RuntimeException afterAttempts(int attempts);
}
