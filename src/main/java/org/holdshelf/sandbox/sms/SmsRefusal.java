package org.holdshelf.sandbox.sms;

/**
 * Why the {@link SmsGatewaySimulator} did not accept a request, as counted in {@link SmsStats}; the
 * answer each shape gives is in brackets (webhook; Twilio).
 */
public enum SmsRefusal {
    /** Missing or wrong credentials (401 {@code unauthorized}; 401 code 20003). */
    UNAUTHORIZED,
    /**
     * A request it cannot read: malformed JSON, a missing {@code to} or {@code body}, a body over
     * 1600 characters, a wrong method, path or content type (400, 405, 415; 400 code 21602, 21603,
     * 21604 or 21617, 404 code 20404, 405 code 20004).
     */
    BAD_REQUEST,
    /** A {@code To} that is not an E.164 number (422 {@code invalid-number}; 400 code 21211). */
    INVALID_NUMBER,
    /** A landline, not a mobile (422 {@code invalid-number}; 400 code 21614). */
    NOT_MOBILE,
    /** A number that replied STOP (409 {@code opted-out}; 400 code 21610). */
    OPTED_OUT,
    /** Over {@code requests-per-second} (429 {@code rate-limited}; 429 code 20429), with {@code Retry-After: 1}. */
    RATE_LIMITED,
    /** Answered by {@link SmsGatewaySimulator#failNext(int, int)}. */
    INJECTED_FAULT,
    /** Answered 503 while {@link SmsGatewaySimulator#suspend() suspended}. */
    SUSPENDED
}
