package org.holdshelf.harvest;

/**
 * A set of positive hold numbers in open addressing over a {@code long[]}: about 16 bytes per
 * hold instead of ~60 for a {@code HashSet<Long>}, so de-duplicating a run of millions of
 * holds stays small and garbage-free.
 */
final class HoldIdSet {

    private static final long EMPTY = 0;
    private long[] slots;
    private int size;

    HoldIdSet(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        slots = new long[capacity];
    }

    /** Adds {@code id} (must be &gt; 0); false if it was already present. */
    boolean add(long id) {
        if (id <= 0) {
            throw new IllegalArgumentException("hold numbers are positive: " + id);
        }
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        boolean added = insert(slots, id);
        if (added) {
            size++;
        }
        return added;
    }

    int size() {
        return size;
    }

    private static boolean insert(long[] table, long id) {
        int mask = table.length - 1;
        int i = mix(id) & mask;
        while (table[i] != EMPTY) {
            if (table[i] == id) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = id;
        return true;
    }

    private void grow() {
        long[] old = slots;
        long[] bigger = new long[old.length * 2];
        for (long v : old) {
            if (v != EMPTY) {
                insert(bigger, v);
            }
        }
        slots = bigger;
    }

    private static int mix(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
