package org.holdshelf.sandbox.hoopla;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.holdshelf.sandbox.hoopla.HooplaHttp.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The requests-per-minute pace over real HTTP (429 with Retry-After), and latency counted from arrival; no sleeps. */
class HooplaPaceTest {

    private static final String CARD = "20000000100001";
    private static final long MINUTE = TimeUnit.SECONDS.toNanos(60);

    private HooplaSimulator hoopla;
    private HooplaHttp http;

    private HooplaSimulator start(HooplaSandboxSettings.Builder settings) {
        hoopla = new HooplaSimulator(settings.build(), List.of(HooplaCard.withHolds(CARD, List.of()))).start();
        http = new HooplaHttp(hoopla);
        return hoopla;
    }

    @AfterEach
    void stop() {
        if (hoopla != null) {
            hoopla.close();
        }
    }

    /** The most of these times in one half-open 60 s window. */
    private static int mostInOneMinute(List<Long> sortedNanos) {
        int most = 0;
        int from = 0;
        for (int to = 0; to < sortedNanos.size(); to++) {
            while (sortedNanos.get(to) - sortedNanos.get(from) >= MINUTE) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }

    @Test
    void overThePaceEveryEndpointGets429WithRetryAfterTokenCallsIncluded() {
        start(HooplaSandboxSettings.builder().latencyMs(0).jitterMs(0).requestsPerMinute(5));
        String token = http.token();
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replies.add(http.holds(token, CARD));
        }
        replies.add(http.tokenReply());
        replies.add(http.patron(token, CARD, "/status"));
        replies.add(http.holds(token, CARD));
        replies.add(http.holds("stale", CARD));

        assertThat(replies.subList(0, 4)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        List<Reply> limited = replies.subList(4, 8);
        assertThat(limited).allSatisfy(r -> {
            assertThat(r.assertMessage(429)).isEqualTo("Too Many Requests");
            assertThat(Long.parseLong(r.header("Retry-After"))).as("whole seconds until the minute has room").isBetween(50L, 60L);
        });
        assertThat(hoopla.throttled()).isEqualTo(4);
        assertThat(hoopla.requests()).isEqualTo(9);
        assertThat(hoopla.tokenRequests()).as("token calls count against the pace").isEqualTo(2);
        assertThat(hoopla.unauthorized()).as("a throttled call is not judged further").isZero();
        assertThat(hoopla.arrivals()).hasSize(9);
        assertThat(mostInOneMinute(hoopla.acceptedArrivals())).isEqualTo(5);

        hoopla.setRequestsPerMinute(0);
        assertThat(http.holds(token, CARD).status()).as("0: unlimited").isEqualTo(200);
    }

    @Test
    void theJitteredPaceStillAdmitsExactlyTheLimitInAMinuteUnderConcurrency() throws Exception {
        start(HooplaSandboxSettings.builder().latencyMs(5).jitterMs(30).seed(3).requestsPerMinute(12));
        String token = http.token();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<Reply>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(clients.submit(() -> http.holds(token, CARD)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Reply> f : futures) {
                statuses.add(f.get(30, TimeUnit.SECONDS).status());
            }
            assertThat(statuses).containsOnly(200, 429);
            assertThat(statuses.stream().filter(s -> s == 200).count()).as("12 a minute, the token call included").isEqualTo(11);
        } finally {
            clients.shutdownNow();
        }
        assertThat(hoopla.throttled()).isEqualTo(29);
        assertThat(hoopla.acceptedArrivals()).hasSize(12);
        assertThat(hoopla.arrivals()).hasSize(41).isSorted();
        assertThat(hoopla.calls(CARD)).isEqualTo(40);
    }

    @Test
    void everyAnswerTakesTheLatencyAndUpToTheJitter() {
        start(HooplaSandboxSettings.builder().latencyMs(40).jitterMs(60).seed(5).requestsPerMinute(11));
        String token = http.token();
        List<Duration> took = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            took.add(http.holds(token, CARD).elapsed());
        }
        took.add(http.holds("stale", CARD).elapsed());
        took.add(http.holds(token, "unknown").elapsed());
        Reply throttled = http.holds(token, CARD);
        assertThat(throttled.status()).isEqualTo(429);
        took.add(throttled.elapsed());

        assertThat(took).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofMillis(40)));
        double meanMs = took.stream().mapToLong(Duration::toMillis).average().orElseThrow();
        assertThat(meanMs).as("uniform 0..60 ms on top of 40: about 70 on average").isGreaterThan(50);

        hoopla.setLatency(Duration.ZERO);
        hoopla.setJitter(Duration.ZERO);
        hoopla.setRequestsPerMinute(0);
        assertThat(http.holds(token, CARD).elapsed()).isLessThan(Duration.ofMillis(500));
    }

    /**
     * What all callers together sent in their busiest minute, refused requests included, and which
     * caller sent what: two clients, each with its own token, the second polling while the first does.
     */
    @Test
    void reportsTheMostArrivalsInAnyMinuteAndTheCallsOfEachToken() {
        start(HooplaSandboxSettings.builder().latencyMs(0).jitterMs(0).requestsPerMinute(8));
        assertThat(hoopla.maxArrivalsInAnyWindow()).as("nothing yet").isZero();
        String first = http.token();
        String second = http.token();
        for (int i = 0; i < 3; i++) {
            assertThat(http.holds(first, CARD).status()).isEqualTo(200);
            assertThat(http.holds(second, CARD).status()).isEqualTo(200);
        }
        assertThat(http.holds("not-issued", CARD).status()).as("the pace is full").isEqualTo(429);
        assertThat(http.holds(first, CARD).status()).isEqualTo(429);

        assertThat(hoopla.maxArrivalsInAnyWindow()).as("10 requests within a minute, 2 of them refused").isEqualTo(10)
                .isEqualTo(hoopla.arrivals().size());
        assertThat(mostInOneMinute(hoopla.acceptedArrivals())).as("2 token calls and 6 holds calls").isEqualTo(8);
        java.util.Map<String, List<Long>> byToken = hoopla.callsByToken();
        assertThat(byToken.keySet()).as("in the order issued").containsExactly(first, second);
        assertThat(byToken.get(first)).as("admitted calls only").hasSize(3).isSorted();
        assertThat(byToken.get(second)).hasSize(3);
        assertThat(byToken.get(first).get(0)).as("the two callers' calls interleave").isLessThan(byToken.get(second).get(0));
        assertThat(byToken.get(second).get(0)).isLessThan(byToken.get(first).get(1));

        hoopla.reset();
        assertThat(hoopla.maxArrivalsInAnyWindow()).isZero();
        assertThat(hoopla.callsByToken()).as("the tokens stay, their calls are forgotten").containsOnlyKeys(first, second)
                .allSatisfy((token, calls) -> assertThat(calls).isEmpty());
    }

    /**
     * The latency counts from the request's arrival: a body that takes 500 ms to follow its header
     * is inside a latency of 600 ms, not added to it. Over a plain socket, so that the header
     * certainly goes first.
     */
    @Test
    void latencyCountsFromTheArrivalOfTheRequest() throws IOException, InterruptedException {
        start(HooplaSandboxSettings.builder().latencyMs(600).jitterMs(0));
        byte[] body = "grant_type=client_credentials".getBytes(StandardCharsets.US_ASCII);
        String head = "POST /v2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + HooplaHttp.basic(hoopla.settings().username(), hoopla.settings().password())
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        CountDownLatch restOfBody = new CountDownLatch(1);

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), hoopla.port())) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 5);
            out.flush();
            CompletableFuture.runAsync(restOfBody::countDown, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
            assertThat(restOfBody.await(10, TimeUnit.SECONDS)).isTrue();
            out.write(body, 5, body.length - 5);
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(status).startsWith("HTTP/1.1 200");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600))
                    .as("600 ms from the arrival, not 500 + 600").isLessThan(Duration.ofMillis(1000));
        }
        assertThat(hoopla.tokensIssued()).isEqualTo(1);
    }
}
