package org.holdshelf.notices;

import java.util.Objects;

/**
 * What was done about one hold on the shelf, the value of {@code holdshelf.notices.state} keyed by
 * hold id. It lives while the hold is on the shelf: when the hold is no longer among its location's
 * ready holds, the entry is removed (a tombstone), which keeps the state as small as the shelf.
 *
 * @param pickupByDate the hold's pickup-by date when it was decided: a hold that leaves the shelf
 *                     and comes back gets a new one, and is announced again
 * @param status       {@link Status}
 * @param noticeId     the notice that announced it (or announces it when it waits)
 * @param runId        the run whose notice it is; with the next three, what a waiting notice needs
 *                     to be sent later (set while it waits, else may be null)
 * @param source       the hold's source ({@code sierra}, {@code hoopla})
 * @param locationName the pickup location's name
 * @param title        the hold's title, when known (never a Hoopla title: Hoopla's terms forbid keeping them)
 */
public record Announcement(String patronId, String location, String pickupByDate, Status status, String noticeId,
                           String runId, String source, String locationName, String title) {

    public Announcement(String patronId, String location, String pickupByDate, Status status, String noticeId) {
        this(patronId, location, pickupByDate, status, noticeId, null, null, null, null);
    }

    public enum Status {
        /** Its notice is being sent: found after a crash, the notice is sent again (same Message-ID). */
        SENDING,
        /** Its notice was accepted by the server. */
        ANNOUNCED,
        /** It was decided once and will not be again (no contact, suppressed, refused for good). */
        SETTLED,
        /** Its notice waits for the send window or for the SMS gateway; sent later without the holds that left. */
        WAITING,
        /** Announced, and its reminder is being sent: found after a crash, the reminder is sent again. */
        REMINDING,
        /** Announced and reminded: nothing more. */
        REMINDED
    }

    /** True when this hold, with this pickup-by date, needs no new notice (a waiting one is released, not decided again). */
    public boolean covers(String currentPickupByDate) {
        return status != Status.SENDING && Objects.equals(pickupByDate, currentPickupByDate);
    }

    /** The same hold in another status (and notice). */
    Announcement with(Status next, String nextNoticeId) {
        return new Announcement(patronId, location, pickupByDate, next, nextNoticeId, runId, source, locationName, title);
    }
}
