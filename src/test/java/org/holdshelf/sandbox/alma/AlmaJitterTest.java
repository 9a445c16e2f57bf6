package org.holdshelf.sandbox.alma;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.holdshelf.sandbox.alma.AlmaThresholds.Verdict.ACCEPTED;
import static org.holdshelf.sandbox.alma.AlmaThresholds.Verdict.PER_SECOND_THRESHOLD;

/**
 * The simulator's {@code jitter-ms}: each call is judged against the per-second window a random,
 * bounded delay after its arrival, as behind Alma's load balancers. The window arithmetic is checked
 * on a hand-driven clock with seeded delays (deterministic); the wiring over real HTTP.
 */
class AlmaJitterTest {

    private static final long MS = 1_000_000L;
    private static final String KEY = "test-key";
    private static final String BARCODE = "32101081340380";

    @Test
    void jitterIsReadFromItsKeyAndDefaultsToNone() {
        assertThat(AlmaSandboxSettings.defaults().jitter()).isEqualTo(Duration.ZERO);
        assertThat(AlmaSandboxSettings.fromMap(Map.of(AlmaSandboxSettings.JITTER_MS, "30")).jitter())
                .isEqualTo(Duration.ofMillis(30));
        assertThat(AlmaSandboxSettings.builder().jitter(Duration.ofMillis(5)).build().jitter()).isEqualTo(Duration.ofMillis(5));
        assertThatThrownBy(() -> AlmaSandboxSettings.fromMap(Map.of(AlmaSandboxSettings.JITTER_MS, "-1")))
                .hasMessageContaining("holdshelf.sandbox.alma.jitter-ms");
    }

    @Test
    void delaysStayWithinTheBoundAreMostlyShortAndRepeatForASeed() {
        Duration bound = Duration.ofMillis(40);
        JudgingDelay delay = new JudgingDelay(bound, 11);
        JudgingDelay again = new JudgingDelay(bound, 11);
        long sum = 0;
        int overHalf = 0;
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            long d = delay.nextNanos();
            assertThat(d).isBetween(0L, bound.toNanos()).isEqualTo(again.nextNanos());
            sum += d;
            overHalf += d > bound.toNanos() / 2 ? 1 : 0;
        }
        // exponential with a mean of a quarter of the bound, cut off at the bound: mean 0.23 x bound,
        // 11.9% of calls over half of it
        assertThat(sum / (double) draws / bound.toNanos()).isBetween(0.21, 0.25);
        assertThat(overHalf / (double) draws).isBetween(0.10, 0.14);
        assertThat(JudgingDelay.none().nextNanos()).isZero();
    }

    /** One call's fate in the deterministic replay below. */
    private record Judged(int sent, long judgedAt, AlmaThresholds.Verdict verdict) {
    }

    /**
     * Calls sent exactly at the limit (10 a second, 100 ms apart), judged in the order and at the
     * times the seeded delays give them, by the simulator's own window on a hand-driven clock.
     */
    private static List<Judged> replayEvenlySpaced(JudgingDelay delay, AlmaThresholds thresholds, AtomicLong nanos, int calls) {
        long start = nanos.get();
        List<long[]> pending = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            long sent = start + i * 100 * MS;
            pending.add(new long[] {i, sent + delay.nextNanos()});
        }
        pending.sort(Comparator.<long[]>comparingLong(p -> p[1]).thenComparingLong(p -> p[0]));
        List<Judged> judged = new ArrayList<>();
        for (long[] call : pending) {
            nanos.set(call[1]);
            judged.add(new Judged((int) call[0], call[1], thresholds.admit()));
        }
        return judged;
    }

    @Test
    void callsSentExactlyAtTheLimitAreAllAcceptedWithoutJitterButBunchUpWithIt() {
        int limit = 10;
        int calls = 600;
        AtomicLong calm = new AtomicLong(5_000 * MS);
        AlmaThresholds calmAlma = new AlmaThresholds(limit, 100_000, Clock.systemUTC(), calm::get);
        List<Judged> withoutJitter = replayEvenlySpaced(JudgingDelay.none(), calmAlma, calm, calls);

        assertThat(withoutJitter).extracting(Judged::verdict).containsOnly(ACCEPTED);
        assertThat(calmAlma.maxCallsInAnyWindow()).isEqualTo(limit);

        AtomicLong busy = new AtomicLong(5_000 * MS);
        AlmaThresholds busyAlma = new AlmaThresholds(limit, 100_000, Clock.systemUTC(), busy::get);
        List<Judged> withJitter = replayEvenlySpaced(new JudgingDelay(Duration.ofMillis(30), 7), busyAlma, busy, calls);

        long refused = withJitter.stream().filter(j -> j.verdict() == PER_SECOND_THRESHOLD).count();
        long outOfOrder = 0;
        for (int i = 1; i < withJitter.size(); i++) {
            outOfOrder += withJitter.get(i).sent() < withJitter.get(i - 1).sent() ? 1 : 0;
        }
        // 100 ms apart and at most 30 ms late, calls rarely overtake each other; but a call judged
        // late and the call ten places after it judged early fall into one second
        assertThat(refused).as("calls refused with a 30 ms jitter").isGreaterThan(calls / 100);
        assertThat(busyAlma.maxCallsInAnyWindow()).as("accepted calls still never exceed the limit").isEqualTo(limit);
        assertThat(withJitter).extracting(Judged::judgedAt).isSorted();
        assertThat(outOfOrder).isZero();

        // the same seed replays the same verdicts
        AtomicLong replay = new AtomicLong(5_000 * MS);
        List<Judged> again = replayEvenlySpaced(new JudgingDelay(Duration.ofMillis(30), 7),
                new AlmaThresholds(limit, 100_000, Clock.systemUTC(), replay::get), replay, calls);
        assertThat(again).isEqualTo(withJitter);
    }

    @Test
    void callsSentCloserThanTheJitterAreJudgedOutOfOrder() {
        AtomicLong nanos = new AtomicLong(5_000 * MS);
        JudgingDelay delay = new JudgingDelay(Duration.ofMillis(100), 3);
        List<long[]> judged = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            judged.add(new long[] {i, nanos.get() + i * 5 * MS + delay.nextNanos()});
        }
        judged.sort(Comparator.comparingLong(p -> p[1]));

        long overtaken = 0;
        for (int i = 1; i < judged.size(); i++) {
            overtaken += judged.get(i)[0] < judged.get(i - 1)[0] ? 1 : 0;
        }
        assertThat(overtaken).isGreaterThan(5);
    }

    @Test
    void overHttpEachCallWaitsForItsJudgmentInsideTheLatency() throws Exception {
        int calls = 20;
        AlmaSandboxSettings settings = AlmaSandboxSettings.builder().apiKey(KEY).callsPerSecond(1_000)
                .latency(Duration.ofMillis(250)).jitter(Duration.ofMillis(200)).build();
        AlmaHttp http = new AlmaHttp(KEY);
        try (AlmaSimulator alma = new AlmaSimulator(settings, List.of(BARCODE)).start(0)) {
            ExecutorService clients = Executors.newFixedThreadPool(calls);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Duration>> took = new ArrayList<>();
            try {
                for (int i = 0; i < calls; i++) {
                    took.add(clients.submit(() -> {
                        go.await();
                        long started = System.nanoTime();
                        HttpResponse<String> response = http.get(alma.baseUrl() + "/items?item_barcode=" + BARCODE);
                        assertThat(response.statusCode()).isEqualTo(302);
                        return Duration.ofNanos(System.nanoTime() - started);
                    }));
                }
                go.countDown();
                for (Future<Duration> f : took) {
                    assertThat(f.get()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
                }
            } finally {
                clients.shutdownNow();
            }
            assertThat(alma.stats().acceptedCallTimes()).hasSize(calls).isSorted();
        }
    }

    @Test
    void overHttpWithoutLatencyTheAnswerLeavesWhenTheCallIsJudged() {
        int calls = 40;
        AlmaSandboxSettings settings = AlmaSandboxSettings.builder().apiKey(KEY).callsPerSecond(1_000)
                .jitter(Duration.ofMillis(200)).build();
        AlmaHttp http = new AlmaHttp(KEY);
        try (AlmaSimulator alma = new AlmaSimulator(settings, List.of(BARCODE)).start(0)) {
            long started = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                assertThat(http.get(alma.baseUrl() + "/items?item_barcode=" + BARCODE).statusCode()).isEqualTo(302);
            }
            Duration mean = Duration.ofNanos((System.nanoTime() - started) / calls);

            // delays up to 200 ms average ~46 ms; a mean under 20 ms over 40 calls is ~4 standard
            // deviations away (without a jitter these calls take about a millisecond)
            assertThat(mean).isGreaterThan(Duration.ofMillis(20));
            assertThat(alma.stats().acceptedCalls()).isEqualTo(calls);
        }
    }
}
