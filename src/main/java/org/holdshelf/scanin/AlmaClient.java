package org.holdshelf.scanin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.platform.http.RetryAfter;
import org.holdshelf.platform.http.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Alma REST calls scan-in needs, with Alma's quirks handled in one place:
 * <ul>
 *   <li>{@code GET /items?item_barcode=} answers 302; the ids are taken from {@code Location}
 *       without following it, which saves one call per barcode against the daily quota (a 200 with
 *       the Item, from a gateway that follows redirects itself, works too);</li>
 *   <li>401689 "no item has that barcode" is a result, not an error;</li>
 *   <li>every call waits for the process-wide {@link AlmaRateLimiter} first;</li>
 *   <li>429 {@code PER_SECOND_THRESHOLD} is told to the limiter (which widens its margin) and retried
 *       with backoff (the refused call did not happen, so a retry never repeats a scan); 429
 *       {@code DAILY_THRESHOLD} is an
 *       {@link AlmaQuotaExhaustedException} and never retried;</li>
 *   <li>timeouts, 5xx and connection failures are retried for reads; for the scan POST they are
 *       ambiguous (the scan may have happened), so the item is read first and the POST is sent
 *       again only if the item is still in transit;</li>
 *   <li>{@code X-Exl-Api-Remaining} is read from every answer ({@link #remainingQuota()}).</li>
 * </ul>
 * The API key goes in the {@code Authorization} header only (never in a URL, so never in a log).
 * Redirects are never followed, TLS certificates are verified (the JDK default). Thread-safe.
 */
public class AlmaClient {

    private static final Logger LOG = LoggerFactory.getLogger(AlmaClient.class);

    public static final String REMAINING_HEADER = "X-Exl-Api-Remaining";
    static final long REWARM_AFTER_SECONDS = 30;

    private final AlmaSettings settings;
    private final AlmaRateLimiter limiter;
    private final Clock clock;
    private final HttpClient http;
    private final RetryPolicy throttleRetry;
    private final RetryPolicy transientRetry;
    private final String base;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong remainingAnswers = new AtomicLong();
    private final AtomicReference<RemainingQuota> remaining = new AtomicReference<>();
    private final Object warmUpLock = new Object();
    /** Guarded by warmUpLock. */
    private boolean warmUpInProgress;
    private boolean answered;
    private long lastAnswerNanos;

    /** What came back from one call: only the parts the callers read. */
    private record Answer(int status, HttpHeaders headers, byte[] body) {
    }

    /**
     * @param limiter the process-wide limiter; every Alma client of the process must share it
     */
    public AlmaClient(AlmaSettings settings, AlmaRateLimiter limiter) {
        this(settings, limiter, Clock.systemUTC());
    }

    /** As above, with the clock that stamps {@link RemainingQuota#observedAt()}. */
    public AlmaClient(AlmaSettings settings, AlmaRateLimiter limiter, Clock clock) {
        if (settings.baseUrl() == null || settings.apiKey() == null) {
            throw new IllegalArgumentException("The Alma client needs " + AlmaSettings.BASE_URL + " and " + AlmaSettings.API_KEY);
        }
        this.settings = settings;
        this.limiter = limiter;
        this.clock = clock;
        this.base = settings.baseUrl().toString();
        this.throttleRetry = settings.throttleRetry();
        this.transientRetry = settings.transientRetry();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        if (settings.baseUrl().getScheme().equals("http") && !isLoopback(settings.baseUrl().getHost())) {
            LOG.warn("{} is plain http: the Alma API key travels unencrypted to {}", AlmaSettings.BASE_URL,
                    settings.baseUrl().getHost());
        }
    }

    /** Finds the item with this barcode; "not found" (401689) is a result. */
    public ItemLookup lookup(String barcode) {
        URI uri = URI.create(base + "/items?item_barcode=" + encode(barcode));
        String what = "Alma GET /items?item_barcode=" + barcode;
        Answer answer = get(uri, what);
        int status = answer.status();
        try {
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                String location = answer.headers().firstValue("Location")
                        .orElseThrow(() -> new AlmaResponses.MalformedAnswerException("a redirect without a Location header"));
                return ItemLookup.found(AlmaResponses.idsFromLocation(uri.resolve(location)));
            }
            if (status == 200) {
                return ItemLookup.found(AlmaResponses.idsFromItem(AlmaResponses.json(answer.body())));
            }
        } catch (AlmaResponses.MalformedAnswerException | IllegalArgumentException e) {
            throw new AlmaApiException(what + " answered HTTP " + status + " that cannot be read: " + e.getMessage(),
                    status, null, false);
        }
        Optional<AlmaError> error = AlmaResponses.error(answer.body());
        if (error.isPresent() && AlmaError.NO_ITEM_FOR_BARCODE.equals(error.get().errorCode())) {
            return ItemLookup.notFound(error.get());
        }
        throw failure(what, answer, error);
    }

    /** The item's current status; used to learn whether a scan whose answer was lost happened. */
    public ItemStatus itemState(ItemIds ids) {
        String what = "Alma GET " + ids.path();
        Answer answer = get(URI.create(base + ids.path()), what);
        if (answer.status() != 200) {
            throw failure(what, answer, AlmaResponses.error(answer.body()));
        }
        try {
            return AlmaResponses.status(AlmaResponses.json(answer.body()));
        } catch (AlmaResponses.MalformedAnswerException e) {
            throw new AlmaApiException(what + " answered an Item that cannot be read: " + e.getMessage(), 200, null, false);
        }
    }

    /**
     * Scans the item in at the library's circulation desk ({@code op=scan}, empty body).
     *
     * @throws AlmaScanUncertainException when the POST got no clear answer and reading the item did
     *                                    not settle whether the scan happened
     * @throws AlmaQuotaExhaustedException on {@code DAILY_THRESHOLD} (nothing happened)
     * @throws AlmaApiException            when Alma refused the scan (nothing happened), with its error
     */
    public ScanResult scanIn(ItemIds ids, String library, String circDesk) {
        URI uri = URI.create(base + ids.path() + "?op=scan&library=" + encode(library) + "&circ_desk=" + encode(circDesk));
        String what = "Alma scan-in POST " + ids.path();
        HttpRequest request = request(uri).POST(HttpRequest.BodyPublishers.noBody()).build();
        int attempt = 1;
        while (true) {
            String unclear;
            int status = 0;
            try {
                Answer answer = exchange(request, what);
                status = answer.status();
                if (status == 200) {
                    return scanResult(what, answer);
                }
                if (status < 500) {
                    throw failure(what, answer, AlmaResponses.error(answer.body()));
                }
                unclear = "answered HTTP " + status;
            } catch (HttpTimeoutException e) {
                unclear = "timed out after " + settings.requestTimeout().toMillis() + " ms";
            } catch (IOException e) {
                unclear = "failed: " + describe(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AlmaScanUncertainException(what + " was interrupted; whether Alma scanned the item in is unknown", 0, e);
            }
            LOG.warn("{} {}: the scan may have happened, reading the item before anything else", what, unclear);
            ItemStatus item;
            try {
                pause(transientRetry.delayBefore(attempt + 1, null), what); // lets a slow request land first
                item = itemState(ids);
            } catch (AlmaApiException e) {
                throw new AlmaScanUncertainException(what + " " + unclear + ", and the item could not be read: " + e.getMessage(),
                        status, e);
            }
            if (!item.inTransit()) {
                LOG.info("{} {}, but the item is no longer in transit (process type '{}'): it was scanned in, not sending it again",
                        what, unclear, item.processType());
                return new ScanResult(null, item.processType(), true);
            }
            if (!transientRetry.canRetry(attempt)) {
                throw new AlmaScanUncertainException(what + " " + unclear + " (after " + attempt
                        + " attempts); the item is still in transit, but a late request may yet land", status, null);
            }
            attempt++;
        }
    }

    /** The last {@code X-Exl-Api-Remaining} seen, if any answer carried it. */
    public Optional<RemainingQuota> remainingQuota() {
        return Optional.ofNullable(remaining.get());
    }

    /** HTTP requests sent to Alma, retries included. */
    public long callCount() {
        return calls.get();
    }

    private ScanResult scanResult(String what, Answer answer) {
        try {
            JsonNode item = AlmaResponses.json(answer.body());
            JsonNode info = item.get("additional_info");
            return new ScanResult(info == null || info.isNull() ? "" : info.asText(),
                    AlmaResponses.status(item).processType(), false);
        } catch (AlmaResponses.MalformedAnswerException e) {
            // Alma accepted the scan (HTTP 200): the scan happened even if its description is unreadable
            LOG.warn("{} succeeded, but its answer cannot be read: {}", what, e.getMessage());
            return new ScanResult("", "", false);
        }
    }

    /** A read, retried after timeouts, 5xx and connection failures; other answers are returned as they are. */
    private Answer get(URI uri, String what) {
        HttpRequest request = request(uri).GET().build();
        try {
            return transientRetry.call(attempt -> {
                Answer answer;
                try {
                    answer = exchange(request, what);
                } catch (HttpTimeoutException e) {
                    throw new AlmaApiException(what + " timed out after " + settings.requestTimeout().toMillis() + " ms",
                            0, null, true, e);
                } catch (IOException e) {
                    throw new AlmaApiException(what + " failed: " + describe(e), 0, null, true, e);
                }
                if (answer.status() >= 500) {
                    throw failure(what, answer, AlmaResponses.error(answer.body()));
                }
                return answer;
            }, LOG);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlmaApiException("Interrupted during " + what, 0, null, true, e);
        }
    }

    /**
     * One call: waits for the rate limiter, sends, reads the remaining quota, and retries while
     * Alma answers {@code PER_SECOND_THRESHOLD}.
     *
     * <p>A call that has to open a connection (the first of the process loads the HTTP stack too)
     * reaches Alma tens to hundreds of milliseconds after its permit, and would bunch up there with
     * the calls permitted after it, pushing one of them over Alma's per-second window. So the first
     * call, and the first after {@value #REWARM_AFTER_SECONDS} s without an answer (idle connections
     * are likely closed by then), goes alone as a warm-up: the others wait for its answer, and its
     * permit is counted from that answer.
     */
    private Answer exchange(HttpRequest request, String what) throws IOException, InterruptedException {
        boolean warmUp = startWarmUpOrWait();
        try {
            return exchangePaced(request, what, warmUp);
        } finally {
            if (warmUp) {
                synchronized (warmUpLock) {
                    warmUpInProgress = false;
                    warmUpLock.notifyAll();
                }
            }
        }
    }

    private boolean startWarmUpOrWait() throws InterruptedException {
        synchronized (warmUpLock) {
            while (warmUpInProgress) {
                warmUpLock.wait();
            }
            if (answered && System.nanoTime() - lastAnswerNanos < TimeUnit.SECONDS.toNanos(REWARM_AFTER_SECONDS)) {
                return false;
            }
            warmUpInProgress = true;
            return true;
        }
    }

    private Answer exchangePaced(HttpRequest request, String what, boolean warmUp) throws IOException, InterruptedException {
        try {
            return throttleRetry.call(attempt -> {
                limiter.acquire();
                calls.incrementAndGet();
                HttpResponse<byte[]> response;
                try {
                    response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (warmUp && attempt == 1) {
                    limiter.restampLatestPermit();
                }
                synchronized (warmUpLock) {
                    answered = true;
                    lastAnswerNanos = System.nanoTime();
                }
                observeRemaining(response.headers());
                Answer answer = new Answer(response.statusCode(), response.headers(), response.body());
                if (answer.status() != 429) {
                    return answer;
                }
                Optional<AlmaError> error = AlmaResponses.error(answer.body());
                if (error.isPresent() && AlmaError.DAILY_THRESHOLD.equals(error.get().errorCode())) {
                    throw new AlmaQuotaExhaustedException(what + " answered 429 " + error.get(), error.get());
                }
                // PER_SECOND_THRESHOLD (or a 429 without a readable code): the call did not happen, and the
                // calls reached Alma's count closer together than they were paced, so the limiter widens its margin
                limiter.throttled();
                throw new AlmaApiException(what + " answered 429 " + error.map(AlmaError::toString).orElse(""), 429,
                        error.orElse(null), true, true, RetryAfter.of(answer.headers(), clock), null);
            }, LOG);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void observeRemaining(HttpHeaders headers) {
        Optional<String> value = headers.firstValue(REMAINING_HEADER); // header names are case-insensitive here
        if (value.isEmpty()) {
            return;
        }
        try {
            long calls = Long.parseLong(value.get().trim());
            remaining.set(new RemainingQuota(calls, clock.instant(), remainingAnswers.incrementAndGet()));
        } catch (NumberFormatException e) {
            LOG.debug("Ignoring a malformed {} header: {}", REMAINING_HEADER, value.get());
        }
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Authorization", "apikey " + settings.apiKey())
                .header("Accept", "application/json");
    }

    private static AlmaApiException failure(String what, Answer answer, Optional<AlmaError> error) {
        String detail = error.map(AlmaError::toString).orElseGet(() -> "with " + AlmaResponses.describe(answer.body()));
        return new AlmaApiException(what + " answered HTTP " + answer.status() + " " + detail, answer.status(),
                error.orElse(null), answer.status() >= 500);
    }

    private static void pause(Duration wait, String what) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlmaApiException("Interrupted while waiting to retry " + what, 0, null, true, e);
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** By name only: no DNS lookup at start-up just to decide whether to warn. */
    private static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    }
}
