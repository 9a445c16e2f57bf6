package org.holdshelf.sandbox.hoopla;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One hold as {@code GET .../holds/current} serves it (api-facts 4.3), with Hoopla's field names:
 * {@code status} {@value #RESERVED} (the title is held for the patron, who may borrow it until
 * {@code reserveUntil}) or {@value #WAITING} (in the queue at {@code holdsQueuePosition});
 * {@code inserted} and {@code reserveUntil} in unix seconds. {@code reserveUntil} is served only
 * when set: null on every {@code WAITING} hold, and on a {@code RESERVED} one only as bad input
 * (the {@code missing-reserve-until-percent} knob). The record takes what it is given, so a test can
 * build any hold, odd ones included.
 *
 * @param contentId          Hoopla's title id
 * @param kind               {@code EBOOK}, {@code AUDIOBOOK}, {@code COMIC}, {@code MOVIE}, ...
 * @param holdsQueuePosition 1 for the generated {@code RESERVED} holds (the source is silent on it)
 * @param inserted           when the hold was placed, unix seconds
 * @param reserveUntil       unix seconds, or null: not served
 */
public record HooplaHold(long contentId, String title, String kind, int holdsQueuePosition, long inserted, Long reserveUntil,
                         String status) {

    public static final String RESERVED = "RESERVED";
    public static final String WAITING = "WAITING";

    public HooplaHold {
        if (title == null || kind == null || status == null) {
            throw new IllegalArgumentException("a Hoopla hold needs a title, a kind and a status");
        }
    }

    /** A hold ready to borrow until {@code reserveUntil} (unix seconds; null: served without it). */
    public static HooplaHold reserved(long contentId, String title, String kind, long inserted, Long reserveUntil) {
        return new HooplaHold(contentId, title, kind, 1, inserted, reserveUntil, RESERVED);
    }

    /** A hold still in the queue, at {@code position}. */
    public static HooplaHold waiting(long contentId, String title, String kind, int position, long inserted) {
        return new HooplaHold(contentId, title, kind, position, inserted, null, WAITING);
    }

    public boolean isReserved() {
        return RESERVED.equals(status);
    }

    /** The JSON object, in the order of Hoopla's example; {@code reserveUntil} only when set. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("contentId", contentId);
        m.put("title", title);
        m.put("inserted", inserted);
        if (reserveUntil != null) {
            m.put("reserveUntil", reserveUntil);
        }
        m.put("url", "https://www.hoopladigital.com/title/" + contentId);
        m.put("coverImageUrl", "https://cover.hoopladigital.com/sandbox_" + contentId + "_270.jpeg");
        m.put("kind", kind);
        m.put("holdsQueuePosition", holdsQueuePosition);
        return m;
    }
}
