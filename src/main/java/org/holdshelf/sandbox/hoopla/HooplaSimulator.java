package org.holdshelf.sandbox.hoopla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.holdshelf.sandbox.http.SimulatorServer;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Hoopla partner API (api-facts 4.1 to 4.3 and 7.6, product spec 3.6), over real HTTP:
 * <ul>
 *   <li><b>Tokens</b> on both paths: {@code POST /api/v1/get-token} (the docs') and {@code POST /v2/token}
 *       (current Aspen's), with {@code Authorization: Basic base64(username:password)}, answering
 *       {@code {"access_token": "<uuid>", "token_type": "bearer", "expires_in": <seconds>}}. Wrong or
 *       missing credentials: 401 {@code {"message": ...}} with {@code WWW-Authenticate: Basic}. A token
 *       is good for {@code token-lifetime-seconds} by the simulator's {@link Clock}; {@link #expireTokens()}
 *       ends every token now. The {@code ws-api: 2.1} header of the docs' example is accepted, never
 *       required (the partner clients do not send it).</li>
 *   <li><b>Patron endpoints</b> under {@code /api/v1/libraries/{libraryId}/patrons/{libraryCard}}, with
 *       {@code Authorization: Bearer <token>}: {@code GET .../holds/current}, a JSON array of
 *       {@link HooplaHold} objects ({@code []} for a card without holds); {@code GET .../status},
 *       {@code {"currentlyBorrowed", "borrowsRemaining", "borrowsAllowedPerMonth"}}; and
 *       {@code GET .../checkouts/current}, always {@code []}. A missing, unknown or expired token is
 *       answered <b>401 with an empty body</b>, Aspen's cue to renew the token. Another
 *       {@code libraryId}: 404 {@code {"message": ...}}. A card not in the directory: 400
 *       {@code {"message": "Invalid library card"}} (the Koha plugin's fact); a card without a Hoopla
 *       account: 403 {@code {"message": ...}}. Other paths: 404, other methods: 405.</li>
 * </ul>
 * Holds keep Hoopla's quirks: {@code inserted} and {@code reserveUntil} in unix seconds (the unit the
 * sources imply), {@code reserveUntil} only on {@code RESERVED} holds, statuses {@code RESERVED} and
 * {@code WAITING} only.
 *
 * <p>Its pace is Hoopla's guideline: at most {@code requests-per-minute} (100) requests in any 60 s
 * window, every endpoint counted, token calls included. Each request is drawn a seeded random delay
 * of up to {@code jitter-ms}: it is judged against the pace that long after its arrival (so requests
 * may be judged out of order, as behind a load balancer) and answered {@code latency-ms} plus that
 * delay after its arrival (the time the server read it, as for the other simulators), however long
 * the handling took. A request over the pace is answered 429 {@code {"message": "Too Many Requests"}}
 * with {@code Retry-After} (whole seconds until the window has room) and does not count. The checks
 * run in this order: pace, path, credentials or token, library, the card's planted bad answer, its
 * rejection, whether it is known, whether it has an account.
 *
 * <p>The directory: {@link #directoryFor(HoldsDataSet, HooplaSandboxSettings)} makes every live
 * Sierra patron's barcode a valid card (so it overlaps the Libib sandbox's directory, built from the
 * same patrons; Libib's own extra patrons and deleted Sierra patrons are invalid cards here), a share
 * without a Hoopla account, a share with 1 to 4 holds; {@link #numbered(int, int)} makes N cards for
 * benchmarks. Tests change it with {@link #setHolds}, {@link #removeHolds} and {@link #rejectCard}, and
 * plant bad input with {@link #breakCard} (malformed JSON or a load balancer's HTML 502 page for one
 * card) and the {@code missing-reserve-until-percent} knob. Observation: {@link #requests()},
 * {@link #calls(String)}, {@link #arrivals()}, {@link #maxArrivalsInAnyWindow()}, {@link #throttled()},
 * {@link #tokenRequests()}, {@link #callsByToken()} (which caller sent what: each client holds its own
 * token), {@link #holdsOf(String)}, {@link #cards()}, {@link #reset()}.
 *
 * <pre>{@code
 * HooplaSandboxSettings settings = HooplaSandboxSettings.defaults();
 * try (HooplaSimulator hoopla = new HooplaSimulator(settings, HooplaSimulator.directoryFor(data, settings)).start()) {
 *     // token: POST hoopla.baseUrl() + "/api/v1/get-token"; holds: hoopla.holdsUrl(card)
 * }
 * }</pre>
 */
public final class HooplaSimulator extends SimulatorServer {

    public static final String TOKEN_PATH = "/api/v1/get-token";
    /** The token path current Aspen calls. */
    public static final String TOKEN_PATH_V2 = "/v2/token";
    public static final String INVALID_CARD_MESSAGE = "Invalid library card";
    public static final String NO_ACCOUNT_MESSAGE = "This library card is not registered with hoopla";
    /** The page a load balancer answers for a broken backend ({@link BadAnswer#HTML_502}). */
    public static final String HTML_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
    /** The body of a {@link BadAnswer#MALFORMED_JSON} answer: an array cut off in a string. */
    public static final String MALFORMED_JSON = "[{\"status\":\"RESERVED\",\"contentId\":13966741,\"title\":\"The Four Wi";

    private static final Logger LOG = LoggerFactory.getLogger(HooplaSimulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json;charset=UTF-8";
    private static final Pattern PATRON_PATH = Pattern.compile("/api/v1/libraries/([^/]+)/patrons/([^/]+)(/.*)?");
    private static final long DAY = 86_400;
    /** Mixed into the seed so the Hoopla draws are not Libib's (same default seed). */
    private static final long STREAM = 0x486F6F706C61L; // "Hoopla"

    /** A bad answer planted for one card by {@link #breakCard}. */
    public enum BadAnswer {
        /** 200, {@code application/json}, a body cut off in the middle ({@value #MALFORMED_JSON}). */
        MALFORMED_JSON,
        /** 502, {@code text/html}, a load balancer's error page ({@link #HTML_502}). */
        HTML_502
    }

    /** An answer, sent once the simulated latency (counted from the request's arrival) has passed. */
    private record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {

        static Answer json(int status, Object body, String... headers) {
            try {
                return new Answer(status, JSON_TYPE, JSON.writeValueAsBytes(body), headerMap(headers));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Answer message(int status, String message, String... headers) {
            return json(status, Map.of("message", message), headers);
        }

        static Answer empty(int status, String... headers) {
            return new Answer(status, JSON_TYPE, new byte[0], headerMap(headers));
        }

        private static Map<String, String> headerMap(String... keysAndValues) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
                m.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return m;
        }
    }

    private final HooplaSandboxSettings settings;
    private final Clock clock;
    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private volatile int requestsPerMinute;

    /** The directory in its order; guarded by itself. */
    private final Map<String, HooplaCard> directory = new LinkedHashMap<>();
    private final Map<String, Integer> rejections = new ConcurrentHashMap<>();
    private final Map<String, BadAnswer> broken = new ConcurrentHashMap<>();
    /** Issued tokens and when each expires. */
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final org.holdshelf.sandbox.http.SlidingWindow pace = new org.holdshelf.sandbox.http.SlidingWindow(
            org.holdshelf.sandbox.http.SlidingWindow.ONE_MINUTE);
    private final Random jitter;

    private final LongAdder requests = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder tokenRequests = new LongAdder();
    private final LongAdder tokensIssued = new LongAdder();
    private final LongAdder unauthorized = new LongAdder();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    /** Guarded by itself. */
    private final List<Long> arrivals = new ArrayList<>();
    /** Guarded by {@link #arrivals}. */
    private final List<Long> acceptedArrivals = new ArrayList<>();
    /** Each token issued, in the order issued, with the arrivals of the patron calls that presented it; guarded by {@link #arrivals}. */
    private final Map<String, List<Long>> callsByToken = new LinkedHashMap<>();

    public HooplaSimulator(HooplaSandboxSettings settings, List<HooplaCard> directory) {
        this(settings, directory, Clock.systemUTC());
    }

    /** With a clock of the test's: tokens expire by it. */
    public HooplaSimulator(HooplaSandboxSettings settings, List<HooplaCard> directory, Clock clock) {
        super("Hoopla");
        this.settings = settings;
        this.clock = clock;
        this.latencyNanos = TimeUnit.MILLISECONDS.toNanos(settings.latencyMs());
        this.jitterNanos = TimeUnit.MILLISECONDS.toNanos(settings.jitterMs());
        this.requestsPerMinute = settings.requestsPerMinute();
        this.jitter = new Random(settings.seed());
        for (HooplaCard card : directory) {
            this.directory.put(card.card(), card);
        }
    }

    // ---- directories ----------------------------------------------------------------------------

    /** {@link #directoryFor(HoldsDataSet, HooplaSandboxSettings, Clock)} with "now" from the system clock. */
    public static List<HooplaCard> directoryFor(HoldsDataSet data, HooplaSandboxSettings settings) {
        return directoryFor(data, settings, Clock.systemUTC());
    }

    /**
     * A directory over a Sierra data set: the first barcode of every patron not deleted is a valid
     * card ({@link HoldsDataSet#patronBarcode}), in patron order; {@code no-account-percent} of them
     * have no Hoopla account; of the others, {@code cards-with-holds-percent} have 1 to 4 holds on
     * distinct titles, each {@code RESERVED} with probability {@code reserved-percent}
     * ({@code reserveUntil} 1 to 3 days after the reference time, or missing for
     * {@code missing-reserve-until-percent} of them) and else {@code WAITING} at position 1 to 25,
     * {@code inserted} up to 60 days before the reference time. The reference time is
     * {@code reference-time}, or the clock's now truncated to the second. Each card is drawn from the
     * seed and its patron id alone: deterministic for a seed and a reference time, and a card keeps
     * its holds whatever the size of the data set.
     */
    public static List<HooplaCard> directoryFor(HoldsDataSet data, HooplaSandboxSettings settings, Clock clock) {
        long reference = referenceSeconds(settings, clock);
        List<HooplaCard> cards = new ArrayList<>();
        data.patrons().filter(p -> !p.deleted() && !p.barcodes().isEmpty())
                .forEach(p -> cards.add(card(p.barcodes().get(0), new Random(mix(mix(settings.seed() ^ STREAM) + p.id())),
                        settings, reference)));
        return cards;
    }

    private static long referenceSeconds(HooplaSandboxSettings settings, Clock clock) {
        return (settings.referenceTime() != null ? settings.referenceTime() : clock.instant()).getEpochSecond();
    }

    private static HooplaCard card(String number, Random r, HooplaSandboxSettings s, long reference) {
        if (r.nextInt(100) < s.noAccountPercent()) {
            return HooplaCard.withoutAccount(number);
        }
        if (r.nextInt(100) >= s.cardsWithHoldsPercent()) {
            return HooplaCard.withHolds(number, List.of());
        }
        int n = 1 + r.nextInt(4);
        List<Integer> order = new ArrayList<>(IntStream.range(0, HooplaTitles.TITLES.size()).boxed().toList());
        Collections.shuffle(order, r);
        List<HooplaHold> holds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            HooplaTitles.Title t = HooplaTitles.TITLES.get(order.get(i));
            long inserted = reference - 3600 - r.nextInt((int) (60 * DAY));
            if (r.nextInt(100) < s.reservedPercent()) {
                boolean missing = r.nextInt(100) < s.missingReserveUntilPercent();
                long until = reference + DAY + r.nextInt((int) (2 * DAY) + 1);
                holds.add(HooplaHold.reserved(t.contentId(), t.title(), t.kind(), inserted, missing ? null : until));
            } else {
                holds.add(HooplaHold.waiting(t.contentId(), t.title(), t.kind(), 1 + r.nextInt(25), inserted));
            }
        }
        return HooplaCard.withHolds(number, holds);
    }

    /** {@link #numbered(int, int, Instant)} with "now" as the reference time. */
    public static List<HooplaCard> numbered(int cards, int withHoldsPercent) {
        return numbered(cards, withHoldsPercent, Instant.now());
    }

    /**
     * For benchmarks: {@code cards} cards numbered as the Libib sandbox's {@code numbered} patrons
     * ({@code 2020000000001}...), all with an account; {@code withHoldsPercent} of them, evenly spread,
     * have two holds: one {@code RESERVED} until two days after {@code reference}, one {@code WAITING}.
     */
    public static List<HooplaCard> numbered(int cards, int withHoldsPercent, Instant reference) {
        if (cards < 0 || withHoldsPercent < 0 || withHoldsPercent > 100) {
            throw new IllegalArgumentException("cards must not be negative and the share must be 0..100");
        }
        long ref = reference.getEpochSecond();
        int titles = HooplaTitles.TITLES.size();
        List<HooplaCard> list = new ArrayList<>(cards);
        for (int i = 1; i <= cards; i++) {
            String number = String.format("2020%09d", i);
            boolean withHolds = (long) i * withHoldsPercent / 100 != (long) (i - 1) * withHoldsPercent / 100;
            if (!withHolds) {
                list.add(HooplaCard.withHolds(number, List.of()));
                continue;
            }
            HooplaTitles.Title a = HooplaTitles.TITLES.get(i % titles);
            HooplaTitles.Title b = HooplaTitles.TITLES.get((i + 1) % titles);
            list.add(HooplaCard.withHolds(number, List.of(
                    HooplaHold.reserved(a.contentId(), a.title(), a.kind(), ref - 5 * DAY, ref + 2 * DAY),
                    HooplaHold.waiting(b.contentId(), b.title(), b.kind(), 1 + i % 10, ref - 3 * DAY))));
        }
        return list;
    }

    // ---- serving --------------------------------------------------------------------------------

    /** Starts on the port of the settings (0: a free one). */
    public HooplaSimulator start() {
        return start(settings.port());
    }

    @Override
    public synchronized HooplaSimulator start(int port) {
        super.start(port);
        LOG.debug("Hoopla simulator listening on {} ({} cards; {})", origin(), cards().size(), settings);
        return this;
    }

    @Override
    protected void register(HttpServer server) {
        server.createContext("/", safely(this::handle));
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = requestArrivedNanos();
        long delay = jitterNanos();
        readBody(exchange);
        requests.increment();
        synchronized (arrivals) {
            arrivals.add(arrived);
        }
        Answer answer = answer(exchange, arrived, arrived + delay);
        long left = latencyNanos + delay - (System.nanoTime() - arrived);
        if (left > 0) {
            simulateLatencyNanos(left);
        }
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        send(exchange, answer.status(), answer.contentType(), answer.body());
    }

    private Answer answer(HttpExchange exchange, long arrived, long judged) {
        String path = exchange.getRequestURI().getPath();
        boolean tokenPath = TOKEN_PATH.equals(path) || TOKEN_PATH_V2.equals(path);
        Matcher patron = PATRON_PATH.matcher(path);
        boolean patronPath = patron.matches();
        if (tokenPath) {
            tokenRequests.increment();
        } else if (patronPath) {
            calls.computeIfAbsent(patron.group(2), c -> new LongAdder()).increment();
        }
        int limit = requestsPerMinute;
        if (!pace.admit(judged, limit)) {
            throttled.increment();
            long seconds = Math.max(1, (pace.retryAfterNanos(judged, limit) + 999_999_999L) / 1_000_000_000L);
            return Answer.message(429, "Too Many Requests", "Retry-After", Long.toString(seconds));
        }
        synchronized (arrivals) {
            acceptedArrivals.add(arrived);
        }
        if (tokenPath) {
            return token(exchange);
        }
        if (!patronPath) {
            return Answer.message(404, "Not Found: " + path);
        }
        return patron(exchange, arrived, patron.group(1), patron.group(2), patron.group(3) == null ? "" : patron.group(3));
    }

    private Answer token(HttpExchange exchange) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return Answer.message(405, "Method Not Allowed: POST for a token", "Allow", "POST");
        }
        if (!basicAuthMatches(exchange.getRequestHeaders().getFirst("Authorization"), settings.username(), settings.password())) {
            unauthorized.increment();
            return Answer.message(401, "Bad credentials", "WWW-Authenticate", "Basic realm=\"hoopla\"");
        }
        String token = UUID.randomUUID().toString();
        long lifetime = settings.tokenLifetimeSeconds();
        tokens.put(token, clock.instant().plusSeconds(lifetime));
        tokensIssued.increment();
        synchronized (arrivals) {
            callsByToken.put(token, new ArrayList<>());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("token_type", "bearer");
        body.put("expires_in", lifetime);
        return Answer.json(200, body);
    }

    private boolean bearer(String authorization) {
        String token = bearerToken(authorization);
        if (token == null) {
            return false;
        }
        Instant expires = tokens.get(token);
        if (expires == null) {
            return false;
        }
        if (!clock.instant().isBefore(expires)) {
            tokens.remove(token);
            return false;
        }
        return true;
    }

    private Answer patron(HttpExchange exchange, long arrived, String libraryId, String card, String rest) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (!bearer(authorization)) {
            unauthorized.increment();
            // no body: the cue partner clients (Aspen) renew their token on
            return Answer.empty(401, "WWW-Authenticate", "Bearer realm=\"hoopla\"");
        }
        synchronized (arrivals) {
            List<Long> uses = callsByToken.get(bearerToken(authorization));
            if (uses != null) {
                uses.add(arrived);
            }
        }
        if (!Long.toString(settings.libraryId()).equals(libraryId)) {
            return Answer.message(404, "Library " + libraryId + " not found");
        }
        boolean holds = rest.equals("/holds/current");
        boolean status = rest.equals("/status");
        if (!holds && !status && !rest.equals("/checkouts/current")) {
            return Answer.message(404, "Not Found: " + exchange.getRequestURI().getPath());
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            return Answer.message(405, "Method Not Allowed", "Allow", "GET");
        }
        BadAnswer bad = broken.get(card);
        if (bad != null) {
            return bad == BadAnswer.HTML_502
                    ? new Answer(502, "text/html", HTML_502.getBytes(StandardCharsets.UTF_8), Map.of())
                    : new Answer(200, JSON_TYPE, MALFORMED_JSON.getBytes(StandardCharsets.UTF_8), Map.of());
        }
        Integer rejected = rejections.get(card);
        if (rejected != null) {
            return Answer.message(rejected, rejectionMessage(rejected));
        }
        HooplaCard known;
        synchronized (directory) {
            known = directory.get(card);
        }
        if (known == null) {
            return Answer.message(400, INVALID_CARD_MESSAGE);
        }
        if (!known.account()) {
            return Answer.message(403, NO_ACCOUNT_MESSAGE);
        }
        if (holds) {
            return Answer.json(200, known.holds().stream().map(HooplaHold::json).toList());
        }
        if (status) {
            return Answer.json(200, status(card));
        }
        return Answer.json(200, List.of());
    }

    private static String rejectionMessage(int status) {
        return switch (status) {
            case 400 -> INVALID_CARD_MESSAGE;
            case 403 -> NO_ACCOUNT_MESSAGE;
            case 404 -> "Patron not found";
            default -> "Error " + status;
        };
    }

    /** Monthly borrow counts, the same for a card and a seed. */
    private Map<String, Object> status(String card) {
        long h = mix(settings.seed() ^ STREAM ^ card.hashCode() * 0x9E3779B97F4A7C15L);
        int allowed = new int[] {5, 8, 10, 15}[(int) Math.floorMod(h, 4L)];
        int borrowedThisMonth = (int) Math.floorMod(h >>> 8, (long) allowed + 1);
        int current = (int) Math.floorMod(h >>> 20, (long) Math.min(borrowedThisMonth, 5) + 1);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("currentlyBorrowed", current);
        m.put("borrowsRemaining", allowed - borrowedThisMonth);
        m.put("borrowsAllowedPerMonth", allowed);
        return m;
    }

    private long jitterNanos() {
        long bound = jitterNanos;
        if (bound <= 0) {
            return 0;
        }
        synchronized (jitter) {
            return (long) (jitter.nextDouble() * (bound + 1));
        }
    }

    /** Murmur3's 64-bit finalizer. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    // ---- knobs and mutators at run time -----------------------------------------------------------

    /** Every token issued so far is refused from now on (401, empty body), as after Hoopla rotated them. */
    public void expireTokens() {
        tokens.clear();
    }

    /** The card has these holds from now on (a card not in the directory becomes a valid one, with an account). */
    public void setHolds(String card, List<HooplaHold> holds) {
        HooplaCard replaced = HooplaCard.withHolds(card, holds);
        synchronized (directory) {
            directory.put(card, replaced);
        }
    }

    /** The card has no holds from now on (it stays valid); whether it had any. */
    public boolean removeHolds(String card) {
        synchronized (directory) {
            HooplaCard known = directory.get(card);
            if (known == null || known.holds().isEmpty()) {
                return false;
            }
            directory.put(card, new HooplaCard(card, known.account(), List.of()));
            return true;
        }
    }

    /**
     * Calls for the card are answered {@code status} with {@code {"message": ...}} from now on: 400
     * "Invalid library card", 403 no Hoopla account, or any other 4xx/5xx status. Until {@link #acceptCard}.
     */
    public void rejectCard(String card, int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a rejection is a 4xx or 5xx status, not " + status);
        }
        rejections.put(card, status);
    }

    /** Takes back {@link #rejectCard}. */
    public void acceptCard(String card) {
        rejections.remove(card);
    }

    /** Calls for the card get this bad answer from now on (after the token check), until {@link #fixCard}. */
    public void breakCard(String card, BadAnswer answer) {
        broken.put(card, java.util.Objects.requireNonNull(answer));
    }

    /** Takes back {@link #breakCard}. */
    public void fixCard(String card) {
        broken.remove(card);
    }

    /** The most requests accepted in any 60 s window from now on; 0: unlimited. */
    public void setRequestsPerMinute(int requestsPerMinute) {
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("requests per minute must not be negative (0: unlimited)");
        }
        this.requestsPerMinute = requestsPerMinute;
    }

    /** Time to answer, counted from each request's arrival. */
    public void setLatency(Duration latency) {
        this.latencyNanos = requireNonNegative(latency, "latency").toNanos();
    }

    /** Up to this much more than the latency, drawn per request (and the delay before it is judged). */
    public void setJitter(Duration jitter) {
        this.jitterNanos = requireNonNegative(jitter, "jitter").toNanos();
    }

    // ---- for the sandbox, tests and benchmarks ---------------------------------------------------

    public HooplaSandboxSettings settings() {
        return settings;
    }

    /** {@code http://127.0.0.1:<port>}: {@code holdshelf.hoopla.base-url}. */
    public String baseUrl() {
        return origin();
    }

    /** {@code <base>/api/v1/libraries/<library-id>/patrons/<card>/holds/current}. */
    public String holdsUrl(String card) {
        return origin() + "/api/v1/libraries/" + settings.libraryId() + "/patrons/" + card + "/holds/current";
    }

    /** The card's holds now (the truth the API serves), empty for a card unknown or without holds. */
    public List<HooplaHold> holdsOf(String card) {
        synchronized (directory) {
            HooplaCard known = directory.get(card);
            return known == null ? List.of() : known.holds();
        }
    }

    /** Every valid card, in directory order. */
    public List<String> cards() {
        synchronized (directory) {
            return List.copyOf(directory.keySet());
        }
    }

    /** The cards with at least one hold now, in directory order. */
    public List<String> cardsWithHolds() {
        synchronized (directory) {
            return directory.values().stream().filter(c -> !c.holds().isEmpty()).map(HooplaCard::card).toList();
        }
    }

    /** The directory now, in its order. */
    public List<HooplaCard> directory() {
        synchronized (directory) {
            return List.copyOf(directory.values());
        }
    }

    /** Every request so far, refused ones included. */
    public long requests() {
        return requests.sum();
    }

    /** Requests whose path named this card (any patron endpoint), refused ones included. */
    public long calls(String card) {
        LongAdder n = calls.get(card);
        return n == null ? 0 : n.sum();
    }

    /** Requests answered 429 so far. */
    public long throttled() {
        return throttled.sum();
    }

    /** Requests to either token path so far, refused ones included. */
    public long tokenRequests() {
        return tokenRequests.sum();
    }

    /** Tokens handed out so far. */
    public long tokensIssued() {
        return tokensIssued.sum();
    }

    /** Requests answered 401 so far (bad credentials, or a missing, unknown or expired token). */
    public long unauthorized() {
        return unauthorized.sum();
    }

    /** The arrival ({@link System#nanoTime()}) of every request so far, refused ones included, in order. */
    public List<Long> arrivals() {
        return sorted(arrivals);
    }

    /** The arrivals of the requests the pace admitted (every request not answered 429), in order. */
    public List<Long> acceptedArrivals() {
        return sorted(acceptedArrivals);
    }

    /**
     * The most requests that arrived in any 60 s window (half-open) so far, refused ones included:
     * what all clients together sent in their busiest minute, whatever the pace let through (as
     * Alma's {@code AlmaStats.maxArrivalsInAnyWindow} for its second).
     */
    public int maxArrivalsInAnyWindow() {
        return org.holdshelf.sandbox.http.SlidingWindow.mostInAnyWindow(arrivals(), org.holdshelf.sandbox.http.SlidingWindow.ONE_MINUTE);
    }

    /**
     * Every token issued so far, in the order issued, with the arrivals ({@link System#nanoTime()},
     * in order) of the patron calls that presented it and were admitted by the pace: a client keeps
     * its token, so each token is one caller, and two clients polling at once show as two tokens
     * whose calls interleave. A token issued but not used yet has no arrivals.
     */
    public Map<String, List<Long>> callsByToken() {
        Map<String, List<Long>> copy = new LinkedHashMap<>();
        synchronized (arrivals) {
            callsByToken.forEach((token, uses) -> {
                List<Long> sorted = new ArrayList<>(uses);
                Collections.sort(sorted);
                copy.put(token, Collections.unmodifiableList(sorted));
            });
        }
        return Collections.unmodifiableMap(copy);
    }

    private List<Long> sorted(List<Long> list) {
        List<Long> copy;
        synchronized (arrivals) {
            copy = new ArrayList<>(list);
        }
        Collections.sort(copy);
        return Collections.unmodifiableList(copy);
    }

    /**
     * Forgets what was observed: the counts, the arrivals (the calls of each token too) and the pace's window. The API's own state
     * stays: the directory, the tokens, the rejected and broken cards and the knobs.
     */
    public void reset() {
        synchronized (arrivals) {
            arrivals.clear();
            acceptedArrivals.clear();
            callsByToken.replaceAll((token, uses) -> new ArrayList<>());
        }
        requests.reset();
        throttled.reset();
        tokenRequests.reset();
        tokensIssued.reset();
        unauthorized.reset();
        calls.clear();
        pace.reset();
    }
}
