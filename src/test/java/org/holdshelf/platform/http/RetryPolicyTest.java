package org.holdshelf.platform.http;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void shouldDoubleTheWaitUpToTheCap() {
        assertThat(policy.delayBefore(2, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delayBefore(3, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delayBefore(4, null)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.delayBefore(6, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBefore(60, null)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldHonourALongerRetryAfterButNotBeyondTheCap() {
        assertThat(policy.delayBefore(2, Duration.ofMillis(700))).isEqualTo(Duration.ofMillis(700));
        assertThat(policy.delayBefore(2, Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBefore(4, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void shouldStopAfterMaxAttempts() {
        assertThat(policy.canRetry(4)).isTrue();
        assertThat(policy.canRetry(5)).isFalse();
    }

    /** A failure a client would throw: retryable or not, with the server's Retry-After. */
    private static final class Failure extends RuntimeException implements RetryableFailure {
        final boolean retryable;

        Failure(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        @Override
        public boolean retryable() {
            return retryable;
        }

        @Override
        public RuntimeException afterAttempts(int attempts) {
            return new Failure(getMessage() + " (after " + attempts + " attempts)", false);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RetryPolicyTest.class);
    private final RetryPolicy quick = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));

    @Test
    void shouldRetryARetryableFailureAndReturnTheFirstSuccess() throws Exception {
        java.util.List<Integer> attempts = new java.util.ArrayList<>();
        String result = quick.call(n -> {
            attempts.add(n);
            if (n < 3) {
                throw new Failure("HTTP 503", true);
            }
            return "page";
        }, LOG);
        assertThat(result).isEqualTo("page");
        assertThat(attempts).containsExactly(1, 2, 3);
    }

    @Test
    void shouldSayHowManyAttemptsWereMadeWhenTheyRunOut() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> quick.call(n -> {
            throw new Failure("HTTP 503", true);
        }, LOG)).isInstanceOf(Failure.class).hasMessage("HTTP 503 (after 3 attempts)");
    }

    @Test
    void shouldNotRetryWhatCannotSucceed() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> quick.call(n -> {
            calls.incrementAndGet();
            throw new Failure("HTTP 400", false);
        }, LOG)).hasMessage("HTTP 400");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> quick.call(n -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a bug");
        }, LOG)).hasMessage("a bug");
        assertThat(calls).hasValue(2);
    }

    @Test
    void shouldReadRetryAfterAsSecondsOrAnHttpDate() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-11-30T12:00:00Z"), java.time.ZoneOffset.UTC);
        assertThat(RetryAfter.parse("120", clock)).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Mon, 30 Nov 2026 12:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Mon, 30 Nov 2026 11:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isNull();
        assertThat(RetryAfter.parse("-5", clock)).isNull();
    }
}
