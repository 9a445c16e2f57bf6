package org.holdshelf.scanin;

/**
 * The first error of Alma's error envelope ({@code errorList.error[0]}, JSON or XML).
 *
 * @param errorCode  a string: numeric such as {@code 401689} or symbolic such as {@code PER_SECOND_THRESHOLD}
 * @param trackingId Alma's reference for support cases; may be null
 */
public record AlmaError(String errorCode, String errorMessage, String trackingId) {

    public static final String DAILY_THRESHOLD = "DAILY_THRESHOLD";
    /** No item has that barcode. */
    public static final String NO_ITEM_FOR_BARCODE = "401689";

    @Override
    public String toString() {
        return errorCode + " " + errorMessage;
    }
}
