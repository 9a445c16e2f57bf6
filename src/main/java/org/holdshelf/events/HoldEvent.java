package org.holdshelf.events;

/**
 * One ready or in-transit hold on {@code holdshelf.entries}, keyed by pickup location code.
 * Field names are the public contract (spec 4.3, {@code docs/asyncapi.yaml}).
 *
 * @param pickupByDate ISO-8601 UTC instant ({@code 2024-05-17T08:00:00Z}); present for ready holds
 * @param placed       the date the hold was placed ({@code YYYY-MM-DD}), when Sierra gives it
 * @param itemBarcode  for item-level holds whose item has a barcode
 * @param title        the bib title, when the bib could be looked up
 */
public record HoldEvent(
        String type,
        int schemaVersion,
        String runId,
        String source,
        String holdId,
        HoldState state,
        String statusCode,
        String patronId,
        String recordType,
        String recordId,
        String pickupLocationCode,
        String pickupLocationName,
        String pickupByDate,
        String placed,
        String itemBarcode,
        String title) {

    public static final String SOURCE_SIERRA = "sierra";
    public static final String SOURCE_HOOPLA = "hoopla";
}
