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
}
