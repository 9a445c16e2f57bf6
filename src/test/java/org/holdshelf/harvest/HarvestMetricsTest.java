package org.holdshelf.harvest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The harvest's meters under their Prometheus names (counters _total, durations _seconds), and what a run adds. */
class HarvestMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HarvestMetrics metrics = new HarvestMetrics(registry,
            Clock.fixed(Instant.parse("2026-11-23T08:01:00Z"), ZoneOffset.UTC));

    @Test
    void shouldNameEveryMeterByPrometheusConventions() {
        String scrape = registry.scrape();
        assertThat(scrape).contains("holdshelf_harvest_runs_total{outcome=\"completed\"} 0.0",
                "holdshelf_harvest_holds_scanned_total 0.0", "holdshelf_harvest_pages_total 0.0",
                "holdshelf_harvest_duration_seconds_count 0", "holdshelf_harvest_running 0.0",
                "holdshelf_harvest_progress_pages 0.0", "holdshelf_harvest_progress_holds_scanned 0.0",
                "holdshelf_harvest_progress_rate_holds_per_second 0.0", "holdshelf_harvest_progress_remaining_seconds 0.0",
                "holdshelf_harvest_last_completed_timestamp_seconds 0.0");
        assertThat(scrape.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("[{ ].*", "")))
                .allMatch(name -> name.matches("holdshelf_[a-z0-9_]+"));
    }

    @Test
    void shouldCountACompletedRun() {
        metrics.ended(new RunEvent(EventTypes.RUN_COMPLETED, 1, "r1", "schedule", "i", "2026-11-23T08:00:00Z",
                "2026-11-23T08:01:00Z", "2026-11-23T08:01:00Z", 60_000L, 3, 6000L, 600L, 0L, 0L,
                Map.of("MAIN", new RunEvent.LocationCount("Main", 500, 100)), null, null, null));
        String scrape = registry.scrape();
        assertThat(scrape).contains("holdshelf_harvest_runs_total{outcome=\"completed\"} 1.0",
                "holdshelf_harvest_events_total{state=\"ready\"} 500.0", "holdshelf_harvest_events_total{state=\"in_transit\"} 100.0",
                "holdshelf_harvest_duration_seconds_sum 60.0", "holdshelf_harvest_last_completed_timestamp_seconds 1.79542086E9");
    }
}
