package org.holdshelf.scanin;

import java.net.URI;
import java.time.Duration;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.http.RetryPolicy;

/**
 * How the pipeline scans in-transit items in at Alma. Built from the {@code holdshelf.alma.*}
 * settings (documented in {@code application.properties}); validated here so that a bad value
 * fails at start-up with the key's name. {@code base-url}, {@code api-key} and {@code library} are
 * required only when scan-in is enabled; they are {@code null} otherwise.
 *
 * @param callsPerSecond      the pace of every Alma call of this process (see {@link AlmaRateLimiter})
 * @param maxAttempts         definitive failures per barcode, across harvests, before it is given up
 * @param remainingFloor      pause scan-ins when {@code X-Exl-Api-Remaining} falls below this
 * @param concurrency         Alma calls in flight at once
 * @param maxThrottleRetries  retries of one call answered 429 {@code PER_SECOND_THRESHOLD}
 * @param maxTransientRetries retries of one call after a timeout, a 5xx or a connection failure
 * @param groupId             consumer group of the scan-in route
 * @param stateTopic          the compacted topic of {@link ScanState}s
 * @param stateRetention      a barcode's state is forgotten once no harvest has had it in transit for this long
 */
public record AlmaSettings(
        boolean enabled,
        URI baseUrl,
        String apiKey,
        String library,
        String circDesk,
        int callsPerSecond,
        boolean dryRun,
        int maxAttempts,
        long remainingFloor,
        int concurrency,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxThrottleRetries,
        int maxTransientRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        String groupId,
        String stateTopic,
        Duration stateRetention) {

    public static final String ENABLED = "holdshelf.alma.enabled";
    public static final String BASE_URL = "holdshelf.alma.base-url";
    public static final String API_KEY = "holdshelf.alma.api-key";
    public static final String LIBRARY = "holdshelf.alma.library";
    public static final String CIRC_DESK = "holdshelf.alma.circ-desk";
    public static final String CALLS_PER_SECOND = "holdshelf.alma.calls-per-second";
    public static final String DRY_RUN = "holdshelf.alma.dry-run";
    public static final String MAX_ATTEMPTS = "holdshelf.alma.max-attempts";
    public static final String REMAINING_FLOOR = "holdshelf.alma.remaining-floor";
    public static final String CONCURRENCY = "holdshelf.alma.concurrency";
    public static final String CONNECT_TIMEOUT = "holdshelf.alma.connect-timeout";
    public static final String REQUEST_TIMEOUT = "holdshelf.alma.request-timeout";
    public static final String MAX_THROTTLE_RETRIES = "holdshelf.alma.max-throttle-retries";
    public static final String MAX_TRANSIENT_RETRIES = "holdshelf.alma.max-transient-retries";
    public static final String INITIAL_BACKOFF = "holdshelf.alma.initial-backoff";
    public static final String MAX_BACKOFF = "holdshelf.alma.max-backoff";
    public static final String GROUP_ID = "holdshelf.alma.group-id";
    public static final String STATE_TOPIC = "holdshelf.topic.scanin-state";
    public static final String STATE_RETENTION = "holdshelf.alma.state-retention";

    public AlmaSettings {
        if (enabled) {
            requireText(BASE_URL, baseUrl == null ? null : baseUrl.toString());
            requireText(API_KEY, apiKey);
            requireText(LIBRARY, library);
        }
        if (baseUrl != null && (baseUrl.getScheme() == null || baseUrl.getHost() == null
                || !(baseUrl.getScheme().equals("https") || baseUrl.getScheme().equals("http")))) {
            throw new ConfigurationException("Setting " + BASE_URL + " must be an http(s) URL such as "
                    + "https://api-na.hosted.exlibrisgroup.com/almaws/v1, got: " + baseUrl);
        }
        requireText(CIRC_DESK, circDesk);
        requireText(GROUP_ID, groupId);
        requireText(STATE_TOPIC, stateTopic);
        requireRange(CALLS_PER_SECOND, callsPerSecond, 1, 1000);
        requireRange(MAX_ATTEMPTS, maxAttempts, 1, 1000);
        requireRange(REMAINING_FLOOR, remainingFloor, 0, Long.MAX_VALUE);
        requireRange(CONCURRENCY, concurrency, 1, 256);
        requireRange(MAX_THROTTLE_RETRIES, maxThrottleRetries, 0, 100);
        requireRange(MAX_TRANSIENT_RETRIES, maxTransientRetries, 0, 100);
        requirePositive(CONNECT_TIMEOUT, connectTimeout);
        requirePositive(REQUEST_TIMEOUT, requestTimeout);
        requirePositive(INITIAL_BACKOFF, initialBackoff);
        requirePositive(MAX_BACKOFF, maxBackoff);
        if (stateRetention == null || stateRetention.compareTo(ScanInService.SEEN_REFRESH.multipliedBy(2)) < 0) {
            throw new ConfigurationException("Setting " + STATE_RETENTION + " must be at least 2d (a barcode still in "
                    + "transit is seen every harvest, and that is recorded once a day), got " + stateRetention);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new ConfigurationException("Setting " + MAX_BACKOFF + " (" + maxBackoff.toMillis()
                    + " ms) must not be shorter than " + INITIAL_BACKOFF + " (" + initialBackoff.toMillis() + " ms)");
        }
    }

    public static AlmaSettings from(HoldshelfConfig config) {
        boolean enabled = config.booleanValue(ENABLED);
        String base = enabled ? config.require(BASE_URL) : config.find(BASE_URL).orElse(null);
        return new AlmaSettings(
                enabled,
                base == null ? null : baseUrl(base),
                enabled ? config.require(API_KEY) : config.find(API_KEY).orElse(null),
                enabled ? config.require(LIBRARY) : config.find(LIBRARY).orElse(null),
                config.require(CIRC_DESK),
                config.intValue(CALLS_PER_SECOND),
                config.booleanValue(DRY_RUN),
                config.intValue(MAX_ATTEMPTS),
                config.longValue(REMAINING_FLOOR),
                config.intValue(CONCURRENCY),
                config.duration(CONNECT_TIMEOUT),
                config.duration(REQUEST_TIMEOUT),
                config.intValue(MAX_THROTTLE_RETRIES),
                config.intValue(MAX_TRANSIENT_RETRIES),
                config.duration(INITIAL_BACKOFF),
                config.duration(MAX_BACKOFF),
                config.require(GROUP_ID),
                config.require(STATE_TOPIC),
                config.duration(STATE_RETENTION));
    }

    /** Backoff for calls answered 429 {@code PER_SECOND_THRESHOLD}: the first try plus the retries. */
    public RetryPolicy throttleRetry() {
        return new RetryPolicy(maxThrottleRetries + 1, initialBackoff, maxBackoff);
    }

    /** Backoff after timeouts, 5xx and connection failures: the first try plus the retries. */
    public RetryPolicy transientRetry() {
        return new RetryPolicy(maxTransientRetries + 1, initialBackoff, maxBackoff);
    }

    private static URI baseUrl(String base) {
        String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        try {
            return URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Setting " + BASE_URL + " is not a URL: " + base);
        }
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("Missing required setting " + key + " (environment variable "
                    + HoldshelfConfig.envName(key) + ")");
        }
    }

    private static void requireRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ConfigurationException("Setting " + key + " is " + value + ", expected "
                    + min + (max == Long.MAX_VALUE ? " or more" : ".." + max));
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigurationException("Setting " + key + " must be a positive duration, got " + value);
        }
    }

    /** Never print the API key, even by accident through a record's toString. */
    @Override
    public String toString() {
        return "AlmaSettings[enabled=" + enabled + ", baseUrl=" + baseUrl + ", library=" + library + ", circDesk=" + circDesk
                + ", callsPerSecond=" + callsPerSecond + ", dryRun=" + dryRun + ", maxAttempts=" + maxAttempts
                + ", remainingFloor=" + remainingFloor + ", concurrency=" + concurrency + "]";
    }
}
