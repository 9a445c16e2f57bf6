package org.holdshelf.scanin;

/**
 * The three ids that address an item in Alma's API, {@code /bibs/{mmsId}/holdings/{holdingId}/items/{itemPid}};
 * the scan-in endpoint takes these, not the barcode.
 */
public record ItemIds(String mmsId, String holdingId, String itemPid) {

    /** The item's path below the API base. */
    public String path() {
        return "/bibs/" + mmsId + "/holdings/" + holdingId + "/items/" + itemPid;
    }
}
