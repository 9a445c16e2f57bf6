package org.holdshelf.sandbox.hoopla;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

import org.holdshelf.sandbox.settings.SandboxProperties;

/**
 * How the {@link HooplaSimulator} behaves. Build it in Java with {@link #builder()}, or from
 * properties with {@link #fromProperties(Map)}; {@code --sandbox} uses the keys below. An empty
 * value keeps the default; an unknown key under the prefix, or a bad value, is an error naming the
 * key (the password's value is never echoed).
 *
 * <table>
 *   <caption>Keys under {@code holdshelf.sandbox.hoopla.}</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code enabled}</td><td>true</td><td>read by {@code Sandbox}: whether {@code --sandbox} starts the simulator</td></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>listening port on 127.0.0.1; 0 picks a free one</td></tr>
 *   <tr><td>{@code username}, {@code password}</td><td>{@value #DEFAULT_USERNAME}, {@value #DEFAULT_PASSWORD}</td>
 *       <td>the only HTTP Basic credentials the token endpoints accept</td></tr>
 *   <tr><td>{@code library-id}</td><td>{@value #DEFAULT_LIBRARY_ID}</td><td>the {@code {libraryId}} of the patron paths
 *       (7, as in Hoopla's examples); another one is answered 404</td></tr>
 *   <tr><td>{@code token-lifetime-seconds}</td><td>{@value #DEFAULT_TOKEN_LIFETIME_SECONDS}</td><td>{@code expires_in}
 *       of issued tokens (about 8.9 days, the docs' example); a token is refused after it</td></tr>
 *   <tr><td>{@code requests-per-minute}</td><td>100</td><td>Hoopla's guideline: the most requests accepted in any
 *       60 s window (every endpoint, token calls included, judged as described in {@link HooplaSimulator}); more are
 *       answered 429 with {@code Retry-After}; 0: unlimited</td></tr>
 *   <tr><td>{@code latency-ms}</td><td>40</td><td>time to answer, counted from the request's arrival</td></tr>
 *   <tr><td>{@code jitter-ms}</td><td>10</td><td>up to this much more per request, drawn from a generator seeded with
 *       {@code seed}: the request is judged against the pace that long after its arrival, and answered that much
 *       later too</td></tr>
 *   <tr><td>{@code seed}</td><td>7</td><td>seeds the jitter and the generated directory</td></tr>
 *   <tr><td>{@code cards-with-holds-percent}</td><td>15</td><td>share of the cards (with a Hoopla account) that have
 *       1 to 4 holds</td></tr>
 *   <tr><td>{@code reserved-percent}</td><td>30</td><td>share of those holds that are {@code RESERVED} (ready to
 *       borrow until {@code reserveUntil}, 1 to 3 days after {@code reference-time}); the others are {@code WAITING}</td></tr>
 *   <tr><td>{@code missing-reserve-until-percent}</td><td>0</td><td>bad input: share of the {@code RESERVED} holds
 *       served without {@code reserveUntil}</td></tr>
 *   <tr><td>{@code no-account-percent}</td><td>0</td><td>share of the cards without a Hoopla account: their calls are
 *       answered 403</td></tr>
 *   <tr><td>{@code reference-time}</td><td>(now)</td><td>the "now" of the generated holds, an ISO-8601 instant
 *       ({@code 2026-11-23T08:00:00Z}) or a date (its start, UTC); empty: the time the directory is generated</td></tr>
 * </table>
 *
 * @param referenceTime null for "when the directory is generated"
 */
public record HooplaSandboxSettings(
        int port,
        String username,
        String password,
        long libraryId,
        long tokenLifetimeSeconds,
        int requestsPerMinute,
        long latencyMs,
        long jitterMs,
        long seed,
        int cardsWithHoldsPercent,
        int reservedPercent,
        int missingReserveUntilPercent,
        int noAccountPercent,
        Instant referenceTime) {

    public static final String PREFIX = "holdshelf.sandbox.hoopla.";
    /** Read by {@code Sandbox}, not by these settings. */
    public static final String ENABLED = PREFIX + "enabled";
    public static final String DEFAULT_USERNAME = "sandbox-hoopla-user";
    public static final String DEFAULT_PASSWORD = "sandbox-hoopla-password";
    public static final long DEFAULT_LIBRARY_ID = 7;
    /** The docs' example {@code expires_in}. */
    public static final long DEFAULT_TOKEN_LIFETIME_SECONDS = 770_072;
    /** Hoopla's guideline: stay under 100 requests a minute. */
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 100;

    private static final Set<String> KEYS = Set.of("enabled", "port", "username", "password", "library-id",
            "token-lifetime-seconds", "requests-per-minute", "latency-ms", "jitter-ms", "seed", "cards-with-holds-percent",
            "reserved-percent", "missing-reserve-until-percent", "no-account-percent", "reference-time");

    public HooplaSandboxSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(PREFIX + "port must be between 0 and 65535, was " + port);
        }
        if (username == null || username.isBlank() || password == null || password.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "username and " + PREFIX + "password must not be empty");
        }
        if (username.contains(":")) {
            throw new IllegalArgumentException(PREFIX + "username must not contain ':' (HTTP Basic cannot carry it)");
        }
        if (libraryId < 1) {
            throw new IllegalArgumentException(PREFIX + "library-id must be positive, was " + libraryId);
        }
        if (tokenLifetimeSeconds < 1) {
            throw new IllegalArgumentException(PREFIX + "token-lifetime-seconds must be at least 1, was " + tokenLifetimeSeconds);
        }
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException(PREFIX + "requests-per-minute must not be negative (0: unlimited), was "
                    + requestsPerMinute);
        }
        if (latencyMs < 0 || jitterMs < 0) {
            throw new IllegalArgumentException(PREFIX + "latency-ms and " + PREFIX + "jitter-ms must not be negative");
        }
        percent("cards-with-holds-percent", cardsWithHoldsPercent);
        percent("reserved-percent", reservedPercent);
        percent("missing-reserve-until-percent", missingReserveUntilPercent);
        percent("no-account-percent", noAccountPercent);
    }

    private static void percent(String key, int value) {
        if (value < 0 || value > 100) {
            throw new IllegalArgumentException(PREFIX + key + " must be 0..100, was " + value);
        }
    }

    public static HooplaSandboxSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Reads the keys under {@value #PREFIX} (see the class comment); other keys are ignored. */
    public static HooplaSandboxSettings fromProperties(Properties properties) {
        return fromProperties(SandboxProperties.asMap(properties));
    }

    /** Reads the keys under {@value #PREFIX} (see the class comment); other keys are ignored. */
    public static HooplaSandboxSettings fromProperties(Map<String, String> properties) {
        SandboxProperties p = SandboxProperties.under(PREFIX, "sandbox Hoopla", properties, KEYS, Set.of("password"));
        HooplaSandboxSettings d = defaults();
        return new HooplaSandboxSettings(
                p.get("port", Integer::parseInt, d.port()),
                p.get("username", Function.identity(), d.username()),
                p.get("password", Function.identity(), d.password()),
                p.get("library-id", Long::parseLong, d.libraryId()),
                p.get("token-lifetime-seconds", Long::parseLong, d.tokenLifetimeSeconds()),
                p.get("requests-per-minute", Integer::parseInt, d.requestsPerMinute()),
                p.get("latency-ms", Long::parseLong, d.latencyMs()),
                p.get("jitter-ms", Long::parseLong, d.jitterMs()),
                p.get("seed", Long::parseLong, d.seed()),
                p.get("cards-with-holds-percent", Integer::parseInt, d.cardsWithHoldsPercent()),
                p.get("reserved-percent", Integer::parseInt, d.reservedPercent()),
                p.get("missing-reserve-until-percent", Integer::parseInt, d.missingReserveUntilPercent()),
                p.get("no-account-percent", Integer::parseInt, d.noAccountPercent()),
                p.get("reference-time", HooplaSandboxSettings::parseInstant, d.referenceTime()));
    }

    /** An ISO-8601 instant, or a date ({@code YYYY-MM-DD}) meaning its start in UTC. */
    static Instant parseInstant(String value) {
        String v = value.strip();
        return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
    }

    /** Like the record's, but the password is masked: settings end up in logs. */
    @Override
    public String toString() {
        return "HooplaSandboxSettings[port=" + port + ", username=" + username + ", password=****, libraryId=" + libraryId
                + ", tokenLifetimeSeconds=" + tokenLifetimeSeconds + ", requestsPerMinute=" + requestsPerMinute
                + ", latencyMs=" + latencyMs + ", jitterMs=" + jitterMs + ", seed=" + seed
                + ", cardsWithHoldsPercent=" + cardsWithHoldsPercent + ", reservedPercent=" + reservedPercent
                + ", missingReserveUntilPercent=" + missingReserveUntilPercent + ", noAccountPercent=" + noAccountPercent
                + ", referenceTime=" + (referenceTime == null ? "(now)" : referenceTime) + "]";
    }

    public static final class Builder {

        private int port = 0;
        private String username = DEFAULT_USERNAME;
        private String password = DEFAULT_PASSWORD;
        private long libraryId = DEFAULT_LIBRARY_ID;
        private long tokenLifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS;
        private int requestsPerMinute = DEFAULT_REQUESTS_PER_MINUTE;
        private long latencyMs = 40;
        private long jitterMs = 10;
        private long seed = 7;
        private int cardsWithHoldsPercent = 15;
        private int reservedPercent = 30;
        private int missingReserveUntilPercent = 0;
        private int noAccountPercent = 0;
        private Instant referenceTime = null;

        private Builder() {
        }

        private Builder(HooplaSandboxSettings s) {
            port = s.port;
            username = s.username;
            password = s.password;
            libraryId = s.libraryId;
            tokenLifetimeSeconds = s.tokenLifetimeSeconds;
            requestsPerMinute = s.requestsPerMinute;
            latencyMs = s.latencyMs;
            jitterMs = s.jitterMs;
            seed = s.seed;
            cardsWithHoldsPercent = s.cardsWithHoldsPercent;
            reservedPercent = s.reservedPercent;
            missingReserveUntilPercent = s.missingReserveUntilPercent;
            noAccountPercent = s.noAccountPercent;
            referenceTime = s.referenceTime;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The HTTP Basic credentials of the token endpoints. */
        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder libraryId(long libraryId) {
            this.libraryId = libraryId;
            return this;
        }

        public Builder tokenLifetimeSeconds(long seconds) {
            this.tokenLifetimeSeconds = seconds;
            return this;
        }

        /** 0: unlimited. */
        public Builder requestsPerMinute(int requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
            return this;
        }

        public Builder latencyMs(long latencyMs) {
            this.latencyMs = latencyMs;
            return this;
        }

        public Builder jitterMs(long jitterMs) {
            this.jitterMs = jitterMs;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder cardsWithHoldsPercent(int percent) {
            this.cardsWithHoldsPercent = percent;
            return this;
        }

        public Builder reservedPercent(int percent) {
            this.reservedPercent = percent;
            return this;
        }

        public Builder missingReserveUntilPercent(int percent) {
            this.missingReserveUntilPercent = percent;
            return this;
        }

        public Builder noAccountPercent(int percent) {
            this.noAccountPercent = percent;
            return this;
        }

        /** Null: the time the directory is generated. */
        public Builder referenceTime(Instant referenceTime) {
            this.referenceTime = referenceTime;
            return this;
        }

        public HooplaSandboxSettings build() {
            return new HooplaSandboxSettings(port, username, password, libraryId, tokenLifetimeSeconds, requestsPerMinute,
                    latencyMs, jitterMs, seed, cardsWithHoldsPercent, reservedPercent, missingReserveUntilPercent,
                    noAccountPercent, referenceTime);
        }
    }
}
