package org.holdshelf.sandbox.sierra;

/**
 * One generated item record, as served on {@code /items}.
 *
 * @param id            item record number
 * @param barcode       {@link HoldsDataSet#itemBarcode(long)}, or null for the few items without one
 * @param bibId         the one bib this item belongs to
 * @param statusCode    Sierra item status: {@code !} on holdshelf, {@code t} in transit,
 *                      {@code -} available (checked out when {@code dueDate} is set), {@code m} missing
 * @param statusDisplay the status text
 * @param dueDate       UTC date-time when checked out, else null
 * @param location      shelving location
 * @param callNumber    shelf mark
 * @param createdDate   UTC date-time
 * @param updatedDate   UTC date-time
 */
public record SimItem(
        long id,
        String barcode,
        long bibId,
        String statusCode,
        String statusDisplay,
        String dueDate,
        SimLocation location,
        String callNumber,
        String createdDate,
        String updatedDate) {
}
