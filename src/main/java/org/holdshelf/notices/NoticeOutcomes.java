package org.holdshelf.notices;

/** The outcomes a notice can have on {@code holdshelf.notices} and in {@code notices.csv}. */
final class NoticeOutcomes {

    /** The server accepted it. */
    static final String SENT = "SENT";
    /** The server refused it for good (the reason and its answer say why). */
    static final String FAILED = "FAILED";
    /** No usable address on any channel in use, or no patron record. */
    static final String NO_CONTACT = "NO_CONTACT";
    /** The patron asked for no notices. */
    static final String SUPPRESSED = "SUPPRESSED";
    /** The number opted out of texts (Twilio 21610): never texted again, no call made after the first refusal. */
    static final String OPTED_OUT = "OPTED_OUT";
    /** Its holds all left the shelf while it waited (quiet hours, an outage): not sent. */
    static final String WITHDRAWN = "WITHDRAWN";
    /** Waiting for the send window to open, or for the SMS gateway to be back; sent later, or WITHDRAWN. */
    static final String WAITING = "WAITING";
    /** Decided and rendered, not sent: dry run. */
    static final String DRY_RUN = "DRY_RUN";

    private NoticeOutcomes() {
    }
}
