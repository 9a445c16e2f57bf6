package org.holdshelf.harvest;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A run's silence counts only while the run watch could read the runs topic. */
class RunWatchWindowTest {

    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    void shouldCountSilenceFromBeforeTheFirstCheckAndAcrossPromptChecks() {
        RunWatchWindow window = new RunWatchWindow(INTERVAL);

        // the first check reads the topic's whole history: slow, yet a run a dead instance left is judged at once
        assertThat(window.read(at(0), at(3_000))).isEqualTo(Instant.MIN);
        assertThat(window.read(at(4_000), at(4_020))).isEqualTo(Instant.MIN);
        assertThat(window.read(at(5_000), at(5_900))).isEqualTo(Instant.MIN);
        assertThat(window.read(at(7_000), at(7_010))).as("2 s after the previous check ended: still on time")
                .isEqualTo(Instant.MIN);
    }

    @Test
    void shouldStartAgainAfterACheckThatWaitedForKafka() {
        RunWatchWindow window = new RunWatchWindow(INTERVAL);
        window.read(at(0), at(10));

        // the broker went away during this check's read, and came back 16 s later
        assertThat(window.read(at(1_000), at(17_000))).isEqualTo(at(17_000));
        assertThat(window.read(at(18_000), at(18_010))).as("the gap is remembered").isEqualTo(at(17_000));
    }

    @Test
    void shouldStartAgainAfterAFailedCheck() {
        RunWatchWindow window = new RunWatchWindow(INTERVAL);
        window.read(at(0), at(10));

        window.failed();
        window.failed();
        assertThat(window.read(at(40_000), at(40_005))).isEqualTo(at(40_005));
        assertThat(window.read(at(41_000), at(41_005))).isEqualTo(at(40_005));
    }

    @Test
    void shouldStartAgainAfterACheckHeldUp() {
        RunWatchWindow window = new RunWatchWindow(INTERVAL);
        window.read(at(0), at(10));

        // this check ran late, after a send of this instance had waited for Kafka
        assertThat(window.read(at(15_000), at(15_010))).isEqualTo(at(15_010));
        // checks held up behind the same send, ending together on other threads
        assertThat(window.read(at(15_000), at(15_008))).isEqualTo(at(15_010));
    }

    @Test
    void shouldStartAgainWhenTheFirstCheckFailed() {
        RunWatchWindow window = new RunWatchWindow(INTERVAL);

        window.failed();
        assertThat(window.read(at(30_000), at(30_050))).as("Kafka was not there at start-up").isEqualTo(at(30_050));
    }
}
