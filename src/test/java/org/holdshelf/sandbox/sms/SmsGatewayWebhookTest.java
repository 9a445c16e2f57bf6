package org.holdshelf.sandbox.sms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.sms.SmsGatewayHttp.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /sms} over real HTTP: accepted texts, the idempotency key and every refusal. */
class SmsGatewayWebhookTest {

    private static final String MOBILE = "+15135550123";
    private static final String OPTED_OUT = "+15135550111";
    private static final String LANDLINE = "+15135550199";

    private SmsGatewaySimulator sms;
    private SmsGatewayHttp http;

    private SmsGatewaySimulator start(SmsSandboxSettings.Builder settings) {
        sms = new SmsGatewaySimulator(settings.latencyMs(0).jitterMs(0).build()).start();
        http = new SmsGatewayHttp(sms);
        return sms;
    }

    private SmsGatewaySimulator start() {
        return start(SmsSandboxSettings.builder().optedOut(Set.of(OPTED_OUT)).landlines(Set.of(LANDLINE)));
    }

    @AfterEach
    void stop() {
        if (sms != null) {
            sms.close();
        }
    }

    @Test
    void aTextIsAcceptedWith202AndKept() {
        start();
        Instant before = Instant.now();

        Reply reply = http.text(MOBILE, "Your hold is ready at Main Library.", "n-1");

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        JsonNode json = reply.json();
        assertThat(json.path("status").asText()).isEqualTo("accepted");
        assertThat(json.path("id").asText()).startsWith("sms_").hasSize(28);
        assertThat(json.has("duplicate")).isFalse();
        assertThat(sms.count()).isEqualTo(1);
        assertThat(sms.requests()).isEqualTo(1);
        SmsText text = sms.delivered().get(0);
        assertThat(text.id()).isEqualTo(json.path("id").asText());
        assertThat(text.provider()).isEqualTo(SmsGatewaySimulator.WEBHOOK);
        assertThat(text.to()).isEqualTo(MOBILE);
        assertThat(text.from()).isNull();
        assertThat(text.body()).isEqualTo("Your hold is ready at Main Library.");
        assertThat(text.noticeId()).isEqualTo("n-1");
        assertThat(text.segments()).isEqualTo(1);
        assertThat(text.arrived()).isBetween(before.minusMillis(50), Instant.now());
        assertThat(sms.arrivals()).containsExactly(text.arrivedNanos());
        assertThat(text.toString()).doesNotContain(MOBILE).doesNotContain("Main Library");
        assertThat(sms.delivered()).isUnmodifiable();
    }

    @Test
    void theSameNoticeIdAgainIsAnsweredAsADuplicateNotASecondText() {
        start();
        String id = http.text(MOBILE, "Ready", "n-7").json().path("id").asText();

        Reply again = http.text(MOBILE, "Ready", "n-7");
        Reply other = http.text(MOBILE, "Ready", "n-8");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asText()).isEqualTo(id);
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        assertThat(other.status()).isEqualTo(202);
        assertThat(other.json().path("id").asText()).isNotEqualTo(id);
        assertThat(sms.count()).isEqualTo(2);
        assertThat(sms.requests()).isEqualTo(3);
        assertThat(sms.delivered()).extracting(SmsText::noticeId).containsExactly("n-7", "n-8");
        assertThat(sms.stats()).isEqualTo(new SmsStats(3, 2, 1, java.util.Map.of()));

        // without a noticeId there is no key: each post is a text
        String keyless = "{\"to\": \"" + MOBILE + "\", \"body\": \"x\"}";
        assertThat(http.webhook(keyless).status()).isEqualTo(202);
        assertThat(http.webhook(keyless).status()).isEqualTo(202);
        assertThat(sms.count()).isEqualTo(4);
    }

    @Test
    void optedOutNumbersGet409AndCanOptInAgain() {
        start();

        http.text(OPTED_OUT, "Ready", "n-1").assertWebhookError(409, "opted-out");
        sms.optOut(MOBILE);
        http.text(MOBILE, "Ready", "n-2").assertWebhookError(409, "opted-out");
        sms.optIn(MOBILE);
        assertThat(http.text(MOBILE, "Ready", "n-2").status()).as("a refused noticeId is not taken").isEqualTo(202);

        assertThat(sms.refusals(SmsRefusal.OPTED_OUT)).isEqualTo(2);
        assertThat(sms.count()).isEqualTo(1);
    }

    @Test
    void landlinesAndInvalidNumbersGet422() {
        start();

        JsonNode landline = http.text(LANDLINE, "Ready", "n-1").assertWebhookError(422, "invalid-number");
        http.text("5135550123", "Ready", "n-2").assertWebhookError(422, "invalid-number");
        http.text("+1 513 555 0123", "Ready", "n-3").assertWebhookError(422, "invalid-number");
        sms.addLandline(MOBILE);
        http.text(MOBILE, "Ready", "n-4").assertWebhookError(422, "invalid-number");

        assertThat(landline.path("message").asText()).contains("not a mobile");
        assertThat(sms.stats().refusals(SmsRefusal.NOT_MOBILE)).isEqualTo(2);
        assertThat(sms.stats().refusals(SmsRefusal.INVALID_NUMBER)).isEqualTo(2);
        assertThat(sms.count()).isZero();
    }

    @Test
    void requestsItCannotReadGet400SayingWhatWasWrong() {
        start();

        assertThat(http.webhook("{\"to\": \"" + MOBILE + "\", \"body\": ").assertWebhookError(400, "bad-request")
                .path("message").asText()).startsWith("malformed JSON");
        assertThat(http.webhook("{\"body\": \"Ready\"}").assertWebhookError(400, "bad-request").path("message").asText())
                .contains("'to' is missing");
        assertThat(http.webhook("{\"to\": \"" + MOBILE + "\"}").assertWebhookError(400, "bad-request").path("message").asText())
                .contains("'body' is missing");
        assertThat(http.webhook("{\"to\": \"" + MOBILE + "\", \"body\": 42}").assertWebhookError(400, "bad-request")
                .path("message").asText()).contains("'body' must be a string");
        assertThat(http.webhook("{\"to\": \"" + MOBILE + "\", \"body\": \"  \"}").assertWebhookError(400, "bad-request")
                .path("message").asText()).contains("'body' is empty");
        assertThat(http.webhook("{\"to\": \"" + MOBILE + "\", \"body\": \"x\", \"noticeId\": 5}")
                .assertWebhookError(400, "bad-request").path("message").asText()).contains("'noticeId' must be a string");
        http.webhook("[\"" + MOBILE + "\"]").assertWebhookError(400, "bad-request");
        http.text(MOBILE, "x".repeat(1601), "n-long").assertWebhookError(400, "bad-request");
        http.post(sms.webhookUrl(), "application/x-www-form-urlencoded", "to=" + MOBILE + "&body=x")
                .assertWebhookError(415, "unsupported-media-type");
        Reply get = http.get(sms.webhookUrl());
        get.assertWebhookError(405, "method-not-allowed");
        assertThat(get.header("Allow")).isEqualTo("POST");
        http.post(sms.origin() + "/sms/extra", "application/json", SmsGatewayHttp.webhookJson(MOBILE, "x", "n"))
                .assertWebhookError(404, "not-found");
        http.get(sms.origin() + "/favicon.ico").assertWebhookError(404, "not-found");

        assertThat(sms.count()).isZero();
        assertThat(sms.stats().refusals(SmsRefusal.BAD_REQUEST)).isEqualTo(12);
        assertThat(sms.requests()).isEqualTo(12);
    }

    @Test
    void aWebhookTokenIsRequiredWhenSet() {
        start(SmsSandboxSettings.builder().webhookToken("hook-token"));
        String json = SmsGatewayHttp.webhookJson(MOBILE, "Ready", "n-1");

        Reply none = http.webhook(json);
        http.webhook(json, "Authorization", "Bearer wrong").assertWebhookError(401, "unauthorized");
        http.webhook(json, "Authorization", "Basic aG9vay10b2tlbjo=").assertWebhookError(401, "unauthorized");
        Reply right = http.webhook(json, "Authorization", "Bearer hook-token");
        sms.setWebhookToken(null);
        Reply open = http.text(MOBILE, "Ready", "n-2");

        none.assertWebhookError(401, "unauthorized");
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(right.status()).isEqualTo(202);
        assertThat(open.status()).isEqualTo(202);
        assertThat(sms.refusals(SmsRefusal.UNAUTHORIZED)).isEqualTo(3);
    }

    @Test
    void acceptedTextsAreAppendedToTheMessageDirAsJsonLines(@TempDir Path dir) throws IOException {
        Path messages = dir.resolve("sandbox-sms");
        start(SmsSandboxSettings.builder().messageDir(messages).optedOut(Set.of(OPTED_OUT)));

        http.text(MOBILE, "Ready: Main Library", "n-1");
        http.text(OPTED_OUT, "Refused", "n-2");
        http.text(MOBILE, "Ready: Main Library", "n-1");
        http.twilio(java.util.Map.of("To", "+15135550124", "From", "+15135550100", "Body", "Prête ’"));

        List<String> lines = Files.readAllLines(messages.resolve(SmsGatewaySimulator.MESSAGE_FILE), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        JsonNode first = SmsGatewayHttp.JSON.readTree(lines.get(0));
        assertThat(first.path("provider").asText()).isEqualTo("webhook");
        assertThat(first.path("to").asText()).isEqualTo(MOBILE);
        assertThat(first.path("body").asText()).isEqualTo("Ready: Main Library");
        assertThat(first.path("noticeId").asText()).isEqualTo("n-1");
        assertThat(first.path("segments").asInt()).isEqualTo(1);
        assertThat(Instant.parse(first.path("arrived").asText())).isEqualTo(sms.delivered().get(0).arrived());
        JsonNode second = SmsGatewayHttp.JSON.readTree(lines.get(1));
        assertThat(second.path("provider").asText()).isEqualTo("twilio");
        assertThat(second.path("id").asText()).startsWith("SM");
        assertThat(second.path("body").asText()).isEqualTo("Prête ’");
        assertThat(second.path("noticeId").isNull()).isTrue();
    }
}
