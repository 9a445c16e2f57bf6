package org.holdshelf.hoopla;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.http.RetryPolicy;

/**
 * The Hoopla poll ({@code holdshelf.hoopla.*}, documented in {@code application.properties}).
 * Validated here, so a bad value stops start-up with its key. The URL, credentials and library id
 * are required only when the poll is enabled.
 *
 * @param cardsFile         the file of library cards (one a line), or null for {@code libib}: every barcode of
 *                          the Libib directory mirror
 * @param requestsPerMinute the budget across the whole poll, token calls included (Hoopla asks for under 100)
 * @param cardsPerPoll      cards read by one poll at most: cards that had holds at their last reading first,
 *                          then the others in rotation
 * @param retry             attempts of one card after a 429, a 5xx, a connection failure or an unreadable answer
 */
public record HooplaSettings(
        boolean enabled,
        URI baseUrl,
        String username,
        String password,
        String libraryId,
        Path cardsFile,
        int requestsPerMinute,
        String cron,
        int cardsPerPoll,
        RetryPolicy retry) {

    public static final String ENABLED = "holdshelf.hoopla.enabled";
    public static final String BASE_URL = "holdshelf.hoopla.base-url";
    public static final String CARDS = "holdshelf.hoopla.cards";
    public static final String LIBIB = "libib";

    public static HooplaSettings from(HoldshelfConfig config) {
        boolean enabled = config.booleanValue(ENABLED);
        URI baseUrl = null;
        String username = null;
        String password = null;
        String libraryId = null;
        if (enabled) {
            String url = config.require(BASE_URL).trim().replaceAll("/+$", "");
            try {
                baseUrl = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("Setting " + BASE_URL + " is not a URL: " + url);
            }
            if (baseUrl.getHost() == null || !("https".equals(baseUrl.getScheme()) || "http".equals(baseUrl.getScheme()))) {
                throw new ConfigurationException("Setting " + BASE_URL + " must be an http(s) URL such as "
                        + "https://hoopla-api.hoopladigital.com, got: " + url);
            }
            username = config.require("holdshelf.hoopla.username");
            password = config.require("holdshelf.hoopla.password");
            libraryId = config.require("holdshelf.hoopla.library-id").trim();
            if (!libraryId.matches("\\d+")) {
                throw new ConfigurationException("Setting holdshelf.hoopla.library-id must be Hoopla's numeric library id, got: "
                        + libraryId);
            }
        }
        String cards = config.get(CARDS, LIBIB).trim();
        Path cardsFile = cards.equalsIgnoreCase(LIBIB) ? null : Path.of(cards);
        int perMinute = config.intValue("holdshelf.hoopla.requests-per-minute");
        if (perMinute < 1 || perMinute > 100) {
            throw new ConfigurationException("Setting holdshelf.hoopla.requests-per-minute must be 1 to 100 (Hoopla asks for "
                    + "under 100 a minute), got " + perMinute);
        }
        int perPoll = config.intValue("holdshelf.hoopla.cards-per-poll");
        if (perPoll < 1) {
            throw new ConfigurationException("Setting holdshelf.hoopla.cards-per-poll must be at least 1, got " + perPoll);
        }
        int attempts = config.intValue("holdshelf.hoopla.max-attempts");
        if (attempts < 1) {
            throw new ConfigurationException("Setting holdshelf.hoopla.max-attempts must be at least 1, got " + attempts);
        }
        return new HooplaSettings(enabled, baseUrl, username, password, libraryId, cardsFile, perMinute,
                config.require("holdshelf.hoopla.cron"), perPoll, new RetryPolicy(attempts,
                config.duration("holdshelf.hoopla.initial-backoff"), config.duration("holdshelf.hoopla.max-backoff")));
    }

    /** Calls start this far apart: the budget spread evenly over the minute. */
    public Duration spacing() {
        return Duration.ofNanos(Duration.ofMinutes(1).toNanos() / requestsPerMinute);
    }

    /** Never print the password, even by accident through a record's toString. */
    @Override
    public String toString() {
        return "HooplaSettings[enabled=" + enabled + ", baseUrl=" + baseUrl + ", libraryId=" + libraryId + ", cards="
                + (cardsFile == null ? LIBIB : cardsFile) + ", requestsPerMinute=" + requestsPerMinute + "]";
    }
}
