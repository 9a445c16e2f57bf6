package org.holdshelf.sandbox.sms;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.holdshelf.sandbox.settings.SandboxProperties;

/**
 * How the {@link SmsGatewaySimulator} behaves. Build it in Java with {@link #builder()}, or from
 * properties with {@link #fromProperties(Map)}; {@code --sandbox} uses the keys below. An empty
 * value keeps the default; an unknown key under the prefix, or a bad value, is an error naming the
 * key.
 *
 * <table>
 *   <caption>Keys under {@code holdshelf.sandbox.sms.}</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code enabled}</td><td>true</td><td>read by {@code Sandbox}: whether {@code --sandbox} starts the gateway</td></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>listening port on 127.0.0.1; 0 picks a free one</td></tr>
 *   <tr><td>{@code latency-ms}</td><td>20</td><td>time to answer, counted from the request's arrival</td></tr>
 *   <tr><td>{@code jitter-ms}</td><td>5</td><td>up to this much more, uniformly drawn from a generator seeded
 *       with {@code seed}</td></tr>
 *   <tr><td>{@code seed}</td><td>7</td><td>seeds the jitter, the percentages below and the generated ids</td></tr>
 *   <tr><td>{@code opted-out}</td><td>(none)</td><td>comma-separated E.164 numbers that replied STOP: Twilio
 *       {@code 21610}, webhook {@code 409 opted-out}</td></tr>
 *   <tr><td>{@code landlines}</td><td>(none)</td><td>comma-separated E.164 numbers that are not mobiles: Twilio
 *       {@code 21614}, webhook {@code 422 invalid-number}</td></tr>
 *   <tr><td>{@code opted-out-percent}, {@code landline-percent}</td><td>0, 0</td><td>a deterministic share of all
 *       numbers (by a hash of the number and {@code seed}; the two shares never overlap, so together at most
 *       100) treated as opted out or as landlines; {@code --sandbox} runs with 2 and 3</td></tr>
 *   <tr><td>{@code requests-per-second}</td><td>0</td><td>the most requests accepted in any 1 s window (by their
 *       arrival); more are answered {@code 429} with {@code Retry-After: 1}; 0: unlimited</td></tr>
 *   <tr><td>{@code webhook-token}</td><td>(none)</td><td>when set, {@code POST /sms} needs
 *       {@code Authorization: Bearer <token>}, else {@code 401}</td></tr>
 *   <tr><td>{@code account-sid}, {@code auth-token}</td><td>{@value #DEFAULT_ACCOUNT_SID},
 *       {@value #DEFAULT_AUTH_TOKEN}</td><td>the Twilio account in the URL and the basic auth credentials</td></tr>
 *   <tr><td>{@code message-dir}</td><td>(none)</td><td>directory where every accepted text is appended to
 *       {@value SmsGatewaySimulator#MESSAGE_FILE}, one JSON line each; {@code Sandbox} resolves a relative one
 *       inside {@code holdshelf.reports.dir}; none: kept in memory only</td></tr>
 * </table>
 *
 * @param webhookToken empty for no bearer token
 * @param messageDir   where the texts' JSON lines go, null for none
 */
public record SmsSandboxSettings(
        int port,
        long latencyMs,
        long jitterMs,
        long seed,
        Set<String> optedOut,
        Set<String> landlines,
        int optedOutPercent,
        int landlinePercent,
        int requestsPerSecond,
        String webhookToken,
        String accountSid,
        String authToken,
        Path messageDir) {

    public static final String PREFIX = "holdshelf.sandbox.sms.";
    /** Read by {@code Sandbox}, not by these settings. */
    public static final String ENABLED = PREFIX + "enabled";
    public static final String DEFAULT_ACCOUNT_SID = "ACsandbox00000000000000000000000000";
    public static final String DEFAULT_AUTH_TOKEN = "sandbox-token";

    /** E.164: a plus, then up to 15 digits, the first not 0. */
    static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    private static final Set<String> KEYS = Set.of("enabled", "port", "latency-ms", "jitter-ms", "seed", "opted-out",
            "landlines", "opted-out-percent", "landline-percent", "requests-per-second", "webhook-token", "account-sid",
            "auth-token", "message-dir");

    public SmsSandboxSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(PREFIX + "port must be between 0 and 65535, was " + port);
        }
        if (latencyMs < 0 || jitterMs < 0) {
            throw new IllegalArgumentException(PREFIX + "latency-ms and " + PREFIX + "jitter-ms must not be negative");
        }
        optedOut = numbers("opted-out", optedOut);
        landlines = numbers("landlines", landlines);
        if (optedOutPercent < 0 || landlinePercent < 0 || optedOutPercent + landlinePercent > 100) {
            throw new IllegalArgumentException(PREFIX + "opted-out-percent and " + PREFIX
                    + "landline-percent must be 0..100 and add up to 100 at most, were " + optedOutPercent + " and " + landlinePercent);
        }
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException(PREFIX + "requests-per-second must not be negative (0: unlimited)");
        }
        webhookToken = webhookToken == null ? "" : webhookToken;
        if (accountSid == null || accountSid.isBlank() || authToken == null || authToken.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "account-sid and " + PREFIX + "auth-token must not be empty");
        }
    }

    private static Set<String> numbers(String key, Collection<String> numbers) {
        if (numbers == null) {
            return Set.of();
        }
        for (String number : numbers) {
            if (number == null || !E164.matcher(number).matches()) {
                throw new IllegalArgumentException(PREFIX + key + " holds '" + number + "', not an E.164 number (+15135550123)");
            }
        }
        return Set.copyOf(numbers);
    }

    /** Comma-separated E.164 numbers; blanks between commas are skipped. */
    private static Set<String> parseNumbers(String value) {
        Set<String> numbers = new TreeSet<>();
        Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(number -> {
            if (!E164.matcher(number).matches()) {
                throw new IllegalArgumentException("'" + number + "' is not an E.164 number (+15135550123)");
            }
            numbers.add(number);
        });
        return numbers;
    }

    public static SmsSandboxSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether {@code POST /sms} needs a bearer token. */
    public boolean webhookTokenRequired() {
        return !webhookToken.isEmpty();
    }

    /** Reads the keys under {@value #PREFIX} (see the class comment); other keys are ignored. */
    public static SmsSandboxSettings fromProperties(Properties properties) {
        return fromProperties(SandboxProperties.asMap(properties));
    }

    /** Reads the keys under {@value #PREFIX} (see the class comment); other keys are ignored. */
    public static SmsSandboxSettings fromProperties(Map<String, String> properties) {
        SandboxProperties p = SandboxProperties.under(PREFIX, "sandbox SMS gateway", properties, KEYS,
                Set.of("webhook-token", "auth-token"));
        SmsSandboxSettings d = defaults();
        return new SmsSandboxSettings(
                p.get("port", Integer::parseInt, d.port()),
                p.get("latency-ms", Long::parseLong, d.latencyMs()),
                p.get("jitter-ms", Long::parseLong, d.jitterMs()),
                p.get("seed", Long::parseLong, d.seed()),
                p.get("opted-out", SmsSandboxSettings::parseNumbers, d.optedOut()),
                p.get("landlines", SmsSandboxSettings::parseNumbers, d.landlines()),
                p.get("opted-out-percent", Integer::parseInt, d.optedOutPercent()),
                p.get("landline-percent", Integer::parseInt, d.landlinePercent()),
                p.get("requests-per-second", Integer::parseInt, d.requestsPerSecond()),
                p.get("webhook-token", Function.identity(), d.webhookToken()),
                p.get("account-sid", Function.identity(), d.accountSid()),
                p.get("auth-token", Function.identity(), d.authToken()),
                p.get("message-dir", Path::of, d.messageDir()));
    }

    /** Like the record's, but the secrets are masked and the numbers only counted: settings end up in logs. */
    @Override
    public String toString() {
        return "SmsSandboxSettings[port=" + port + ", latencyMs=" + latencyMs + ", jitterMs=" + jitterMs + ", seed=" + seed
                + ", optedOut=" + optedOut.size() + " number(s), landlines=" + landlines.size() + " number(s)"
                + ", optedOutPercent=" + optedOutPercent + ", landlinePercent=" + landlinePercent
                + ", requestsPerSecond=" + requestsPerSecond + ", webhookToken=" + (webhookToken.isEmpty() ? "" : "****")
                + ", accountSid=" + accountSid + ", authToken=****, messageDir=" + messageDir + "]";
    }

    public static final class Builder {

        private int port = 0;
        private long latencyMs = 20;
        private long jitterMs = 5;
        private long seed = 7;
        private Set<String> optedOut = Set.of();
        private Set<String> landlines = Set.of();
        private int optedOutPercent = 0;
        private int landlinePercent = 0;
        private int requestsPerSecond = 0;
        private String webhookToken = "";
        private String accountSid = DEFAULT_ACCOUNT_SID;
        private String authToken = DEFAULT_AUTH_TOKEN;
        private Path messageDir = null;

        private Builder() {
        }

        private Builder(SmsSandboxSettings s) {
            port = s.port;
            latencyMs = s.latencyMs;
            jitterMs = s.jitterMs;
            seed = s.seed;
            optedOut = s.optedOut;
            landlines = s.landlines;
            optedOutPercent = s.optedOutPercent;
            landlinePercent = s.landlinePercent;
            requestsPerSecond = s.requestsPerSecond;
            webhookToken = s.webhookToken;
            accountSid = s.accountSid;
            authToken = s.authToken;
            messageDir = s.messageDir;
        }

        public Builder port(int port) {
            this.port = port;
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

        public Builder optedOut(Collection<String> numbers) {
            this.optedOut = Set.copyOf(numbers);
            return this;
        }

        public Builder landlines(Collection<String> numbers) {
            this.landlines = Set.copyOf(numbers);
            return this;
        }

        public Builder optedOutPercent(int percent) {
            this.optedOutPercent = percent;
            return this;
        }

        public Builder landlinePercent(int percent) {
            this.landlinePercent = percent;
            return this;
        }

        /** 0: unlimited. */
        public Builder requestsPerSecond(int requestsPerSecond) {
            this.requestsPerSecond = requestsPerSecond;
            return this;
        }

        /** Empty or null: no bearer token needed. */
        public Builder webhookToken(String token) {
            this.webhookToken = token;
            return this;
        }

        /** The Twilio account: the SID in the URL and the basic auth user, and its auth token. */
        public Builder credentials(String accountSid, String authToken) {
            this.accountSid = accountSid;
            this.authToken = authToken;
            return this;
        }

        public Builder messageDir(Path messageDir) {
            this.messageDir = messageDir;
            return this;
        }

        public SmsSandboxSettings build() {
            return new SmsSandboxSettings(port, latencyMs, jitterMs, seed, optedOut, landlines, optedOutPercent,
                    landlinePercent, requestsPerSecond, webhookToken, accountSid, authToken, messageDir);
        }
    }
}
