package org.holdshelf.sierra;

import java.net.URI;
import java.time.Duration;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.http.RetryPolicy;

/**
 * How the pipeline talks to Sierra. Built from {@code holdshelf.sierra.*} settings.
 *
 * @param pageSize         holds per {@code /patrons/holds} page; Sierra allows 1..2000
 * @param pageConcurrency  pages requested at once; 1 by default because Sierra handles parallel sweeps badly
 * @param lookupBatchSize  ids per {@code /items} or {@code /bibs} call (sent with the same {@code limit})
 * @param maxAttempts      attempts per request for timeouts, 5xx and 429 (1 = no retry)
 * @param tokenRenewMargin renew the access token this long before it expires
 * @param maxPages         a guard against a server that never ends the paging
 */
public record SierraSettings(
        URI baseUrl,
        String clientKey,
        String clientSecret,
        int pageSize,
        int pageConcurrency,
        int lookupBatchSize,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration tokenRenewMargin,
        int maxPages) {

    public static final int SIERRA_MAX_LIMIT = 2000;

    public SierraSettings {
        requireRange("holdshelf.sierra.page-size", pageSize, 1, SIERRA_MAX_LIMIT);
        requireRange("holdshelf.sierra.page-concurrency", pageConcurrency, 1, 16);
        requireRange("holdshelf.sierra.lookup-batch-size", lookupBatchSize, 1, SIERRA_MAX_LIMIT);
        requireRange("holdshelf.sierra.max-attempts", maxAttempts, 1, 100);
        requireRange("holdshelf.sierra.max-pages", maxPages, 1, Integer.MAX_VALUE);
    }

    public static SierraSettings from(HoldshelfConfig config) {
        String base = config.require("holdshelf.sierra.base-url");
        URI baseUrl;
        try {
            baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Setting holdshelf.sierra.base-url is not a URL: " + base);
        }
        if (baseUrl.getScheme() == null || !(baseUrl.getScheme().equals("https") || baseUrl.getScheme().equals("http"))) {
            throw new ConfigurationException("Setting holdshelf.sierra.base-url must be an http(s) URL such as "
                    + "https://host/iii/sierra-api/v6, got: " + base);
        }
        return new SierraSettings(
                baseUrl,
                config.require("holdshelf.sierra.client-key"),
                config.require("holdshelf.sierra.client-secret"),
                config.intValue("holdshelf.sierra.page-size"),
                config.intValue("holdshelf.sierra.page-concurrency"),
                config.intValue("holdshelf.sierra.lookup-batch-size"),
                config.duration("holdshelf.sierra.connect-timeout"),
                config.duration("holdshelf.sierra.request-timeout"),
                config.intValue("holdshelf.sierra.max-attempts"),
                config.duration("holdshelf.sierra.initial-backoff"),
                config.duration("holdshelf.sierra.max-backoff"),
                config.duration("holdshelf.sierra.token-renew-margin"),
                config.intValue("holdshelf.sierra.max-pages"));
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigurationException("Setting " + key + " is " + value + ", expected " + min + ".." + max);
        }
    }

    /** Never print the secret, even by accident through a record's toString. */
    @Override
    public String toString() {
        return "SierraSettings[baseUrl=" + baseUrl + ", pageSize=" + pageSize + ", pageConcurrency=" + pageConcurrency
                + ", lookupBatchSize=" + lookupBatchSize + ", maxAttempts=" + maxAttempts + "]";
    }
}
