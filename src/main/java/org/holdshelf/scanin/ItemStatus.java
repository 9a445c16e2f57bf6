package org.holdshelf.scanin;

/**
 * Where an item stands in Alma: {@code item_data.base_status.value} ({@code 1} in place, {@code 0}
 * not) and {@code item_data.process_type.value} ({@code TRANSIT}, {@code HOLDSHELF}, empty...).
 */
public record ItemStatus(String barcode, String baseStatus, String processType) {

    /** Still on its way: the process type is {@code TRANSIT} (or {@code TRANSIT_TO_REMOTE_STORAGE}). */
    public boolean inTransit() {
        return processType != null && processType.startsWith("TRANSIT");
    }
}
