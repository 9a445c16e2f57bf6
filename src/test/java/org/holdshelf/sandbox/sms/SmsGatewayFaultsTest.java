package org.holdshelf.sandbox.sms;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.holdshelf.sandbox.sms.SmsGatewayHttp.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The knobs over real HTTP: rate limit, injected faults, suspension, drawn numbers, latency; no sleeps. */
class SmsGatewayFaultsTest {

    private static final String MOBILE = "+15135550123";
    private static final String HTML_503 = "<html><body>Service Unavailable</body></html>";

    private SmsGatewaySimulator sms;
    private SmsGatewayHttp http;

    private SmsGatewaySimulator start(SmsSandboxSettings.Builder settings) {
        sms = new SmsGatewaySimulator(settings.build()).start();
        http = new SmsGatewayHttp(sms);
        return sms;
    }

    private SmsGatewaySimulator startFast() {
        return start(SmsSandboxSettings.builder().latencyMs(0).jitterMs(0));
    }

    @AfterEach
    void stop() {
        if (sms != null) {
            sms.close();
        }
    }

    private Reply twilio(String to) {
        return http.twilio(Map.of("To", to, "From", "+15135550100", "Body", "Ready"));
    }

    @Test
    void overTheRateRequestsGet429WithRetryAfterAndTheWindowRecovers() {
        start(SmsSandboxSettings.builder().latencyMs(0).jitterMs(0).requestsPerSecond(5));
        List<Reply> replies = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 12; i++) {
            replies.add(i % 2 == 0 ? http.text(MOBILE, "Ready", "n-" + i) : twilio(MOBILE));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        long accepted = replies.stream().filter(r -> r.status() == 202 || r.status() == 201).count();
        List<Reply> limited = replies.stream().filter(r -> r.status() == 429).toList();
        assertThat(accepted + limited.size()).isEqualTo(12);
        if (took.compareTo(Duration.ofMillis(900)) < 0) {
            assertThat(accepted).as("all 12 within one second").isEqualTo(5);
        } else {
            assertThat(accepted).as("12 in %s", took).isLessThanOrEqualTo(5 * (took.toSeconds() + 1));
        }
        assertThat(limited).allSatisfy(r -> assertThat(r.header("Retry-After")).isEqualTo("1"));
        limited.stream().filter(r -> r.body().contains("\"code\"")).forEach(r -> r.assertTwilioError(429, 20429));
        limited.stream().filter(r -> r.body().contains("\"error\"")).forEach(r -> r.assertWebhookError(429, "rate-limited"));
        assertThat(limited).anySatisfy(r -> assertThat(r.body()).contains("20429"));
        assertThat(limited).anySatisfy(r -> assertThat(r.body()).contains("rate-limited"));
        assertThat(sms.refusals(SmsRefusal.RATE_LIMITED)).isEqualTo(limited.size());
        assertThat(sms.count()).isEqualTo(accepted);

        // refused requests do not count against the window: a second later there is room again
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.text(MOBILE, "Ready", "later").status() == 202);
        sms.setRequestsPerSecond(0);
        assertThat(IntStream.range(0, 10).map(i -> twilio(MOBILE).status())).containsOnly(201);
    }

    @Test
    void failNextAnswers503WithAnHtmlPageThenRecovers() {
        startFast();
        sms.failNext(3, 503);

        Reply first = http.text(MOBILE, "Ready", "n-1");
        Reply second = twilio(MOBILE);
        Reply third = http.get(sms.webhookUrl());
        Reply retried = http.text(MOBILE, "Ready", "n-1");
        Reply twilioAfter = twilio(MOBILE);

        for (Reply failed : List.of(first, second, third)) {
            assertThat(failed.status()).isEqualTo(503);
            assertThat(failed.header("Content-Type")).startsWith("text/html");
            assertThat(failed.body()).isEqualTo(HTML_503);
        }
        assertThat(retried.status()).as("the failed noticeId was not taken").isEqualTo(202);
        assertThat(twilioAfter.status()).isEqualTo(201);
        assertThat(sms.stats().refusals(SmsRefusal.INJECTED_FAULT)).isEqualTo(3);
        assertThat(sms.count()).isEqualTo(2);
        assertThat(sms.requests()).isEqualTo(5);
    }

    @Test
    void failNextWithOtherStatusesAndBodies() {
        startFast();

        sms.failNext(1, 502);
        assertThat(http.text(MOBILE, "x", "a").body()).isEqualTo("<html><body>Bad Gateway</body></html>");
        sms.failNext(2, 429);
        Reply webhook429 = http.text(MOBILE, "x", "a");
        Reply twilio429 = twilio(MOBILE);
        sms.failNext(1, 500, "application/json", "{\"oops\": true}");
        Reply custom = http.text(MOBILE, "x", "a");
        sms.failNext(1, 418);
        Reply teapot = http.text(MOBILE, "x", "a");
        sms.failNext(5, 503);
        sms.failNext(0, 503);

        webhook429.assertWebhookError(429, "rate-limited");
        assertThat(webhook429.header("Retry-After")).isEqualTo("1");
        twilio429.assertTwilioError(429, 20429);
        assertThat(twilio429.header("Retry-After")).isEqualTo("1");
        assertThat(custom.status()).isEqualTo(500);
        assertThat(custom.body()).isEqualTo("{\"oops\": true}");
        teapot.assertWebhookError(418, "injected-fault");
        assertThat(http.text(MOBILE, "x", "a").status()).as("failNext(0, ...) clears the fault").isEqualTo(202);
        assertThatThrownBy(() -> sms.failNext(1, 42)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void suspendedItAnswers503UntilResumed() {
        startFast();
        sms.suspend();

        Reply down = http.text(MOBILE, "Ready", "n-1");
        Reply twilioDown = twilio(MOBILE);
        boolean wasSuspended = sms.isSuspended();
        sms.resume();
        Reply up = http.text(MOBILE, "Ready", "n-1");

        assertThat(wasSuspended).isTrue();
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body()).isEqualTo(HTML_503);
        assertThat(twilioDown.status()).isEqualTo(503);
        assertThat(up.status()).isEqualTo(202);
        assertThat(sms.isSuspended()).isFalse();
        assertThat(sms.refusals(SmsRefusal.SUSPENDED)).isEqualTo(2);
    }

    private static List<String> numbers(int count) {
        return IntStream.range(0, count).mapToObj(i -> String.format("+1513555%04d", i)).toList();
    }

    @Test
    void drawnSharesOfNumbersAreDeterministicForASeedAndDisjoint() {
        List<String> numbers = numbers(2000);
        SmsSandboxSettings settings = SmsSandboxSettings.builder().seed(11).optedOutPercent(10).landlinePercent(15).build();
        try (SmsGatewaySimulator a = new SmsGatewaySimulator(settings);
             SmsGatewaySimulator b = new SmsGatewaySimulator(settings);
             SmsGatewaySimulator otherSeed = new SmsGatewaySimulator(settings.toBuilder().seed(12).build())) {
            Set<String> optedOut = new HashSet<>(numbers.stream().filter(a::isOptedOut).toList());
            Set<String> landlines = new HashSet<>(numbers.stream().filter(a::isLandline).toList());

            assertThat(numbers.stream().filter(b::isOptedOut)).containsExactlyInAnyOrderElementsOf(optedOut);
            assertThat(numbers.stream().filter(b::isLandline)).containsExactlyInAnyOrderElementsOf(landlines);
            assertThat(optedOut.size() / 2000.0).isBetween(0.07, 0.13);
            assertThat(landlines.size() / 2000.0).isBetween(0.115, 0.185);
            assertThat(optedOut).doesNotContainAnyElementsOf(landlines);
            assertThat(numbers.stream().filter(otherSeed::isOptedOut).toList()).isNotEqualTo(List.copyOf(optedOut));
        }
        try (SmsGatewaySimulator none = new SmsGatewaySimulator(SmsSandboxSettings.defaults())) {
            assertThat(numbers).noneMatch(none::isOptedOut).noneMatch(none::isLandline);
        }
    }

    @Test
    void drawnNumbersAreRefusedOverBothShapes() {
        start(SmsSandboxSettings.builder().latencyMs(0).jitterMs(0).seed(3).optedOutPercent(20).landlinePercent(20));
        List<String> numbers = numbers(200);
        String optedOut = numbers.stream().filter(sms::isOptedOut).findFirst().orElseThrow();
        String landline = numbers.stream().filter(sms::isLandline).findFirst().orElseThrow();
        String mobile = numbers.stream().filter(n -> !sms.isOptedOut(n) && !sms.isLandline(n)).findFirst().orElseThrow();

        http.text(optedOut, "x", "n-1").assertWebhookError(409, "opted-out");
        twilio(optedOut).assertTwilioError(400, 21610);
        http.text(landline, "x", "n-2").assertWebhookError(422, "invalid-number");
        twilio(landline).assertTwilioError(400, 21614);
        assertThat(http.text(mobile, "x", "n-3").status()).isEqualTo(202);
        sms.optIn(optedOut);
        assertThat(twilio(optedOut).status()).as("opted in again over the drawn share").isEqualTo(201);
        sms.setDrawnPercents(0, 0);
        assertThat(twilio(landline).status()).isEqualTo(201);
        assertThatThrownBy(() -> sms.setDrawnPercents(60, 41)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sms.optOut("5135550123")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyAnswerTakesTheLatencyAndSeededJitter() {
        start(SmsSandboxSettings.builder().latencyMs(40).jitterMs(100).seed(5));
        List<Duration> took = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            took.add(http.text(MOBILE, "Ready", "n-" + i).elapsed());
        }
        took.add(twilio(MOBILE).elapsed());
        took.add(http.text("bad", "Ready", "n-bad").elapsed());

        assertThat(took).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofMillis(40)));
        double meanMs = took.stream().mapToLong(Duration::toMillis).average().orElseThrow();
        assertThat(meanMs).as("uniform 0..100 ms on top of 40: about 90 on average").isGreaterThan(60);

        sms.setLatency(Duration.ZERO);
        sms.setJitter(Duration.ZERO);
        assertThat(http.text(MOBILE, "Ready", "fast").elapsed()).isLessThan(Duration.ofMillis(500));
    }

    /**
     * The latency counts from the request's arrival: a body that takes 500 ms to follow its header
     * is inside a latency of 600 ms, not added to it. Over a plain socket, so that the header
     * certainly goes first.
     */
    @Test
    void latencyCountsFromTheArrivalOfTheRequest() throws IOException, InterruptedException {
        start(SmsSandboxSettings.builder().latencyMs(600).jitterMs(0));
        byte[] body = SmsGatewayHttp.webhookJson(MOBILE, "Ready", "slow").getBytes(StandardCharsets.UTF_8);
        String head = "POST /sms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        CountDownLatch restOfBody = new CountDownLatch(1);

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), sms.port())) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();
            CompletableFuture.runAsync(restOfBody::countDown, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
            assertThat(restOfBody.await(10, TimeUnit.SECONDS)).isTrue();
            out.write(body, 10, body.length - 10);
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(status).startsWith("HTTP/1.1 202");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600))
                    .as("600 ms from the arrival, not 500 + 600").isLessThan(Duration.ofMillis(1000));
        }
        assertThat(sms.delivered().get(0).noticeId()).isEqualTo("slow");
    }

    @Test
    void arrivalsCountEveryRequestAndResetForgetsTheObservationsOnly() {
        startFast();
        http.text(MOBILE, "Ready", "n-1");
        http.text("nope", "Ready", "n-2");
        twilio(MOBILE);

        List<Long> arrivals = sms.arrivals();
        assertThat(arrivals).hasSize(3).isSorted();
        assertThat(arrivals).containsAll(sms.delivered().stream().map(SmsText::arrivedNanos).toList());
        assertThat(sms.stats()).isEqualTo(new SmsStats(3, 2, 0, Map.of(SmsRefusal.INVALID_NUMBER, 1L)));

        sms.reset();

        assertThat(sms.stats()).isEqualTo(new SmsStats(0, 0, 0, Map.of()));
        assertThat(sms.delivered()).isEmpty();
        assertThat(sms.arrivals()).isEmpty();
        Reply again = http.text(MOBILE, "Ready", "n-1");
        assertThat(again.status()).as("the gateway still knows the noticeId").isEqualTo(200);
        assertThat(sms.stats().duplicates()).isEqualTo(1);
        assertThat(sms.count()).isZero();
    }

    @Test
    void textsCanBeCountedWithoutKeepingThem() {
        startFast();
        sms.keepTexts(false);
        http.text(MOBILE, "Ready", "n-1");
        twilio(MOBILE);

        assertThat(sms.count()).isEqualTo(2);
        assertThat(sms.delivered()).isEmpty();
    }
}
