package org.holdshelf.sandbox.sierra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain JDK HTTP against a running {@link SierraSimulator}, with JSON parsed by Jackson. */
final class SierraTestClient {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One HTTP answer. */
    record Reply(int status, HttpHeaders headers, String body, Duration elapsed) {

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        /** Asserts a Sierra ErrorCode body with this HTTP status and code. */
        JsonNode assertSierraError(int httpStatus, int code) {
            assertThat(status).as("HTTP status of %s", body).isEqualTo(httpStatus);
            JsonNode error = json();
            assertThat(error.path("code").asInt()).as("code in %s", body).isEqualTo(code);
            assertThat(error.path("httpStatus").asInt()).isEqualTo(httpStatus);
            assertThat(error.path("specificCode").asInt()).isZero();
            assertThat(error.path("name").asText()).isNotBlank();
            return error;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    SierraTestClient(SierraSimulator simulator) {
        this.baseUrl = simulator.baseUrl();
    }

    static String basic(String key, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code POST /token} with the given Authorization header (null for none), content type and body. */
    Reply postToken(String authorization, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/token"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    Reply requestToken(String key, String secret) {
        return postToken(basic(key, secret), "application/x-www-form-urlencoded", "grant_type=client_credentials");
    }

    /** A fresh access token for the default sandbox credentials. */
    String token() {
        Reply reply = requestToken("sandbox-key", "sandbox-secret-123");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("access_token").asText();
    }

    /** {@code GET} a path under the base URL with {@code Authorization: Bearer <token>}. */
    Reply get(String pathAndQuery, String token) {
        return getWithAuthorization(pathAndQuery, "Bearer " + token);
    }

    /** {@code GET} with the given Authorization header, or none when null. */
    Reply getWithAuthorization(String pathAndQuery, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private Reply send(HttpRequest.Builder request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.headers(), response.body(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asserts that no value anywhere in the tree is JSON {@code null}. */
    static void assertNoNulls(JsonNode node) {
        assertThat(node.isNull()).as("JSON null found").isFalse();
        for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
            assertNoNulls(children.next());
        }
    }
}
