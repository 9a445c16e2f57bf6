package org.holdshelf.harvest;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraHold;
import org.holdshelf.sierra.SierraItem;

/**
 * Adds item barcodes and titles to a page of holds with batched id lookups: one {@code /items}
 * call for the page's item-level holds, one {@code /bibs} call for the titles not already known.
 * Titles are cached (bounded, least recently used first out) because popular titles recur on
 * every page. Volume-level holds point at no readable record, so they carry neither.
 */
public final class HoldEnricher {

    private final SierraClient sierra;
    private final Map<String, String> titleCache;

    public HoldEnricher(SierraClient sierra, int titleCacheSize) {
        this.sierra = sierra;
        this.titleCache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > titleCacheSize;
            }
        });
    }

    public List<HoldEvent> enrich(String runId, List<SierraHold> holds) {
        Set<String> itemIds = new LinkedHashSet<>();
        for (SierraHold h : holds) {
            if ("i".equals(h.recordType()) && h.recordId() != null) {
                itemIds.add(h.recordId());
            }
        }
        Map<String, SierraItem> items = itemIds.isEmpty() ? Map.of() : sierra.items(itemIds);

        Map<String, String> titles = new HashMap<>();
        Set<String> missingBibs = new LinkedHashSet<>();
        for (SierraHold h : holds) {
            String bibId = bibIdOf(h, items);
            if (bibId != null && !titles.containsKey(bibId)) {
                String cached = titleCache.get(bibId);
                if (cached != null) {
                    titles.put(bibId, cached);
                } else {
                    missingBibs.add(bibId);
                }
            }
        }
        if (!missingBibs.isEmpty()) {
            Map<String, String> fetched = sierra.titles(missingBibs);
            titles.putAll(fetched);
            titleCache.putAll(fetched);
        }

        return holds.stream().map(h -> {
            SierraItem item = "i".equals(h.recordType()) ? items.get(h.recordId()) : null;
            String bibId = bibIdOf(h, items);
            return new HoldEvent(EventTypes.HOLD, EventTypes.SCHEMA_VERSION, runId, HoldEvent.SOURCE_SIERRA,
                    h.holdId(), h.state(), h.statusCode(), h.patronId(), h.recordType(), h.recordId(),
                    h.pickupLocationCode(), h.pickupLocationName(), h.pickupByDate(), h.placed(),
                    item == null ? null : item.barcode(), bibId == null ? null : titles.get(bibId));
        }).toList();
    }

    private static String bibIdOf(SierraHold h, Map<String, SierraItem> items) {
        return switch (h.recordType() == null ? "" : h.recordType()) {
            case "b" -> h.recordId();
            case "i" -> {
                SierraItem item = items.get(h.recordId());
                yield item == null ? null : item.bibId();
            }
            default -> null;
        };
    }
}
