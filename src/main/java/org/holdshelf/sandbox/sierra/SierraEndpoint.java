package org.holdshelf.sandbox.sierra;

/** The API endpoints the {@link SierraSimulator} serves, as counted in {@link SierraStats}. */
public enum SierraEndpoint {
    /** {@code POST /token} */
    TOKEN,
    /** {@code GET /info/token} */
    TOKEN_INFO,
    /** {@code GET /patrons/holds} (the paged list of all holds) */
    HOLDS,
    /** {@code GET /patrons/holds/{id}} */
    HOLD,
    /** {@code GET /items?id=...} */
    ITEMS,
    /** {@code GET /items/{id}} */
    ITEM,
    /** {@code GET /bibs?id=...} */
    BIBS,
    /** {@code GET /bibs/{id}} */
    BIB,
    /** {@code GET /patrons?id=...} */
    PATRONS,
    /** {@code GET /patrons/{id}} */
    PATRON,
    /** {@code GET /patrons/find?varFieldTag=..&varFieldContent=..} */
    PATRON_FIND
}
