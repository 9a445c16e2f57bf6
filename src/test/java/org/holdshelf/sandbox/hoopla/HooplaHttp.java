package org.holdshelf.sandbox.hoopla;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain JDK HTTP/1.1 against a running {@link HooplaSimulator}, as a partner client calls it. */
final class HooplaHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One HTTP answer and how long it took. */
    record Reply(int status, HttpHeaders headers, String body, Duration elapsed) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** Asserts {@code {"message": ...}} with this status. */
        String assertMessage(int httpStatus) {
            assertThat(status).as("HTTP status of %s", body).isEqualTo(httpStatus);
            assertThat(header("Content-Type")).startsWith("application/json");
            String message = json().path("message").asText();
            assertThat(message).as("message in %s", body).isNotBlank();
            return message;
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {

        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final HooplaSimulator hoopla;

    HooplaHttp(HooplaSimulator hoopla) {
        this.hoopla = hoopla;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code POST <path>} with these headers (name, value, ...) and no body. */
    Reply post(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hoopla.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** A token from the docs' path with the simulator's own credentials. */
    Reply tokenReply() {
        return post(HooplaSimulator.TOKEN_PATH, "Authorization", basic(hoopla.settings().username(), hoopla.settings().password()));
    }

    String token() {
        Reply reply = tokenReply();
        assertThat(reply.status()).as("token: %s", reply.body()).isEqualTo(200);
        return reply.json().path("access_token").asText();
    }

    /** {@code GET <path>} with these headers (name, value, ...). */
    Reply get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hoopla.baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** {@code GET .../patrons/<card><suffix>} of the simulator's library, as Aspen sends it. */
    Reply patron(String token, String card, String suffix) {
        return patron(token, hoopla.settings().libraryId(), card, suffix);
    }

    Reply patron(String token, long libraryId, String card, String suffix) {
        return get("/api/v1/libraries/" + libraryId + "/patrons/" + card + suffix, "Authorization", "Bearer " + token,
                "Accept", "application/json", "Originating-App-Id", "Aspen Discovery");
    }

    Reply holds(String token, String card) {
        return patron(token, card, "/holds/current");
    }

    Reply send(HttpRequest request) {
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.headers(), response.body(), Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
