package org.holdshelf.sandbox.alma;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.holdshelf.sandbox.http.SimulatorServer;

/**
 * A local stand-in for the Ex Libris Alma REST API, limited to what item scan-in needs and faithful
 * to the vendor's quirks (api-facts section 2), so a client that works against it works against Alma.
 *
 * <p><b>Endpoints</b> (below {@link #baseUrl()}, i.e. {@code http://127.0.0.1:<port>/almaws/v1}):
 * <ul>
 *   <li>{@code GET /items?item_barcode=X}: a known barcode answers <b>302</b> with an absolute
 *       {@code Location} to the item URL and an empty body. The {@code apikey} and {@code format}
 *       parameters are carried over to the {@code Location} so that a client authenticating by query
 *       parameter can follow the redirect (scripts that do so work against Alma [INF]); {@code view},
 *       {@code expand} and the rest are dropped. An unknown barcode is <b>400</b>, errorCode
 *       {@code 401689} "No items found for barcode X.".</li>
 *   <li>{@code GET /bibs/{mms}/holdings/{holding}/items/{pid}}: the Item object (bib_data,
 *       holding_data, item_data, link) in its current state.</li>
 *   <li>{@code POST /bibs/{mms}/holdings/{holding}/items/{pid}?op=scan&library=L&circ_desk=D}
 *       (or {@code department=} instead of {@code circ_desk}): scan-in. Answers the Item after the
 *       scan plus a top-level {@code additional_info}. The first scan of an item in transit puts it
 *       on the hold shelf (its patron request is named) or back in place ("Reshelve to …"),
 *       depending on the item; later scans succeed and change nothing. Every successful scan is
 *       counted per barcode.</li>
 * </ul>
 *
 * <p><b>Order of checks</b> for every request: API key, then the daily quota, then the per-second
 * window (see {@link AlmaThresholds} for the exact window), then the endpoint. Requests with a
 * missing or wrong key are not calls of the institution: they use no quota and no window slot.
 * Every answer, errors and 429s included, carries {@code X-Exl-Api-Remaining}.
 *
 * <p><b>Errors</b> use Alma's envelope, JSON or XML as negotiated ({@link ResponseFormat}):
 * <table>
 *   <caption>Errors</caption>
 *   <tr><th>when</th><th>HTTP</th><th>errorCode</th><th>source</th></tr>
 *   <tr><td>no API key</td><td>400</td><td>UNAUTHORIZED</td><td>[CODE] text, [INF] for this case</td></tr>
 *   <tr><td>wrong API key</td><td>403</td><td>INVALID_REQUEST</td><td>[CODE]</td></tr>
 *   <tr><td>daily quota used up</td><td>429</td><td>DAILY_THRESHOLD</td><td>[CODE]</td></tr>
 *   <tr><td>over the per-second threshold</td><td>429</td><td>PER_SECOND_THRESHOLD</td><td>[CODE]</td></tr>
 *   <tr><td>unknown barcode</td><td>400</td><td>401689</td><td>[CODE]</td></tr>
 *   <tr><td>missing {@code library}</td><td>400</td><td>401664</td><td>[CODE]</td></tr>
 *   <tr><td>missing {@code op}, {@code item_barcode}, or both {@code circ_desk} and {@code department}</td>
 *       <td>400</td><td>401664</td><td>[INF]</td></tr>
 *   <tr><td>{@code op} other than {@code scan}</td><td>400</td><td>401652</td><td>[INF]</td></tr>
 *   <tr><td>MMS id not numeric / not ours</td><td>400</td><td>402204 / 402203</td><td>[CODE]</td></tr>
 *   <tr><td>holding id not the bib's</td><td>400</td><td>40166410</td><td>[INF]</td></tr>
 *   <tr><td>item pid not the holding's</td><td>400</td><td>40166411</td><td>[CODE]</td></tr>
 *   <tr><td>other paths / methods</td><td>404 / 405</td><td>NOT_FOUND / METHOD_NOT_ALLOWED</td><td>simulator only</td></tr>
 * </table>
 *
 * <p><b>When a call is judged.</b> With {@code jitter-ms} 0 a call is judged against the window
 * when it arrives. With a jitter, each call is judged a random delay after its arrival (up to
 * {@code jitter-ms}, see {@link JudgingDelay}), as real Alma judges a call only when it reaches the
 * node that counts, behind load balancers and queues: calls sent evenly spaced can bunch up there,
 * and can be judged in another order than they arrived. The window, the call history and
 * {@link AlmaStats#maxCallsInAnyWindow()} all see judged times.
 *
 * <p><b>Latency</b> counts from the request's arrival: every answer leaves {@code latency-ms} after
 * the request was read, or at once if judging it took longer. Thread-safe; {@link #stats()} reports
 * the traffic.
 */
public final class AlmaSimulator extends SimulatorServer {

    /** Path of the API below the origin. */
    public static final String API_PATH = "/almaws/v1";
    /** The remaining daily quota, on every answer. */
    public static final String REMAINING_HEADER = "X-Exl-Api-Remaining";

    private static final DateTimeFormatter TRACKING_TIME = DateTimeFormatter.ofPattern("ddMMHHmmss").withZone(ZoneOffset.UTC);
    private static final String TRACKING_TAG_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final AlmaSandboxSettings settings;
    private final Clock clock;
    private final AlmaCatalogue catalogue;
    private final AlmaThresholds thresholds;
    private final JudgingDelay judgingDelay;
    private final AlmaDocuments documents;
    private final RequestCounters counters = new RequestCounters();

    /** An institution owning exactly {@code knownBarcodes}, all in transit. */
    public AlmaSimulator(AlmaSandboxSettings settings, Collection<String> knownBarcodes) {
        this(settings, knownBarcodes, Clock.systemUTC());
    }

    /** As above, with the wall clock that decides when the quota day ends (tests). */
    public AlmaSimulator(AlmaSandboxSettings settings, Collection<String> knownBarcodes, Clock clock) {
        super("Alma");
        this.settings = settings;
        this.clock = clock;
        this.catalogue = new AlmaCatalogue(knownBarcodes, settings.holdShelfPercent());
        this.thresholds = new AlmaThresholds(settings.callsPerSecond(), settings.dailyQuota(), clock, System::nanoTime);
        this.judgingDelay = new JudgingDelay(settings.jitter(), ThreadLocalRandom.current().nextLong());
        this.documents = new AlmaDocuments(settings.library(), settings.libraryName());
    }

    @Override
    public synchronized AlmaSimulator start(int port) {
        super.start(port);
        return this;
    }

    /** {@code http://127.0.0.1:<port>/almaws/v1}, what a client configures as its Alma base URL. */
    public String baseUrl() {
        return origin() + API_PATH;
    }

    public AlmaSandboxSettings settings() {
        return settings;
    }

    public int catalogueSize() {
        return catalogue.size();
    }

    public boolean knows(String barcode) {
        return catalogue.indexOfBarcode(barcode).isPresent();
    }

    /** The ids of a catalogue item; throws {@link IllegalArgumentException} for an unknown barcode. */
    public AlmaItemIds idsOf(String barcode) {
        return catalogue.ids(indexOf(barcode));
    }

    /** The barcode of the item with this pid, if it is one of ours. */
    public Optional<String> barcodeOfItem(String itemPid) {
        OptionalInt index = catalogue.indexOfItemPid(itemPid);
        return index.isPresent() ? Optional.of(catalogue.barcode(index.getAsInt())) : Optional.empty();
    }

    public ItemState stateOf(String barcode) {
        return catalogue.state(indexOf(barcode));
    }

    /** Successful scan-ins of this barcode since the start or the last {@link #reset()}. */
    public int scanCount(String barcode) {
        return catalogue.scanCount(indexOf(barcode));
    }

    public AlmaStats stats() {
        return new AlmaStats(
                counters.requests.sum(),
                counters.authFailures.sum(),
                counters.acceptedCalls.sum(),
                counters.perSecondRejections.sum(),
                counters.dailyRejections.sum(),
                counters.barcodeLookups.sum(),
                counters.barcodesNotFound.sum(),
                counters.itemFetches.sum(),
                counters.scans.sum(),
                catalogue.scanCounts(),
                counters.scanHistory(),
                thresholds.acceptedCallTimes(),
                thresholds.maxCallsInAnyWindow(),
                thresholds.maxArrivalsInAnyWindow());
    }

    public long remainingDailyQuota() {
        return thresholds.remaining();
    }

    /** Sets what is left of today's quota, e.g. to run into {@code DAILY_THRESHOLD} quickly. */
    public void setRemainingDailyQuota(long calls) {
        thresholds.setRemaining(calls);
    }

    /** Starts a new quota day: the full {@code daily-quota} is available again. */
    public void resetDay() {
        thresholds.resetDay();
    }

    /** Back to the initial state: all items in transit, full quota, empty window, zero counters. */
    public void reset() {
        catalogue.reset();
        thresholds.reset();
        counters.reset();
    }

    @Override
    protected void register(HttpServer server) {
        server.createContext(API_PATH + "/", safely(this::handle));
    }

    // ---- request handling -------------------------------------------------------------------

    /** The answer to one request before it is written: status, body and an optional redirect target. */
    private record Reply(int status, byte[] body, String location) {
        static Reply ok(byte[] body) {
            return new Reply(200, body, null);
        }

        static Reply redirect(String location) {
            return new Reply(302, new byte[0], location);
        }
    }

    /** Ends a request with an Alma error; cheap, as it carries no stack trace. */
    private static final class AlmaFailure extends RuntimeException {
        private final transient AlmaError error;

        AlmaFailure(AlmaError error) {
            super(error.code(), null, false, false);
            this.error = error;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = requestArrivedNanos();
        Map<String, String> query = query(exchange.getRequestURI());
        ResponseFormat format = ResponseFormat.negotiate(query, exchange.getRequestHeaders());
        Reply reply;
        try {
            reply = answer(exchange, query, format, arrived);
        } catch (AlmaFailure failure) {
            reply = new Reply(failure.error.httpStatus(), documents.renderError(failure.error, trackingId(), format), null);
        }
        simulateLatencyNanos(settings.latency().toNanos() - (System.nanoTime() - arrived));
        Headers headers = exchange.getResponseHeaders();
        headers.set(REMAINING_HEADER, Long.toString(thresholds.remaining()));
        if (reply.location() != null) {
            headers.set("Location", reply.location());
        }
        send(exchange, reply.status(), format.contentType(), reply.body());
    }

    private Reply answer(HttpExchange exchange, Map<String, String> query, ResponseFormat format, long arrivedNanos) {
        counters.requests.increment();
        Optional<AlmaError> denied = authenticate(exchange.getRequestHeaders(), query);
        if (denied.isPresent()) {
            counters.authFailures.increment();
            throw new AlmaFailure(denied.get());
        }
        if (!judgingDelay.isNone()) {
            // the call reaches the node that counts it later, by a delay of its own: the window is
            // judged then, on that node's clock, in the order the calls reach it
            simulateLatencyNanos(arrivedNanos + judgingDelay.nextNanos() - System.nanoTime());
        }
        switch (thresholds.admit()) {
            case DAILY_THRESHOLD -> {
                counters.dailyRejections.increment();
                throw new AlmaFailure(AlmaError.dailyThreshold());
            }
            case PER_SECOND_THRESHOLD -> {
                counters.perSecondRejections.increment();
                throw new AlmaFailure(AlmaError.perSecondThreshold());
            }
            case ACCEPTED -> counters.acceptedCalls.increment();
        }
        return route(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query, format);
    }

    /** {@code Authorization: apikey KEY} or, without that header, {@code ?apikey=KEY}. */
    private Optional<AlmaError> authenticate(Headers headers, Map<String, String> query) {
        String authorization = headers.getFirst("Authorization");
        String scheme = "apikey ";
        String key = authorization != null && authorization.regionMatches(true, 0, scheme, 0, scheme.length())
                ? authorization.substring(scheme.length()).trim()
                : query.get("apikey");
        if (key == null || key.isEmpty()) {
            return Optional.of(AlmaError.apiKeyMissing());
        }
        return key.equals(settings.apiKey()) ? Optional.empty() : Optional.of(AlmaError.apiKeyInvalid());
    }

    private Reply route(String method, String path, Map<String, String> query, ResponseFormat format) {
        String[] segments = path.substring(API_PATH.length() + 1).split("/", -1);
        if (segments.length == 1 && segments[0].equals("items")) {
            if (!method.equals("GET")) {
                throw new AlmaFailure(AlmaError.methodNotAllowed(method, path));
            }
            return lookUp(query);
        }
        if (segments.length == 6 && segments[0].equals("bibs") && segments[2].equals("holdings") && segments[4].equals("items")) {
            if (!method.equals("GET") && !method.equals("POST")) {
                throw new AlmaFailure(AlmaError.methodNotAllowed(method, path));
            }
            int index = resolve(segments[1], segments[3], segments[5]);
            return method.equals("GET") ? fetch(index, format) : scan(index, query, format);
        }
        throw new AlmaFailure(AlmaError.notFound(method, path));
    }

    private Reply lookUp(Map<String, String> query) {
        String barcode = query.get("item_barcode");
        if (barcode == null || barcode.isEmpty()) {
            throw new AlmaFailure(AlmaError.mandatoryFieldMissing("item_barcode"));
        }
        counters.barcodeLookups.increment();
        OptionalInt index = catalogue.indexOfBarcode(barcode);
        if (index.isEmpty()) {
            counters.barcodesNotFound.increment();
            throw new AlmaFailure(AlmaError.noItemsForBarcode(barcode));
        }
        StringJoiner carried = new StringJoiner("&", "?", "").setEmptyValue("");
        for (String name : List.of("apikey", "format")) {
            String value = query.get(name);
            if (value != null) {
                carried.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return Reply.redirect(baseUrl() + catalogue.ids(index.getAsInt()).itemPath() + carried);
    }

    /** The catalogue index of the item the three path ids name, checked in Alma's order: bib, holding, item. */
    private int resolve(String mmsId, String holdingId, String itemPid) {
        if (mmsId.isEmpty() || !mmsId.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new AlmaFailure(AlmaError.mmsIdNotNumeric(mmsId));
        }
        OptionalInt index = catalogue.indexOfMmsId(mmsId);
        if (index.isEmpty()) {
            throw new AlmaFailure(AlmaError.mmsIdNotValid(mmsId));
        }
        AlmaItemIds ids = catalogue.ids(index.getAsInt());
        if (!ids.holdingId().equals(holdingId)) {
            throw new AlmaFailure(AlmaError.holdingIdInvalid(holdingId));
        }
        if (!ids.itemPid().equals(itemPid)) {
            throw new AlmaFailure(AlmaError.itemPidInvalid(itemPid));
        }
        return index.getAsInt();
    }

    private Reply fetch(int index, ResponseFormat format) {
        counters.itemFetches.increment();
        return Reply.ok(documents.render(item(index, catalogue.state(index), null), format));
    }

    private Reply scan(int index, Map<String, String> query, ResponseFormat format) {
        String op = blankToNull(query.get("op"));
        if (op == null) {
            throw new AlmaFailure(AlmaError.mandatoryFieldMissing("op"));
        }
        if (!op.equals("scan")) {
            throw new AlmaFailure(AlmaError.unsupportedOperation(op));
        }
        String library = blankToNull(query.get("library"));
        if (library == null) {
            throw new AlmaFailure(AlmaError.mandatoryFieldMissing("library"));
        }
        String circDesk = blankToNull(query.get("circ_desk"));
        String department = blankToNull(query.get("department"));
        if (circDesk == null && department == null) {
            throw new AlmaFailure(AlmaError.mandatoryFieldMissing("circ_desk"));
        }
        AlmaCatalogue.ScanTransition transition = catalogue.scan(index);
        counters.scanned(new AlmaStats.ScanRequest(catalogue.barcode(index), library, circDesk, department));
        String additionalInfo = AlmaDocuments.additionalInfo(catalogue.profile(index), transition);
        return Reply.ok(documents.render(item(index, transition.after(), additionalInfo), format));
    }

    private ObjectNode item(int index, ItemState state, String additionalInfo) {
        return documents.item(baseUrl(), catalogue.ids(index), catalogue.barcode(index), catalogue.profile(index),
                state, additionalInfo);
    }

    private int indexOf(String barcode) {
        return catalogue.indexOfBarcode(barcode)
                .orElseThrow(() -> new IllegalArgumentException("Not in the Alma sandbox catalogue: " + barcode));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Alma's style, e.g. {@code E01-2807130310-LFIHK-AWAE210516550}: time of day UTC, a tag, a number. */
    private String trackingId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder tag = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            tag.append(TRACKING_TAG_CHARS.charAt(random.nextInt(TRACKING_TAG_CHARS.length())));
        }
        return "E01-" + TRACKING_TIME.format(clock.instant()) + "-" + tag + "-AWAE" + random.nextInt(100_000_000, 1_000_000_000);
    }
}
