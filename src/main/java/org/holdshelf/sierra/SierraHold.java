package org.holdshelf.sierra;

import org.holdshelf.events.HoldState;

/**
 * A ready or in-transit hold as read from {@code /patrons/holds}, ids already taken from the URLs.
 *
 * @param holdNumber   the numeric hold id (for de-duplication), or -1 if the id is not numeric
 * @param pickupByDate normalised ISO-8601 UTC instant, or null
 */
public record SierraHold(
        String holdId,
        long holdNumber,
        String patronId,
        String recordType,
        String recordId,
        String statusCode,
        HoldState state,
        String pickupLocationCode,
        String pickupLocationName,
        String pickupByDate,
        String placed) {
}
