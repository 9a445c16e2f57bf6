package org.holdshelf.sandbox.sierra;

/**
 * A tiny SplitMix64 stream seeded from {@code (seed, stream, index)}, so every generated record
 * is a pure function of its coordinates: nothing is stored, and the same inputs give the same
 * draws on every JVM (integer arithmetic and exact double products only).
 */
final class SimRandom {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    SimRandom(long seed, long stream, long index) {
        state = mix(mix(seed ^ (stream * 0xd1b54a32d192ed03L)) + index * GOLDEN_GAMMA);
    }

    /** The SplitMix64 finaliser (Stafford's variant 13). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in {@code [0, bound)}; bound must be positive. */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in {@code [0, 1)}. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    boolean chance(double probability) {
        return nextDouble() < probability;
    }

    <T> T pick(T[] values) {
        return values[nextInt(values.length)];
    }
}
