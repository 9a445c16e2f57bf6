package org.holdshelf.sandbox.sierra;

/**
 * A Sierra location ({@code {code, name}}), used as pickup location, item location and patron
 * home library. Codes are short lowercase alphanumerics (safe in file names); names may hold
 * commas, quotes and non-Latin text, as real branch names do.
 */
public record SimLocation(String code, String name) {
}
