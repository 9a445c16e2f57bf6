package org.holdshelf;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.holdshelf.alma.ScanIn;
import org.holdshelf.alma.ScanOutcome;
import org.holdshelf.config.ConfigurationException;
import org.holdshelf.config.Durations;
import org.holdshelf.config.HoldshelfConfig;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.holdshelf.reports.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --once}: one harvest and all of its downstream work, then a one-screen summary. The
 * exit code says whether the run completed.
 */
final class OnceRun {

    private static final Logger LOG = LoggerFactory.getLogger(OnceRun.class);

    private OnceRun() {
    }

    static int run(HoldshelfConfig config, boolean sandbox, PrintStream out) {
        long started = System.nanoTime();
        HoldshelfConfig onceConfig = config.with("holdshelf.harvest.scheduled", "false");
        try (Launch launch = Launch.start(onceConfig, sandbox)) {
            Holdshelf app = launch.holdshelf();
            Duration timeout = app.config().duration("holdshelf.once.timeout");
            RunEvent outcome = app.harvestNow("once");
            if (outcome == null || !EventTypes.RUN_COMPLETED.equals(outcome.type())) {
                out.println(failedSummary(outcome));
                return HoldshelfApplication.EXIT_RUN_FAILED;
            }
            Optional<Manifest> manifest = Optional.empty();
            if (app.config().booleanValue("holdshelf.reports.enabled") && outcome.events() != null && outcome.events() > 0) {
                manifest = app.pullLists().awaitManifest(outcome.runId(), timeout);
                if (manifest.isEmpty()) {
                    LOG.error("Run {}: the pull lists were not complete within {} (holdshelf.once.timeout)",
                            outcome.runId(), Durations.human(timeout));
                    out.println(summary(outcome, manifest, Optional.empty(), app, Duration.ofNanos(System.nanoTime() - started)));
                    return HoldshelfApplication.EXIT_RUN_FAILED;
                }
            }
            Optional<Map<ScanOutcome.Outcome, Long>> scanIn = Optional.empty();
            if (app.scanIn().isPresent() && outcome.events() != null && outcome.events() > 0) {
                scanIn = awaitScanIn(app.scanIn().get(), outcome.runId(), timeout);
                if (scanIn.isEmpty()) {
                    LOG.error("Run {}: the scan-in report was not complete within {} (holdshelf.once.timeout)",
                            outcome.runId(), Durations.human(timeout));
                    out.println(summary(outcome, manifest, scanIn, app, Duration.ofNanos(System.nanoTime() - started)));
                    return HoldshelfApplication.EXIT_RUN_FAILED;
                }
            }
            out.println(summary(outcome, manifest, scanIn, app, Duration.ofNanos(System.nanoTime() - started)));
            return HoldshelfApplication.EXIT_OK;
        } catch (ConfigurationException e) {
            LOG.error("Configuration problem: {}", e.getMessage());
            return HoldshelfApplication.EXIT_CONFIGURATION;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HoldshelfApplication.EXIT_RUN_FAILED;
        } catch (RuntimeException e) {
            LOG.error("The run could not be completed: {}", e.getMessage());
            return HoldshelfApplication.EXIT_RUN_FAILED;
        }
    }

    static String failedSummary(RunEvent outcome) {
        if (outcome == null) {
            return "\nHoldshelf run FAILED before it started (see the log above).\n";
        }
        return String.format(Locale.ROOT, "%nHoldshelf run %s FAILED after %s: %s%n  Sierra: %d pages, %,d holds scanned; "
                        + "nothing from this run is marked complete.%n",
                outcome.runId(), Durations.human(Duration.ofMillis(outcome.durationMs() == null ? 0 : outcome.durationMs())),
                outcome.reason(), outcome.pages() == null ? 0 : outcome.pages(),
                outcome.holdsScanned() == null ? 0 : outcome.holdsScanned());
    }

    private static Optional<Map<ScanOutcome.Outcome, Long>> awaitScanIn(ScanIn scanIn, String runId, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Map<ScanOutcome.Outcome, Long>> counts = scanIn.outcomeCounts(runId);
            if (counts.isPresent()) {
                return counts;
            }
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    static String summary(RunEvent outcome, Optional<Manifest> manifest, Optional<Map<ScanOutcome.Outcome, Long>> scanIn,
                          Holdshelf app, Duration total) {
        StringBuilder s = new StringBuilder();
        long harvestMs = outcome.durationMs();
        double rate = harvestMs > 0 ? outcome.holdsScanned() * 1000.0 / harvestMs : 0;
        long ready = 0;
        long inTransit = 0;
        for (RunEvent.LocationCount c : outcome.locations().values()) {
            ready += c.ready();
            inTransit += c.inTransit();
        }
        s.append(String.format(Locale.ROOT, "%nHoldshelf run %s COMPLETED in %s%n", outcome.runId(), Durations.human(total)));
        s.append(String.format(Locale.ROOT, "  Sierra harvest : %d pages, %,d holds scanned in %s (%,.0f holds/s)%n",
                outcome.pages(), outcome.holdsScanned(), Durations.human(Duration.ofMillis(harvestMs)), rate));
        s.append(String.format(Locale.ROOT, "  Published      : %,d events on %s (%,d ready, %,d in transit), %d duplicates dropped, %d rejected to %s%n",
                outcome.events(), app.config().require("holdshelf.topic.entries"), ready, inTransit,
                outcome.duplicatesDropped(), outcome.rejected(), app.config().require("holdshelf.topic.dlq")));
        s.append(String.format(Locale.ROOT, "  Locations      : %d%n", outcome.locations().size()));
        s.append(String.format(Locale.ROOT, "    %-8s %-34s %8s %10s%n", "code", "name", "ready", "in transit"));
        for (Map.Entry<String, RunEvent.LocationCount> e : outcome.locations().entrySet()) {
            s.append(String.format(Locale.ROOT, "    %-8s %-34s %,8d %,10d%n", e.getKey(), clip(e.getValue().name(), 34),
                    e.getValue().ready(), e.getValue().inTransit()));
        }
        manifest.ifPresent(m -> s.append(String.format(Locale.ROOT,
                "  Pull lists     : %d files in %s (manifest.json; 'latest' points here), last file %s after the run started%n",
                m.files().size(), app.pullLists().runDir(outcome.runId()), Durations.human(Duration.ofMillis(m.timings().runToLastFileMs())))));
        scanIn.ifPresent(counts -> s.append(String.format(Locale.ROOT, "  Alma scan-in   : %s (scan-in.csv)%n",
                counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                        .collect(java.util.stream.Collectors.joining(", ")))));
        return s.toString();
    }

    private static String clip(String text, int width) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - 1) + "…";
    }
}
