package org.holdshelf.scanin;

/**
 * Alma answered 429 {@code DAILY_THRESHOLD}: the institution's calls for today are used up. Never
 * retried: every call until the quota refills would be refused (and other integrations of the
 * institution share the quota).
 */
public class AlmaQuotaExhaustedException extends AlmaApiException {

    public AlmaQuotaExhaustedException(String message, AlmaError error) {
        super(message, 429, error, false);
    }
}
