package org.holdshelf.ops;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;

/**
 * The operators' endpoint's settings ({@code holdshelf.ops.*}), validated at start-up.
 *
 * @param enabled           {@code holdshelf.ops.enabled}
 * @param bind              the address it listens on ({@code holdshelf.ops.bind})
 * @param port              the port; 0 picks a free one ({@code holdshelf.ops.port})
 * @param token             the bearer token ({@code holdshelf.ops.token}, a secret); empty: no token, allowed
 *                          only on a loopback address
 * @param refreshInterval   how often the page's views read what is new on the topics
 * @param recentRuns        runs the page shows
 * @param recentDeadLetters dead letters the page shows
 * @param noticeHistory     how far back the notice search reaches
 * @param noticeRecords     notice records kept for the search at most (the oldest go first)
 * @param templatesDir      where {@code ops/*.mustache} are
 */
record OpsSettings(boolean enabled, String bind, int port, Optional<String> token, Duration refreshInterval, int recentRuns,
                   int recentDeadLetters, Duration noticeHistory, int noticeRecords, Path templatesDir) {

    static final String ENABLED = "holdshelf.ops.enabled";
    static final String BIND = "holdshelf.ops.bind";
    static final String PORT = "holdshelf.ops.port";
    static final String TOKEN = "holdshelf.ops.token";
    /** Shorter tokens are refused: a token is all that stands between the network and the pipeline. */
    static final int MIN_TOKEN_LENGTH = 16;

    @Override
    public String toString() { // never the token
        return "OpsSettings[" + bind + ":" + port + (token.isPresent() ? ", token set" : ", no token") + "]";
    }

    static OpsSettings from(HoldshelfConfig config) {
        boolean enabled = config.booleanValue(ENABLED);
        String bind = config.get(BIND, "127.0.0.1").trim();
        int port = config.intValue(PORT);
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("Setting " + PORT + " must be a port number from 0 to 65535 (0: a free port), not "
                    + port);
        }
        Optional<String> token = config.find(TOKEN).map(String::trim).filter(t -> !t.isEmpty());
        if (token.isPresent() && (token.get().length() < MIN_TOKEN_LENGTH || token.get().chars().anyMatch(ch -> ch <= ' '))) {
            throw new ConfigurationException("Setting " + TOKEN + " must be at least " + MIN_TOKEN_LENGTH
                    + " characters without spaces (e.g. the output of: openssl rand -hex 24)");
        }
        if (enabled && token.isEmpty() && !isLoopback(bind)) {
            throw new ConfigurationException("The operators' endpoint would listen on " + bind + " (" + BIND
                    + "), which is not a loopback address, without a token: set " + TOKEN + " (environment variable "
                    + HoldshelfConfig.envName(TOKEN) + "), or bind it to 127.0.0.1, or turn it off with " + ENABLED + "=false");
        }
        return new OpsSettings(enabled, bind, port, token, positive(config, "holdshelf.ops.refresh-interval"),
                atLeastOne(config, "holdshelf.ops.recent-runs"), atLeastOne(config, "holdshelf.ops.recent-dead-letters"),
                positive(config, "holdshelf.ops.notice-history"), atLeastOne(config, "holdshelf.ops.notice-records"),
                config.path("holdshelf.ops.templates-dir"));
    }

    /** Whether {@code address} is one of this machine's loopback addresses (127.0.0.0/8, ::1, localhost). */
    static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigurationException("Setting " + BIND + " is not an address of this machine: " + address);
        }
    }

    private static Duration positive(HoldshelfConfig config, String key) {
        Duration d = config.duration(key);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigurationException("Setting " + key + " must be a positive duration, not " + d);
        }
        return d;
    }

    private static int atLeastOne(HoldshelfConfig config, String key) {
        int n = config.intValue(key);
        if (n < 1) {
            throw new ConfigurationException("Setting " + key + " must be at least 1, not " + n);
        }
        return n;
    }
}
