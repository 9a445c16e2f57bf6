package org.holdshelf.scanin;

/**
 * A scan-in POST got no clear answer (timeout, 5xx, interruption) and reading the item did not
 * settle whether the scan happened. Sending it again could scan the item twice, so the caller must
 * keep the barcode marked in flight and check the item again before any new scan.
 * The cause is the failure of that check, e.g. an {@link AlmaQuotaExhaustedException}.
 */
public class AlmaScanUncertainException extends AlmaApiException {

    public AlmaScanUncertainException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, null, true, cause);
    }
}
