package org.holdshelf.directory;

import java.net.URI;
import java.time.Duration;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.http.RetryPolicy;

/**
 * The Libib patron directory mirror ({@code holdshelf.libib.*}, documented in
 * {@code application.properties}). Validated here, so a bad value stops start-up with its key. The
 * URL and credentials are required only when the mirror is enabled.
 *
 * @param minInterval   Libib's pace: one call per this interval ("once every 2 seconds")
 * @param margin        added to every interval, for a server that judges calls a little after they arrive
 * @param retry         attempts of one page after a 429, a 5xx, a connection failure or an unreadable answer
 * @param notifyFrozen  whether frozen patrons ({@code freeze: 1}) still get notices
 */
public record DirectorySettings(
        boolean enabled,
        URI baseUrl,
        String apiKey,
        String apiUser,
        String apiUltimate,
        String cron,
        Duration minInterval,
        Duration margin,
        RetryPolicy retry,
        boolean notifyFrozen) {

    public static final String ENABLED = "holdshelf.libib.enabled";
    public static final String BASE_URL = "holdshelf.libib.base-url";
    public static final String API_KEY = "holdshelf.libib.api-key";
    public static final String API_USER = "holdshelf.libib.api-user";
    public static final String API_ULTIMATE = "holdshelf.libib.api-ultimate";

    public DirectorySettings {
        if (enabled) {
            if (baseUrl == null || baseUrl.getHost() == null
                    || !("https".equals(baseUrl.getScheme()) || "http".equals(baseUrl.getScheme()))) {
                throw new ConfigurationException("Setting " + BASE_URL + " must be an http(s) URL such as "
                        + "https://api.libib.com, got: " + baseUrl);
            }
            require(API_KEY, apiKey);
            require(API_USER, apiUser);
        }
        if (minInterval.isNegative() || minInterval.isZero()) {
            throw new ConfigurationException("Setting holdshelf.libib.min-interval must be positive, got " + minInterval);
        }
        if (margin.isNegative()) {
            throw new ConfigurationException("Setting holdshelf.libib.margin must not be negative, got " + margin);
        }
    }

    public static DirectorySettings from(HoldshelfConfig config) {
        boolean enabled = config.booleanValue(ENABLED);
        String url = config.find(BASE_URL).orElse(null);
        URI baseUrl;
        try {
            baseUrl = url == null ? null : URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Setting " + BASE_URL + " is not a URL: " + url);
        }
        int attempts = config.intValue("holdshelf.libib.max-attempts");
        if (attempts < 1) {
            throw new ConfigurationException("Setting holdshelf.libib.max-attempts must be at least 1, got " + attempts);
        }
        return new DirectorySettings(enabled, baseUrl, config.find(API_KEY).orElse(null), config.find(API_USER).orElse(null),
                config.find(API_ULTIMATE).orElse(null), config.require("holdshelf.libib.cron"),
                config.duration("holdshelf.libib.min-interval"), config.duration("holdshelf.libib.margin"),
                new RetryPolicy(attempts, config.duration("holdshelf.libib.initial-backoff"),
                        config.duration("holdshelf.libib.max-backoff")),
                config.booleanValue("holdshelf.libib.notify-frozen"));
    }

    private static void require(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("Setting " + key + " is required when " + ENABLED + "=true");
        }
    }

    /** The wait between an answer and the next call: Libib's pace plus the margin. */
    public Duration spacing() {
        return minInterval.plus(margin);
    }

    /** Never print the credentials, even by accident through a record's toString. */
    @Override
    public String toString() {
        return "DirectorySettings[enabled=" + enabled + ", baseUrl=" + baseUrl + ", cron=" + cron + ", minInterval="
                + minInterval + ", ultimate=" + (apiUltimate != null) + "]";
    }
}
