package org.holdshelf.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.runtime.Health;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The last harvest's age against the schedule: one missed run is tolerated, two are not. */
class HarvestFreshnessTest {

    private static final Instant STARTED = Instant.parse("2026-11-23T07:00:00Z");
    private final HarvestFreshness every15 = new HarvestFreshness("0 0/15 7-21 * * ?", ZoneId.of("UTC"), Duration.ofMinutes(5),
            STARTED);

    @Test
    void shouldBeUpWhileTheLastRunIsRecent() {
        Health h = every15.check(Optional.of(Instant.parse("2026-11-23T08:02:00Z")), Instant.parse("2026-11-23T08:20:00Z"));
        assertThat(h.up()).isTrue();
        assertThat(h.detail()).contains("ended 18m");
    }

    @Test
    void shouldTolerateOneMissedRun() {
        // fired 08:15 and 08:30 since 08:02; at 08:34 the 08:30 run may still be going
        assertThat(every15.check(Optional.of(Instant.parse("2026-11-23T08:02:00Z")), Instant.parse("2026-11-23T08:34:00Z")).up())
                .isTrue();
    }

    @Test
    void shouldBeDownOnceTwoScheduledRunsHaveNotCompleted() {
        Health h = every15.check(Optional.of(Instant.parse("2026-11-23T08:02:00Z")), Instant.parse("2026-11-23T08:36:00Z"));
        assertThat(h.up()).isFalse();
        assertThat(h.detail()).contains("0 0/15 7-21 * * ?").contains("08:15").contains("08:30");
    }

    @Test
    void shouldFollowTheScheduleOverTheNight() {
        // last run 21:47; next fires 07:00 and 07:15 the next day
        Optional<Instant> last = Optional.of(Instant.parse("2026-11-23T21:47:00Z"));
        assertThat(every15.check(last, Instant.parse("2026-11-24T06:59:00Z")).up()).isTrue();
        assertThat(every15.check(last, Instant.parse("2026-11-24T07:21:00Z")).up()).isFalse();
    }

    @Test
    void shouldCountFromTheStartWhenNoRunHasCompleted() {
        assertThat(every15.check(Optional.empty(), Instant.parse("2026-11-23T07:10:00Z")).detail()).contains("no harvest has completed");
        assertThat(every15.check(Optional.empty(), Instant.parse("2026-11-23T07:36:00Z")).up()).isFalse();
    }

    @Test
    void shouldOnlyReportTheAgeWithoutASchedule() {
        HarvestFreshness unscheduled = new HarvestFreshness(null, ZoneId.of("UTC"), Duration.ofMinutes(5), STARTED);
        Health h = unscheduled.check(Optional.of(Instant.parse("2026-11-01T08:00:00Z")), Instant.parse("2026-11-23T08:00:00Z"));
        assertThat(h.up()).isTrue();
        assertThat(h.detail()).contains("not scheduled");
    }

    @Test
    void shouldNameABadCron() {
        assertThatThrownBy(() -> new HarvestFreshness("every quarter hour", ZoneId.of("UTC"), Duration.ZERO, STARTED))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.harvest.cron");
    }
}
