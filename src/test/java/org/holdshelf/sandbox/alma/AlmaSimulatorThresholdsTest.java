package org.holdshelf.sandbox.alma;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.holdshelf.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.holdshelf.sandbox.alma.AlmaHttp.firstError;
import static org.holdshelf.sandbox.alma.AlmaHttp.remaining;

/** Alma's governance over real HTTP: the per-second threshold, the daily quota and the latency. */
class AlmaSimulatorThresholdsTest {

    private static final String KEY = "test-key";
    private static final String BARCODE = "32101081340380";

    private final AlmaHttp http = new AlmaHttp(KEY);
    private AlmaSimulator alma;

    @AfterEach
    void stop() {
        alma.close();
    }

    private AlmaSimulator start(AlmaSandboxSettings.Builder settings) {
        alma = new AlmaSimulator(settings.apiKey(KEY).build(), List.of(BARCODE)).start(0);
        return alma;
    }

    private HttpResponse<String> lookUp() {
        return http.get(alma.baseUrl() + "/items?item_barcode=" + BARCODE);
    }

    @Test
    void aBurstOfThreeTimesTheLimitGetsPerSecondThresholdForTheExcess() throws Exception {
        int limit = 10;
        int calls = 3 * limit;
        start(AlmaSandboxSettings.builder().callsPerSecond(limit));
        ExecutorService clients = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            burst.add(() -> {
                go.await();
                return lookUp();
            });
        }

        List<HttpResponse<String>> responses = new ArrayList<>();
        long started = System.nanoTime();
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (Callable<HttpResponse<String>> call : burst) {
                futures.add(clients.submit(call));
            }
            go.countDown();
            for (Future<HttpResponse<String>> future : futures) {
                responses.add(future.get());
            }
        } finally {
            clients.shutdownNow();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        List<HttpResponse<String>> accepted = responses.stream().filter(r -> r.statusCode() == 302).toList();
        List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(accepted.size() + refused.size()).isEqualTo(calls);
        assertThat(refused).isNotEmpty().allSatisfy(r -> {
            assertThat(firstError(r).path("errorCode").asText()).isEqualTo("PER_SECOND_THRESHOLD");
            assertThat(firstError(r).path("errorMessage").asText()).isEqualTo("HTTP requests are more than allowed per second");
        });
        if (elapsed.compareTo(Duration.ofSeconds(1)) < 0) {
            assertThat(accepted).hasSize(limit);
        }

        AlmaStats stats = alma.stats();
        assertThat(stats.acceptedCalls()).isEqualTo(accepted.size());
        assertThat(stats.perSecondRejections()).isEqualTo(refused.size());
        assertThat(stats.maxCallsInAnyWindow()).isLessThanOrEqualTo(limit);
        assertThat(maxInAnySecond(stats.acceptedCallTimes())).isBetween(1, limit);
        assertThat(alma.remainingDailyQuota()).isEqualTo(alma.settings().dailyQuota() - accepted.size());
        assertThat(responses).allSatisfy(r -> assertThat(r.headers().firstValue(AlmaSimulator.REMAINING_HEADER)).isPresent());

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> lookUp().statusCode() == 302);
    }

    /** The most calls in any half-open interval (t - 1 s, t], counted independently of the simulator's own bookkeeping. */
    private static int maxInAnySecond(List<Instant> times) {
        int max = 0;
        int first = 0;
        for (int last = 0; last < times.size(); last++) {
            while (!times.get(first).isAfter(times.get(last).minusSeconds(1))) {
                first++;
            }
            max = Math.max(max, last - first + 1);
        }
        return max;
    }

    @Test
    void exhaustedQuotaGivesDailyThresholdUntilTheDayIsReset() {
        start(AlmaSandboxSettings.builder().dailyQuota(500));
        alma.setRemainingDailyQuota(2);

        HttpResponse<String> first = lookUp();
        HttpResponse<String> second = lookUp();
        HttpResponse<String> third = lookUp();

        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(remaining(first)).isEqualTo(1);
        assertThat(second.statusCode()).isEqualTo(302);
        assertThat(remaining(second)).isZero();
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(remaining(third)).isZero();
        assertThat(firstError(third).path("errorCode").asText()).isEqualTo("DAILY_THRESHOLD");
        assertThat(firstError(third).path("errorMessage").asText()).startsWith("Daily API Request Threshold has been reached");
        assertThat(alma.stats().dailyRejections()).isEqualTo(1);
        assertThat(alma.stats().acceptedCalls()).isEqualTo(2);

        alma.resetDay();

        HttpResponse<String> nextDay = lookUp();
        assertThat(nextDay.statusCode()).isEqualTo(302);
        assertThat(remaining(nextDay)).isEqualTo(499);
    }

    @Test
    void quotaRefillsAtUtcMidnight() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-02T23:59:58Z"));
        alma = new AlmaSimulator(AlmaSandboxSettings.builder().apiKey(KEY).dailyQuota(1).build(), List.of(BARCODE), clock)
                .start(0);

        assertThat(lookUp().statusCode()).isEqualTo(302);
        HttpResponse<String> refused = lookUp();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(firstError(refused).path("trackingId").asText()).startsWith("E01-0203235958-");

        clock.advance(Duration.ofSeconds(2));

        HttpResponse<String> tomorrow = lookUp();
        assertThat(tomorrow.statusCode()).isEqualTo(302);
        assertThat(remaining(tomorrow)).isZero();
    }

    @Test
    void latencyDelaysEveryAnswer() {
        start(AlmaSandboxSettings.builder().latency(Duration.ofMillis(300)));

        long started = System.nanoTime();
        HttpResponse<String> response = lookUp();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void statsReportTheAchievedRate() {
        start(AlmaSandboxSettings.builder().callsPerSecond(1_000));

        for (int i = 0; i < 5; i++) {
            lookUp();
        }

        AlmaStats stats = alma.stats();
        assertThat(stats.acceptedCallTimes()).hasSize(5).isSorted();
        assertThat(stats.achievedCallsPerSecond()).isPositive();
        assertThat(stats.barcodeLookups()).isEqualTo(5);
        assertThat(stats.maxCallsInAnyWindow()).isBetween(1, 5);
    }
}
