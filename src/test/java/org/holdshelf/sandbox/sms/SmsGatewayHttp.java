package org.holdshelf.sandbox.sms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain JDK HTTP/1.1 against a running {@link SmsGatewaySimulator}, with JSON parsed by Jackson. */
final class SmsGatewayHttp {

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

        /** Asserts the webhook's {@code {"error", "message"}} with this status and error. */
        JsonNode assertWebhookError(int httpStatus, String error) {
            assertThat(status).as("HTTP status of %s", body).isEqualTo(httpStatus);
            JsonNode json = json();
            assertThat(json.path("error").asText()).as("error in %s", body).isEqualTo(error);
            assertThat(json.path("message").asText()).isNotBlank();
            return json;
        }

        /** Asserts Twilio's {@code {"code", "message", "more_info", "status"}} with this status and code. */
        JsonNode assertTwilioError(int httpStatus, int code) {
            assertThat(status).as("HTTP status of %s", body).isEqualTo(httpStatus);
            JsonNode json = json();
            assertThat(json.path("code").asInt()).as("code in %s", body).isEqualTo(code);
            assertThat(json.path("status").asInt()).isEqualTo(httpStatus);
            assertThat(json.path("more_info").asText()).isEqualTo("https://www.twilio.com/docs/errors/" + code);
            assertThat(json.path("message").asText()).isNotBlank();
            return json;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final SmsGatewaySimulator sms;

    SmsGatewayHttp(SmsGatewaySimulator sms) {
        this.sms = sms;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String webhookJson(String to, String body, String noticeId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("to", to);
        m.put("body", body);
        m.put("noticeId", noticeId);
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A text posted to the webhook as the product posts it. */
    Reply text(String to, String body, String noticeId) {
        return webhook(webhookJson(to, body, noticeId));
    }

    Reply webhook(String json, String... headers) {
        return post(sms.webhookUrl(), "application/json", json, headers);
    }

    /** A text posted to Twilio's Messages API with the simulator's own credentials. */
    Reply twilio(Map<String, String> form) {
        return twilio(sms.twilioMessagesUrl(), basic(sms.settings().accountSid(), sms.settings().authToken()), form);
    }

    Reply twilio(String url, String authorization, Map<String, String> form) {
        return authorization == null
                ? post(url, "application/x-www-form-urlencoded", form(form))
                : post(url, "application/x-www-form-urlencoded", form(form), "Authorization", authorization);
    }

    Reply post(String url, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    Reply get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    Reply send(HttpRequest request) {
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body(), Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
