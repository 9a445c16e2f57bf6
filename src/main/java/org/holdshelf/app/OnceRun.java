package org.holdshelf.app;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --once}: one harvest and all of its downstream work, then a one-screen summary. The exit
 * code says whether the run completed and its reports are in place.
 */
final class OnceRun {

    private static final Logger LOG = LoggerFactory.getLogger(OnceRun.class);

    private OnceRun() {
    }

    static int run(HoldshelfConfig config, boolean sandbox, PrintStream out) {
        RunEvent outcome;
        Map<String, Optional<String>> followUps;
        Duration startUp;
        Duration work;
        long stopStarted;
        try (Holdshelf app = Holdshelf.start(config.with("holdshelf.harvest.scheduled", "false"), sandbox)) {
            startUp = Duration.ofMillis(System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
            long workStarted = System.nanoTime();
            outcome = app.harvestNow("once");
            if (!EventTypes.RUN_COMPLETED.equals(outcome.type())) {
                out.println(Summary.failed(outcome));
                return HoldshelfApplication.EXIT_RUN_FAILED;
            }
            followUps = app.awaitFollowUps(outcome, app.config().duration("holdshelf.once.timeout"));
            work = Duration.ofNanos(System.nanoTime() - workStarted);
            followUps.forEach((name, line) -> {
                if (line.isEmpty()) {
                    LOG.error("Run {}: {} not complete within {} (holdshelf.once.timeout)", outcome.runId(), name,
                            Durations.human(app.config().duration("holdshelf.once.timeout")));
                }
            });
            out.print(Summary.completed(outcome, followUps, app.config()));
            stopStarted = System.nanoTime();
        } catch (ConfigurationException e) {
            LOG.error("Configuration problem: {}", e.getMessage());
            return HoldshelfApplication.EXIT_CONFIGURATION;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HoldshelfApplication.EXIT_RUN_FAILED;
        } catch (RuntimeException e) {
            LOG.error("The run could not be completed: {}", e.getMessage());
            out.println("\nHoldshelf run FAILED before it started: " + e.getMessage() + "\n");
            return HoldshelfApplication.EXIT_RUN_FAILED;
        }
        Duration shutdown = Duration.ofNanos(System.nanoTime() - stopStarted);
        out.printf(Locale.ROOT, "  Time           : start-up %s, work %s, shutdown %s%n%n", Durations.human(startUp),
                Durations.human(work), Durations.human(shutdown));
        return followUps.values().stream().allMatch(Optional::isPresent)
                ? HoldshelfApplication.EXIT_OK : HoldshelfApplication.EXIT_RUN_FAILED;
    }
}
