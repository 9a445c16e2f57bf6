package org.holdshelf.sandbox.sms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.holdshelf.sandbox.http.SimulatorServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated SMS gateway (api-facts 7.3, product spec 3.4 "SMS") serving, on one port, the two
 * shapes the notices can post texts in:
 * <ul>
 *   <li><b>Webhook</b>: {@code POST /sms}, {@code Content-Type: application/json},
 *       {@code {"to": "+15135550123", "body": "...", "noticeId": "..."}} (an optional {@code from} is
 *       kept too). Accepted: {@code 202 {"id", "status": "accepted", "segments"}}. The same
 *       {@code noticeId} again after it was accepted (an idempotency key, kept for the simulator's
 *       life, whatever the rest of the request says): {@code 200} with the same {@code id} and
 *       {@code "duplicate": true}, not a second text. Refusals are {@code {"error", "message"}}:
 *       {@code 409 opted-out}; {@code 422 invalid-number} (not E.164, or not a mobile);
 *       {@code 400 bad-request} (malformed JSON, {@code to} or {@code body} missing, not strings or
 *       empty, a body over 1600 characters); {@code 401 unauthorized} without
 *       {@code Authorization: Bearer <webhook-token>} when one is set; {@code 415} for another
 *       content type, {@code 405} for another method.</li>
 *   <li><b>Twilio</b>: {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json}, form-encoded
 *       {@code To}, {@code From} or {@code MessagingServiceSid}, {@code Body}, HTTP basic auth with the
 *       account SID and auth token. Accepted: {@code 201} with Twilio's Message resource ({@code sid}
 *       {@code SM} and 32 hex digits, {@code status} {@code queued}, or {@code accepted} when only a
 *       {@code MessagingServiceSid} was given, as Twilio does; {@code num_segments} as a string, as
 *       Twilio writes it; {@code date_created} in RFC 2822). Refusals are Twilio's
 *       {@code {"code", "message", "more_info", "status"}}: 401 20003 (credentials, or another
 *       account's SID in the URL); 400 21610 opted-out recipient; 400 21211 {@code To} not E.164;
 *       400 21614 not a mobile; 400 21602 no {@code Body}, 21603 no {@code From}, 21604 no
 *       {@code To}, 21617 a body over 1600 characters; 429 20429; 404 20404; 405 20004.</li>
 * </ul>
 *
 * <p>Every answer is sent {@code latency-ms} plus a seeded random {@code 0..jitter-ms} after the
 * request arrived (the time the server read it, as for the other simulators), however long the
 * handling took. Over {@code requests-per-second} in any 1 s window of arrivals, a request is
 * answered 429 with {@code Retry-After: 1} ({@code {"error": "rate-limited"}} or Twilio 20429);
 * rate-limited requests do not count against the window. The checks run in this order: suspended,
 * injected fault, path and method, credentials, rate, the request itself, the idempotency key
 * (webhook), then the number: not E.164, opted out, landline.
 *
 * <p>Numbers are opted out when listed ({@code opted-out}, {@link #optOut}), or drawn by
 * {@code opted-out-percent} (a hash of the number and the seed, so the same numbers every run),
 * unless {@link #optIn opted in} again; landlines likewise ({@code landlines},
 * {@code landline-percent}, {@link #addLandline}). Faults: {@link #failNext(int, int)} (5xx with a
 * load balancer's HTML page), and {@link #suspend()}, which answers every request 503 (with that
 * HTML page; the port keeps listening, as a gateway behind a load balancer whose backends are down)
 * until {@link #resume()}. Every knob of {@link SmsSandboxSettings} but the port, the credentials and
 * the {@code message-dir} can be changed while it runs.
 *
 * <p>Accepted texts are kept in memory ({@link #delivered()}, unless {@link #keepTexts(boolean)} is
 * off) and, with {@code message-dir}, appended to {@value #MESSAGE_FILE} there, one JSON line each.
 * Numbers and bodies are logged at DEBUG only.
 *
 * <pre>{@code
 * try (SmsGatewaySimulator sms = new SmsGatewaySimulator(SmsSandboxSettings.defaults()).start()) {
 *     // post to sms.webhookUrl(), or Twilio's API at sms.baseUrl(); then sms.delivered(), sms.stats()
 * }
 * }</pre>
 */
public final class SmsGatewaySimulator extends SimulatorServer {

    /** {@link SmsText#provider()} of texts posted to {@code /sms}. */
    public static final String WEBHOOK = "webhook";
    /** {@link SmsText#provider()} of texts posted to Twilio's Messages API. */
    public static final String TWILIO = "twilio";
    public static final String WEBHOOK_PATH = "/sms";
    /** The file in {@code message-dir} that accepted texts are appended to. */
    public static final String MESSAGE_FILE = "sms-texts.jsonl";
    /** Twilio's limit for one message's body, in characters; the webhook keeps to it too. */
    public static final int MAX_BODY_CHARS = 1600;

    private static final Logger LOG = LoggerFactory.getLogger(SmsGatewaySimulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TWILIO_MESSAGES = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US)
            .withZone(ZoneOffset.UTC);

    private enum Shape { WEBHOOK, TWILIO, OTHER }

    /** An answer, sent once the simulated latency (counted from the request's arrival) has passed. */
    private record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {

        static Answer json(int status, Map<String, ?> body, String... headers) {
            try {
                return new Answer(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body), headerMap(headers));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Answer html(int status) {
            String page = "<html><body>" + reason(status) + "</body></html>";
            return new Answer(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        private static Map<String, String> headerMap(String... keysAndValues) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
                m.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return m;
        }
    }

    /** A refusal: the answer and the reason it is counted under. */
    private record Refused(SmsRefusal reason, Answer answer) {
    }

    /** Planted by {@link #failNext}: the status, and a body (null: the default for the status and shape). */
    private record Fault(int status, String contentType, String body) {
    }

    private final SmsSandboxSettings settings;
    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private volatile int requestsPerSecond;
    private volatile String webhookToken;
    private volatile int optedOutPercent;
    private volatile int landlinePercent;
    private volatile boolean suspended;
    private volatile boolean keepTexts = true;

    private final Set<String> optedOut = ConcurrentHashMap.newKeySet();
    private final Set<String> optedIn = ConcurrentHashMap.newKeySet();
    private final Set<String> landlines = ConcurrentHashMap.newKeySet();
    private final Map<String, SmsText> byNoticeId = new ConcurrentHashMap<>();
    private final Random jitter;
    private final AtomicLong sequence = new AtomicLong();
    private final org.holdshelf.sandbox.http.SlidingWindow window = new org.holdshelf.sandbox.http.SlidingWindow(
            org.holdshelf.sandbox.http.SlidingWindow.ONE_SECOND);

    /** Guarded by itself. */
    private final List<SmsText> delivered = new ArrayList<>();
    /** Guarded by itself. */
    private final List<Long> arrivals = new ArrayList<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final Map<SmsRefusal, LongAdder> refusals = new ConcurrentHashMap<>();
    private final Object faultLock = new Object();
    /** Guarded by faultLock: the planted fault and how many more requests get it. */
    private Fault plantedFault;
    private int faultsLeft;
    private final Object messageFileLock = new Object();
    private final AtomicBoolean messageDirWarned = new AtomicBoolean();

    public SmsGatewaySimulator(SmsSandboxSettings settings) {
        super("SMS");
        this.settings = settings;
        this.latencyNanos = Duration.ofMillis(settings.latencyMs()).toNanos();
        this.jitterNanos = Duration.ofMillis(settings.jitterMs()).toNanos();
        this.requestsPerSecond = settings.requestsPerSecond();
        this.webhookToken = settings.webhookToken();
        this.optedOutPercent = settings.optedOutPercent();
        this.landlinePercent = settings.landlinePercent();
        this.optedOut.addAll(settings.optedOut());
        this.landlines.addAll(settings.landlines());
        this.jitter = new Random(settings.seed());
    }

    /** Starts on the port of the settings (0: a free one). */
    public SmsGatewaySimulator start() {
        return start(settings.port());
    }

    /** Starts listening (port 0 picks a free one), creating the {@code message-dir} first when set. */
    @Override
    public synchronized SmsGatewaySimulator start(int port) {
        if (settings.messageDir() != null) {
            try {
                Files.createDirectories(settings.messageDir());
            } catch (IOException e) {
                throw new IllegalStateException("Cannot create " + SmsSandboxSettings.PREFIX + "message-dir "
                        + settings.messageDir() + ": " + e.getMessage(), e);
            }
        }
        super.start(port);
        LOG.debug("SMS gateway simulator listening on {} ({})", origin(), settings);
        return this;
    }

    @Override
    protected void register(HttpServer server) {
        server.createContext(WEBHOOK_PATH, safely(exchange -> handle(exchange, Shape.WEBHOOK)));
        server.createContext("/2010-04-01/", safely(exchange -> handle(exchange, Shape.TWILIO)));
        server.createContext("/", safely(exchange -> handle(exchange, Shape.OTHER)));
    }

    // ---- handling -------------------------------------------------------------------------------

    private void handle(HttpExchange exchange, Shape shape) throws IOException {
        long arrived = requestArrivedNanos();
        long wait = latencyNanos + jitterNanos();
        byte[] raw = readBody(exchange);
        requests.increment();
        synchronized (arrivals) {
            arrivals.add(arrived);
        }
        Answer answer;
        try {
            answer = answer(exchange, shape, raw, arrived);
        } catch (Refusal refusal) {
            refusals.computeIfAbsent(refusal.refused.reason(), r -> new LongAdder()).increment();
            answer = refusal.refused.answer();
        }
        long left = wait - (System.nanoTime() - arrived);
        if (left > 0) {
            simulateLatencyNanos(left);
        }
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        send(exchange, answer.status(), answer.contentType(), answer.body());
    }

    /** Thrown by the checks to end a request with a refusal. */
    private static final class Refusal extends Exception {

        final Refused refused;

        Refusal(SmsRefusal reason, Answer answer) {
            super(null, null, false, false);
            this.refused = new Refused(reason, answer);
        }
    }

    private Answer answer(HttpExchange exchange, Shape shape, byte[] raw, long arrived) throws Refusal {
        if (suspended) {
            throw new Refusal(SmsRefusal.SUSPENDED, Answer.html(503));
        }
        Fault planted = takeFault();
        if (planted != null) {
            throw new Refusal(SmsRefusal.INJECTED_FAULT, faultAnswer(planted, shape));
        }
        return switch (shape) {
            case WEBHOOK -> webhook(exchange, raw, arrived);
            case TWILIO -> twilio(exchange, raw, arrived);
            case OTHER -> throw new Refusal(SmsRefusal.BAD_REQUEST, Answer.json(404,
                    webhookError("not-found", "no such resource: " + exchange.getRequestURI().getPath()
                            + " (texts go to POST " + WEBHOOK_PATH + " or Twilio's Messages API)")));
        };
    }

    // ---- the webhook ----------------------------------------------------------------------------

    private Answer webhook(HttpExchange exchange, byte[] raw, long arrived) throws Refusal {
        if (!WEBHOOK_PATH.equals(exchange.getRequestURI().getPath())) {
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 404, "not-found", "no such resource: " + exchange.getRequestURI().getPath());
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new Refusal(SmsRefusal.BAD_REQUEST, Answer.json(405,
                    webhookError("method-not-allowed", exchange.getRequestMethod() + " is not allowed: POST a text"), "Allow", "POST"));
        }
        String token = webhookToken;
        if (!token.isEmpty() && !bearer(exchange.getRequestHeaders().getFirst("Authorization"), token)) {
            throw new Refusal(SmsRefusal.UNAUTHORIZED, Answer.json(401,
                    webhookError("unauthorized", "a valid bearer token is required"), "WWW-Authenticate", "Bearer realm=\"sms\""));
        }
        if (!window.admit(arrived, requestsPerSecond)) {
            throw new Refusal(SmsRefusal.RATE_LIMITED, webhookRateLimited());
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.strip().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 415, "unsupported-media-type",
                    "Content-Type must be application/json, was " + (contentType == null ? "none" : contentType));
        }
        JsonNode json;
        try {
            json = JSON.readTree(raw);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 400, "bad-request", "malformed JSON: " + why);
        }
        if (json == null || !json.isObject()) {
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 400, "bad-request", "the request must be a JSON object");
        }
        String to = requiredText(json, "to");
        String body = requiredText(json, "body");
        String noticeId = optionalText(json, "noticeId");
        String from = optionalText(json, "from");
        if (body.codePointCount(0, body.length()) > MAX_BODY_CHARS) {
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 400, "bad-request", "body is longer than " + MAX_BODY_CHARS + " characters");
        }
        if (noticeId != null) {
            SmsText earlier = byNoticeId.get(noticeId);
            if (earlier != null) {
                return webhookDuplicate(earlier);
            }
        }
        if (!SmsSandboxSettings.E164.matcher(to).matches()) {
            throw webhookRefusal(SmsRefusal.INVALID_NUMBER, 422, "invalid-number", "'" + to + "' is not an E.164 number");
        }
        if (isOptedOut(to)) {
            throw webhookRefusal(SmsRefusal.OPTED_OUT, 409, "opted-out", to + " has opted out of texts (replied STOP)");
        }
        if (isLandline(to)) {
            throw webhookRefusal(SmsRefusal.NOT_MOBILE, 422, "invalid-number", to + " is not a mobile number");
        }
        SmsText text = text(nextId("sms_", 24), WEBHOOK, to, from, body, noticeId, arrived);
        if (noticeId != null) {
            SmsText raced = byNoticeId.putIfAbsent(noticeId, text);
            if (raced != null) {
                return webhookDuplicate(raced);
            }
        }
        keep(text);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", text.id());
        answer.put("status", "accepted");
        answer.put("segments", text.segments());
        return Answer.json(202, answer);
    }

    private Answer webhookDuplicate(SmsText earlier) {
        duplicates.increment();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", earlier.id());
        answer.put("status", "accepted");
        answer.put("segments", earlier.segments());
        answer.put("duplicate", true);
        return Answer.json(200, answer);
    }

    private static String requiredText(JsonNode json, String field) throws Refusal {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 400, "bad-request", "'" + field + "' is missing");
        }
        if (!node.isTextual()) {
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 400, "bad-request", "'" + field + "' must be a string");
        }
        if (node.asText().isBlank()) {
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 400, "bad-request", "'" + field + "' is empty");
        }
        return node.asText();
    }

    private static String optionalText(JsonNode json, String field) throws Refusal {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw webhookRefusal(SmsRefusal.BAD_REQUEST, 400, "bad-request", "'" + field + "' must be a string");
        }
        return node.asText().isBlank() ? null : node.asText();
    }

    private static boolean bearer(String authorization, String token) {
        String given = bearerToken(authorization);
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> webhookError(String error, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("message", message);
        return m;
    }

    private static Refusal webhookRefusal(SmsRefusal reason, int status, String error, String message) {
        return new Refusal(reason, Answer.json(status, webhookError(error, message)));
    }

    private static Answer webhookRateLimited() {
        return Answer.json(429, webhookError("rate-limited", "too many requests: retry after 1 s"), "Retry-After", "1");
    }

    // ---- Twilio ---------------------------------------------------------------------------------

    private Answer twilio(HttpExchange exchange, byte[] raw, long arrived) throws Refusal {
        String path = exchange.getRequestURI().getPath();
        Matcher messages = TWILIO_MESSAGES.matcher(path);
        if (!messages.matches()) {
            throw twilioRefusal(SmsRefusal.BAD_REQUEST, 404, 20404, "The requested resource " + path + " was not found");
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new Refusal(SmsRefusal.BAD_REQUEST, Answer.json(405, twilioError(20004, "Method not allowed", 405), "Allow", "POST"));
        }
        if (!basicAuthMatches(exchange.getRequestHeaders().getFirst("Authorization"), settings.accountSid(), settings.authToken()) || !settings.accountSid().equals(messages.group(1))) {
            throw new Refusal(SmsRefusal.UNAUTHORIZED, Answer.json(401, twilioError(20003, "Authenticate", 401),
                    "WWW-Authenticate", "Basic realm=\"Twilio API\""));
        }
        if (!window.admit(arrived, requestsPerSecond)) {
            throw new Refusal(SmsRefusal.RATE_LIMITED, twilioRateLimited());
        }
        Map<String, String> form = parseForm(new String(raw, StandardCharsets.UTF_8));
        String to = blankToNull(form.get("To"));
        String from = blankToNull(form.get("From"));
        String service = blankToNull(form.get("MessagingServiceSid"));
        String body = form.get("Body");
        if (to == null) {
            throw twilioRefusal(SmsRefusal.BAD_REQUEST, 400, 21604, "A 'To' phone number is required.");
        }
        if (from == null && service == null) {
            throw twilioRefusal(SmsRefusal.BAD_REQUEST, 400, 21603, "A 'From' phone number is required.");
        }
        if (body == null || body.isEmpty()) {
            throw twilioRefusal(SmsRefusal.BAD_REQUEST, 400, 21602, "Message body is required.");
        }
        if (body.codePointCount(0, body.length()) > MAX_BODY_CHARS) {
            throw twilioRefusal(SmsRefusal.BAD_REQUEST, 400, 21617, "The concatenated message body exceeds the "
                    + MAX_BODY_CHARS + " character limit.");
        }
        if (!SmsSandboxSettings.E164.matcher(to).matches()) {
            throw twilioRefusal(SmsRefusal.INVALID_NUMBER, 400, 21211, "The 'To' number " + to + " is not a valid phone number.");
        }
        if (isOptedOut(to)) {
            throw twilioRefusal(SmsRefusal.OPTED_OUT, 400, 21610, "Attempt to send to unsubscribed recipient");
        }
        if (isLandline(to)) {
            throw twilioRefusal(SmsRefusal.NOT_MOBILE, 400, 21614, "'To' number is not a valid mobile number");
        }
        SmsText text = text("SM" + nextId("", 32), TWILIO, to, from, body, null, arrived);
        keep(text);
        String account = settings.accountSid();
        String uri = "/2010-04-01/Accounts/" + account + "/Messages/" + text.id();
        String created = RFC_2822.format(text.arrived());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account_sid", account);
        m.put("api_version", "2010-04-01");
        m.put("body", body);
        m.put("date_created", created);
        m.put("date_sent", null);
        m.put("date_updated", created);
        m.put("direction", "outbound-api");
        m.put("error_code", null);
        m.put("error_message", null);
        m.put("from", from);
        m.put("messaging_service_sid", service);
        m.put("num_media", "0");
        m.put("num_segments", Integer.toString(text.segments()));
        m.put("price", null);
        m.put("price_unit", "USD");
        m.put("sid", text.id());
        m.put("status", from == null ? "accepted" : "queued");
        m.put("subresource_uris", Map.of("media", uri + "/Media.json"));
        m.put("to", to);
        m.put("uri", uri + ".json");
        return Answer.json(201, m);
    }

    private static Map<String, Object> twilioError(int code, String message, int status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        m.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        m.put("status", status);
        return m;
    }

    private static Refusal twilioRefusal(SmsRefusal reason, int status, int code, String message) {
        return new Refusal(reason, Answer.json(status, twilioError(code, message, status)));
    }

    private static Answer twilioRateLimited() {
        return Answer.json(429, twilioError(20429, "Too Many Requests", 429), "Retry-After", "1");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    // ---- faults ---------------------------------------------------------------------------------

    private Fault takeFault() {
        synchronized (faultLock) {
            if (faultsLeft <= 0) {
                return null;
            }
            faultsLeft--;
            return plantedFault;
        }
    }

    private static Answer faultAnswer(Fault planted, Shape shape) {
        if (planted.body() != null) {
            return new Answer(planted.status(), planted.contentType(), planted.body().getBytes(StandardCharsets.UTF_8), Map.of());
        }
        int status = planted.status();
        if (status >= 500) {
            return Answer.html(status);
        }
        if (status == 429) {
            return shape == Shape.TWILIO ? twilioRateLimited() : webhookRateLimited();
        }
        if (status == 401 && shape == Shape.TWILIO) {
            return Answer.json(401, twilioError(20003, "Authenticate", 401));
        }
        return Answer.json(status, webhookError("injected-fault", "HTTP " + status + " injected by the SMS gateway simulator"));
    }

    private static String reason(int status) {
        return switch (status) {
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status >= 500 ? "Server Error" : "Error " + status;
        };
    }

    // ---- texts ----------------------------------------------------------------------------------

    private SmsText text(String id, String provider, String to, String from, String body, String noticeId, long arrivedNanos) {
        Instant arrived = Instant.now().minusNanos(System.nanoTime() - arrivedNanos);
        return new SmsText(id, provider, to, from, body, noticeId, SegmentCount.segments(body), arrived, arrivedNanos);
    }

    private void keep(SmsText text) {
        accepted.increment();
        if (keepTexts) {
            synchronized (delivered) {
                delivered.add(text);
            }
        }
        if (settings.messageDir() != null) {
            append(text);
        }
        // numbers and bodies only at DEBUG: contact details stay out of the logs above it
        LOG.debug("SMS gateway simulator accepted {} ({}, {} segment(s))", text.id(), text.provider(), text.segments());
    }

    private void append(SmsText text) {
        Path file = settings.messageDir().resolve(MESSAGE_FILE);
        try {
            byte[] line = (JSON.writeValueAsString(text.json()) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (messageFileLock) {
                Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // once: a full or read-only disk would otherwise log a line per text
            if (messageDirWarned.compareAndSet(false, true)) {
                LOG.warn("SMS gateway simulator cannot write texts to {} ({}); they are kept in memory only", file, e.toString());
            }
        }
    }

    /** Ids unique in this simulator, the same for a seed: hex digits from the seed and a sequence number. */
    private String nextId(String prefix, int hexDigits) {
        long n = sequence.incrementAndGet();
        String hex = String.format("%016x%016x", mix(settings.seed() ^ n * 0x9E3779B97F4A7C15L), mix(n + settings.seed() * 31));
        return prefix + hex.substring(0, hexDigits);
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

    private long jitterNanos() {
        long bound = jitterNanos;
        if (bound <= 0) {
            return 0;
        }
        synchronized (jitter) {
            return (long) (jitter.nextDouble() * (bound + 1));
        }
    }

    /** 0..99 for a number, the same for a seed: opted out below {@code opted-out-percent}, then landlines. */
    private int bucket(String number) {
        long h = settings.seed() * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < number.length(); i++) {
            h = (h ^ number.charAt(i)) * 0x100000001B3L;
        }
        return (int) Math.floorMod(mix(h), 100L);
    }

    // ---- numbers --------------------------------------------------------------------------------

    /** Whether a text to this E.164 number is refused as opted out (listed or drawn, and not opted in again). */
    public boolean isOptedOut(String e164) {
        if (optedIn.contains(e164)) {
            return false;
        }
        return optedOut.contains(e164) || bucket(e164) < optedOutPercent;
    }

    /** Whether a text to this E.164 number is refused as not a mobile (listed or drawn). */
    public boolean isLandline(String e164) {
        if (landlines.contains(e164)) {
            return true;
        }
        int bucket = bucket(e164);
        int from = optedOutPercent;
        return bucket >= from && bucket < from + landlinePercent;
    }

    /** The number replied STOP: texts to it are refused as opted out from now on. */
    public void optOut(String e164) {
        optedIn.remove(requireE164(e164));
        optedOut.add(e164);
    }

    /** The number replied START: texts to it are accepted again, even when {@code opted-out-percent} draws it. */
    public void optIn(String e164) {
        optedOut.remove(requireE164(e164));
        optedIn.add(e164);
    }

    /** Texts to this number are refused as not a mobile from now on. */
    public void addLandline(String e164) {
        landlines.add(requireE164(e164));
    }

    private static String requireE164(String number) {
        if (number == null || !SmsSandboxSettings.E164.matcher(number).matches()) {
            throw new IllegalArgumentException("'" + number + "' is not an E.164 number (+15135550123)");
        }
        return number;
    }

    // ---- knobs at run time ----------------------------------------------------------------------

    /** Time to answer, counted from each request's arrival. */
    public void setLatency(Duration latency) {
        this.latencyNanos = requireNonNegative(latency, "latency").toNanos();
    }

    /** Up to this much more than the latency, drawn per request. */
    public void setJitter(Duration jitter) {
        this.jitterNanos = requireNonNegative(jitter, "jitter").toNanos();
    }

    /** The most requests accepted in any 1 s window from now on; 0: unlimited. */
    public void setRequestsPerSecond(int requestsPerSecond) {
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException("requests per second must not be negative (0: unlimited)");
        }
        this.requestsPerSecond = requestsPerSecond;
    }

    /** The bearer token {@code POST /sms} needs; null or empty: none. */
    public void setWebhookToken(String token) {
        this.webhookToken = token == null ? "" : token;
    }

    /** The shares of numbers drawn as opted out and as landlines (disjoint: together at most 100). */
    public void setDrawnPercents(int optedOutPercent, int landlinePercent) {
        if (optedOutPercent < 0 || landlinePercent < 0 || optedOutPercent + landlinePercent > 100) {
            throw new IllegalArgumentException("the percentages must be 0..100 and add up to 100 at most, were "
                    + optedOutPercent + " and " + landlinePercent);
        }
        this.optedOutPercent = optedOutPercent;
        this.landlinePercent = landlinePercent;
    }

    /**
     * The next {@code count} requests (to either shape, before any other check) are answered
     * {@code status}: a 5xx with a load balancer's HTML page ({@code <html><body>Service
     * Unavailable</body></html>}), 429 with the shape's rate-limit answer and {@code Retry-After: 1},
     * others with {@code {"error": "injected-fault", ...}}. Replaces a fault still pending; 0 clears it.
     */
    public void failNext(int count, int status) {
        plant(count, new Fault(status, null, null));
    }

    /** The next {@code count} requests are answered {@code status} with this body. */
    public void failNext(int count, int status, String contentType, String body) {
        plant(count, new Fault(status, contentType, body == null ? "" : body));
    }

    private void plant(int count, Fault planted) {
        if (planted.status() < 100 || planted.status() > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + planted.status());
        }
        synchronized (faultLock) {
            plantedFault = planted;
            faultsLeft = Math.max(count, 0);
        }
    }

    /**
     * The gateway is down: until {@link #resume()}, every request is answered 503 with a load
     * balancer's HTML page (the port keeps listening and connections stay open).
     */
    public void suspend() {
        if (!suspended) {
            suspended = true;
            LOG.info("SMS gateway simulator on {} suspended: answering 503", origin());
        }
    }

    /** Serves again after {@link #suspend()}. */
    public void resume() {
        if (suspended) {
            suspended = false;
            LOG.info("SMS gateway simulator on {} serving again", origin());
        }
    }

    public boolean isSuspended() {
        return suspended;
    }

    /**
     * Whether accepted texts are kept for {@link #delivered()} (the default); off, they are only
     * counted (and written to {@code message-dir} if set), for long benchmark runs.
     */
    public void keepTexts(boolean keep) {
        this.keepTexts = keep;
    }

    // ---- for the sandbox, tests and benchmarks ---------------------------------------------------

    public SmsSandboxSettings settings() {
        return settings;
    }

    /** {@code http://127.0.0.1:<port>}: Twilio's API base URL here. */
    public String baseUrl() {
        return origin();
    }

    /** {@code http://127.0.0.1:<port>/sms}. */
    public String webhookUrl() {
        return origin() + WEBHOOK_PATH;
    }

    /** {@code http://127.0.0.1:<port>/2010-04-01/Accounts/<account-sid>/Messages.json}. */
    public String twilioMessagesUrl() {
        return origin() + "/2010-04-01/Accounts/" + settings.accountSid() + "/Messages.json";
    }

    /** The texts accepted so far (duplicates not repeated), oldest first; an immutable snapshot. */
    public List<SmsText> delivered() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    /** Texts accepted so far; a repeated {@code noticeId} is not counted again. */
    public long count() {
        return accepted.sum();
    }

    /** Every request so far, refused ones included. */
    public long requests() {
        return requests.sum();
    }

    /** Requests refused for this reason so far. */
    public long refusals(SmsRefusal reason) {
        LongAdder n = refusals.get(reason);
        return n == null ? 0 : n.sum();
    }

    public SmsStats stats() {
        Map<SmsRefusal, Long> byReason = new EnumMap<>(SmsRefusal.class);
        refusals.forEach((reason, n) -> byReason.put(reason, n.sum()));
        return new SmsStats(requests.sum(), accepted.sum(), duplicates.sum(), byReason);
    }

    /** The arrival ({@link System#nanoTime()}) of every request so far, refused ones included, in order. */
    public List<Long> arrivals() {
        List<Long> copy;
        synchronized (arrivals) {
            copy = new ArrayList<>(arrivals);
        }
        Collections.sort(copy);
        return Collections.unmodifiableList(copy);
    }

    /**
     * Forgets what was observed: the texts, the counts, the arrivals and the rate window. The
     * gateway's own state stays: the {@code noticeId}s it accepted (a repeat is still a duplicate),
     * the opt-outs and landlines, a pending {@link #failNext}, {@link #suspend()} and the knobs.
     */
    public void reset() {
        synchronized (delivered) {
            delivered.clear();
        }
        synchronized (arrivals) {
            arrivals.clear();
        }
        requests.reset();
        accepted.reset();
        duplicates.reset();
        refusals.clear();
        window.reset();
    }
}
