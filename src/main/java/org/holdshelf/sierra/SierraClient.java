package org.holdshelf.sierra;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.holdshelf.platform.http.RetryAfter;
import org.holdshelf.platform.http.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sierra REST API v6 calls the harvest needs, with Sierra's quirks handled in one place:
 * <ul>
 *   <li>the access token is cached, renewed before expiry and once on a 401;</li>
 *   <li>timeouts, 5xx and 429 are retried with exponential backoff;</li>
 *   <li>404 with code 107 means "no records", not an error;</li>
 *   <li>id lists are always sent with {@code limit} equal to the number of ids, because Sierra
 *       silently cuts a list to 50 entries otherwise;</li>
 *   <li>HTML error pages and malformed JSON become errors that say what came back.</li>
 * </ul>
 * Thread-safe: pages may be fetched concurrently.
 */
public class SierraClient {

    private static final Logger LOG = LoggerFactory.getLogger(SierraClient.class);

    /** The hold fields the pipeline reads; asking for only these keeps pages small. */
    public static final String HOLD_FIELDS = "id,record,patron,status,pickupLocation,pickupByDate,recordType,placed";

    private final SierraSettings settings;
    private final HttpClient http;
    private final SierraTokens tokens;
    private final RetryPolicy retry;
    private final ZoneId libraryZone;
    private final Clock clock;

    public SierraClient(SierraSettings settings, ZoneId libraryZone) {
        this(settings, libraryZone, Clock.systemUTC());
    }

    SierraClient(SierraSettings settings, ZoneId libraryZone, Clock clock) {
        this.settings = settings;
        this.libraryZone = libraryZone;
        this.clock = clock;
        // The client's own tasks run inline on its selector thread rather than hopping to a pool:
        // they never block (bodies are collected into byte arrays, callers wait on send), and the
        // hops cost about a millisecond per page, 2% of a 50 ms page.
        this.http = HttpClient.newBuilder()
                .executor(Runnable::run)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.tokens = new SierraTokens(http, settings.baseUrl(), settings.clientKey(), settings.clientSecret(),
                settings.tokenRenewMargin(), settings.requestTimeout(), clock);
        this.retry = settings.retryPolicy();
    }

    /**
     * The raw answer for one page: the JSON body, or empty when Sierra answers 404 code 107
     * (nothing at or past the offset). Reading it is separate so a harvest can request the next
     * page while it reads this one.
     */
    public Optional<byte[]> fetchHoldsPage(long offset, int limit) {
        return get(holdsPath(offset, limit));
    }

    /** Reads a page fetched with {@link #fetchHoldsPage}; a malformed page is a non-retryable error. */
    public HoldsPage readHoldsPage(byte[] body, long offset, int limit) {
        try {
            return SierraJson.holdsPage(body, offset, libraryZone);
        } catch (SierraJson.MalformedResponseException e) {
            throw new SierraApiException("Sierra GET " + shortPath(holdsPath(offset, limit)) + " returned a malformed page: "
                    + e.getMessage(), 200, null, false);
        }
    }

    private static String holdsPath(long offset, int limit) {
        return "/patrons/holds?limit=" + limit + "&offset=" + offset + "&fields=" + HOLD_FIELDS;
    }

    /** Items by id (barcode and bib), in batches of {@code lookupBatchSize}. Unknown ids are absent. */
    public Map<String, SierraItem> items(Collection<String> ids) {
        Map<String, SierraItem> found = new HashMap<>();
        for (List<String> batch : batches(ids)) {
            String pathAndQuery = "/items?id=" + String.join(",", batch) + "&limit=" + batch.size() + "&fields=id,barcode,bibIds";
            Optional<byte[]> body = get(pathAndQuery);
            if (body.isPresent()) {
                try {
                    found.putAll(SierraJson.items(body.get()));
                } catch (SierraJson.MalformedResponseException e) {
                    throw new SierraApiException("Sierra GET /items (" + batch.size() + " ids) returned a malformed answer: "
                            + e.getMessage(), 200, null, false);
                }
            }
        }
        return found;
    }

    /** Bib titles by bib id, in batches. Unknown ids are absent. */
    public Map<String, String> titles(Collection<String> bibIds) {
        Map<String, String> found = new HashMap<>();
        for (List<String> batch : batches(bibIds)) {
            String pathAndQuery = "/bibs?id=" + String.join(",", batch) + "&limit=" + batch.size() + "&fields=id,title";
            Optional<byte[]> body = get(pathAndQuery);
            if (body.isPresent()) {
                try {
                    found.putAll(SierraJson.titles(body.get()));
                } catch (SierraJson.MalformedResponseException e) {
                    throw new SierraApiException("Sierra GET /bibs (" + batch.size() + " ids) returned a malformed answer: "
                            + e.getMessage(), 200, null, false);
                }
            }
        }
        return found;
    }

    /**
     * Patrons by id (contact details, language and notice preference), in batches of
     * {@code lookupBatchSize}, each sent with {@code limit} equal to its number of ids (Sierra
     * silently cuts a longer list). Unknown ids are absent; deleted patrons are present, flagged.
     */
    public Map<String, SierraPatron> patrons(Collection<String> ids) {
        Map<String, SierraPatron> found = new HashMap<>();
        for (List<String> batch : batches(ids)) {
            String pathAndQuery = "/patrons?id=" + String.join(",", batch) + "&limit=" + batch.size() + "&fields="
                    + SierraPatron.FIELDS;
            Optional<byte[]> body = get(pathAndQuery);
            if (body.isPresent()) {
                try {
                    found.putAll(SierraJson.patrons(body.get()));
                } catch (SierraJson.MalformedResponseException e) {
                    throw new SierraApiException("Sierra GET /patrons (" + batch.size() + " ids) returned a malformed answer: "
                            + e.getMessage(), 200, null, false);
                }
            }
        }
        return found;
    }

    /**
     * The id of the patron whose variable field {@code varFieldTag} holds exactly {@code content}
     * (Sierra's {@code /patrons/find}: {@code b} barcode, {@code z} email, {@code t} phone), if one
     * does. The content may be personal data: it is sent, never logged nor put in an error message.
     */
    public Optional<String> findPatronId(String varFieldTag, String content) {
        String shown = "/patrons/find?varFieldTag=" + varFieldTag + "&varFieldContent=(withheld)";
        Optional<byte[]> body = get("/patrons/find?varFieldTag=" + URLEncoder.encode(varFieldTag, StandardCharsets.UTF_8)
                + "&varFieldContent=" + URLEncoder.encode(content, StandardCharsets.UTF_8) + "&fields=id", shown);
        if (body.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SierraJson.patronId(body.get()));
        } catch (SierraJson.MalformedResponseException e) {
            throw new SierraApiException("Sierra GET " + shown + " returned a malformed answer: " + e.getMessage(), 200, null,
                    false);
        }
    }

    private List<List<String>> batches(Collection<String> ids) {
        List<String> all = new ArrayList<>(ids);
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); i += settings.lookupBatchSize()) {
            batches.add(all.subList(i, Math.min(all.size(), i + settings.lookupBatchSize())));
        }
        return batches;
    }

    /**
     * GET with token handling and retries. Returns the body of a 200, or empty for Sierra's
     * "no records" answer (404 code 107).
     */
    private Optional<byte[]> get(String pathAndQuery) {
        return get(pathAndQuery, shortPath(pathAndQuery));
    }

    /** The same, naming the request {@code shown} in every message (so a value it carries is never logged). */
    private Optional<byte[]> get(String pathAndQuery, String shown) {
        URI uri = URI.create(settings.baseUrl() + pathAndQuery);
        try {
            return retry.call(attempt -> once(uri, shown), LOG);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SierraApiException("Interrupted while calling Sierra GET " + shown, e);
        }
    }

    /** One attempt: a rejected token is renewed once, at once; anything else that failed is for the retry policy. */
    private Optional<byte[]> once(URI uri, String shown) throws InterruptedException {
        for (boolean renewedToken = false; ; renewedToken = true) {
            String token;
            HttpResponse<byte[]> response;
            try {
                token = tokens.bearer();
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .timeout(settings.requestTimeout())
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/json")
                        .GET()
                        .build();
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpTimeoutException e) {
                throw new SierraApiException("Sierra GET " + shown + " timed out after "
                        + settings.requestTimeout().toSeconds() + "s", e);
            } catch (java.net.ConnectException e) {
                throw new SierraApiException("Sierra GET " + shown + " failed: cannot connect to "
                        + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
            } catch (IOException e) {
                throw new SierraApiException("Sierra GET " + shown + " failed: "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
            }
            int status = response.statusCode();
            if (status == 200) {
                if (!isJson(response)) {
                    throw new SierraApiException("Sierra GET " + shown + " answered HTTP 200 with "
                            + describeBody(response) + " instead of JSON", 200, null, false);
                }
                return Optional.of(response.body());
            }
            Optional<SierraJson.SierraError> error = SierraJson.error(response.body());
            if (status == 404 && error.map(e -> e.code() == 107).orElse(false)) {
                return Optional.empty();
            }
            if (status == 401 && !renewedToken) {
                // expired or revoked token (code 123), or a lost header (113): renew once and retry at once
                tokens.invalidate(token);
                LOG.info("Sierra rejected the access token ({}); requesting a new one",
                        error.map(Object::toString).orElse("HTTP 401"));
                continue;
            }
            throw new SierraApiException("Sierra GET " + shown + " answered HTTP " + status
                    + error.map(e -> ", " + e).orElse(" with " + describeBody(response)),
                    status, error.map(SierraJson.SierraError::code).orElse(null), status >= 500 || status == 429,
                    RetryAfter.of(response.headers(), clock));
        }
    }

    private static boolean isJson(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type")
                .map(ct -> ct.toLowerCase(Locale.ROOT).contains("json")).orElse(true);
    }

    private static String describeBody(HttpResponse<byte[]> response) {
        String type = response.headers().firstValue("Content-Type").orElse("no content type");
        if (type.toLowerCase(Locale.ROOT).contains("html")) {
            return "an HTML page (" + type + ")";
        }
        return response.body().length == 0 ? "an empty body" : "a " + type + " body of " + response.body().length + " bytes";
    }

    /** The request for logs: path and parameters, without the field list and with long id lists shortened. */
    static String shortPath(String pathAndQuery) {
        return pathAndQuery.replaceAll("&fields=[^&]*", "").replaceAll("id=([^&]{40})[^&]*", "id=$1...");
    }
}
