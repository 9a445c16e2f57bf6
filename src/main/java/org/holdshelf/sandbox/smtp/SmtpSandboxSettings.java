package org.holdshelf.sandbox.smtp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.holdshelf.sandbox.settings.SandboxProperties;

/**
 * Configuration of the {@link SmtpSimulator}. Build it in Java with {@link #builder()}, or from
 * properties with {@link #fromProperties(Map)}; {@code --sandbox} uses the keys below. An empty
 * value keeps the default; an unknown key under the prefix is an error, so a typo does not
 * silently fall back to a default.
 *
 * <table>
 *   <caption>Keys under {@code holdshelf.sandbox.smtp.}</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code enabled}</td><td>true</td><td>read by {@code Sandbox}: whether {@code --sandbox} starts the SMTP sink</td></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>listening port on 127.0.0.1; 0 picks a free one</td></tr>
 *   <tr><td>{@code mail-dir}</td><td>(none)</td><td>directory where each accepted message is also written as an
 *       {@code .eml} file, named by arrival ({@code 20261123T080000.123Z-000001.eml}); none: kept in memory only</td></tr>
 *   <tr><td>{@code reject-pattern}</td><td>{@code reject}</td><td>regular expression, found case-insensitively in a
 *       recipient address, that makes {@code RCPT TO} answer {@code 550 5.1.1} (a mailbox that does not exist);
 *       {@code (?!)} matches nothing</td></tr>
 *   <tr><td>{@code latency-ms}</td><td>0</td><td>time to answer the end of {@code DATA}, counted from when the
 *       final {@code .} arrived (a slow server's queueing and scanning)</td></tr>
 *   <tr><td>{@code username}, {@code password}</td><td>(none)</td><td>both set: {@code AUTH PLAIN LOGIN} is
 *       advertised and required before {@code MAIL}; both empty: no {@code AUTH}</td></tr>
 *   <tr><td>{@code max-message-bytes}</td><td>10485760</td><td>largest message accepted ({@code SIZE} in
 *       {@code EHLO}); larger ones get {@code 552 5.3.4}</td></tr>
 *   <tr><td>{@code max-connections}</td><td>16</td><td>connections served at once; one more is greeted
 *       {@code 421 4.7.0} and closed</td></tr>
 *   <tr><td>{@code temp-fail-messages}</td><td>0</td><td>the first N messages get {@code 451 4.3.0} at the end of
 *       {@code DATA} and are not kept</td></tr>
 *   <tr><td>{@code refuse-connections}</td><td>0</td><td>the first N connections are greeted {@code 421 4.3.2}
 *       and closed</td></tr>
 *   <tr><td>{@code outage-start-ms}, {@code outage-ms}</td><td>0, 0</td><td>an outage of {@code outage-ms}
 *       starting {@code outage-start-ms} after the start: new connections are greeted {@code 421 4.3.2}, and
 *       open ones get {@code 421} to their next command and are closed</td></tr>
 * </table>
 *
 * @param mailDir       where {@code .eml} copies go, null for none
 * @param rejectPattern regular expression for refused recipients (see {@code reject-pattern})
 * @param latency       time to answer the end of {@code DATA}
 * @param username      empty for no authentication
 * @param password      empty for no authentication
 */
public record SmtpSandboxSettings(
        int port,
        Path mailDir,
        String rejectPattern,
        Duration latency,
        String username,
        String password,
        long maxMessageBytes,
        int maxConnections,
        int tempFailMessages,
        int refuseConnections,
        Duration outageStart,
        Duration outage) {

    public static final String PREFIX = "holdshelf.sandbox.smtp.";
    /** Read by {@code Sandbox}, not by these settings. */
    public static final String ENABLED = PREFIX + "enabled";

    private static final Set<String> KEYS = Set.of("enabled", "port", "mail-dir", "reject-pattern", "latency-ms",
            "username", "password", "max-message-bytes", "max-connections", "temp-fail-messages", "refuse-connections",
            "outage-start-ms", "outage-ms");

    public SmtpSandboxSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(PREFIX + "port must be between 0 and 65535, was " + port);
        }
        compile(rejectPattern);
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (username.isEmpty() != password.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "username and " + PREFIX + "password must be set together");
        }
        if (latency == null || latency.isNegative() || outageStart == null || outageStart.isNegative()
                || outage == null || outage.isNegative()) {
            throw new IllegalArgumentException(PREFIX + "latency-ms, outage-start-ms and outage-ms must not be negative");
        }
        if (maxMessageBytes < 1 || maxConnections < 1) {
            throw new IllegalArgumentException(PREFIX + "max-message-bytes and max-connections must be at least 1");
        }
        if (tempFailMessages < 0 || refuseConnections < 0) {
            throw new IllegalArgumentException(PREFIX + "temp-fail-messages and refuse-connections must not be negative");
        }
    }

    public static SmtpSandboxSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether clients must authenticate ({@code AUTH PLAIN LOGIN}). */
    public boolean authRequired() {
        return !username.isEmpty();
    }

    /** {@link #rejectPattern()} compiled as the simulator uses it: case-insensitive, found anywhere in the address. */
    public Pattern compiledRejectPattern() {
        return compile(rejectPattern);
    }

    private static Pattern compile(String regex) {
        if (regex == null) {
            throw new IllegalArgumentException(PREFIX + "reject-pattern is required; (?!) matches nothing");
        }
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(PREFIX + "reject-pattern is not a regular expression: " + e.getDescription(), e);
        }
    }

    /** Reads the keys under {@value #PREFIX} (see the class comment); other keys are ignored. */
    public static SmtpSandboxSettings fromProperties(Properties properties) {
        return fromProperties(SandboxProperties.asMap(properties));
    }

    /** Reads the keys under {@value #PREFIX} (see the class comment); other keys are ignored. */
    public static SmtpSandboxSettings fromProperties(Map<String, String> properties) {
        SandboxProperties values = SandboxProperties.under(PREFIX, "sandbox SMTP", properties, KEYS, Set.of("password"));
        SmtpSandboxSettings d = defaults();
        return new SmtpSandboxSettings(
                values.get("port", Integer::parseInt, d.port()),
                values.get("mail-dir", Path::of, d.mailDir()),
                values.get("reject-pattern", Function.identity(), d.rejectPattern()),
                values.get("latency-ms", v -> Duration.ofMillis(Long.parseLong(v)), d.latency()),
                values.get("username", Function.identity(), d.username()),
                values.get("password", Function.identity(), d.password()),
                values.get("max-message-bytes", Long::parseLong, d.maxMessageBytes()),
                values.get("max-connections", Integer::parseInt, d.maxConnections()),
                values.get("temp-fail-messages", Integer::parseInt, d.tempFailMessages()),
                values.get("refuse-connections", Integer::parseInt, d.refuseConnections()),
                values.get("outage-start-ms", v -> Duration.ofMillis(Long.parseLong(v)), d.outageStart()),
                values.get("outage-ms", v -> Duration.ofMillis(Long.parseLong(v)), d.outage()));
    }

    /** Like the record's, but the password is masked: settings end up in logs. */
    @Override
    public String toString() {
        return "SmtpSandboxSettings[port=" + port + ", mailDir=" + mailDir + ", rejectPattern=" + rejectPattern
                + ", latency=" + latency + ", username=" + username + ", password=" + (password.isEmpty() ? "" : "****")
                + ", maxMessageBytes=" + maxMessageBytes + ", maxConnections=" + maxConnections
                + ", tempFailMessages=" + tempFailMessages + ", refuseConnections=" + refuseConnections
                + ", outageStart=" + outageStart + ", outage=" + outage + "]";
    }

    public static final class Builder {

        private int port = 0;
        private Path mailDir = null;
        private String rejectPattern = "reject";
        private Duration latency = Duration.ZERO;
        private String username = "";
        private String password = "";
        private long maxMessageBytes = 10L * 1024 * 1024;
        private int maxConnections = 16;
        private int tempFailMessages = 0;
        private int refuseConnections = 0;
        private Duration outageStart = Duration.ZERO;
        private Duration outage = Duration.ZERO;

        private Builder() {
        }

        private Builder(SmtpSandboxSettings s) {
            port = s.port;
            mailDir = s.mailDir;
            rejectPattern = s.rejectPattern;
            latency = s.latency;
            username = s.username;
            password = s.password;
            maxMessageBytes = s.maxMessageBytes;
            maxConnections = s.maxConnections;
            tempFailMessages = s.tempFailMessages;
            refuseConnections = s.refuseConnections;
            outageStart = s.outageStart;
            outage = s.outage;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder mailDir(Path mailDir) {
            this.mailDir = mailDir;
            return this;
        }

        public Builder rejectPattern(String rejectPattern) {
            this.rejectPattern = rejectPattern;
            return this;
        }

        public Builder latency(Duration latency) {
            this.latency = latency;
            return this;
        }

        /** Requires {@code AUTH PLAIN} or {@code AUTH LOGIN} with these credentials. */
        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder maxMessageBytes(long maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder tempFailMessages(int tempFailMessages) {
            this.tempFailMessages = tempFailMessages;
            return this;
        }

        public Builder refuseConnections(int refuseConnections) {
            this.refuseConnections = refuseConnections;
            return this;
        }

        /** An outage of {@code length} starting {@code after} the simulator starts. */
        public Builder outage(Duration after, Duration length) {
            this.outageStart = after;
            this.outage = length;
            return this;
        }

        public SmtpSandboxSettings build() {
            return new SmtpSandboxSettings(port, mailDir, rejectPattern, latency, username, password, maxMessageBytes,
                    maxConnections, tempFailMessages, refuseConnections, outageStart, outage);
        }
    }
}
