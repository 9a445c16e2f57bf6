package org.holdshelf.sandbox.alma;

/**
 * One error as Alma reports it: the HTTP status plus the {@code errorCode} and {@code errorMessage}
 * of the error envelope. Sources are tagged as in {@code api-facts.md}: [CODE] seen in real
 * fixtures or client code, [INF] the simulator's own choice where no source was found.
 */
record AlmaError(int httpStatus, String code, String message) {

    /** No key at all. Code and text [CODE] (key without permission); using it for a missing key [INF]. */
    static AlmaError apiKeyMissing() {
        return new AlmaError(400, "UNAUTHORIZED", "API-key not defined or not configured to allow this API.");
    }

    /** A key that is not the institution's: 403 {@code INVALID_REQUEST} [CODE]; the text [INF]. */
    static AlmaError apiKeyInvalid() {
        return new AlmaError(403, "INVALID_REQUEST", "Invalid API Key");
    }

    /** [CODE] bibdata {@code stub_alma.rb}. */
    static AlmaError perSecondThreshold() {
        return new AlmaError(429, "PER_SECOND_THRESHOLD", "HTTP requests are more than allowed per second");
    }

    /** Status and code [CODE]; the text [INF] after Ex Libris' wording "Daily API Request Threshold". */
    static AlmaError dailyThreshold() {
        return new AlmaError(429, "DAILY_THRESHOLD",
                "Daily API Request Threshold has been reached. For details see: https://developers.exlibrisgroup.com/alma/apis/#threshold");
    }

    /** [CODE] bibdata and php-alma-client fixtures. */
    static AlmaError noItemsForBarcode(String barcode) {
        return new AlmaError(400, "401689", "No items found for barcode " + barcode + ".");
    }

    /** [CODE] for {@code library}; the same code for other mandatory parameters [INF]. */
    static AlmaError mandatoryFieldMissing(String field) {
        return new AlmaError(400, "401664", "Mandatory field is missing: " + field);
    }

    /** [CODE] bibdata. */
    static AlmaError mmsIdNotNumeric(String mmsId) {
        return new AlmaError(400, "402204", "Input parameters mmsId " + mmsId + " is not numeric.");
    }

    /** [CODE] bibdata. */
    static AlmaError mmsIdNotValid(String mmsId) {
        return new AlmaError(400, "402203", "Input parameters mmsId " + mmsId + " is not valid.");
    }

    /** [INF], modelled on the item_pid error below. */
    static AlmaError holdingIdInvalid(String holdingId) {
        return new AlmaError(400, "40166410", "The parameter holding_id is invalid. Received: " + holdingId + ".");
    }

    /** [CODE] bibdata {@code scan_23258799999906421.json}. */
    static AlmaError itemPidInvalid(String itemPid) {
        return new AlmaError(400, "40166411", "The parameter item_pid is invalid. Received: " + itemPid + ".");
    }

    /** [INF]: 401652 is Alma's documented "General Error"; the API text says scan is the only op. */
    static AlmaError unsupportedOperation(String op) {
        return new AlmaError(400, "401652", "General Error: op " + op + " is not supported. Currently, only option is: scan.");
    }

    /** [INF] simulator only: a path this simulator does not serve. */
    static AlmaError notFound(String method, String path) {
        return new AlmaError(404, "NOT_FOUND", "The Alma simulator does not serve " + method + " " + path);
    }

    /** [INF] simulator only: a known path with a method this simulator does not serve. */
    static AlmaError methodNotAllowed(String method, String path) {
        return new AlmaError(405, "METHOD_NOT_ALLOWED", "The Alma simulator does not serve " + method + " " + path);
    }
}
