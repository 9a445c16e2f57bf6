package org.holdshelf.events;

import java.util.List;

/**
 * One pickup notice and what became of it, on {@code holdshelf.notices} keyed by patron id: the
 * audit staff use to answer "I never got a notice". One record per decision and per delivery
 * outcome; a notice that waits and is sent later has more than one, with the same {@code noticeId}.
 * Contact details appear masked only ({@code p***@example.org}).
 *
 * @param noticeId    one patron, one pickup location, one run: {@code <runId>-<location>-<patronId>}
 * @param holdIds     the holds the notice announces (a patron's newly ready holds at that location)
 * @param channel     {@code email} or {@code sms}; absent when no channel could be used
 * @param template    the template used, e.g. {@code email/es}
 * @param destination the masked address or number used
 * @param outcome     SENT, FAILED, NO_CONTACT, SUPPRESSED, WITHDRAWN, DRY_RUN, WAITING
 * @param reason      why, for anything but SENT (and for a SENT that repeats an interrupted send)
 * @param serverReply what the SMTP server or gateway answered
 * @param messageId   the email's Message-ID, derived from the notice id (a bounce finds this record)
 */
public record NoticeEvent(
        String type,
        int schemaVersion,
        String noticeId,
        String runId,
        String source,
        String patronId,
        String pickupLocationCode,
        String pickupLocationName,
        List<String> holdIds,
        String channel,
        String template,
        String language,
        String destination,
        String outcome,
        String reason,
        String serverReply,
        String messageId,
        String at) {

    public NoticeEvent {
        holdIds = holdIds == null ? List.of() : List.copyOf(holdIds);
    }
}
