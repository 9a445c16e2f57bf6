package org.holdshelf.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SimHold;
import org.holdshelf.sandbox.sierra.SimItem;

/**
 * What the pipeline should publish for a generated data set, computed straight from the data set
 * (not from anything the pipeline does): every ready or in-transit hold, with its barcode and title.
 */
public final class Expected {

    private Expected() {
    }

    /** Expected hold events by hold id, in Sierra's order, for a run id. */
    public static Map<String, HoldEvent> holdEvents(HoldsDataSet data, String runId) {
        Map<String, HoldEvent> expected = new LinkedHashMap<>();
        data.holds().filter(h -> h.isReady() || h.isInTransit()).forEach(h -> {
            String barcode = null;
            Long bibId = null;
            if (h.recordType().equals("i")) {
                SimItem item = data.item(h.recordId()).orElseThrow();
                barcode = item.barcode();
                bibId = item.bibId();
            } else if (h.recordType().equals("b")) {
                bibId = h.recordId();
            }
            String title = bibId == null ? null : data.bib(bibId).orElseThrow().title();
            expected.put(String.valueOf(h.holdId()), new HoldEvent(EventTypes.HOLD, 1, runId, "sierra",
                    String.valueOf(h.holdId()), h.isReady() ? HoldState.READY : HoldState.IN_TRANSIT, h.statusCode(),
                    String.valueOf(h.patronId()), h.recordType(), String.valueOf(h.recordId()), h.pickupLocationCode(),
                    h.pickupLocationName(), h.pickupByDate(), h.placed(), barcode, title));
        });
        return expected;
    }

    public static boolean published(SimHold h) {
        return h.isReady() || h.isInTransit();
    }
}
