package org.holdshelf.harvest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;

/**
 * The harvest's meters (Prometheus names in brackets): runs by outcome
 * ({@code holdshelf_harvest_runs_total{outcome}}), their duration ({@code holdshelf_harvest_duration_seconds}),
 * pages and holds read and events published as they happen ({@code holdshelf_harvest_pages_total},
 * {@code holdshelf_harvest_holds_scanned_total}, {@code holdshelf_harvest_events_total{state}}), the run in
 * progress ({@code holdshelf_harvest_running}, {@code holdshelf_harvest_progress_pages},
 * {@code holdshelf_harvest_progress_holds_scanned}, {@code holdshelf_harvest_progress_rate_holds_per_second},
 * {@code holdshelf_harvest_progress_remaining_seconds}) and the end of the last completed run
 * ({@code holdshelf_harvest_last_completed_timestamp_seconds}).
 *
 * <p>The time left is estimated from the last completed run's size in this instance (Sierra's
 * {@code total} cannot be trusted): the holds it read, less those read so far, at the current rate.
 * It is NaN until a run has completed (in this instance or, read from the runs topic, another), and 0 once the run has read more than that.
 */
final class HarvestMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicReference<HarvestRun> current = new AtomicReference<>();
    private final AtomicLong holdsCounted = new AtomicLong();
    private final AtomicLong pagesCounted = new AtomicLong();
    private final AtomicLong lastCompletedEpochSeconds = new AtomicLong();
    private final AtomicLong lastCompletedHolds = new AtomicLong(-1);
    private final Counter holdsScanned;
    private final Counter pages;
    private final Timer duration;

    HarvestMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.holdsScanned = Counter.builder("holdshelf.harvest.holds.scanned").description("Holds read from Sierra")
                .register(registry);
        this.pages = Counter.builder("holdshelf.harvest.pages").description("Pages of holds read from Sierra")
                .register(registry);
        this.duration = Timer.builder("holdshelf.harvest.duration").description("Duration of ended harvest runs")
                .register(registry);
        Gauge.builder("holdshelf.harvest.running", current, r -> r.get() == null ? 0 : 1)
                .description("1 while a harvest runs in this instance").register(registry);
        Gauge.builder("holdshelf.harvest.progress.pages", current, r -> r.get() == null ? 0 : r.get().pages())
                .description("Pages read by the harvest in progress").register(registry);
        Gauge.builder("holdshelf.harvest.progress.holds.scanned", current, r -> r.get() == null ? 0 : r.get().holdsScanned())
                .description("Holds read by the harvest in progress").register(registry);
        Gauge.builder("holdshelf.harvest.progress.rate", this, HarvestMetrics::rate).baseUnit("holds.per.second")
                .description("Holds read per second by the harvest in progress (0 when none runs)").register(registry);
        Gauge.builder("holdshelf.harvest.progress.remaining", this, HarvestMetrics::remainingSeconds).baseUnit("seconds")
                .description("Estimated time left of the harvest in progress, from the last completed run's size (NaN when unknown)")
                .register(registry);
        Gauge.builder("holdshelf.harvest.last.completed.timestamp", lastCompletedEpochSeconds, AtomicLong::get)
                .description("When the last completed harvest ended (epoch seconds)").baseUnit("seconds").register(registry);
        for (String outcome : new String[] {"completed", "failed", "abandoned"}) {
            runs(outcome); // present at zero, so a dashboard shows the series before the first run
        }
    }

    /** @param expectedHolds holds the last completed run read (from the runs topic), -1 if unknown */
    void started(HarvestRun run, long expectedHolds) {
        if (expectedHolds >= 0) {
            lastCompletedHolds.set(expectedHolds);
        }
        current.set(run);
        holdsCounted.set(0);
        pagesCounted.set(0);
    }

    /** Counts what the run read since the last count (a batch was published, or progress was reported). */
    void countProgress() {
        HarvestRun run = current.get();
        if (run != null) {
            long now = run.holdsScanned();
            holdsScanned.increment(Math.max(0, now - holdsCounted.getAndSet(now)));
            long pagesNow = run.pages();
            pages.increment(Math.max(0, pagesNow - pagesCounted.getAndSet(pagesNow)));
        }
    }

    /** Holds a second of the run in progress, since it started. */
    double rate() {
        HarvestRun run = current.get();
        if (run == null) {
            return 0;
        }
        long ms = Duration.between(run.startedAt(), clock.instant()).toMillis();
        return ms <= 0 ? 0 : run.holdsScanned() * 1000.0 / ms;
    }

    /** Seconds the run in progress has left at its rate, if its size can be estimated. */
    double remainingSeconds() {
        HarvestRun run = current.get();
        long expected = lastCompletedHolds.get();
        if (run == null) {
            return 0;
        }
        double rate = rate();
        if (expected < 0 || rate <= 0) {
            return Double.NaN;
        }
        return Math.max(0, expected - run.holdsScanned()) / rate;
    }

    void ended(RunEvent outcome) {
        countProgress();
        boolean abandoned = outcome.isAbandoned();
        runs(EventTypes.RUN_COMPLETED.equals(outcome.type()) ? "completed" : abandoned ? "abandoned" : "failed").increment();
        if (!abandoned) {
            current.set(null);
        }
        if (outcome.durationMs() != null && !abandoned) {
            duration.record(outcome.durationMs(), TimeUnit.MILLISECONDS);
        }
        if (EventTypes.RUN_COMPLETED.equals(outcome.type())) {
            lastCompletedEpochSeconds.set(Instant.parse(outcome.finishedAt()).getEpochSecond());
            if (outcome.holdsScanned() != null) {
                lastCompletedHolds.set(outcome.holdsScanned());
            }
            if (outcome.locations() != null) {
                long ready = outcome.locations().values().stream().mapToLong(RunEvent.LocationCount::ready).sum();
                long inTransit = outcome.locations().values().stream().mapToLong(RunEvent.LocationCount::inTransit).sum();
                events("ready").increment(ready);
                events("in_transit").increment(inTransit);
            }
        }
    }

    private Counter runs(String outcome) {
        return Counter.builder("holdshelf.harvest.runs").description("Harvest runs by outcome").tag("outcome", outcome)
                .register(registry);
    }

    private Counter events(String state) {
        return Counter.builder("holdshelf.harvest.events").description("Hold events published").tag("state", state)
                .register(registry);
    }
}
