package org.holdshelf.platform.http;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** A server's {@code Retry-After} (RFC 9110: delay-seconds or an HTTP date), as the wait it asks for. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait the answer asks for, or null when it has no (readable) {@code Retry-After}. */
    public static Duration of(HttpHeaders headers, Clock clock) {
        return headers.firstValue("Retry-After").map(v -> parse(v, clock)).orElse(null);
    }

    /** The wait a {@code Retry-After} value asks for, or null when it is not readable. */
    public static Duration parse(String value, Clock clock) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
