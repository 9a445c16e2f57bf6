package org.holdshelf.sandbox.sms;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.sms.SmsGatewayHttp.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Twilio's Messages API over real HTTP (api-facts 7.3): the Message resource and each error code. */
class SmsGatewayTwilioTest {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "twilio-test-token";
    private static final String FROM = "+15135550100";
    private static final String MOBILE = "+15135550123";
    private static final String OPTED_OUT = "+15135550111";
    private static final String LANDLINE = "+15135550199";

    private SmsGatewaySimulator sms;
    private SmsGatewayHttp http;

    @BeforeEach
    void start() {
        sms = new SmsGatewaySimulator(SmsSandboxSettings.builder().latencyMs(0).jitterMs(0).credentials(SID, TOKEN)
                .optedOut(Set.of(OPTED_OUT)).landlines(Set.of(LANDLINE)).build()).start();
        http = new SmsGatewayHttp(sms);
    }

    @AfterEach
    void stop() {
        sms.close();
    }

    private static Map<String, String> message(String to, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", to);
        form.put("From", FROM);
        form.put("Body", body);
        return form;
    }

    @Test
    void anAcceptedMessageIsAnsweredWithTwiliosMessageResource() {
        Reply reply = http.twilio(message(MOBILE, "Your hold is ready at Main Library & more."));

        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        JsonNode json = reply.json();
        String sid = json.path("sid").asText();
        assertThat(sid).matches("SM[0-9a-f]{32}");
        assertThat(json.path("status").asText()).isEqualTo("queued");
        assertThat(json.path("to").asText()).isEqualTo(MOBILE);
        assertThat(json.path("from").asText()).isEqualTo(FROM);
        assertThat(json.path("body").asText()).isEqualTo("Your hold is ready at Main Library & more.");
        assertThat(json.path("num_segments").asText()).isEqualTo("1");
        assertThat(json.path("account_sid").asText()).isEqualTo(SID);
        assertThat(json.path("direction").asText()).isEqualTo("outbound-api");
        assertThat(json.path("uri").asText()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages/" + sid + ".json");
        assertThat(json.path("error_code").isNull()).isTrue();
        ZonedDateTime created = ZonedDateTime.parse(json.path("date_created").asText(), DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(json.path("date_created").asText()).endsWith(" +0000");
        SmsText text = sms.delivered().get(0);
        assertThat(created.toInstant()).isEqualTo(text.arrived().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(text.id()).isEqualTo(sid);
        assertThat(text.provider()).isEqualTo(SmsGatewaySimulator.TWILIO);
        assertThat(text.to()).isEqualTo(MOBILE);
        assertThat(text.from()).isEqualTo(FROM);
        assertThat(text.noticeId()).isNull();
        assertThat(sms.count()).isEqualTo(1);
    }

    @Test
    void segmentsAreCountedAsTheCarrierSendsThem() {
        assertThat(http.twilio(message(MOBILE, "a".repeat(160))).json().path("num_segments").asText()).isEqualTo("1");
        assertThat(http.twilio(message(MOBILE, "a".repeat(161))).json().path("num_segments").asText()).isEqualTo("2");
        assertThat(http.twilio(message(MOBILE, "{" + "a".repeat(159))).json().path("num_segments").asText()).isEqualTo("2");
        assertThat(http.twilio(message(MOBILE, "Don’t forget" + "a".repeat(60))).json().path("num_segments").asText()).isEqualTo("2");

        assertThat(sms.delivered()).extracting(SmsText::segments).containsExactly(1, 2, 2, 2);
    }

    @Test
    void aMessagingServiceInsteadOfFromIsAccepted() {
        Reply reply = http.twilio(Map.of("To", MOBILE, "MessagingServiceSid", "MG0123456789abcdef0123456789abcdef", "Body", "Ready"));

        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.json().path("from").isNull()).isTrue();
        assertThat(reply.json().path("messaging_service_sid").asText()).startsWith("MG");
        assertThat(reply.json().path("status").asText()).as("as Twilio answers a Messaging Service send").isEqualTo("accepted");
        assertThat(sms.delivered().get(0).from()).isNull();
    }

    @Test
    void badCredentialsOrAnotherAccountGet401Code20003() {
        Reply wrongToken = http.twilio(sms.twilioMessagesUrl(), SmsGatewayHttp.basic(SID, "nope"), message(MOBILE, "x"));
        Reply none = http.twilio(sms.twilioMessagesUrl(), null, message(MOBILE, "x"));
        Reply garbled = http.twilio(sms.twilioMessagesUrl(), "Basic !!!", message(MOBILE, "x"));
        String otherAccount = sms.baseUrl() + "/2010-04-01/Accounts/AC99999999999999999999999999999999/Messages.json";
        Reply elsewhere = http.twilio(otherAccount, SmsGatewayHttp.basic(SID, TOKEN), message(MOBILE, "x"));

        wrongToken.assertTwilioError(401, 20003);
        none.assertTwilioError(401, 20003);
        garbled.assertTwilioError(401, 20003);
        elsewhere.assertTwilioError(401, 20003);
        assertThat(none.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(sms.refusals(SmsRefusal.UNAUTHORIZED)).isEqualTo(4);
        assertThat(sms.count()).isZero();
    }

    @Test
    void eachRefusalHasTwiliosCode() {
        assertThat(http.twilio(message(OPTED_OUT, "x")).assertTwilioError(400, 21610).path("message").asText())
                .isEqualTo("Attempt to send to unsubscribed recipient");
        http.twilio(message("5135550123", "x")).assertTwilioError(400, 21211);
        http.twilio(message("+1 (513) 555-0123", "x")).assertTwilioError(400, 21211);
        assertThat(http.twilio(message(LANDLINE, "x")).assertTwilioError(400, 21614).path("message").asText())
                .isEqualTo("'To' number is not a valid mobile number");
        http.twilio(Map.of("To", MOBILE, "From", FROM)).assertTwilioError(400, 21602);
        http.twilio(message(MOBILE, "")).assertTwilioError(400, 21602);
        http.twilio(Map.of("From", FROM, "Body", "x")).assertTwilioError(400, 21604);
        http.twilio(Map.of("To", MOBILE, "Body", "x")).assertTwilioError(400, 21603);
        http.twilio(message(MOBILE, "x".repeat(1601))).assertTwilioError(400, 21617);
        http.get(sms.twilioMessagesUrl()).assertTwilioError(405, 20004);
        http.twilio(sms.baseUrl() + "/2010-04-01/Accounts/" + SID + "/Calls.json", SmsGatewayHttp.basic(SID, TOKEN), message(MOBILE, "x"))
                .assertTwilioError(404, 20404);
        sms.optOut(MOBILE);
        http.twilio(message(MOBILE, "x")).assertTwilioError(400, 21610);

        SmsStats stats = sms.stats();
        assertThat(stats.accepted()).isZero();
        assertThat(stats.refusals(SmsRefusal.OPTED_OUT)).isEqualTo(2);
        assertThat(stats.refusals(SmsRefusal.INVALID_NUMBER)).isEqualTo(2);
        assertThat(stats.refusals(SmsRefusal.NOT_MOBILE)).isEqualTo(1);
        assertThat(stats.refusals(SmsRefusal.BAD_REQUEST)).isEqualTo(7);
        assertThat(stats.refused()).isEqualTo(stats.requests()).isEqualTo(12);
    }
}
