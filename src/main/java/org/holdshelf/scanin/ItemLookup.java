package org.holdshelf.scanin;

/**
 * What a barcode lookup found: the item's ids, or Alma's "no item has that barcode" error (401689)
 * with its message. Other errors are exceptions, as they say nothing about the barcode.
 */
public record ItemLookup(ItemIds ids, AlmaError notFound) {

    public static ItemLookup found(ItemIds ids) {
        return new ItemLookup(ids, null);
    }

    public static ItemLookup notFound(AlmaError error) {
        return new ItemLookup(null, error);
    }

    public boolean isFound() {
        return ids != null;
    }
}
