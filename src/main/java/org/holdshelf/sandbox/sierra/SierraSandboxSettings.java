package org.holdshelf.sandbox.sierra;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

import org.holdshelf.sandbox.settings.SandboxProperties;

/**
 * Configuration of the {@link SierraSimulator}. Build it in Java with {@link #builder()}, or from
 * properties with {@link #fromProperties(Map)}; the application's {@code --sandbox} mode uses the
 * keys below. An empty value keeps the default; an unknown key under the prefix is an error, so
 * a typo does not silently fall back to a default.
 *
 * <table>
 *   <caption>Keys under {@code holdshelf.sandbox.sierra.}</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>listening port on 127.0.0.1; 0 picks a free one</td></tr>
 *   <tr><td>{@code holds}</td><td>126000</td><td>number of holds in the system (max {@value HoldsDataSet#MAX_SIZE})</td></tr>
 *   <tr><td>{@code seed}</td><td>42</td><td>data set seed; same seed and size, same data</td></tr>
 *   <tr><td>{@code ready-share}</td><td>0.16</td><td>share of holds ready for pickup</td></tr>
 *   <tr><td>{@code in-transit-share}</td><td>0.02</td><td>share of holds in transit</td></tr>
 *   <tr><td>{@code reference-date}</td><td>2026-11-23</td><td>"today" of the data ({@code YYYY-MM-DD})</td></tr>
 *   <tr><td>{@code client-key}</td><td>sandbox-key</td><td>accepted client key at {@code /token}</td></tr>
 *   <tr><td>{@code client-secret}</td><td>sandbox-secret-123</td><td>accepted client secret (8+ characters, as in Sierra)</td></tr>
 *   <tr><td>{@code token-lifetime-seconds}</td><td>3600</td><td>{@code expires_in} of issued tokens</td></tr>
 *   <tr><td>{@code page-latency-ms}</td><td>0</td><td>delay of every {@code /patrons/holds} page</td></tr>
 *   <tr><td>{@code lookup-latency-ms}</td><td>0</td><td>delay of every {@code /items}, {@code /bibs}, {@code /patrons} id-list call</td></tr>
 *   <tr><td>{@code total-mode}</td><td>system</td><td>{@code system}: {@code total} is the number of holds in the system
 *       (Sierra's documentation); {@code page}: the number of entries in the page (what recorded samples show)</td></tr>
 *   <tr><td>{@code overlap-after-first-page}</td><td>0</td><td>k: pages after the first start k holds early, as if k holds
 *       had been inserted ahead of the cursor (offset paging over live data shows them twice)</td></tr>
 *   <tr><td>{@code faults}</td><td>(none)</td><td>fault rules, syntax in {@link FaultPlan}</td></tr>
 * </table>
 */
public record SierraSandboxSettings(
        int port,
        int holds,
        long seed,
        HoldsDataSet.Profile profile,
        String clientKey,
        String clientSecret,
        long tokenLifetimeSeconds,
        long pageLatencyMs,
        long lookupLatencyMs,
        TotalMode totalMode,
        int overlapAfterFirstPage,
        FaultPlan faults) {

    public static final String PREFIX = "holdshelf.sandbox.sierra.";

    private static final Set<String> KEYS = Set.of("port", "holds", "seed", "ready-share", "in-transit-share",
            "reference-date", "client-key", "client-secret", "token-lifetime-seconds", "page-latency-ms",
            "lookup-latency-ms", "total-mode", "overlap-after-first-page", "faults");

    /** What {@code total} means in a {@code /patrons/holds} page. */
    public enum TotalMode {
        /** The number of holds in the system, as Sierra's documentation says. */
        SYSTEM,
        /** The number of entries in this page, as every recorded sample shows. */
        PAGE
    }

    public SierraSandboxSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        if (holds < 0 || holds > HoldsDataSet.MAX_SIZE) {
            throw new IllegalArgumentException("holds must be between 0 and " + HoldsDataSet.MAX_SIZE + ", was " + holds);
        }
        if (clientKey == null || clientKey.isBlank()) {
            throw new IllegalArgumentException("client key must not be blank");
        }
        if (clientSecret == null || clientSecret.length() < 8) {
            throw new IllegalArgumentException("client secret must have at least 8 characters, as Sierra requires");
        }
        if (tokenLifetimeSeconds < 1) {
            throw new IllegalArgumentException("token lifetime must be at least 1 second, was " + tokenLifetimeSeconds);
        }
        if (pageLatencyMs < 0 || lookupLatencyMs < 0 || overlapAfterFirstPage < 0) {
            throw new IllegalArgumentException("latencies and overlap must not be negative");
        }
        if (profile == null || totalMode == null || faults == null) {
            throw new IllegalArgumentException("profile, total mode and faults are required");
        }
    }

    public static SierraSandboxSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The data set these settings describe. */
    public HoldsDataSet newDataSet() {
        return new HoldsDataSet(holds, seed, profile);
    }

    /** Reads the keys under {@value #PREFIX} (see the class comment); other keys are ignored. */
    public static SierraSandboxSettings fromProperties(Properties properties) {
        return fromProperties(SandboxProperties.asMap(properties));
    }

    /** Reads the keys under {@value #PREFIX} (see the class comment); other keys are ignored. */
    public static SierraSandboxSettings fromProperties(Map<String, String> properties) {
        SandboxProperties values = SandboxProperties.under(PREFIX, "sandbox Sierra", properties, KEYS, Set.of("client-secret"));
        SierraSandboxSettings d = defaults();
        HoldsDataSet.Profile profile = new HoldsDataSet.Profile(
                values.get("ready-share", Double::parseDouble, d.profile().readyShare()),
                values.get("in-transit-share", Double::parseDouble, d.profile().inTransitShare()),
                values.get("reference-date", LocalDate::parse, d.profile().referenceDate()));
        return new SierraSandboxSettings(
                values.get("port", Integer::parseInt, d.port()),
                values.get("holds", Integer::parseInt, d.holds()),
                values.get("seed", Long::parseLong, d.seed()),
                profile,
                values.get("client-key", Function.identity(), d.clientKey()),
                values.get("client-secret", Function.identity(), d.clientSecret()),
                values.get("token-lifetime-seconds", Long::parseLong, d.tokenLifetimeSeconds()),
                values.get("page-latency-ms", Long::parseLong, d.pageLatencyMs()),
                values.get("lookup-latency-ms", Long::parseLong, d.lookupLatencyMs()),
                values.get("total-mode", v -> TotalMode.valueOf(v.toUpperCase(Locale.ROOT)), d.totalMode()),
                values.get("overlap-after-first-page", Integer::parseInt, d.overlapAfterFirstPage()),
                values.get("faults", FaultPlan::parse, d.faults()));
    }

    /** Like the record's, but the client secret is masked: settings end up in logs. */
    @Override
    public String toString() {
        return "SierraSandboxSettings[port=" + port + ", holds=" + holds + ", seed=" + seed + ", profile=" + profile
                + ", clientKey=" + clientKey + ", clientSecret=****, tokenLifetimeSeconds=" + tokenLifetimeSeconds
                + ", pageLatencyMs=" + pageLatencyMs + ", lookupLatencyMs=" + lookupLatencyMs + ", totalMode=" + totalMode
                + ", overlapAfterFirstPage=" + overlapAfterFirstPage + ", faults=" + faults + "]";
    }

    public static final class Builder {

        private int port = 0;
        private int holds = 126_000;
        private long seed = 42;
        private HoldsDataSet.Profile profile = HoldsDataSet.Profile.DEFAULT;
        private String clientKey = "sandbox-key";
        private String clientSecret = "sandbox-secret-123";
        private long tokenLifetimeSeconds = 3600;
        private long pageLatencyMs = 0;
        private long lookupLatencyMs = 0;
        private TotalMode totalMode = TotalMode.SYSTEM;
        private int overlapAfterFirstPage = 0;
        private FaultPlan faults = FaultPlan.NONE;

        private Builder() {
        }

        private Builder(SierraSandboxSettings settings) {
            port = settings.port;
            holds = settings.holds;
            seed = settings.seed;
            profile = settings.profile;
            clientKey = settings.clientKey;
            clientSecret = settings.clientSecret;
            tokenLifetimeSeconds = settings.tokenLifetimeSeconds;
            pageLatencyMs = settings.pageLatencyMs;
            lookupLatencyMs = settings.lookupLatencyMs;
            totalMode = settings.totalMode;
            overlapAfterFirstPage = settings.overlapAfterFirstPage;
            faults = settings.faults;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder holds(int holds) {
            this.holds = holds;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder profile(HoldsDataSet.Profile profile) {
            this.profile = profile;
            return this;
        }

        public Builder clientKey(String clientKey) {
            this.clientKey = clientKey;
            return this;
        }

        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        public Builder tokenLifetimeSeconds(long tokenLifetimeSeconds) {
            this.tokenLifetimeSeconds = tokenLifetimeSeconds;
            return this;
        }

        public Builder pageLatencyMs(long pageLatencyMs) {
            this.pageLatencyMs = pageLatencyMs;
            return this;
        }

        public Builder lookupLatencyMs(long lookupLatencyMs) {
            this.lookupLatencyMs = lookupLatencyMs;
            return this;
        }

        public Builder totalMode(TotalMode totalMode) {
            this.totalMode = totalMode;
            return this;
        }

        public Builder overlapAfterFirstPage(int overlapAfterFirstPage) {
            this.overlapAfterFirstPage = overlapAfterFirstPage;
            return this;
        }

        public Builder faults(FaultPlan faults) {
            this.faults = faults;
            return this;
        }

        public SierraSandboxSettings build() {
            return new SierraSandboxSettings(port, holds, seed, profile, clientKey, clientSecret, tokenLifetimeSeconds,
                    pageLatencyMs, lookupLatencyMs, totalMode, overlapAfterFirstPage, faults);
        }
    }
}
