package org.holdshelf.sandbox.alma;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The items the simulated institution owns, one bib with one holding with one item per barcode.
 *
 * <p>Ids look like Alma's: a type prefix ({@code 99} bib, {@code 22} holding, {@code 23} item), a
 * number and the institution suffix {@value #INSTITUTION_SUFFIX}. The number is a hash of the
 * barcode, so a barcode keeps its ids from run to run; the rare hash collision is resolved by taking
 * the next free number in barcode order, which keeps the ids unique and still deterministic for a
 * given set of barcodes. Lookups both ways (barcode to ids, ids to barcode) are binary searches over
 * primitive arrays, so a million items stay cheap in memory.
 *
 * <p>Thread-safe: the ids are immutable, state and scan counts are atomic per item.
 */
final class AlmaCatalogue {

    /** Last digits of every id, as Alma's ids end in the institution's code. */
    static final String INSTITUTION_SUFFIX = "6421";

    private static final String BIB_PREFIX = "99";
    private static final String HOLDING_PREFIX = "22";
    private static final String ITEM_PREFIX = "23";
    private static final long NUMBER_SPACE = 100_000_000_000L;
    private static final ItemState[] STATES = ItemState.values();

    private final int holdShelfPercent;
    /** Known barcodes in ascending order; an item's index is its position here. */
    private final String[] barcodes;
    /** Id number of each item, by index. */
    private final long[] numbers;
    /** All id numbers in ascending order, and the index of the item that owns each. */
    private final long[] sortedNumbers;
    private final int[] indexBySortedNumber;
    private final AtomicIntegerArray states;
    private final AtomicIntegerArray scans;

    /** What one scan-in did to an item. */
    record ScanTransition(ItemState before, ItemState after) {
    }

    AlmaCatalogue(Collection<String> knownBarcodes, int holdShelfPercent) {
        this.holdShelfPercent = holdShelfPercent;
        TreeSet<String> unique = new TreeSet<>();
        for (String barcode : knownBarcodes) {
            if (barcode == null || barcode.isBlank()) {
                throw new IllegalArgumentException("A catalogue barcode must not be blank");
            }
            unique.add(barcode);
        }
        barcodes = unique.toArray(String[]::new);
        int size = barcodes.length;

        Integer[] byHash = new Integer[size];
        long[] hashes = new long[size];
        for (int i = 0; i < size; i++) {
            byHash[i] = i;
            hashes[i] = Math.floorMod(hash(barcodes[i]), NUMBER_SPACE);
        }
        Arrays.sort(byHash, Comparator.<Integer>comparingLong(i -> hashes[i]).thenComparingInt(i -> i));

        numbers = new long[size];
        sortedNumbers = new long[size];
        indexBySortedNumber = new int[size];
        for (int rank = 0; rank < size; rank++) {
            int index = byHash[rank];
            long number = rank == 0 ? hashes[index] : Math.max(hashes[index], sortedNumbers[rank - 1] + 1);
            numbers[index] = number;
            sortedNumbers[rank] = number;
            indexBySortedNumber[rank] = index;
        }
        states = new AtomicIntegerArray(size);
        scans = new AtomicIntegerArray(size);
        reset();
    }

    int size() {
        return barcodes.length;
    }

    OptionalInt indexOfBarcode(String barcode) {
        int position = Arrays.binarySearch(barcodes, barcode);
        return position < 0 ? OptionalInt.empty() : OptionalInt.of(position);
    }

    /** The item whose bib has this MMS id; empty when the id is not one of ours. */
    OptionalInt indexOfMmsId(String mmsId) {
        return indexOfId(BIB_PREFIX, mmsId);
    }

    /** The item with this pid; empty when the pid is not one of ours. */
    OptionalInt indexOfItemPid(String itemPid) {
        return indexOfId(ITEM_PREFIX, itemPid);
    }

    private OptionalInt indexOfId(String prefix, String id) {
        if (!id.startsWith(prefix) || !id.endsWith(INSTITUTION_SUFFIX)
                || id.length() <= prefix.length() + INSTITUTION_SUFFIX.length()) {
            return OptionalInt.empty();
        }
        long number;
        try {
            number = Long.parseLong(id.substring(prefix.length(), id.length() - INSTITUTION_SUFFIX.length()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
        int rank = Arrays.binarySearch(sortedNumbers, number);
        if (rank < 0 || !id.equals(prefix + digits(number) + INSTITUTION_SUFFIX)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(indexBySortedNumber[rank]);
    }

    String barcode(int index) {
        return barcodes[index];
    }

    AlmaItemIds ids(int index) {
        String number = digits(numbers[index]);
        return new AlmaItemIds(
                BIB_PREFIX + number + INSTITUTION_SUFFIX,
                HOLDING_PREFIX + number + INSTITUTION_SUFFIX,
                ITEM_PREFIX + number + INSTITUTION_SUFFIX);
    }

    ItemProfile profile(int index) {
        return ItemProfile.of(numbers[index], holdShelfPercent);
    }

    ItemState state(int index) {
        return STATES[states.get(index)];
    }

    int scanCount(int index) {
        return scans.get(index);
    }

    /**
     * Scans the item in: an item in transit goes where its profile says (hold shelf or back in
     * place); an item that already arrived stays where it is. Either way the scan is counted.
     */
    ScanTransition scan(int index) {
        int arrived = (profile(index).holdShelfBound() ? ItemState.ON_HOLD_SHELF : ItemState.IN_PLACE).ordinal();
        int before = states.getAndUpdate(index, s -> s == ItemState.IN_TRANSIT.ordinal() ? arrived : s);
        scans.incrementAndGet(index);
        return new ScanTransition(STATES[before], before == ItemState.IN_TRANSIT.ordinal() ? STATES[arrived] : STATES[before]);
    }

    /** Barcode to number of scans, for the items scanned at least once, in barcode order. */
    Map<String, Integer> scanCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < barcodes.length; i++) {
            int count = scans.get(i);
            if (count > 0) {
                counts.put(barcodes[i], count);
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    /** Every item back in transit, no scans counted. */
    void reset() {
        for (int i = 0; i < barcodes.length; i++) {
            states.set(i, ItemState.IN_TRANSIT.ordinal());
            scans.set(i, 0);
        }
    }

    /** The number zero-padded to 11 digits (longer only after collisions at the very top of the range). */
    private static String digits(long number) {
        String plain = Long.toString(number);
        return "0".repeat(Math.max(0, 11 - plain.length())) + plain;
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, then mixed: wide enough that collisions stay rare at a million barcodes. */
    private static long hash(String barcode) {
        long h = 0xcbf29ce484222325L;
        for (byte b : barcode.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return ItemProfile.mix(h, 0);
    }
}
