package org.holdshelf.sandbox.sierra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.holdshelf.sandbox.http.SimulatorServer;

/**
 * A Sierra REST API v6 under {@code <origin>/iii/sierra-api/v6}, serving a {@link HoldsDataSet}.
 * It follows the vendor facts the product depends on, quirks included, so a client that works
 * here works against a real Sierra:
 * <ul>
 *   <li>{@code POST /token}: client credentials in HTTP Basic, form body
 *       {@code grant_type=client_credentials}; answers {@code access_token}, {@code token_type
 *       bearer}, {@code expires_in}. No refresh tokens. Wrong credentials: 401 code 123 (the
 *       real body is undocumented); missing grant type (or a body that is not form-encoded): 400.</li>
 *   <li>Every other call needs {@code Authorization: Bearer <token>}: a missing or malformed
 *       header is 401 code 113, an unknown or expired token 401 code 123 (expiry by wall clock).</li>
 *   <li>{@code GET /info/token}: key id, grant type, seconds left, roles.</li>
 *   <li>{@code GET /patrons/holds?limit&offset&fields&expand=record}: limit 1..2000 (default
 *       50), {@code {total, start, entries}}; past the end 404 code 107 (Sierra never answers an
 *       empty list). {@code total} is the system total or the page count, per
 *       {@link SierraSandboxSettings.TotalMode}. With {@code overlap-after-first-page} k, pages
 *       after the first start k entries early, as if k holds had been inserted ahead of the
 *       cursor: an offset-paging client sees k holds twice, exactly what live data does.</li>
 *   <li>{@code GET /patrons/holds/{id}}, {@code /items/{id}}, {@code /bibs/{id}},
 *       {@code /patrons/{id}}: one record, or 404 code 107.</li>
 *   <li>{@code GET /items?id=..}, {@code /bibs?id=..}, {@code /patrons?id=..}: the records found,
 *       in the order asked, <b>silently cut to {@code limit} (default 50)</b>; unknown ids are
 *       left out; none found is 404 code 107. Patron names, barcodes, emails, phones and
 *       {@code fixedFields} (263 language, 268 notice preference, ...) are returned only when
 *       listed in {@code fields}; a deleted patron is only {@code {id, deletedDate, deleted}}, on
 *       {@code /patrons/{id}} too. Unlike Sierra, the simulator serves these endpoints only with an
 *       {@code id} list (no ranges, no unfiltered listing).</li>
 *   <li>Unknown query parameters are ignored; absent values are left out of the JSON, never
 *       written as {@code null}.</li>
 * </ul>
 * Latencies and faults ({@link FaultPlan}) come from the settings; {@link #stats()} records
 * what clients asked. The JSON is streamed from the data set, so serving a page costs only
 * that page, whatever the size of the data set.
 *
 * <pre>{@code
 * try (SierraSimulator sierra = new SierraSimulator(SierraSandboxSettings.builder().holds(10_000).build()).start()) {
 *     String baseUrl = sierra.baseUrl();   // for holdshelf.sierra.base-url
 *     // client key "sandbox-key", secret "sandbox-secret-123"; sierra.dataSet() is the oracle
 * }
 * }</pre>
 */
public final class SierraSimulator extends SimulatorServer {

    public static final String API_PATH = "/iii/sierra-api/v6";

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 2000;
    private static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
    private static final byte[] NGINX_502_PAGE = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final SierraSandboxSettings settings;
    private final HoldsDataSet data;
    private final SierraStats stats = new SierraStats();
    /** Issued access tokens and their expiry (epoch millis). */
    private final Map<String, Long> tokenExpiries = new ConcurrentHashMap<>();
    private final SecureRandom tokenRandom = new SecureRandom();
    private volatile FaultInjector faults;
    /** Created on start, when the port and so the record URLs are known. */
    private volatile SierraJson json;

    /** A simulator for the data set the settings describe. */
    public SierraSimulator(SierraSandboxSettings settings) {
        this(settings, settings.newDataSet());
    }

    /** A simulator for a given data set; the data knobs of the settings are then unused. */
    public SierraSimulator(SierraSandboxSettings settings, HoldsDataSet data) {
        super("Sierra");
        this.settings = settings;
        this.data = data;
        this.faults = new FaultInjector(settings.faults());
    }

    /** Starts on the port of the settings (0: a free one). */
    public SierraSimulator start() {
        return start(settings.port());
    }

    @Override
    public synchronized SierraSimulator start(int port) {
        super.start(port);
        return this;
    }

    /** {@code http://127.0.0.1:<port>/iii/sierra-api/v6}, what a client configures as its base URL. */
    public String baseUrl() {
        return origin() + API_PATH;
    }

    public SierraSandboxSettings settings() {
        return settings;
    }

    public HoldsDataSet dataSet() {
        return data;
    }

    public SierraStats stats() {
        return stats;
    }

    /**
     * Invalidates every token issued so far, as when an administrator regenerates the API key's
     * secret: the next call with an old token gets 401 code 123.
     */
    public void revokeTokens() {
        tokenExpiries.clear();
    }

    public FaultPlan faultPlan() {
        return faults.plan();
    }

    /** Replaces the fault plan at run time, with every rule re-armed and call numbers back at 0. */
    public void setFaultPlan(FaultPlan plan) {
        faults = new FaultInjector(plan);
    }

    @Override
    protected void register(HttpServer server) {
        json = new SierraJson(baseUrl(), data);
        server.createContext(API_PATH + "/", safely(this::handle));
    }

    // ---- dispatch ---------------------------------------------------------------------------

    /** An endpoint and, for single-record endpoints, the id segment of the path. */
    private record Route(SierraEndpoint endpoint, String id) {

        static Optional<Route> of(String path) {
            String trimmed = path.replaceAll("^/+|/+$", "");
            String[] s = trimmed.split("/");
            Route route = switch (s.length) {
                case 1 -> switch (s[0]) {
                    case "token" -> new Route(SierraEndpoint.TOKEN, null);
                    case "items" -> new Route(SierraEndpoint.ITEMS, null);
                    case "bibs" -> new Route(SierraEndpoint.BIBS, null);
                    case "patrons" -> new Route(SierraEndpoint.PATRONS, null);
                    default -> null;
                };
                case 2 -> switch (s[0]) {
                    case "info" -> s[1].equals("token") ? new Route(SierraEndpoint.TOKEN_INFO, null) : null;
                    case "patrons" -> s[1].equals("holds") ? new Route(SierraEndpoint.HOLDS, null)
                            : s[1].equals("find") ? new Route(SierraEndpoint.PATRON_FIND, null)
                            : new Route(SierraEndpoint.PATRON, s[1]);
                    case "items" -> new Route(SierraEndpoint.ITEM, s[1]);
                    case "bibs" -> new Route(SierraEndpoint.BIB, s[1]);
                    default -> null;
                };
                case 3 -> s[0].equals("patrons") && s[1].equals("holds") ? new Route(SierraEndpoint.HOLD, s[2]) : null;
                default -> null;
            };
            return Optional.ofNullable(route);
        }
    }

    /** A request answered with a Sierra ErrorCode; thrown from deep in a handler, sent by {@link #handle}. */
    private static final class Rejection extends RuntimeException {

        private final SierraError error;

        Rejection(SierraError error) {
            super(error.name(), null, false, false);
            this.error = error;
        }
    }

    /** A complete answer, built before it is sent so that a fault can mangle it. */
    private record Answer(int status, byte[] body) {

        static Answer ok(byte[] body) {
            return new Answer(200, body);
        }

        static Answer error(SierraError error) {
            return new Answer(error.httpStatus(), SierraJson.error(error));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(API_PATH.length());
        Optional<Route> route = Route.of(path);
        if (route.isEmpty()) {
            send(exchange, 404, "text/plain; charset=utf-8",
                    ("No such endpoint in the Sierra simulator: " + path).getBytes(StandardCharsets.UTF_8));
            return;
        }
        SierraEndpoint endpoint = route.get().endpoint();
        stats.request(endpoint);
        String method = endpoint == SierraEndpoint.TOKEN ? "POST" : "GET";
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            send(exchange, 405, "text/plain; charset=utf-8", (method + " only").getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            if (endpoint == SierraEndpoint.TOKEN) {
                issueToken(exchange);
                return;
            }
            String token = authenticate(exchange);
            Map<String, String> query = query(exchange.getRequestURI());
            String id = route.get().id();
            switch (endpoint) {
                case TOKEN_INFO -> sendJson(exchange, 200, SierraJson.tokenInfo(settings.clientKey(),
                        secondsLeft(token), settings.tokenLifetimeSeconds()));
                case HOLDS -> holdsPage(exchange, query);
                case HOLD -> {
                    SimHold hold = data.holdById(recordId(id)).orElseThrow(() -> new Rejection(SierraError.RECORD_NOT_FOUND));
                    sendJson(exchange, 200, json.hold(hold, FieldSelection.of(query.get("fields"), SierraJson.HOLD_FIELDS),
                            expandsRecord(query)));
                }
                case ITEMS -> lookup(exchange, query, SierraEndpoint.ITEMS, FaultPlan.Target.ITEMS, data::item,
                        SierraJson::writeItem, SierraJson.ITEM_DEFAULT_FIELDS);
                case BIBS -> lookup(exchange, query, SierraEndpoint.BIBS, FaultPlan.Target.BIBS, data::bib,
                        SierraJson::writeBib, SierraJson.BIB_DEFAULT_FIELDS);
                case PATRONS -> lookup(exchange, query, SierraEndpoint.PATRONS, FaultPlan.Target.PATRONS, data::patron,
                        SierraJson::writePatron, SierraJson.PATRON_DEFAULT_FIELDS);
                case ITEM -> single(exchange, query, id, data::item, SierraJson::writeItem, SierraJson.ITEM_DEFAULT_FIELDS);
                case BIB -> single(exchange, query, id, data::bib, SierraJson::writeBib, SierraJson.BIB_DEFAULT_FIELDS);
                case PATRON -> single(exchange, query, id, data::patron, SierraJson::writePatron,
                        SierraJson.PATRON_DEFAULT_FIELDS);
                case PATRON_FIND -> {
                    SimPatron patron = findPatron(query.get("varFieldTag"), query.get("varFieldContent"));
                    sendJson(exchange, 200, json.record(patron, SierraJson::writePatron,
                            FieldSelection.of(query.get("fields"), SierraJson.PATRON_DEFAULT_FIELDS)));
                }
                default -> throw new IllegalStateException("unrouted endpoint " + endpoint);
            }
        } catch (Rejection rejection) {
            if (rejection.error.httpStatus() == 401) {
                stats.unauthorizedAnswered();
            }
            send(exchange, Answer.error(rejection.error));
        }
    }

    // ---- authentication ---------------------------------------------------------------------

    private void issueToken(HttpExchange exchange) throws IOException {
        String[] credentials = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"))
                .orElseThrow(() -> new Rejection(SierraError.MISSING_AUTHORIZATION));
        if (!credentials[0].equals(settings.clientKey()) || !credentials[1].equals(settings.clientSecret())) {
            throw new Rejection(SierraError.INVALID_GRANT);
        }
        // Like OAuth servers, read parameters only from a form-encoded body.
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        byte[] body = readBody(exchange);
        Map<String, String> form = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM_CONTENT_TYPE)
                ? parseForm(new String(body, StandardCharsets.UTF_8))
                : Map.of();
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isBlank()) {
            throw new Rejection(SierraError.missingParameter("grant_type (a form-encoded body grant_type=client_credentials)"));
        }
        if (!grantType.equals("client_credentials")) {
            throw new Rejection(SierraError.invalidParameter("grant_type: only client_credentials is supported"));
        }
        byte[] random = new byte[32];
        tokenRandom.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        long now = System.currentTimeMillis();
        tokenExpiries.values().removeIf(expiry -> expiry <= now);
        tokenExpiries.put(token, now + settings.tokenLifetimeSeconds() * 1000);
        stats.tokenIssued();
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        sendJson(exchange, 200, SierraJson.token(token, settings.tokenLifetimeSeconds()));
    }

    /** {@code [key, secret]} from a Basic header, empty when the header is missing or unreadable. */
    private static Optional<String[]> basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    /** The request's valid bearer token; otherwise a 401 rejection (113 or 123). */
    private String authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw new Rejection(SierraError.MISSING_AUTHORIZATION);
        }
        String token = header.substring(7).strip();
        Long expiry = tokenExpiries.get(token);
        if (expiry == null || expiry <= System.currentTimeMillis()) {
            tokenExpiries.remove(token);
            throw new Rejection(SierraError.INVALID_GRANT);
        }
        return token;
    }

    private long secondsLeft(String token) {
        return Math.max(0, (tokenExpiries.getOrDefault(token, 0L) - System.currentTimeMillis()) / 1000);
    }

    // ---- holds --------------------------------------------------------------------------------

    private void holdsPage(HttpExchange exchange, Map<String, String> query) throws IOException {
        int limit = limit(query);
        int offset = nonNegative(query, "offset");
        String fields = query.getOrDefault("fields", "");
        boolean expand = expandsRecord(query);
        stats.holdsCall(new SierraStats.HoldsCall(offset, limit, fields));
        FaultInjector injector = faults;
        long page = offset / limit;
        Optional<FaultPlan.Rule> fault = injector.fire(FaultPlan.Target.HOLDS, page);
        long arrived = requestArrivedNanos();
        answer(exchange, FaultPlan.Target.HOLDS, page, fault, arrived, settings.pageLatencyMs(), () -> {
            int from = offset == 0 ? 0 : Math.max(0, offset - settings.overlapAfterFirstPage());
            if (from >= data.size()) {
                return Answer.error(SierraError.RECORD_NOT_FOUND);
            }
            int to = (int) Math.min(data.size(), (long) from + limit);
            long total = settings.totalMode() == SierraSandboxSettings.TotalMode.SYSTEM ? data.size() : to - from;
            return Answer.ok(json.holdsPage(from, to, total, offset,
                    FieldSelection.of(fields, SierraJson.HOLD_FIELDS), expand));
        });
    }

    private static boolean expandsRecord(Map<String, String> query) {
        return Arrays.stream(query.getOrDefault("expand", "").split(",")).anyMatch(value -> value.strip().equals("record"));
    }

    // ---- items, bibs, patrons -----------------------------------------------------------------

    private <T> void lookup(HttpExchange exchange, Map<String, String> query, SierraEndpoint endpoint,
            FaultPlan.Target target, LongFunction<Optional<T>> finder, SierraJson.RecordWriter<T> writer,
            Set<String> defaultFields) throws IOException {
        Set<Long> ids = idList(query.get("id"));
        OptionalInt limitParameter = query.containsKey("limit") ? OptionalInt.of(limit(query)) : OptionalInt.empty();
        int limit = limitParameter.orElse(DEFAULT_LIMIT);
        int offset = nonNegative(query, "offset");
        FieldSelection fields = FieldSelection.of(query.get("fields"), defaultFields);
        FaultInjector injector = faults;
        long call = injector.nextCall(target);
        Optional<FaultPlan.Rule> fault = injector.fire(target, call);
        long arrived = requestArrivedNanos();
        // Sierra's quirk: more ids than the limit are not an error; the answer is silently cut.
        List<T> found = ids.stream().map(finder::apply).flatMap(Optional::stream).skip(offset).limit(limit).toList();
        boolean answeredNormally = fault.isEmpty() || fault.get().kind() == FaultPlan.Kind.SLOW;
        stats.lookupCall(new SierraStats.LookupCall(endpoint, ids.size(), limitParameter,
                answeredNormally ? found.size() : 0));
        answer(exchange, target, call, fault, arrived, settings.lookupLatencyMs(), () -> found.isEmpty()
                ? Answer.error(SierraError.RECORD_NOT_FOUND)
                : Answer.ok(json.resultSet(found, offset, writer, fields)));
    }

    /**
     * {@code /patrons/find}: the patron whose variable field {@code tag} holds exactly {@code content}
     * ({@code b} barcode, {@code z} email, case-insensitive, {@code t} phone as stored); the lowest id
     * when several do, 404 code 107 when none does or the record is deleted.
     */
    private SimPatron findPatron(String tag, String content) {
        if (tag == null || tag.isBlank() || content == null || content.isBlank()) {
            throw new Rejection(SierraError.missingParameter("varFieldTag and varFieldContent"));
        }
        java.util.function.Predicate<SimPatron> matches = switch (tag) {
            case "b" -> p -> p.barcodes().contains(content);
            case "z" -> p -> p.emails().stream().anyMatch(e -> e.equalsIgnoreCase(content));
            case "t", "p" -> p -> p.phones().stream().anyMatch(ph -> ph.number().equals(content));
            default -> throw new Rejection(SierraError.invalidParameter("varFieldTag: the simulator finds by b, z, t or p"));
        };
        return data.patrons().filter(p -> !p.deleted()).filter(matches).findFirst()
                .orElseThrow(() -> new Rejection(SierraError.RECORD_NOT_FOUND));
    }

    private <T> void single(HttpExchange exchange, Map<String, String> query, String id, LongFunction<Optional<T>> finder,
            SierraJson.RecordWriter<T> writer, Set<String> defaultFields) throws IOException {
        T record = finder.apply(recordId(id)).orElseThrow(() -> new Rejection(SierraError.RECORD_NOT_FOUND));
        sendJson(exchange, 200, json.record(record, writer, FieldSelection.of(query.get("fields"), defaultFields)));
    }

    private static Set<Long> idList(String parameter) {
        if (parameter == null || parameter.isBlank()) {
            throw new Rejection(SierraError.missingParameter("id: the simulator serves id lists only, e.g. id=1000001,1000002"));
        }
        if (parameter.contains("[")) {
            throw new Rejection(SierraError.invalidParameter("id: ranges are not supported by the simulator"));
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (String id : parameter.split(",")) {
            ids.add(recordId(id));
        }
        if (ids.size() > MAX_LIMIT) {
            throw new Rejection(SierraError.invalidParameter("id: at most " + MAX_LIMIT + " ids per request"));
        }
        return ids;
    }

    private static long recordId(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new Rejection(SierraError.invalidArgument("Number format error: record id '" + text.strip() + "'"));
        }
    }

    private static int limit(Map<String, String> query) {
        String text = query.get("limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        int limit = parseInt("limit", text);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new Rejection(SierraError.invalidParameter("limit must be between 1 and " + MAX_LIMIT + ", was " + limit));
        }
        return limit;
    }

    private static int nonNegative(Map<String, String> query, String name) {
        String text = query.get(name);
        if (text == null) {
            return 0;
        }
        int value = parseInt(name, text);
        if (value < 0) {
            throw new Rejection(SierraError.invalidParameter(name + " must not be negative, was " + value));
        }
        return value;
    }

    private static int parseInt(String name, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new Rejection(SierraError.invalidArgument("Number format error: " + name + "='" + text + "'"));
        }
    }

    // ---- answering, with faults ---------------------------------------------------------------

    /**
     * Answers {@code latencyMs} after the request arrived: the simulated latency is the time to
     * answer, the simulator's own work included, as a real server's response time is.
     */
    private void answer(HttpExchange exchange, FaultPlan.Target target, long page, Optional<FaultPlan.Rule> fault,
            long arrivedNanos, long latencyMs, Supplier<Answer> normal) throws IOException {
        Supplier<Answer> timed = () -> {
            Answer answer = normal.get();
            simulateLatencyNanos(latencyMs * 1_000_000 - (System.nanoTime() - arrivedNanos));
            return answer;
        };
        if (fault.isEmpty()) {
            send(exchange, timed.get());
            return;
        }
        simulateLatency(latencyMs);
        answerWithFault(exchange, target, page, fault.get(), normal);
    }

    private void answerWithFault(HttpExchange exchange, FaultPlan.Target target, long page, FaultPlan.Rule rule,
            Supplier<Answer> normal) throws IOException {
        stats.faultFired(new SierraStats.FiredFault(target, page, rule.kind()));
        switch (rule.kind()) {
            case HTTP_503 -> send(exchange, Answer.error(SierraError.API_DISABLED));
            case HTTP_429 -> {
                exchange.getResponseHeaders().set("Retry-After", "1");
                send(exchange, Answer.error(SierraError.TOO_MANY_REQUESTS));
            }
            case HTML_502 -> send(exchange, 502, "text/html", NGINX_502_PAGE);
            case MALFORMED_JSON -> {
                byte[] body = normal.get().body();
                sendJson(exchange, 200, Arrays.copyOf(body, body.length / 2));
            }
            case INCOMPLETE_HOLD -> sendJson(exchange, 200, withoutFirstReadyLocation(normal.get().body()));
            case SLOW -> {
                simulateLatency(rule.delayMillis());
                send(exchange, normal.get());
            }
        }
    }


    /** The page with {@code pickupLocation} removed from its first ready hold. */
    private static byte[] withoutFirstReadyLocation(byte[] page) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode root = mapper.readTree(page);
        for (com.fasterxml.jackson.databind.JsonNode entry : root.path("entries")) {
            String code = entry.path("status").path("code").asText("");
            if ((code.equals("b") || code.equals("i") || code.equals("j")) && entry.has("pickupLocation")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) entry).remove("pickupLocation");
                break;
            }
        }
        return mapper.writeValueAsBytes(root);
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        sendJson(exchange, answer.status(), answer.body());
    }
}
