package org.holdshelf.platform.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A pacer's wait of a minute ends as soon as the pipeline stops, and later waits return at once. */
class StoppableSleepTest {

    @Test
    void shouldEndAWaitOfAMinuteWhenStopped() throws Exception {
        StoppableSleep sleep = new StoppableSleep();
        CallPacer pacer = new CallPacer(Duration.ofSeconds(1), System::nanoTime, sleep);
        pacer.backOff(Duration.ofMinutes(1)); // a new owner's hold
        long started = System.nanoTime();
        CompletableFuture<Duration> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return pacer.awaitTurn();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waited).isNotDone();
        sleep.stop();
        assertThat(waited.get(10, TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(10));
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(sleep.stopped()).isTrue();

        long again = System.nanoTime();
        sleep.sleepNanos(TimeUnit.MINUTES.toNanos(1));
        assertThat(System.nanoTime() - again).as("a later wait returns at once").isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
}
