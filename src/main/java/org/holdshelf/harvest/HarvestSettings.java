package org.holdshelf.harvest;

import java.time.Duration;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;

/**
 * How runs are started, grouped and watched ({@code holdshelf.harvest.*}; how Sierra is called is
 * {@link org.holdshelf.sierra.SierraSettings}).
 *
 * @param scheduled        run on {@code cron}; false for {@code --once} and for instances that only consume
 * @param progressInterval how often a running harvest logs and publishes its progress
 * @param abandonAfter     a started run with no sign of life for this long is recorded failed (abandoned)
 * @param titleCacheSize   bib titles kept between pages and runs
 */
public record HarvestSettings(String cron, boolean scheduled, Duration progressInterval, Duration abandonAfter,
                              HarvestRun.Batching batching, int titleCacheSize) {

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
                config.intValue("holdshelf.sierra.title-cache-size"));
    }
}
