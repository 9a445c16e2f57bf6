package org.holdshelf.platform.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallPacerTest {

    /** Virtual time: sleeping advances it. */
    private long now = 1_000_000_000L;
    private final List<Long> starts = new ArrayList<>();

    private CallPacer pacer(Duration spacing) {
        return new CallPacer(spacing, () -> now, nanos -> now += nanos);
    }

    /** A call that gets its answer {@code latencyMillis} after it starts. */
    private void call(CallPacer pacer, long latencyMillis) throws InterruptedException {
        pacer.awaitTurn();
        starts.add(now);
        now += TimeUnit.MILLISECONDS.toNanos(latencyMillis);
        pacer.answered();
    }

    @Test
    void shouldStartACallOneSpacingAfterThePreviousAnswer() throws InterruptedException {
        CallPacer pacer = pacer(Duration.ofMillis(2050));
        call(pacer, 300); // a new connection: the call reached Libib some time before its answer came back
        call(pacer, 2500);
        call(pacer, 10);
        call(pacer, 10);

        assertThat(starts.get(0)).as("the first call waits for nothing").isEqualTo(1_000_000_000L);
        assertThat(gapsMillis()).containsExactly(2350L, 4550L, 2060L);
    }

    @Test
    void shouldKeepTheSpacingFromACallsStartWhenItsAnswerIsNeverRecorded() throws InterruptedException {
        CallPacer pacer = pacer(Duration.ofMillis(2050));
        pacer.awaitTurn(); // the call failed before an answer could be read
        starts.add(now);
        now += TimeUnit.MILLISECONDS.toNanos(5);
        call(pacer, 10);

        assertThat(gapsMillis()).containsExactly(2050L);
    }

    @Test
    void shouldWaitForABackoffLongerThanTheSpacingThenKeepThePace() throws InterruptedException {
        CallPacer pacer = pacer(Duration.ofMillis(2050));
        call(pacer, 100);
        pacer.backOff(Duration.ofSeconds(8)); // a 429, read when its answer came
        call(pacer, 100);
        call(pacer, 100);

        assertThat(gapsMillis()).containsExactly(8100L, 2150L);
    }

    @Test
    void shouldNotShortenTheSpacingWithAShortBackoff() throws InterruptedException {
        CallPacer pacer = pacer(Duration.ofMillis(2050));
        call(pacer, 100);
        pacer.backOff(Duration.ofMillis(500));
        call(pacer, 100);

        assertThat(gapsMillis()).containsExactly(2150L);
    }

    private List<Long> gapsMillis() {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < starts.size(); i++) {
            gaps.add(TimeUnit.NANOSECONDS.toMillis(starts.get(i) - starts.get(i - 1)));
        }
        return gaps;
    }
}
