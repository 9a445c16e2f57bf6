package org.holdshelf.sierra;

/** The parts of a Sierra item record the pipeline uses. {@code barcode} and {@code bibId} may be null. */
public record SierraItem(String id, String barcode, String bibId) {
}
