package org.holdshelf.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar holdshelf.jar [--once] [--sandbox] [--config FILE]}.
 *
 * <p>Without {@code --once} it runs as a service until stopped (SIGTERM or Ctrl-C stop it
 * gracefully: the running harvest is ended as failed, consumers commit what they processed).
 * With {@code --once} it runs one harvest and all its downstream work, prints a summary and
 * exits 0 on success, 1 on a failed run, 2 on a configuration problem.
 */
public final class HoldshelfApplication {

    private static final Logger LOG = LoggerFactory.getLogger(HoldshelfApplication.class);

    static final int EXIT_OK = 0;
    static final int EXIT_RUN_FAILED = 1;
    static final int EXIT_CONFIGURATION = 2;

    private HoldshelfApplication() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out);
        endHttpClients();
        System.exit(code);
    }

    /**
     * Java 17's HttpClient cannot be closed (Java 21 adds close): its selector thread waits in
     * native code until the client is garbage, and while a thread waits there the JVM takes 300 ms
     * to exit. The pipeline is closed and the process is exiting, so the clients' selector threads
     * are told to end (an interrupt wakes the selector, whose loop then ends).
     */
    private static void endHttpClients() {
        List<Thread> selectors = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")).toList();
        selectors.forEach(Thread::interrupt);
        for (Thread t : selectors) {
            try {
                t.join(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    record Options(boolean once, boolean sandbox, Path configFile, boolean help) {
    }

    static Options parse(String[] args) {
        boolean once = false;
        boolean sandbox = false;
        boolean help = false;
        Path configFile = null;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            switch (arg) {
                case "--once" -> once = true;
                case "--sandbox" -> sandbox = true;
                case "--help", "-h" -> help = true;
                case "--config" -> {
                    if (rest.isEmpty()) {
                        throw new ConfigurationException("--config needs a file name");
                    }
                    configFile = Path.of(rest.remove(0));
                }
                default -> throw new ConfigurationException("Unknown option " + arg + " (try --help)");
            }
        }
        if (configFile == null && System.getenv("HOLDSHELF_CONFIG_FILE") != null && !System.getenv("HOLDSHELF_CONFIG_FILE").isBlank()) {
            configFile = Path.of(System.getenv("HOLDSHELF_CONFIG_FILE"));
        }
        return new Options(once, sandbox, configFile, help);
    }

    static int run(String[] args, PrintStream out) {
        Options options;
        HoldshelfConfig config;
        try {
            options = parse(args);
            if (options.help()) {
                out.println(usage());
                return EXIT_OK;
            }
            config = HoldshelfConfig.load(options.configFile());
            config.warnings().forEach(LOG::warn);
        } catch (ConfigurationException e) {
            LOG.error("Configuration problem: {}", e.getMessage());
            return EXIT_CONFIGURATION;
        }
        return options.once() ? OnceRun.run(config, options.sandbox(), out) : service(config, options.sandbox());
    }

    private static int service(HoldshelfConfig config, boolean sandbox) {
        CountDownLatch stopped = new CountDownLatch(1);
        Holdshelf app;
        try {
            app = Holdshelf.start(config, sandbox);
        } catch (ConfigurationException e) {
            LOG.error("Configuration problem: {}", e.getMessage());
            return EXIT_CONFIGURATION;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping the holdshelf pipeline");
            app.close();
            stopped.countDown();
        }, "holdshelf-shutdown"));
        LOG.info("Holdshelf pipeline running; {}. Stop with Ctrl-C or SIGTERM.",
                app.config().booleanValue("holdshelf.harvest.scheduled")
                        ? "harvests on '" + app.config().require("holdshelf.harvest.cron") + "' ("
                                + app.config().require("holdshelf.timezone") + ")"
                        : "no scheduled harvests (holdshelf.harvest.scheduled=false)");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EXIT_OK;
    }

    static String usage() {
        return """
                Usage: java -jar holdshelf.jar [--once] [--sandbox] [--config FILE]

                  (no option)    run as a service: harvest on holdshelf.harvest.cron and keep the
                                 downstream consumers running until stopped (Ctrl-C / SIGTERM)
                  --once         run one harvest with all its downstream work, print a summary and
                                 exit: 0 on success, 1 if the run failed, 2 on a configuration problem
                  --sandbox      start the bundled simulated APIs (Sierra, Alma) and point the
                                 configuration at them
                  --config FILE  read settings from a properties file (or set HOLDSHELF_CONFIG_FILE)

                While it runs, the operators' page, health, metrics and harvests on demand are at
                http://127.0.0.1:8080/ (holdshelf.ops.bind, .port, .token; see README.md).

                Every setting can also be set as an environment variable, e.g.
                holdshelf.sierra.base-url as HOLDSHELF_SIERRA_BASE_URL. See README.md.""";
    }
}
