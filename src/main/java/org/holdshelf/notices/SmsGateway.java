package org.holdshelf.notices;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.holdshelf.events.Json;

/**
 * The two steps of {@code routes/sms.camel.yaml} around its camel-http call: {@link #request}
 * turns a {@link Text} into the provider's request (webhook: JSON {@code {"to","body","noticeId"}}
 * with a bearer token when configured; twilio: the Messages API form with basic auth), and
 * {@link #answer} turns whatever came back into a {@link Reply}, which {@link #verdict} reads.
 * No header of the pipeline's reaches the gateway but the ones set here.
 */
final class SmsGateway {

    /** One text to post. {@code to} is in E.164. */
    record Text(String noticeId, String to, String body) {

        /** Never print the number or the body by accident. */
        @Override
        public String toString() {
            return "Text[" + noticeId + "]";
        }
    }

    /** The HTTP answer: status, body (as text) and its Retry-After header, if any. */
    record Reply(int status, String body, String retryAfter) {
    }

    /** What a reply means. */
    enum Kind {
        /** Accepted. */
        SENT,
        /** The number opted out: never again. */
        OPTED_OUT,
        /** Refused for good (a bad or landline number, a bad request). */
        REFUSED,
        /** Ask again after a backoff (429, 5xx). */
        RETRY,
        /** The gateway refuses the pipeline's credentials: nothing gets through until an operator fixes them. */
        CREDENTIALS
    }

    /** A reply read: what it means, and what the gateway said (for the audit; numbers masked). */
    record Verdict(Kind kind, String said) {
    }

    private final NoticesSettings.Sms sms;

    SmsGateway(NoticesSettings.Sms sms) {
        this.sms = sms;
    }

    /** Route step: the exchange's {@link Text} body becomes the provider's POST. */
    public void request(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        Text text = exchange.getMessage().getMandatoryBody(Text.class);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_METHOD, "POST");
        if (sms.twilio()) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("To", text.to());
            form.put(sms.from().startsWith("MG") ? "MessagingServiceSid" : "From", sms.from());
            form.put("Body", text.body());
            StringBuilder body = new StringBuilder();
            form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            out.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8");
            out.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (sms.accountSid() + ":" + sms.authToken()).getBytes(StandardCharsets.UTF_8)));
            out.setBody(body.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            Map<String, String> json = new LinkedHashMap<>();
            json.put("to", text.to());
            json.put("body", text.body());
            json.put("noticeId", text.noticeId());
            out.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
            if (sms.webhookToken() != null) {
                out.setHeader("Authorization", "Bearer " + sms.webhookToken());
            }
            out.setBody(Json.toBytes(json));
        }
    }

    /** Route step: the HTTP answer becomes a {@link Reply} (camel-http does not throw on a status: the verdict decides). */
    public Reply answer(Exchange exchange) {
        Message in = exchange.getMessage();
        Integer status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = in.getBody(String.class);
        Reply reply = new Reply(status == null ? 0 : status, body == null ? "" : body, in.getHeader("Retry-After", String.class));
        in.removeHeaders("*");
        return reply;
    }

    /** What a reply means, by provider: Twilio's {@code code} (api-facts 7.3) or the webhook's {@code error}. */
    Verdict verdict(Reply reply) {
        int status = reply.status();
        JsonNode json = parse(reply.body());
        if (status >= 200 && status < 300) {
            String id = json == null ? null : text(json, sms.twilio() ? "sid" : "id");
            String state = json == null ? null : text(json, "status");
            return new Verdict(Kind.SENT, status + (state == null ? "" : " " + state) + (id == null ? "" : " " + id));
        }
        String code = json == null ? null : text(json, sms.twilio() ? "code" : "error");
        String message = json == null ? null : text(json, "message");
        String said = "HTTP " + status + (code == null ? "" : " code " + code) + (message == null ? "" : ": " + maskNumbers(message))
                + (json == null && !reply.body().isBlank() ? ": " + summary(reply.body()) : "");
        if (status == 401 || status == 403 || "20003".equals(code)) {
            return new Verdict(Kind.CREDENTIALS, said);
        }
        if (status == 429 || status >= 500 || "20429".equals(code) || status == 0) {
            return new Verdict(Kind.RETRY, said);
        }
        if ("21610".equals(code) || "opted-out".equals(code)) {
            return new Verdict(Kind.OPTED_OUT, said);
        }
        return new Verdict(Kind.REFUSED, said);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank() || !body.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    /** A gateway's error page, shortened to one line for the audit. */
    private static String summary(String body) {
        String flat = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return maskNumbers(flat.length() > 120 ? flat.substring(0, 120) + "..." : flat);
    }

    /** Gateways repeat the number in their messages: never into the audit or the logs. */
    static String maskNumbers(String text) {
        return text.replaceAll("\\+?\\d[\\d\\s().-]{6,}\\d", "***");
    }
}
