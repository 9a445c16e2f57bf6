package org.holdshelf.sandbox.libib;

import java.util.Map;
import java.util.Set;

import org.holdshelf.sandbox.settings.SandboxProperties;

/**
 * How the {@link LibibSimulator} behaves. Keys under {@value #PREFIX} (blank means the default):
 * {@code api-key} ({@code sandbox-libib-key}) and {@code api-user} ({@code sandbox-libib-user}),
 * the only credentials it accepts; {@code min-interval-ms} (2000), Libib's "once every 2 seconds":
 * a call judged less than this after (or before) another accepted call is answered 429;
 * {@code latency-ms} (0), counted from the request's arrival; {@code jitter-ms} (0), the most a
 * call waits between its arrival and its judgment, as behind a load balancer;
 * {@code extra-patrons-percent} (10), patrons Libib has that Sierra does not, and
 * {@code sierra-patrons-percent} (90), Sierra patrons that are in Libib too; {@code seed} (7).
 */
public record LibibSandboxSettings(String apiKey, String apiUser, long minIntervalMs, long latencyMs, long jitterMs,
                                   int sierraPatronsPercent, int extraPatronsPercent, long seed) {

    public static final String PREFIX = "holdshelf.sandbox.libib.";
    public static final String ENABLED = PREFIX + "enabled";
    private static final Set<String> KEYS = Set.of("enabled", "port", "api-key", "api-user", "min-interval-ms", "latency-ms",
            "jitter-ms", "sierra-patrons-percent", "extra-patrons-percent", "seed");

    public LibibSandboxSettings {
        if (apiKey == null || apiKey.isBlank() || apiUser == null || apiUser.isBlank()) {
            throw new IllegalArgumentException("the sandbox Libib needs an api-key and an api-user");
        }
        if (minIntervalMs < 0 || latencyMs < 0 || jitterMs < 0) {
            throw new IllegalArgumentException("the sandbox Libib's intervals must not be negative");
        }
        if (sierraPatronsPercent < 0 || sierraPatronsPercent > 100 || extraPatronsPercent < 0) {
            throw new IllegalArgumentException("the sandbox Libib's percentages must be 0..100 (extra: 0 or more)");
        }
    }

    public static LibibSandboxSettings defaults() {
        return new LibibSandboxSettings("sandbox-libib-key", "sandbox-libib-user", 2000, 0, 0, 90, 10, 7);
    }

    /** The {@value #PREFIX} keys of {@code properties}; an unknown key or a bad value is an error naming it. */
    public static LibibSandboxSettings fromProperties(Map<String, String> properties) {
        SandboxProperties p = SandboxProperties.under(PREFIX, "sandbox Libib", properties, KEYS, Set.of("api-key"));
        LibibSandboxSettings d = defaults();
        return new LibibSandboxSettings(p.get("api-key", s -> s, d.apiKey()), p.get("api-user", s -> s, d.apiUser()),
                p.get("min-interval-ms", Long::parseLong, d.minIntervalMs()), p.get("latency-ms", Long::parseLong, d.latencyMs()),
                p.get("jitter-ms", Long::parseLong, d.jitterMs()),
                p.get("sierra-patrons-percent", Integer::parseInt, d.sierraPatronsPercent()),
                p.get("extra-patrons-percent", Integer::parseInt, d.extraPatronsPercent()), p.get("seed", Long::parseLong, d.seed()));
    }

    public LibibSandboxSettings withPace(long minIntervalMs, long latencyMs, long jitterMs) {
        return new LibibSandboxSettings(apiKey, apiUser, minIntervalMs, latencyMs, jitterMs, sierraPatronsPercent,
                extraPatronsPercent, seed);
    }

    /** Never print the key. */
    @Override
    public String toString() {
        return "LibibSandboxSettings[minIntervalMs=" + minIntervalMs + ", latencyMs=" + latencyMs + ", jitterMs=" + jitterMs + "]";
    }
}
