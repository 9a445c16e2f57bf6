package org.holdshelf.sandbox.sms;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One text the {@link SmsGatewaySimulator} accepted.
 *
 * @param id           the id it answered: the webhook's {@code id}, or Twilio's {@code sid} ({@code SM} and 32 hex digits)
 * @param provider     {@link SmsGatewaySimulator#WEBHOOK} or {@link SmsGatewaySimulator#TWILIO}
 * @param to           the recipient, E.164
 * @param from         Twilio's {@code From} (null when only a {@code MessagingServiceSid} was given), the
 *                     webhook's optional {@code from} (usually null)
 * @param body         the text as received
 * @param noticeId     the webhook's {@code noticeId} (null when absent, and always for Twilio)
 * @param segments     the segments it takes ({@link SegmentCount})
 * @param arrived      when its request arrived (wall clock)
 * @param arrivedNanos when its request arrived ({@link System#nanoTime()}), comparable with
 *                     {@link SmsGatewaySimulator#arrivals()}
 */
public record SmsText(String id, String provider, String to, String from, String body, String noticeId, int segments,
                      Instant arrived, long arrivedNanos) {

    /** The JSON line written to the {@code message-dir} file. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("provider", provider);
        m.put("to", to);
        m.put("from", from);
        m.put("body", body);
        m.put("noticeId", noticeId);
        m.put("segments", segments);
        m.put("arrived", arrived.toString());
        return m;
    }

    /** Identifies the text without its number or body: contact details stay out of logs and reports. */
    @Override
    public String toString() {
        return "SmsText[" + id + ", " + provider + ", notice " + noticeId + ", " + segments + " segment(s), arrived " + arrived + "]";
    }
}
