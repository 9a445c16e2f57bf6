package org.holdshelf.sandbox.sms;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of what the {@link SmsGatewaySimulator} has seen since it was created or
 * {@link SmsGatewaySimulator#reset() reset}.
 *
 * @param requests   every request to either shape, refused ones included
 * @param accepted   texts accepted (202 webhook, 201 Twilio); a repeated {@code noticeId} is not one
 * @param duplicates webhook requests answered 200 {@code "duplicate": true} for a {@code noticeId} already accepted
 * @param refusals   requests refused, by reason (only reasons that occurred)
 */
public record SmsStats(long requests, long accepted, long duplicates, Map<SmsRefusal, Long> refusals) {

    public SmsStats {
        EnumMap<SmsRefusal, Long> sorted = new EnumMap<>(SmsRefusal.class);
        sorted.putAll(refusals);
        refusals = Collections.unmodifiableMap(sorted);
    }

    /** Requests refused for this reason, 0 when there were none. */
    public long refusals(SmsRefusal reason) {
        return refusals.getOrDefault(reason, 0L);
    }

    /** Requests refused for any reason. */
    public long refused() {
        return refusals.values().stream().mapToLong(Long::longValue).sum();
    }
}
