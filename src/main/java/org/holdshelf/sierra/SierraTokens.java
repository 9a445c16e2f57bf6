package org.holdshelf.sierra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.events.Json;

/**
 * Sierra's client-credentials access token, cached and renewed before it expires. Sierra has no
 * refresh tokens: a new token is requested with the key and secret {@code renewMargin} before
 * expiry, and when the caller reports a 401 for the current one. The token is never logged.
 */
final class SierraTokens {

    private record Token(String value, Instant expiresAt) {
    }

    private final HttpClient http;
    private final URI tokenUri;
    private final String basicAuth;
    private final Duration renewMargin;
    private final Duration timeout;
    private final Clock clock;
    private Token current;

    SierraTokens(HttpClient http, URI baseUrl, String clientKey, String clientSecret, Duration renewMargin,
                 Duration timeout, Clock clock) {
        this.http = http;
        this.tokenUri = URI.create(baseUrl + "/token");
        this.basicAuth = "Basic " + Base64.getEncoder()
                .encodeToString((clientKey + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        this.renewMargin = renewMargin;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** A token valid for at least the renewal margin (or as long as the server grants, if shorter). */
    synchronized String bearer() throws IOException, InterruptedException {
        if (current == null || !clock.instant().isBefore(current.expiresAt())) {
            current = request();
        }
        return current.value();
    }

    /** The server rejected {@code token} (401): forget it so the next call gets a new one. */
    synchronized void invalidate(String token) {
        if (current != null && current.value().equals(token)) {
            current = null;
        }
    }

    private Token request() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(tokenUri)
                .timeout(timeout)
                .header("Authorization", basicAuth)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status == 401 || status == 403 || status == 400) {
            throw new SierraApiException("Sierra refused the client credentials at POST /token (HTTP " + status
                    + "): check holdshelf.sierra.client-key and holdshelf.sierra.client-secret", status, null, false);
        }
        if (status != 200) {
            throw new SierraApiException("Sierra POST /token answered HTTP " + status, status, null, status >= 500 || status == 429);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new SierraApiException("Sierra POST /token returned a body that is not JSON", status, null, true);
        }
        String value = body.path("access_token").asText("");
        long expiresIn = body.path("expires_in").asLong(0);
        if (value.isEmpty() || expiresIn <= 0) {
            throw new SierraApiException("Sierra POST /token returned no access_token/expires_in", status, null, true);
        }
        // Renew renewMargin before expiry; for a token shorter-lived than twice the margin, at half its life.
        long margin = Math.min(renewMargin.toSeconds(), expiresIn / 2);
        return new Token(value, clock.instant().plusSeconds(expiresIn - margin));
    }
}
