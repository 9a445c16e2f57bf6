package org.holdshelf.sandbox.alma;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * How the {@link AlmaSimulator} behaves: the institution it pretends to be and the governance
 * thresholds it enforces.
 *
 * <p>Configuration keys (all under {@value #PREFIX}; a blank value means "use the default"):
 * <table>
 *   <caption>Alma sandbox keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code api-key}</td><td>{@code sandbox-alma-key}</td>
 *       <td>the only API key the simulator accepts</td></tr>
 *   <tr><td>{@code calls-per-second}</td><td>25</td>
 *       <td>Alma's per-institution per-second threshold (Ex Libris quotes 25/s; newer sources 50/s,
 *       10/s on a sandbox)</td></tr>
 *   <tr><td>{@code daily-quota}</td><td>100000</td>
 *       <td>API calls allowed per UTC day; reported in {@code X-Exl-Api-Remaining}</td></tr>
 *   <tr><td>{@code latency-ms}</td><td>0</td>
 *       <td>delay added to every answer, to make benchmarks behave like a remote API; it is slept on
 *       the simulator's worker threads, so throughput tops out near (worker threads / latency). It counts
 *       from the request's arrival, so a judging delay shorter than the latency does not lengthen it</td></tr>
 *   <tr><td>{@code jitter-ms}</td><td>0</td>
 *       <td>the most a call waits between its arrival and its judgment against the per-second window,
 *       as behind Alma's load balancers: each call waits a random time up to this bound (mostly short,
 *       see {@code JudgingDelay}), so calls sent evenly spaced can bunch up in the window and be judged
 *       out of order. 0 judges every call when it arrives</td></tr>
 *   <tr><td>{@code library}</td><td>{@code MAIN}</td>
 *       <td>library code of every catalogue item (the scan-in {@code library} a client should send)</td></tr>
 *   <tr><td>{@code library-name}</td><td>{@code Main Library}</td>
 *       <td>the library's description in item records</td></tr>
 *   <tr><td>{@code hold-shelf-percent}</td><td>80</td>
 *       <td>share of in-transit items that a patron request sends to the hold shelf when scanned in;
 *       the rest are reshelved</td></tr>
 * </table>
 *
 * @param apiKey           the accepted API key
 * @param callsPerSecond   accepted calls allowed in any trailing 1000 ms, at least 1
 * @param dailyQuota       calls allowed per day, at least 0
 * @param latency          delay before each answer, not negative
 * @param jitter           the bound of the delay between a call's arrival and its judgment, not negative
 * @param library          library code of the catalogue items
 * @param libraryName      library description of the catalogue items
 * @param holdShelfPercent 0..100, see {@code hold-shelf-percent}
 */
public record AlmaSandboxSettings(
        String apiKey,
        int callsPerSecond,
        long dailyQuota,
        Duration latency,
        String library,
        String libraryName,
        int holdShelfPercent,
        Duration jitter) {

    /** Prefix of every configuration key. */
    public static final String PREFIX = "holdshelf.sandbox.alma.";

    public static final String API_KEY = PREFIX + "api-key";
    public static final String CALLS_PER_SECOND = PREFIX + "calls-per-second";
    public static final String DAILY_QUOTA = PREFIX + "daily-quota";
    public static final String LATENCY_MS = PREFIX + "latency-ms";
    public static final String JITTER_MS = PREFIX + "jitter-ms";
    public static final String LIBRARY = PREFIX + "library";
    public static final String LIBRARY_NAME = PREFIX + "library-name";
    public static final String HOLD_SHELF_PERCENT = PREFIX + "hold-shelf-percent";

    public AlmaSandboxSettings {
        requireText(apiKey, API_KEY);
        requireText(library, LIBRARY);
        requireText(libraryName, LIBRARY_NAME);
        Objects.requireNonNull(latency, LATENCY_MS);
        Objects.requireNonNull(jitter, JITTER_MS);
        if (callsPerSecond < 1) {
            throw new IllegalArgumentException(CALLS_PER_SECOND + " must be at least 1, was " + callsPerSecond);
        }
        if (dailyQuota < 0) {
            throw new IllegalArgumentException(DAILY_QUOTA + " must not be negative, was " + dailyQuota);
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException(LATENCY_MS + " must not be negative, was " + latency.toMillis());
        }
        if (jitter.isNegative()) {
            throw new IllegalArgumentException(JITTER_MS + " must not be negative, was " + jitter.toMillis());
        }
        if (holdShelfPercent < 0 || holdShelfPercent > 100) {
            throw new IllegalArgumentException(HOLD_SHELF_PERCENT + " must be within 0..100, was " + holdShelfPercent);
        }
    }

    /** Without a judging delay: every call is judged when it arrives. */
    public AlmaSandboxSettings(String apiKey, int callsPerSecond, long dailyQuota, Duration latency, String library,
            String libraryName, int holdShelfPercent) {
        this(apiKey, callsPerSecond, dailyQuota, latency, library, libraryName, holdShelfPercent, Duration.ZERO);
    }

    public static AlmaSandboxSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the keys under {@value #PREFIX}; other keys are ignored, missing ones take their defaults. */
    public static AlmaSandboxSettings fromMap(Map<String, String> config) {
        Builder builder = builder();
        text(config, API_KEY).ifPresent(builder::apiKey);
        text(config, CALLS_PER_SECOND).ifPresent(v -> builder.callsPerSecond(parseInt(CALLS_PER_SECOND, v)));
        text(config, DAILY_QUOTA).ifPresent(v -> builder.dailyQuota(parseLong(DAILY_QUOTA, v)));
        text(config, LATENCY_MS).ifPresent(v -> builder.latency(Duration.ofMillis(parseLong(LATENCY_MS, v))));
        text(config, JITTER_MS).ifPresent(v -> builder.jitter(Duration.ofMillis(parseLong(JITTER_MS, v))));
        text(config, LIBRARY).ifPresent(builder::library);
        text(config, LIBRARY_NAME).ifPresent(builder::libraryName);
        text(config, HOLD_SHELF_PERCENT).ifPresent(v -> builder.holdShelfPercent(parseInt(HOLD_SHELF_PERCENT, v)));
        return builder.build();
    }

    /** As {@link #fromMap(Map)}, for a {@link Properties} object (defaults of the Properties included). */
    public static AlmaSandboxSettings fromProperties(Properties properties) {
        Map<String, String> config = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            config.put(name, properties.getProperty(name));
        }
        return fromMap(config);
    }

    private static Optional<String> text(Map<String, String> config, String key) {
        String value = config.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static void requireText(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be blank");
        }
    }

    /** Starts from the defaults listed on {@link AlmaSandboxSettings}. */
    public static final class Builder {
        private String apiKey = "sandbox-alma-key";
        private int callsPerSecond = 25;
        private long dailyQuota = 100_000;
        private Duration latency = Duration.ZERO;
        private String library = "MAIN";
        private String libraryName = "Main Library";
        private int holdShelfPercent = 80;
        private Duration jitter = Duration.ZERO;

        private Builder() {
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder callsPerSecond(int callsPerSecond) {
            this.callsPerSecond = callsPerSecond;
            return this;
        }

        public Builder dailyQuota(long dailyQuota) {
            this.dailyQuota = dailyQuota;
            return this;
        }

        public Builder latency(Duration latency) {
            this.latency = latency;
            return this;
        }

        /** See {@code jitter-ms}: the bound of each call's delay between its arrival and its judgment. */
        public Builder jitter(Duration jitter) {
            this.jitter = jitter;
            return this;
        }

        public Builder library(String library) {
            this.library = library;
            return this;
        }

        public Builder libraryName(String libraryName) {
            this.libraryName = libraryName;
            return this;
        }

        public Builder holdShelfPercent(int holdShelfPercent) {
            this.holdShelfPercent = holdShelfPercent;
            return this;
        }

        public AlmaSandboxSettings build() {
            return new AlmaSandboxSettings(apiKey, callsPerSecond, dailyQuota, latency, library, libraryName,
                    holdShelfPercent, jitter);
        }
    }
}
