package org.holdshelf.scanin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP hop between the client and the Alma simulator, standing in for the gateways and
 * networks that misbehave in production: it can lose the answer to a scan that happened, fail a
 * call before it reaches Alma, follow Alma's redirect itself, or drop the client's
 * {@code Accept} header so that Alma answers XML.
 */
final class AlmaGateway implements AutoCloseable {

    private final String target;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final HttpClient direct = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    /** POSTs that reach Alma, whose answer the gateway replaces with a 502. */
    final AtomicInteger losePostAnswers = new AtomicInteger();
    /** POSTs answered 503 without reaching Alma. */
    final AtomicInteger refusePosts = new AtomicInteger();
    /** GETs answered 503 without reaching Alma. */
    final AtomicInteger refuseGets = new AtomicInteger();
    /** How many GETs to refuse after a lost POST answer: Alma unreachable right after the scan. */
    volatile int refuseGetsAfterLostPost;
    volatile boolean followRedirects;
    volatile boolean dropAccept;

    /** In front of {@code targetOrigin} ({@code http://127.0.0.1:port}). */
    AlmaGateway(String targetOrigin) throws IOException {
        this.target = targetOrigin;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL a client configures: the same path as the simulator's. */
    String baseUrl(String simulatorBaseUrl) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + URI.create(simulatorBaseUrl).getPath();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean post = exchange.getRequestMethod().equals("POST");
            if (post && take(refusePosts) || !post && take(refuseGets)) {
                reply(exchange, 503, "text/html", "<html><body>503 Service Unavailable</body></html>");
                return;
            }
            HttpResponse<byte[]> answer = forward(exchange);
            if (post && take(losePostAnswers)) {
                refuseGets.set(refuseGetsAfterLostPost);
                reply(exchange, 502, "text/html", "<html><body>502 Bad Gateway</body></html>");
                return;
            }
            answer.headers().map().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                        && !name.equalsIgnoreCase("connection") && !name.equalsIgnoreCase("date")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] body = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange) throws IOException, InterruptedException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                .timeout(Duration.ofSeconds(10))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase("authorization") || name.equalsIgnoreCase("accept") && !dropAccept) {
                header.getValue().forEach(v -> request.header(name, v));
            }
        }
        return (followRedirects ? following : direct).send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
