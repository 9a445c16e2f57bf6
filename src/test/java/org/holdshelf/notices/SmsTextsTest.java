package org.holdshelf.notices;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.holdshelf.sierra.SierraPatron;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Texts: segments, numbers, what a gateway's answer means, and the sender's one retry policy. */
class SmsTextsTest {

    private static NoticesSettings.Sms sms(String provider) {
        return new NoticesSettings.Sms(provider, "http://gw/sms", null, "http://gw", "AC1", "secret-token", "+15135550100", "US",
                List.of("o", "t", "p"), false, 2, 3, Duration.ofMillis(1), Duration.ofMillis(5));
    }

    @Test
    void shouldCountSegmentsInGsm7AndUcs2() {
        assertThat(SmsSegments.count("a".repeat(160))).isEqualTo(new SmsSegments.Count(true, 160, 1));
        assertThat(SmsSegments.count("a".repeat(161)).segments()).isEqualTo(2);
        assertThat(SmsSegments.count("a".repeat(306)).segments()).isEqualTo(2);
        assertThat(SmsSegments.count("a".repeat(307)).segments()).isEqualTo(3);
        assertThat(SmsSegments.count("€".repeat(80))).as("extension characters take two").isEqualTo(new SmsSegments.Count(true, 160, 1));
        assertThat(SmsSegments.count("{" + "a".repeat(159)).segments()).isEqualTo(2);
        assertThat(SmsSegments.count("It’s ready").gsm7()).as("a curly quote forces UCS-2").isFalse();
        assertThat(SmsSegments.count("’" + "a".repeat(69)).segments()).isEqualTo(1);
        assertThat(SmsSegments.count("’" + "a".repeat(70)).segments()).isEqualTo(2);
        assertThat(SmsSegments.count("’" + "a".repeat(134)).segments()).isEqualTo(3);
        assertThat(SmsSegments.count("Büchér à la Ñ").gsm7()).isTrue();
        assertThat(SmsSegments.count("a".repeat(152) + "€" + "a".repeat(152)))
                .as("an escaped character is never cut between parts: 306 septets in 3 segments")
                .isEqualTo(new SmsSegments.Count(true, 306, 3));
        assertThat(SmsSegments.count("a".repeat(66) + "😀" + "a".repeat(66)).segments())
                .as("nor is a surrogate pair").isEqualTo(3);
        assertThat(SmsSegments.count("está").gsm7()).as("á is not GSM-7").isFalse();
    }

    @Test
    void shouldCutATextThatIsTooLongOnAWordWithinTwoSegments() {
        String longText = "Library: your hold is ready at " + "Very Long Branch Name ".repeat(20);
        String cut = SmsSegments.fit(longText, 2);
        assertThat(SmsSegments.count(cut).segments()).isLessThanOrEqualTo(2);
        assertThat(cut).endsWith("...").startsWith("Library: your hold is ready at Very");
        assertThat(cut.length()).isGreaterThan(290);
        assertThat(SmsSegments.fit("short", 2)).isEqualTo("short");
    }

    @Test
    void shouldNormaliseNumbersAndPreferTheConfiguredTypes() {
        PhoneNumbers numbers = new PhoneNumbers("US", List.of("o", "t"));
        assertThat(numbers.e164("(513) 555-0123")).contains("+15135550123");
        assertThat(numbers.e164("+44 20 7946 0958")).contains("+442079460958");
        assertThat(numbers.e164("555-0123")).isEmpty();
        assertThat(numbers.e164("not a number")).isEmpty();
        assertThat(numbers.choose(List.of(new SierraPatron.Phone("5135550100", "t"), new SierraPatron.Phone("5135550142", "o")))
                .e164()).isEqualTo("+15135550142");
        assertThat(numbers.choose(List.of(new SierraPatron.Phone("5135550100", "p"))).missing())
                .isEqualTo("no valid phone number of type o/t (1 of other types)");
    }

    @Test
    void shouldReadTwilioAnswers() {
        SmsGateway twilio = new SmsGateway(sms("twilio"));
        assertThat(twilio.verdict(new SmsGateway.Reply(201, "{\"sid\":\"SM123\",\"status\":\"queued\"}", null)))
                .isEqualTo(new SmsGateway.Verdict(SmsGateway.Kind.SENT, "201 queued SM123"));
        assertThat(twilio.verdict(new SmsGateway.Reply(400, "{\"code\":21610,\"message\":\"Attempt to send to unsubscribed recipient\"}",
                null)).kind()).isEqualTo(SmsGateway.Kind.OPTED_OUT);
        SmsGateway.Verdict invalid = twilio.verdict(new SmsGateway.Reply(400,
                "{\"code\":21211,\"message\":\"The 'To' number +15135550123 is not a valid phone number.\"}", null));
        assertThat(invalid.kind()).isEqualTo(SmsGateway.Kind.REFUSED);
        assertThat(invalid.said()).contains("code 21211").doesNotContain("5550123");
        assertThat(twilio.verdict(new SmsGateway.Reply(400, "{\"code\":21614}", null)).kind()).isEqualTo(SmsGateway.Kind.REFUSED);
        assertThat(twilio.verdict(new SmsGateway.Reply(429, "{\"code\":20429}", "1")).kind()).isEqualTo(SmsGateway.Kind.RETRY);
        assertThat(twilio.verdict(new SmsGateway.Reply(503, "<html><body>Service Unavailable</body></html>", null)))
                .isEqualTo(new SmsGateway.Verdict(SmsGateway.Kind.RETRY, "HTTP 503: Service Unavailable"));
        assertThat(twilio.verdict(new SmsGateway.Reply(401, "{\"code\":20003}", null)).kind()).isEqualTo(SmsGateway.Kind.CREDENTIALS);
    }

    @Test
    void shouldReadWebhookAnswers() {
        SmsGateway webhook = new SmsGateway(sms("webhook"));
        assertThat(webhook.verdict(new SmsGateway.Reply(202, "{\"id\":\"m1\",\"status\":\"accepted\"}", null)).kind())
                .isEqualTo(SmsGateway.Kind.SENT);
        assertThat(webhook.verdict(new SmsGateway.Reply(204, "", null)).kind()).isEqualTo(SmsGateway.Kind.SENT);
        assertThat(webhook.verdict(new SmsGateway.Reply(409, "{\"error\":\"opted-out\"}", null)).kind())
                .isEqualTo(SmsGateway.Kind.OPTED_OUT);
        assertThat(webhook.verdict(new SmsGateway.Reply(422, "{\"error\":\"invalid-number\",\"message\":\"landline\"}", null)))
                .isEqualTo(new SmsGateway.Verdict(SmsGateway.Kind.REFUSED, "HTTP 422 code invalid-number: landline"));
    }

    /** A gateway that answers from a script, and counts the calls. */
    private static SmsSender sender(NoticesSettings.Sms sms, Deque<Object> script, AtomicInteger calls) {
        return new SmsSender(sms, new SmsGateway(sms), text -> {
            calls.incrementAndGet();
            Object next = script.isEmpty() ? new SmsGateway.Reply(503, "", null) : script.poll();
            if (next instanceof Exception e) {
                throw e;
            }
            return (SmsGateway.Reply) next;
        }, Clock.systemUTC());
    }

    @Test
    void shouldRetryA503StormAndA429ThenSendOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Deque<Object> script = new ArrayDeque<>(List.of(new SmsGateway.Reply(503, "", null),
                new java.io.IOException("Connection reset"), new SmsGateway.Reply(201, "{\"sid\":\"SM1\",\"status\":\"queued\"}", null)));
        try (SmsSender sender = sender(sms("twilio"), script, calls)) {
            Delivery.Result result = sender.send(new SmsGateway.Text("n1", "+15135550142", "hi"));
            assertThat(result.accepted()).isTrue();
            assertThat(calls).hasValue(3);
        }
    }

    @Test
    void shouldAnswerRefusalsAtOnceAndGiveUpOnAGatewayThatStaysDown() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Deque<Object> script = new ArrayDeque<>(List.of(new SmsGateway.Reply(400, "{\"code\":21610}", null),
                new SmsGateway.Reply(400, "{\"code\":21614}", null)));
        try (SmsSender sender = sender(sms("twilio"), script, calls)) {
            assertThat(sender.send(new SmsGateway.Text("n1", "+15135550142", "hi")).outcome()).isEqualTo("OPTED_OUT");
            assertThat(sender.send(new SmsGateway.Text("n2", "+15135550143", "hi")).outcome()).isEqualTo("FAILED");
            assertThat(calls).as("no retry of a refusal").hasValue(2);
            assertThatThrownBy(() -> sender.send(new SmsGateway.Text("n3", "+15135550144", "hi")))
                    .isInstanceOf(SmsSender.SmsUnavailableException.class).hasMessageContaining("after 3 attempts");
            assertThat(calls).hasValue(5);
            assertThatThrownBy(() -> sender.send(new SmsGateway.Text("n4", "+15135550145", "hi")))
                    .as("the gateway counts as down: the next text gives up without a call")
                    .isInstanceOf(SmsSender.SmsUnavailableException.class);
            assertThat(calls).hasValue(5);
        }
    }
}
