package org.holdshelf.sandbox.sierra;

/**
 * One generated bib record, as served on {@code /bibs}. Titles are deliberately hostile to
 * naive CSV and spreadsheet handling: commas, quotes, line breaks, non-Latin scripts and leading
 * {@code = + - @} or tab characters all occur.
 */
public record SimBib(long id, String title, String author, int publishYear, String createdDate, String updatedDate) {
}
