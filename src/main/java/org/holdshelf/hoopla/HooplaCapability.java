package org.holdshelf.hoopla;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.http.CallPacer;
import org.holdshelf.platform.http.StoppableSleep;
import org.holdshelf.platform.http.WindowBudget;
import org.holdshelf.platform.kafka.CompactedTopicStore;
import org.holdshelf.platform.kafka.RecordPublisher;
import org.holdshelf.platform.kafka.SingleOwnerAssignor;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.ExtraHolds;
import org.holdshelf.platform.runtime.Wiring;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraSettings;

/**
 * Hoopla digital holds: a budgeted poll of each library card's current holds
 * ({@code routes/hoopla.camel.yaml}) on {@code holdshelf.hoopla.cron}, within
 * {@code holdshelf.hoopla.requests-per-minute}. Cards are every barcode of the Libib directory
 * mirror ({@code holdshelf.hoopla.cards=libib}) or the lines of a file. Settings:
 * {@code holdshelf.hoopla.*} ({@link HooplaSettings}); off unless {@code holdshelf.hoopla.enabled}.
 * Meters: {@code holdshelf_hoopla_calls_total}, {@code holdshelf_hoopla_throttled_total},
 * {@code holdshelf_hoopla_cards_read}, {@code holdshelf_hoopla_oldest_reading_seconds}.
 */
public final class HooplaCapability implements Capability {

    private final HooplaSettings settings;
    private Wiring wiring;
    private CompactedTopicStore<DirectoryPatron> directory;
    private HooplaPoller poller;
    /** The poll's waits, cut short when the pipeline stops. */
    private final StoppableSleep sleep = new StoppableSleep();

    public HooplaCapability(HoldshelfConfig config) {
        this.settings = HooplaSettings.from(config);
    }

    @Override
    public String name() {
        return "hoopla";
    }

    @Override
    public boolean enabled() {
        return settings.enabled();
    }

    @Override
    public List<String> routeFiles() {
        return List.of("hoopla.camel.yaml");
    }

    @Override
    public Set<Topic> topics() {
        return settings.cardsFile() == null ? Set.of(Topic.PATRONS, Topic.DLQ) : Set.of(Topic.DLQ);
    }

    @Override
    public void bind(Wiring w) {
        this.wiring = w;
        if (settings.cardsFile() != null) {
            cardsFromFile(); // a missing or unreadable file stops start-up, naming it
        }
        RecordPublisher letters = w.closeOnStop(new RecordPublisher(w.kafkaConnection(), w.topic(Topic.DLQ),
                "holdshelf-hoopla-dead-letters", Duration.ofSeconds(60)));
        SierraClient sierra = new SierraClient(SierraSettings.from(w.config()), w.zone());
        poller = new HooplaPoller(settings, new CallPacer(settings.spacing(), System::nanoTime, sleep),
                new WindowBudget(settings.requestsPerMinute(), Duration.ofMinutes(1), System::nanoTime, sleep),
                settings.cardsFile() == null ? this::cardsFromDirectory : this::cardsFromFile,
                card -> sierra.findPatronId("b", card), w.deadLetters(), letters::publish, w.clock(), w.meters());
        w.bind("hooplaPoller", poller);
        if (w.config().booleanValue("holdshelf.harvest.scheduled")) {
            // several instances: the instance that owns the harvest slots polls, where its readings are published
            poller.awaitOwnership();
            w.closeOnStop(SingleOwnerAssignor.onOwnership(w.config().require("holdshelf.harvest.group-id"), poller::pollsHere));
        }
        w.health(name(), poller::health);
        // Hoopla's reserved titles go out with every harvest's run, as pickup location hoopla
        w.extraHolds(new ExtraHolds() {
            @Override
            public String name() {
                return "hoopla";
            }

            @Override
            public List<HoldEvent> readyHolds(String runId) {
                return poller.readyHolds(runId);
            }
        });
    }

    @Override
    public void stopping() {
        if (poller != null) {
            poller.stopping();
        }
        sleep.stop(); // a call waiting for its turn (a backoff, a new owner's minute) does not hold the stop
    }

    /**
     * {@code --once}: one poll before the harvest, so its reserved titles go out with the run. With
     * cards from Libib, it first waits (within {@code timeout}) for the directory mirror to be read.
     */
    @Override
    public void beforeOnceHarvest(Duration timeout) throws InterruptedException {
        // the mirror reads the directory at start-up when this instance runs it; another instance's may take longer
        Duration wait = timeout.compareTo(Duration.ofMinutes(5)) < 0 ? timeout : Duration.ofMinutes(5);
        long deadline = System.nanoTime() + wait.toNanos();
        while (settings.cardsFile() == null && (directory() == null || directory().get(DirectoryPatron.MIRROR_KEY).isEmpty())) {
            if (System.nanoTime() > deadline) {
                org.slf4j.LoggerFactory.getLogger(HooplaCapability.class).warn("No Hoopla poll before the harvest: the Libib "
                        + "directory mirror (the cards, holdshelf.hoopla.cards=libib) was not read within {}",
                        org.holdshelf.platform.config.Durations.human(wait));
                return;
            }
            Thread.sleep(200);
        }
        wiring.camel().createProducerTemplate().sendBody("direct:hoopla-poll", "once");
    }

    /** The line {@code --once} prints: what the run got from Hoopla. */
    @Override
    public java.util.Optional<org.holdshelf.platform.runtime.RunFollowUp> runFollowUp() {
        return java.util.Optional.of((run, timeout) -> java.util.Optional.of(poller.summaryFor(run.runId())
                .orElse("no poll read any card before this run")));
    }

    public HooplaPoller poller() {
        return poller;
    }

    private synchronized CompactedTopicStore<DirectoryPatron> directory() {
        if (directory == null) {
            directory = wiring.compactedStore(Topic.PATRONS, DirectoryPatron.class, DirectoryPatron::type);
        }
        directory.refresh();
        return directory;
    }

    /** Every barcode of the Libib directory mirror, read locally (the directory capability, here or elsewhere, writes it). */
    private synchronized List<String> cardsFromDirectory() {
        CompactedTopicStore<DirectoryPatron> directory = directory();
        TreeSet<String> cards = new TreeSet<>();
        directory.forEach((barcode, patron) -> {
            if (!DirectoryPatron.MIRROR_KEY.equals(barcode) && !barcode.isBlank()) {
                cards.add(barcode);
            }
        });
        return new ArrayList<>(cards);
    }

    /** One card a line; blank lines and lines starting with {@code #} are skipped. */
    private List<String> cardsFromFile() {
        try {
            TreeSet<String> cards = new TreeSet<>();
            for (String line : Files.readAllLines(settings.cardsFile())) {
                String card = line.trim();
                if (!card.isEmpty() && !card.startsWith("#")) {
                    cards.add(card);
                }
            }
            return new ArrayList<>(cards);
        } catch (IOException e) {
            throw new ConfigurationException("Setting " + HooplaSettings.CARDS + " names " + settings.cardsFile()
                    + ", which cannot be read: " + e.getMessage());
        }
    }
}
