package org.holdshelf.ops;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.runtime.Health;
import org.quartz.CronExpression;

/**
 * Whether the last completed harvest is recent enough for the schedule: missing one scheduled run
 * (it failed, it was skipped) is tolerated, missing two is not. DOWN once the schedule has fired
 * twice since the last completed run ended (or since this instance started, if none has), plus a
 * grace for the second run to finish. Without a schedule ({@code holdshelf.harvest.scheduled=false})
 * it only reports the age.
 */
final class HarvestFreshness {

    static final String NAME = "harvest-schedule";

    private final CronExpression schedule;
    private final String cron;
    private final Duration grace;
    private final Instant since;

    /**
     * @param cron  the harvest's Quartz cron, or null when harvests are not scheduled here
     * @param zone  the schedule's time zone
     * @param grace how long a scheduled run may take before its absence counts
     * @param since when this instance started: the age of "no run yet" counts from there
     */
    HarvestFreshness(String cron, ZoneId zone, Duration grace, Instant since) {
        this.cron = cron;
        this.grace = grace;
        this.since = since;
        if (cron == null) {
            this.schedule = null;
        } else {
            try {
                this.schedule = new CronExpression(cron);
            } catch (ParseException e) {
                throw new ConfigurationException("Setting holdshelf.harvest.cron is not a Quartz cron expression: " + cron
                        + " (" + e.getMessage() + ")");
            }
            this.schedule.setTimeZone(TimeZone.getTimeZone(zone));
        }
    }

    /**
     * @param lastCompletedAt when the last completed run ended, if one has
     */
    Health check(Optional<Instant> lastCompletedAt, Instant now) {
        String last = lastCompletedAt.map(at -> "last completed harvest ended " + Durations.human(Duration.between(at, now))
                + " ago (" + at + ")").orElse("no harvest has completed since this instance started " + since);
        if (schedule == null) {
            return Health.up(NAME, last + "; harvests are not scheduled in this instance");
        }
        Instant base = lastCompletedAt.filter(at -> at.isAfter(since)).orElse(since);
        Date first = schedule.getNextValidTimeAfter(Date.from(base));
        Date second = first == null ? null : schedule.getNextValidTimeAfter(first);
        if (second != null && now.isAfter(second.toInstant().plus(grace))) {
            return Health.down(NAME, last + "; the schedule '" + cron + "' fired at " + first.toInstant() + " and "
                    + second.toInstant() + " since, and no run has completed");
        }
        return Health.up(NAME, last);
    }
}
