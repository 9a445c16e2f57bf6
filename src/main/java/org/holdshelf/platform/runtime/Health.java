package org.holdshelf.platform.runtime;

/**
 * One health reading of a part of the pipeline, for the operators' health endpoint.
 *
 * @param name   what was checked, e.g. {@code harvest} or {@code kafka}
 * @param up     whether it can do its work
 * @param detail one line for an operator: why not, or what it last did
 */
public record Health(String name, boolean up, String detail) {

    public static Health up(String name, String detail) {
        return new Health(name, true, detail);
    }

    public static Health down(String name, String detail) {
        return new Health(name, false, detail);
    }
}
