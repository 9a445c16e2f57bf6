package org.holdshelf.sandbox.alma;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A plain JDK HTTP client for the simulator tests, configured as the product's client will be:
 * HTTP/1.1, no automatic redirects, JSON requested, the API key in the Authorization header.
 */
final class AlmaHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final String apiKey;

    AlmaHttp(String apiKey) {
        this(apiKey, HttpClient.Redirect.NEVER);
    }

    AlmaHttp(String apiKey, HttpClient.Redirect redirects) {
        this.apiKey = apiKey;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(redirects)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    HttpResponse<String> get(String url) {
        return send(request(url).GET());
    }

    /** An empty-bodied POST, as scan-in clients send it. */
    HttpResponse<String> post(String url) {
        return send(request(url).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A request with JSON and the API key already set. */
    HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json")
                .header("Authorization", "apikey " + apiKey);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** The first error of an Alma error envelope. */
    static JsonNode firstError(HttpResponse<String> response) {
        return json(response).path("errorList").path("error").path(0);
    }

    static long remaining(HttpResponse<String> response) {
        return Long.parseLong(response.headers().firstValue(AlmaSimulator.REMAINING_HEADER).orElseThrow());
    }
}
