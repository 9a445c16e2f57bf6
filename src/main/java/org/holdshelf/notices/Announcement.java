package org.holdshelf.notices;

/**
 * What was done about one hold on the shelf, the value of {@code holdshelf.notices.state} keyed by
 * hold id. It lives while the hold is on the shelf: when the hold is no longer among its location's
 * ready holds, the entry is removed (a tombstone), which keeps the state as small as the shelf.
 *
 * @param pickupByDate the hold's pickup-by date when it was decided: a hold that leaves the shelf
 *                     and comes back gets a new one, and is announced again
 * @param status       {@link Status}
 * @param noticeId     the notice that announced it
 */
public record Announcement(String patronId, String location, String pickupByDate, Status status, String noticeId) {

    public enum Status {
        /** Its notice is being sent: found after a crash, the notice is sent again (same Message-ID). */
        SENDING,
        /** Its notice was accepted by the server. */
        ANNOUNCED,
        /** It was decided once and will not be again (no contact, suppressed, refused for good). */
        SETTLED
    }

    /** True when this hold, with this pickup-by date, needs no new notice. */
    public boolean covers(String currentPickupByDate) {
        return status != Status.SENDING && java.util.Objects.equals(pickupByDate, currentPickupByDate);
    }
}
