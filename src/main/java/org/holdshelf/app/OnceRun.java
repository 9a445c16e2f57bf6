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
        Result result;
        try {
            result = runPipeline(config, sandbox, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HoldshelfApplication.EXIT_RUN_FAILED;
        }
        if (result.work() != null) {
            Duration shutdown = Duration.ofNanos(System.nanoTime() - result.stopStarted());
            out.printf(Locale.ROOT, "  Time           : start-up %s, work %s, shutdown %s%n%n", Durations.human(result.startUp()),
                    Durations.human(result.work()), Durations.human(shutdown));
        }
        return result.exitCode();
    }

    /** What a run came to; the durations are null when it did not get as far as its reports. */
    private record Result(int exitCode, Duration startUp, Duration work, long stopStarted) {
    }

    private static Result runPipeline(HoldshelfConfig config, boolean sandbox, PrintStream out) throws InterruptedException {
        try (Holdshelf app = Holdshelf.start(config.with("holdshelf.harvest.scheduled", "false"), sandbox)) {
            Duration startUp = Duration.ofMillis(System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
            long workStarted = System.nanoTime();
            app.beforeOnceHarvest(app.config().duration("holdshelf.once.timeout"));
            RunEvent outcome = app.harvestNow("once");
            if (!EventTypes.RUN_COMPLETED.equals(outcome.type())) {
                out.println(Summary.failed(outcome));
                return new Result(HoldshelfApplication.EXIT_RUN_FAILED, null, null, 0);
            }
            Duration timeout = app.config().duration("holdshelf.once.timeout");
            Map<String, Optional<String>> followUps = app.awaitFollowUps(outcome, timeout);
            Duration work = Duration.ofNanos(System.nanoTime() - workStarted);
            followUps.forEach((name, line) -> {
                if (line.isEmpty()) {
                    LOG.error("Run {}: {} not complete within {} (holdshelf.once.timeout)", outcome.runId(), name,
                            Durations.human(timeout));
                }
            });
            out.print(Summary.completed(outcome, followUps, app.config()));
            app.sandbox().flatMap(simulators -> simulators.smtp()).ifPresent(smtp -> out.printf(Locale.ROOT,
                    "  Sandbox mail   : %,d messages received%s%n", smtp.count(),
                    smtp.settings().mailDir() == null ? "" : ", copies in " + smtp.settings().mailDir() + "/"));
            app.sandbox().flatMap(simulators -> simulators.sms()).ifPresent(sms -> out.printf(Locale.ROOT,
                    "  Sandbox texts  : %,d texts received%s%n", sms.count(),
                    sms.settings().messageDir() == null ? "" : ", copies in " + sms.settings().messageDir() + "/"
                            + org.holdshelf.sandbox.sms.SmsGatewaySimulator.MESSAGE_FILE));
            int code = followUps.values().stream().allMatch(Optional::isPresent)
                    ? HoldshelfApplication.EXIT_OK : HoldshelfApplication.EXIT_RUN_FAILED;
            return new Result(code, startUp, work, System.nanoTime());
        } catch (ConfigurationException e) {
            LOG.error("Configuration problem: {}", e.getMessage());
            return new Result(HoldshelfApplication.EXIT_CONFIGURATION, null, null, 0);
        } catch (RuntimeException e) {
            LOG.error("The run could not be completed: {}", e.getMessage());
            out.println("\nHoldshelf run FAILED before it started: " + e.getMessage() + "\n");
            return new Result(HoldshelfApplication.EXIT_RUN_FAILED, null, null, 0);
        }
    }
}
