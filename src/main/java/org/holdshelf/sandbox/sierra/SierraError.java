package org.holdshelf.sandbox.sierra;

/**
 * A Sierra ErrorCode body ({@code code, specificCode, httpStatus, name, description}). The
 * bodies of real Sierra answers are copied exactly where they are known (113, 123, 107).
 *
 * @param description optional; left out of the JSON when null
 */
record SierraError(int code, int httpStatus, String name, String description) {

    static final SierraError MISSING_AUTHORIZATION =
            new SierraError(113, 401, "Unauthorized", "Invalid or missing authorization header");
    /** Unknown or expired bearer token, and (a simulator choice) wrong client credentials. */
    static final SierraError INVALID_GRANT = new SierraError(123, 401, "Unauthorized", "invalid_grant");
    /** Sierra's answer to an empty result: a 404, never an empty list. */
    static final SierraError RECORD_NOT_FOUND = new SierraError(107, 404, "Record not found", null);
    static final SierraError API_DISABLED = new SierraError(117, 503, "API disabled", null);
    /** Not a Sierra answer: Sierra documents no 429. Used only by the {@code 429} fault. */
    static final SierraError TOO_MANY_REQUESTS = new SierraError(0, 429, "Too Many Requests",
            "simulated rate limit (not a documented Sierra response); retry after 1 second");

    static SierraError invalidArgument(String description) {
        return new SierraError(101, 400, "Invalid argument", description);
    }

    static SierraError missingParameter(String description) {
        return new SierraError(105, 400, "Required parameter missing", description);
    }

    static SierraError invalidParameter(String description) {
        return new SierraError(108, 400, "Invalid parameter", description);
    }
}
