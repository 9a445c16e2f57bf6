package org.holdshelf.sandbox.alma;

/**
 * Where a simulated item is, as Alma's item record shows it: {@code item_data.base_status} plus
 * {@code item_data.process_type}. Every catalogue item starts {@link #IN_TRANSIT}; the first scan-in
 * moves it to the hold shelf or back into place, later scans change nothing.
 */
public enum ItemState {

    /** On its way to this library: "Item not in place", process type {@code TRANSIT}. */
    IN_TRANSIT("0", "Item not in place", "TRANSIT", "Transit"),

    /**
     * Waiting for the requesting patron: "Item not in place", process type {@code HOLDSHELF}
     * (the value is from Alma's PROCESSTYPE code table; the description "Hold Shelf" is [INF]).
     */
    ON_HOLD_SHELF("0", "Item not in place", "HOLDSHELF", "Hold Shelf"),

    /** Back on the shelf: "Item in place", no process type ({@code value ""}, {@code desc null}). */
    IN_PLACE("1", "Item in place", "", null);

    private final String baseStatusValue;
    private final String baseStatusDesc;
    private final String processTypeValue;
    private final String processTypeDesc;

    ItemState(String baseStatusValue, String baseStatusDesc, String processTypeValue, String processTypeDesc) {
        this.baseStatusValue = baseStatusValue;
        this.baseStatusDesc = baseStatusDesc;
        this.processTypeValue = processTypeValue;
        this.processTypeDesc = processTypeDesc;
    }

    public String baseStatusValue() {
        return baseStatusValue;
    }

    public String baseStatusDesc() {
        return baseStatusDesc;
    }

    public String processTypeValue() {
        return processTypeValue;
    }

    /** {@code null} when the item has no process type, as Alma sends it. */
    public String processTypeDesc() {
        return processTypeDesc;
    }
}
