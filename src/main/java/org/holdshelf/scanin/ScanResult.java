package org.holdshelf.scanin;

/**
 * A successful scan-in.
 *
 * @param additionalInfo Alma's {@code additional_info}, e.g. "Item's destination is: On Hold Shelf. ...";
 *                       null when the scan was {@code reconciled}
 * @param processType    the item's process type after the scan ({@code HOLDSHELF}, empty when in place...)
 * @param reconciled     the POST got no clear answer (timeout, 5xx), and a read of the item showed it is
 *                       no longer in transit: the scan happened, and was not sent again
 */
public record ScanResult(String additionalInfo, String processType, boolean reconciled) {
}
