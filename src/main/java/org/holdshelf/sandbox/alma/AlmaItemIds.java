package org.holdshelf.sandbox.alma;

/**
 * The three ids that address an item in Alma's API:
 * {@code /bibs/{mmsId}/holdings/{holdingId}/items/{itemPid}}.
 */
public record AlmaItemIds(String mmsId, String holdingId, String itemPid) {

    /** The item's path below the API base, {@code /bibs/…/holdings/…/items/…}. */
    public String itemPath() {
        return "/bibs/" + mmsId + "/holdings/" + holdingId + "/items/" + itemPid;
    }
}
