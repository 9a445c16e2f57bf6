package org.holdshelf.sandbox.sierra;

/**
 * One generated hold, as the simulator serves it on {@code /patrons/holds}. Optional values are
 * {@code null} here and absent from the JSON.
 *
 * @param holdId             numeric hold id (last segment of the hold's {@code id} URL)
 * @param patronId           patron record number
 * @param recordType         {@code i} (item), {@code b} (bib) or {@code j} (volume)
 * @param recordId           id of the held item, bib or volume, per {@code recordType}
 * @param statusCode         {@code 0} on hold, {@code b}/{@code i}/{@code j} ready for pickup,
 *                           {@code t} in transit, {@code m} missing
 * @param pickupLocation     where the patron collects the item
 * @param placed             {@code YYYY-MM-DD}
 * @param notNeededAfterDate {@code YYYY-MM-DD}, or null when the patron gave none
 * @param pickupByDate       UTC date-time such as {@code 2026-11-27T05:00:00Z}; only for ready holds
 * @param frozen             whether the patron froze the hold
 * @param priority           place in the queue (1 is next)
 */
public record SimHold(
        long holdId,
        long patronId,
        String recordType,
        long recordId,
        String statusCode,
        SimLocation pickupLocation,
        String placed,
        String notNeededAfterDate,
        String pickupByDate,
        boolean frozen,
        int priority) {

    public static final String ON_HOLD = "0";
    public static final String IN_TRANSIT = "t";
    public static final String MISSING = "m";

    /** On the holdshelf: the status code is the record type ({@code b}, {@code i} or {@code j}). */
    public boolean isReady() {
        return statusCode.equals(recordType);
    }

    public boolean isInTransit() {
        return IN_TRANSIT.equals(statusCode);
    }

    public String pickupLocationCode() {
        return pickupLocation.code();
    }

    public String pickupLocationName() {
        return pickupLocation.name();
    }

    /** The III status text for the code; clients must match on the code, never on this text. */
    public String statusName() {
        return switch (statusCode) {
            case "b" -> "Bib hold ready for pickup.";
            case "i" -> "Item hold ready for pickup.";
            case "j" -> "Volume hold ready for pickup.";
            case IN_TRANSIT -> "Bib, item, or volume in transit to pickup location.";
            case MISSING -> "Missing.";
            default -> "On hold.";
        };
    }

    /** The API path segment of the held record: {@code items}, {@code bibs} or {@code volumes}. */
    public String recordEndpoint() {
        return switch (recordType) {
            case "i" -> "items";
            case "b" -> "bibs";
            default -> "volumes";
        };
    }
}
