package org.holdshelf.notices;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.files.OutcomeLog;
import org.holdshelf.platform.kafka.CompactedTopicStore;
import org.holdshelf.platform.kafka.KafkaRangeReader;
import org.holdshelf.platform.kafka.RecordPublisher;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.ConsumerGroup;
import org.holdshelf.platform.runtime.RunFollowUp;
import org.holdshelf.platform.runtime.Wiring;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pickup notices: one email per patron and pickup location for holds newly on the shelf
 * ({@code routes/notices.camel.yaml}), announced once ({@code holdshelf.notices.state}), every
 * notice and outcome on {@code holdshelf.notices} and in the run's {@code notices.csv}. Settings:
 * {@code holdshelf.notices.*} ({@link NoticesSettings}); off unless {@code holdshelf.notices.enabled}.
 * Templates are read and checked when the pipeline starts. Meter: {@code holdshelf_notices_total{channel,outcome}}.
 */
public final class NoticesCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(NoticesCapability.class);

    private final NoticesSettings settings;
    private final SierraSettings sierraSettings;
    private final Duration replayStallTimeout;
    private Wiring wiring;
    private NoticesService service;
    private CompactedTopicStore<Announcement> state;
    private CompactedTopicStore<DirectoryPatron> directory;
    private MailSender mail;

    public NoticesCapability(HoldshelfConfig config) {
        this.settings = NoticesSettings.from(config);
        this.sierraSettings = settings.enabled() ? SierraSettings.from(config) : null;
        this.replayStallTimeout = config.duration("holdshelf.reports.replay-stall-timeout");
    }

    @Override
    public String name() {
        return "notices";
    }

    @Override
    public boolean enabled() {
        return settings.enabled();
    }

    @Override
    public List<String> routeFiles() {
        return List.of("notices.camel.yaml");
    }

    @Override
    public Set<Topic> topics() {
        return settings.libibContacts()
                ? Set.of(Topic.ENTRIES, Topic.NOTICES, Topic.NOTICES_STATE, Topic.PATRONS, Topic.DLQ)
                : Set.of(Topic.ENTRIES, Topic.NOTICES, Topic.NOTICES_STATE, Topic.DLQ);
    }

    @Override
    public void bind(Wiring w) {
        this.wiring = w;
        InternetAddress from = sender(settings);
        NoticeTemplates templates = new NoticeTemplates(settings.templatesDir(), settings.templateLanguages(), w.zone(),
                from.getPersonal() == null ? from.getAddress() : from.getPersonal());
        KafkaRangeReader replay = w.closeOnStop(new KafkaRangeReader(w.kafkaConsumerBase(), w.topic(Topic.ENTRIES),
                replayStallTimeout));
        RecordPublisher audit = w.closeOnStop(new RecordPublisher(w.kafkaConnection(), w.topic(Topic.NOTICES),
                "holdshelf-notices-audit", Duration.ofSeconds(60)));
        w.closeOnStop(this::closeLazily);
        ChannelChoice channels = new ChannelChoice(settings, settings.libibContacts() ? new ChannelChoice.Directory() {
            @Override
            public Optional<DirectoryPatron> find(String barcode) {
                return directory().get(barcode);
            }

            @Override
            public void refresh() {
                directory().refresh();
            }

            @Override
            public boolean read() {
                return directory().get(DirectoryPatron.MIRROR_KEY).isPresent();
            }
        } : null);
        service = w.closeOnStop(new NoticesService(settings, new SierraClient(sierraSettings, w.zone()), channels, templates,
                this::mail, this::state,
                audit, new OutcomeLog<>(w.runDirectory(), NoticesReport.REPORT, NoticeEvent.class, NoticeEvent::noticeId),
                new NoticesReport(w.runDirectory()), replay, from.getAddress().substring(from.getAddress().indexOf('@') + 1),
                sierraSettings.lookupBatchSize(), w.clock(), w.meters()));
        w.bind("notices", service);
        w.consumerGroup(new ConsumerGroup(name(), settings.groupId(), Topic.ENTRIES));
    }

    private static InternetAddress sender(NoticesSettings settings) {
        String address = settings.smtp() == null ? "notices@localhost" : settings.smtp().from();
        try {
            return new InternetAddress(address, true);
        } catch (AddressException e) {
            throw new ConfigurationException("Setting holdshelf.notices.from is not a valid address: " + e.getMessage());
        }
    }

    /** The announcement state, read from its topic on first use (the Kafka connection is known by then). */
    private synchronized CompactedTopicStore<Announcement> state() {
        if (state == null) {
            state = new CompactedTopicStore<>(wiring.kafkaConnection().get(), wiring.topic(Topic.NOTICES_STATE),
                    Announcement.class, "holdshelf-notices-state", Duration.ofSeconds(60));
        }
        return state;
    }

    /**
     * The Libib directory mirror ({@code holdshelf.patrons}), read from its topic on first use: a
     * local view, so no notice calls Libib. The directory capability (here, sharing this view, or on
     * another instance) writes it.
     */
    private synchronized CompactedTopicStore<DirectoryPatron> directory() {
        if (directory == null) {
            directory = wiring.compactedStore(Topic.PATRONS, DirectoryPatron.class, DirectoryPatron::type);
            if (directory.get(DirectoryPatron.MIRROR_KEY).isEmpty()) {
                LOG.warn("Notices take contacts from the Libib directory mirror ({}), which has not read the whole directory yet: "
                        + "notices wait until it has (holdshelf.libib.enabled on this or another instance)",
                        wiring.topic(Topic.PATRONS));
            }
        }
        return directory;
    }

    private synchronized MailSender mail() {
        if (mail == null) {
            mail = new MailSender(settings.smtp(), wiring.clock());
        }
        return mail;
    }

    private synchronized void closeLazily() {
        if (mail != null) {
            mail.close();
        }
        if (state != null) {
            state.close();
        }
    }

    /** Waits for the run's {@code notices.csv} and sums up its outcomes. */
    @Override
    public Optional<RunFollowUp> runFollowUp() {
        return Optional.of((RunEvent run, Duration timeout) -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (service.reportComplete(run.runId())) {
                    Map<String, Long> counts = service.outcomeCounts(run.runId());
                    String summary = counts.isEmpty() ? "none: no hold newly on the shelf"
                            : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().toLowerCase(java.util.Locale.ROOT)
                                    .replace('_', ' ')).collect(Collectors.joining(", "));
                    return Optional.of(summary + (settings.dryRun() ? " (dry run)" : "")
                            + (settings.libibContacts() ? ", addressed from the Libib directory" : "") + " (notices.csv)");
                }
                Thread.sleep(50);
            }
            return Optional.empty();
        });
    }

    public NoticesService service() {
        return service;
    }
}
