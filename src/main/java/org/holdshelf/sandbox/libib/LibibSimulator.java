package org.holdshelf.sandbox.libib;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.holdshelf.sandbox.http.SimulatorServer;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SimPatron;

/**
 * A simulated Libib patron API (api-facts 3 and 7.5): {@code GET /patrons?page=N} from 1, 50
 * patrons a page in the directory's order, {@code {"total", "pages", "max_per_page", "patrons"}}
 * with every Libib field (unset ones JSON null); {@code GET /patrons/{id}} by barcode or email,
 * answering 200 with empty fields for an unknown one, as Libib does. Headers {@code x-api-key} and
 * {@code x-api-user} must match, else 401 {@code {"error": ...}}.
 *
 * <p>Its pace is Libib's: one accepted call per {@code min-interval-ms}. Each call is judged when
 * it arrives plus a random delay up to {@code jitter-ms}; a call judged within the interval of an
 * accepted call (before or after it: judged out of order) is answered 429 and does not count.
 * Latency counts from the arrival. The directory is mutable (patrons removed or added between reads,
 * as staff edit it), and faults can be planted per page (a status and a body, a number of times).
 */
public final class LibibSimulator extends SimulatorServer {

    public static final int PAGE_SIZE = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One Libib patron, with Libib's field names. */
    public record Patron(String barcode, String firstName, String lastName, String email, String notificationEmails,
                         String phone, boolean frozen) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("barcode", barcode);
            m.put("first_name", firstName);
            m.put("last_name", lastName);
            m.put("email", email);
            m.put("notification_emails", notificationEmails);
            m.put("tags", null);
            m.put("patron_id", null);
            m.put("phone", phone);
            m.put("address1", null);
            m.put("address2", null);
            m.put("city", null);
            m.put("state", null);
            m.put("country", "US");
            m.put("zip", null);
            m.put("freeze", frozen ? 1 : null);
            return m;
        }
    }

    /** A planted fault: the next {@code times} calls for the page get this status and body. */
    private record Fault(int status, String contentType, String body, AtomicLong left) {
    }

    private final LibibSandboxSettings settings;
    private final List<Patron> directory;
    private final Map<Integer, Fault> faults = new ConcurrentHashMap<>();
    /** Judgment times (nanos) of accepted calls, kept for the last few intervals. Guarded by itself. */
    private final NavigableSet<Long> accepted = new TreeSet<>();
    private final List<Long> acceptedArrivals = new ArrayList<>();
    private final Random jitter;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();

    public LibibSimulator(LibibSandboxSettings settings, List<Patron> directory) {
        super("Libib");
        this.settings = settings;
        this.directory = new ArrayList<>(directory);
        this.jitter = new Random(settings.seed());
    }

    /**
     * A directory that overlaps a Sierra data set: {@code sierra-patrons-percent} of its patrons
     * (by barcode, with their names and first email), some with notification addresses (one in
     * five, up to three) or frozen (one in twenty), plus {@code extra-patrons-percent} patrons
     * Sierra does not know. Deterministic for a seed.
     */
    public static List<Patron> directoryFor(HoldsDataSet data, LibibSandboxSettings settings) {
        Random r = new Random(settings.seed());
        List<Patron> patrons = new ArrayList<>();
        data.patrons().filter(p -> !p.deleted() && !p.barcodes().isEmpty()).forEach(p -> {
            if (r.nextInt(100) >= settings.sierraPatronsPercent()) {
                return;
            }
            String[] name = p.names().isEmpty() ? new String[] {"Patron", String.valueOf(p.id())}
                    : p.names().get(0).split(",\\s*", 2);
            String last = name[0];
            String first = name.length > 1 ? name[1] : null;
            String email = "libib." + p.id() + "@patrons.example.org";
            String notification = null;
            if (r.nextInt(5) == 0) {
                int n = 1 + r.nextInt(3);
                List<String> list = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    list.add("notify" + i + "." + p.id() + "@patrons.example.org");
                }
                notification = String.join(",", list);
            }
            String phone = p.phones().isEmpty() ? null : p.phones().get(0).number();
            patrons.add(new Patron(p.barcodes().get(0), first, last, email, notification, phone, r.nextInt(20) == 0));
        });
        int extra = patrons.size() * settings.extraPatronsPercent() / 100;
        for (int i = 0; i < extra; i++) {
            patrons.add(new Patron(String.format("29%011d", i + 1), "Reader", "Libib-only " + (i + 1),
                    "reader" + (i + 1) + "@patrons.example.org", null, null, false));
        }
        return patrons;
    }

    /** {@code count} patrons with barcodes {@code 2020000000001}... and an email each. */
    public static List<Patron> numbered(int count) {
        List<Patron> patrons = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            patrons.add(new Patron(String.format("2020%09d", i), "First" + i, "Last" + i, "patron" + i + "@example.org",
                    i % 10 == 0 ? "a" + i + "@example.org, b" + i + "@example.org" : null, null, i % 25 == 0));
        }
        return patrons;
    }

    @Override
    protected void register(HttpServer server) {
        server.createContext("/patrons", safely(this::patrons));
    }

    /** An answer, sent once the simulated latency (counted from the request's arrival) has passed. */
    private record Answer(int status, String contentType, byte[] body) {

        static Answer json(int status, byte[] body) {
            return new Answer(status, "application/json", body);
        }
    }

    private void patrons(HttpExchange exchange) throws IOException {
        long arrived = requestArrivedNanos();
        calls.incrementAndGet();
        Answer answer = answer(exchange, arrived);
        long left = TimeUnit.MILLISECONDS.toNanos(settings.latencyMs()) - (System.nanoTime() - arrived);
        if (left > 0) {
            simulateLatencyNanos(left);
        }
        send(exchange, answer.status(), answer.contentType(), answer.body());
    }

    private Answer answer(HttpExchange exchange, long arrived) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            return Answer.json(405, error("method not allowed"));
        }
        var headers = exchange.getRequestHeaders();
        if (!settings.apiKey().equals(headers.getFirst("x-api-key")) || !settings.apiUser().equals(headers.getFirst("x-api-user"))) {
            unauthorized.incrementAndGet();
            return Answer.json(401, error("Invalid API key or user"));
        }
        if (!admit(arrived)) {
            throttled.incrementAndGet();
            return Answer.json(429, error("Too many requests: you may hit the API once every 2 seconds"));
        }
        String path = exchange.getRequestURI().getPath();
        if (path.length() > "/patrons/".length() && path.startsWith("/patrons/")) {
            return Answer.json(200, JSON.writeValueAsBytes(one(path.substring("/patrons/".length()))));
        }
        String raw = query(exchange.getRequestURI()).getOrDefault("page", "1");
        int page;
        try {
            page = Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            return Answer.json(400, error("page must be a number"));
        }
        Fault fault = faults.get(page);
        if (fault != null && fault.left().getAndDecrement() > 0) {
            return new Answer(fault.status(), fault.contentType(), fault.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return Answer.json(200, page(Math.max(page, 1)));
    }

    /** Accepts the call when no accepted call was judged within the interval of this one's judgment. */
    private boolean admit(long arrived) {
        long judged = arrived + (settings.jitterMs() == 0 ? 0 : jitterNanos());
        long interval = TimeUnit.MILLISECONDS.toNanos(settings.minIntervalMs());
        synchronized (accepted) {
            Long before = accepted.floor(judged);
            Long after = accepted.ceiling(judged);
            if ((before != null && judged - before < interval) || (after != null && after - judged < interval)) {
                return false;
            }
            accepted.add(judged);
            acceptedArrivals.add(arrived);
            while (accepted.size() > 64) {
                accepted.pollFirst();
            }
            return true;
        }
    }

    private long jitterNanos() {
        synchronized (jitter) {
            return (long) (jitter.nextDouble() * TimeUnit.MILLISECONDS.toNanos(settings.jitterMs()));
        }
    }

    private byte[] page(int page) throws JsonProcessingException {
        List<Patron> snapshot;
        synchronized (directory) {
            snapshot = List.copyOf(directory);
        }
        int from = Math.min((page - 1) * PAGE_SIZE, snapshot.size());
        int to = Math.min(from + PAGE_SIZE, snapshot.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", snapshot.size());
        body.put("pages", (snapshot.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        body.put("max_per_page", PAGE_SIZE);
        body.put("patrons", snapshot.subList(from, to).stream().map(Patron::json).toList());
        return JSON.writeValueAsBytes(body);
    }

    /** Libib answers an unknown id with 200 and empty fields, not 404 (api-facts 7.5). */
    private Map<String, Object> one(String id) {
        synchronized (directory) {
            for (Patron p : directory) {
                if (id.equals(p.barcode()) || id.equalsIgnoreCase(p.email())) {
                    return p.json();
                }
            }
        }
        return new Patron(null, null, null, null, null, null, false).json();
    }

    private static byte[] error(String message) throws JsonProcessingException {
        return JSON.writeValueAsBytes(Map.of("error", message));
    }

    // ---- for tests and benchmarks --------------------------------------------------------------

    public LibibSandboxSettings settings() {
        return settings;
    }

    public String baseUrl() {
        return origin();
    }

    /** The directory now, in page order. */
    public List<Patron> directory() {
        synchronized (directory) {
            return List.copyOf(directory);
        }
    }

    /** Removes a patron, as staff deleting them in Libib. */
    public boolean remove(String barcode) {
        synchronized (directory) {
            return directory.removeIf(p -> barcode.equals(p.barcode()));
        }
    }

    public void add(Patron patron) {
        synchronized (directory) {
            directory.add(patron);
        }
    }

    /** The next {@code times} calls for {@code page} are answered {@code status} with {@code body}. */
    public void fail(int page, int status, String contentType, String body, long times) {
        faults.put(page, new Fault(status, contentType, body, new AtomicLong(times)));
    }

    public long calls() {
        return calls.get();
    }

    public long throttled() {
        return throttled.get();
    }

    public long unauthorized() {
        return unauthorized.get();
    }

    /** Arrival times (nanos) of the accepted calls, in acceptance order. */
    public List<Long> acceptedArrivals() {
        synchronized (accepted) {
            return List.copyOf(acceptedArrivals);
        }
    }
}
