package org.holdshelf.scanin;

import java.util.ArrayList;
import java.util.List;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;

/** In-transit hold events as the harvest publishes them. */
final class TestHolds {

    private TestHolds() {
    }

    static HoldEvent inTransit(String runId, String holdId, String barcode) {
        return new HoldEvent(EventTypes.HOLD, EventTypes.SCHEMA_VERSION, runId, HoldEvent.SOURCE_SIERRA, holdId,
                HoldState.IN_TRANSIT, "t", "1000" + holdId, "i", "i" + holdId, "mo", "Mountain View", null, "2026-11-01",
                barcode, "Moby Dick");
    }

    /** A bib-level hold: no item, so no barcode. */
    static HoldEvent bibLevel(String runId, String holdId) {
        return new HoldEvent(EventTypes.HOLD, EventTypes.SCHEMA_VERSION, runId, HoldEvent.SOURCE_SIERRA, holdId,
                HoldState.IN_TRANSIT, "t", "1000" + holdId, "b", "b" + holdId, "mo", "Mountain View", null, "2026-11-01",
                null, "Moby Dick");
    }

    /** {@code count} distinct barcodes starting at {@code first}, 14 digits like a library's. */
    static List<String> barcodes(long first, int count) {
        List<String> barcodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            barcodes.add(Long.toString(31234000000000L + first + i));
        }
        return barcodes;
    }

    static List<HoldEvent> forBarcodes(String runId, List<String> barcodes) {
        List<HoldEvent> holds = new ArrayList<>();
        for (String barcode : barcodes) {
            holds.add(inTransit(runId, "h" + barcode, barcode));
        }
        return holds;
    }
}
