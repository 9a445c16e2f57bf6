package org.holdshelf.sandbox.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * A small HTTP server for one simulated API, on 127.0.0.1 only. Subclasses register their
 * handlers in {@link #register(HttpServer)}; this class owns the socket, the worker threads and
 * the response helpers, so every simulator answers the same way (explicit content types and
 * lengths, no chunking surprises).
 */
public abstract class SimulatorServer implements AutoCloseable {

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's
        // algorithm and the client's delayed ACK add ~40 ms to every small answer, a latency no
        // real API has (latency is simulated explicitly instead). Read once, when the server
        // classes load, so it must be set before the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * Simulated latency is a sleep on a worker thread, so the pool bounds the throughput a
     * simulator can offer (threads / latency): 32 keeps 150 ms of latency far above Alma's 25 calls/s.
     */
    private static final int WORKER_THREADS = 32;

    private static final ThreadLocal<Long> ARRIVED_NANOS = new ThreadLocal<>();

    private final String name;
    private HttpServer server;
    private ExecutorService workers;

    protected SimulatorServer(String name) {
        this.name = name;
    }

    /** Registers the simulator's contexts on the server. */
    protected abstract void register(HttpServer server);

    /** Starts listening; port 0 picks a free port. Returns this for chaining. */
    public synchronized SimulatorServer start(int port) {
        if (server != null) {
            throw new IllegalStateException(name + " simulator is already started");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the " + name + " simulator on port " + port + ": " + e.getMessage(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        workers = Executors.newFixedThreadPool(WORKER_THREADS, r -> {
            Thread t = new Thread(r, "sandbox-" + name.toLowerCase() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // the request's arrival is taken on the dispatcher thread, when the request was read, so a
        // simulated latency counts from there as a real server's response time does (the hop to
        // a worker thread is then inside it, not added to it)
        server.setExecutor(task -> {
            long arrived = System.nanoTime();
            workers.execute(() -> {
                ARRIVED_NANOS.set(arrived);
                task.run();
            });
        });
        register(server);
        server.start();
        return this;
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException(name + " simulator is not started");
        }
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>} without a trailing slash. */
    public String origin() {
        return "http://127.0.0.1:" + port();
    }

    public String name() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
            try {
                workers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    // ---- helpers for handlers ---------------------------------------------------------------

    /** Wraps a handler so that an unexpected exception becomes a 500 instead of a hung connection. */
    protected static HttpHandler safely(HttpHandler handler) {
        return exchange -> {
            try (exchange) {
                handler.handle(exchange);
            } catch (RuntimeException | IOException e) {
                try {
                    send(exchange, 500, "text/plain; charset=utf-8",
                            ("simulator error: " + e).getBytes(StandardCharsets.UTF_8));
                } catch (IOException | RuntimeException ignored) {
                    // the response may already be committed; nothing more to do
                }
            }
        };
    }

    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public static void sendJson(HttpExchange exchange, int status, byte[] json) throws IOException {
        send(exchange, status, "application/json;charset=UTF-8", json);
    }

    public static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        sendJson(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /**
     * True when {@code authorization} is HTTP basic auth for exactly {@code user}:{@code password}
     * (compared in constant time); false for any other scheme, bad base64 or other credentials.
     */
    public static boolean basicAuthMatches(String authorization, String user, String password) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = java.util.Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        return java.security.MessageDigest.isEqual(decoded, (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The token of a {@code Bearer} authorization header, or null for none or another scheme. */
    public static String bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).strip();
    }

    /** Decoded query parameters in order; a repeated name keeps its last value. */
    public static Map<String, String> query(URI uri) {
        return parseForm(uri.getRawQuery());
    }

    /** Parses {@code a=1&b=2} (query strings and url-encoded form bodies). */
    public static Map<String, String> parseForm(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    /** A knob set at run time (a latency, a jitter): never negative. */
    protected static java.time.Duration requireNonNegative(java.time.Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative");
        }
        return d;
    }

    /** {@link System#nanoTime()} when the server read the request being handled on this thread. */
    protected static long requestArrivedNanos() {
        Long arrived = ARRIVED_NANOS.get();
        return arrived == null ? System.nanoTime() : arrived;
    }

    /** Sleeps for a simulated network latency; the simulator's own threads, never the client's. */
    public static void simulateLatency(long millis) {
        simulateLatencyNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /**
     * Parks until the deadline rather than sleeping: {@code Thread.sleep} rounds to whole
     * milliseconds, which would add about half a millisecond to every simulated latency.
     */
    public static void simulateLatencyNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return; // the server is stopping; the interrupt stays set for the caller
            }
        }
    }
}
