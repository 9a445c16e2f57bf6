package org.holdshelf.harvest;

import java.time.Duration;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;

/**
 * How runs are started, grouped and watched ({@code holdshelf.harvest.*}; how Sierra is called is
 * {@link org.holdshelf.sierra.SierraSettings}).
 *
 * @param scheduled        publish the slots of {@code cron} (every instance may still run the cluster's
 *                         harvests: the owner of the slots runs them); false for {@code --once}
 * @param progressInterval how often a running harvest logs and publishes its progress
 * @param abandonAfter     a started run with no sign of life for this long is recorded failed (abandoned)
 * @param titleCacheSize   bib titles kept between pages and runs
 * @param maxRunTime       the longest a run may take ({@code holdshelf.harvest.max-run-time-ms})
 */
public record HarvestSettings(String cron, boolean scheduled, Duration progressInterval, Duration abandonAfter,
                              HarvestRun.Batching batching, int titleCacheSize,
                              Duration maxRunTime) {

    public HarvestSettings {
        if (abandonAfter.compareTo(progressInterval.multipliedBy(2)) < 0) {
            throw new ConfigurationException("Setting holdshelf.harvest.abandon-after (" + abandonAfter.toMillis()
                    + " ms) must be at least twice holdshelf.harvest.progress-interval (" + progressInterval.toMillis()
                    + " ms): a run alive but between two progress records would be taken for abandoned");
        }
    }

    public static HarvestSettings from(HoldshelfConfig config) {
        return new HarvestSettings(
                config.require("holdshelf.harvest.cron"),
                config.booleanValue("holdshelf.harvest.scheduled"),
                config.duration("holdshelf.harvest.progress-interval"),
                config.duration("holdshelf.harvest.abandon-after"),
                new HarvestRun.Batching(config.intValue("holdshelf.harvest.batch-events"),
                        config.duration("holdshelf.harvest.batch-linger")),
                config.intValue("holdshelf.sierra.title-cache-size"),
                Duration.ofMillis(config.longValue("holdshelf.harvest.max-run-time-ms")));
    }
}
