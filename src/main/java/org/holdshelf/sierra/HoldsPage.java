package org.holdshelf.sierra;

import java.util.List;

/**
 * One page of {@code /patrons/holds}.
 *
 * @param entryCount    every entry on the page, published or not: a page shorter than the limit is the last
 * @param reportedTotal Sierra's {@code total}; informative only (its meaning varies between servers)
 * @param holds         the ready and in-transit holds on the page, in page order
 * @param endOfData     Sierra answered 404 code 107: nothing at or past this offset
 */
public record HoldsPage(long offset, int entryCount, Long reportedTotal, List<SierraHold> holds,
                        List<RejectedHold> rejected, boolean endOfData) {

    public static HoldsPage end(long offset) {
        return new HoldsPage(offset, 0, null, List.of(), List.of(), true);
    }

    /** True when no page after this one can have entries. */
    public boolean isLast(int limit) {
        return endOfData || entryCount < limit;
    }
}
