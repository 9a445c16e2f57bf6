package org.holdshelf.notices;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.mail.internet.AddressException;
import org.apache.camel.ProducerTemplate;
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
 * Pickup notices: one email or text per patron and pickup location for holds newly on the shelf
 * ({@code routes/notices.camel.yaml}), announced once ({@code holdshelf.notices.state}), every
 * notice and outcome on {@code holdshelf.notices} and in the run's {@code notices.csv}; texts
 * through the SMS gateway route ({@code routes/sms.camel.yaml}, camel-http) with an opt-out list
 * ({@code holdshelf.notices.opt-outs}); notices that wait (quiet hours, the gateway down) released
 * by {@code routes/notices-release.camel.yaml}. Settings: {@code holdshelf.notices.*}
 * ({@link NoticesSettings}); off unless {@code holdshelf.notices.enabled}. Templates are read and
 * checked when the pipeline starts. Meter: {@code holdshelf_notices_total{channel,outcome}}.
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
    private SmsSender sms;
    private SmsGateway smsGateway;
    private CompactedTopicStore<OptOut> optOuts;

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
        return settings.sms() == null ? List.of("notices.camel.yaml", "notices-release-tick.camel.yaml", "notices-release.camel.yaml")
                : List.of("notices.camel.yaml", "notices-release-tick.camel.yaml", "notices-release.camel.yaml", "sms.camel.yaml");
    }

    /** Where texts are posted, for the gateway route; and how often waiting notices are looked at. */
    @Override
    public Map<String, String> camelSettings() {
        Map<String, String> camel = new java.util.HashMap<>();
        camel.put("holdshelf.notices.release-interval-ms", Long.toString(settings.releaseInterval().toMillis()));
        if (settings.sms() != null) {
            camel.put("holdshelf.notices.sms.endpoint", settings.sms().endpoint());
        }
        return camel;
    }

    @Override
    public Set<Topic> topics() {
        Set<Topic> topics = new java.util.LinkedHashSet<>(List.of(Topic.ENTRIES, Topic.NOTICES, Topic.NOTICES_STATE, Topic.NOTICES_RELEASE,
                Topic.DLQ));
        if (settings.libibContacts()) {
            topics.add(Topic.PATRONS);
        }
        if (settings.sms() != null) {
            topics.add(Topic.SMS_OPT_OUTS);
        }
        return Set.copyOf(topics);
    }

    @Override
    public void bind(Wiring w) {
        this.wiring = w;
        InternetAddress from = sender(settings);
        NoticeTemplates templates = new NoticeTemplates(settings.templatesDir(), settings.templateLanguages(), w.zone(),
                from.getPersonal() == null ? from.getAddress() : from.getPersonal(),
                settings.channels().contains(NoticesSettings.EMAIL), settings.sms() != null, settings.reminderBefore() != null);
        if (settings.sms() != null) {
            smsGateway = new SmsGateway(settings.sms());
            w.bind("smsGateway", smsGateway);
            w.health("sms", () -> sms().health());
        }
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
        } : null, number -> settings.sms() == null ? Optional.empty() : optOuts().get(number).map(OptOut::at));
        service = w.closeOnStop(new NoticesService(settings, new SierraClient(sierraSettings, w.zone()), channels, templates,
                this::mail, this::sms, this::state, this::optOuts,
                audit, new OutcomeLog<>(w.runDirectory(), NoticesReport.REPORT, NoticeEvent.class, NoticeEvent::noticeId),
                new NoticesReport(w.runDirectory()), replay, from.getAddress().substring(from.getAddress().indexOf('@') + 1),
                sierraSettings.lookupBatchSize(), w.clock(), w.meters()));
        w.bind("notices", service);
        w.bind("releaseTicks", new ReleaseTicks(w.instanceId(), settings.releaseInterval(), w.clock()));
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

    /** The numbers that opted out, read from their topic on first use. */
    private synchronized CompactedTopicStore<OptOut> optOuts() {
        if (optOuts == null) {
            optOuts = new CompactedTopicStore<>(wiring.kafkaConnection().get(), wiring.topic(Topic.SMS_OPT_OUTS), OptOut.class,
                    "holdshelf-notices-opt-outs", Duration.ofSeconds(60));
        }
        return optOuts;
    }

    /** Texts go through the gateway route: one call of direct:sms-gateway each. */
    private synchronized SmsSender sms() {
        if (sms == null) {
            ProducerTemplate producer = wiring.camel().createProducerTemplate();
            sms = new SmsSender(settings.sms(), smsGateway,
                    text -> producer.requestBody("direct:sms-gateway", text, SmsGateway.Reply.class), wiring.clock());
        }
        return sms;
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
        if (sms != null) {
            sms.close();
        }
        if (optOuts != null) {
            optOuts.close();
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
                    Map<String, Long> byChannel = service.channelCounts(run.runId());
                    String summary = counts.isEmpty() ? "none: no hold newly on the shelf"
                            : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().toLowerCase(java.util.Locale.ROOT)
                                    .replace('_', ' ') + channels(byChannel, e.getKey())).collect(Collectors.joining(", "));
                    long[] hoopla = service.hooplaCounts(run.runId());
                    return Optional.of(summary + (settings.dryRun() ? " (dry run)" : "")
                            + (settings.libibContacts() ? ", addressed from the Libib directory" : "")
                            + (hoopla[0] == 0 ? "" : "; " + hoopla[0] + " for Hoopla titles (" + hoopla[1] + " sent)") + " (notices.csv)");
                }
                Thread.sleep(50);
            }
            return Optional.empty();
        });
    }

    /** " (n by email, m by text)" when an outcome happened on both channels, " by text" when only on texts. */
    private static String channels(Map<String, Long> byChannel, String outcome) {
        long email = byChannel.getOrDefault(NoticesSettings.EMAIL + " " + outcome, 0L);
        long text = byChannel.getOrDefault(NoticesSettings.SMS + " " + outcome, 0L);
        if (text == 0) {
            return "";
        }
        return email == 0 && byChannel.getOrDefault("none " + outcome, 0L) == 0 ? " by text"
                : " (" + (email > 0 ? email + " by email, " : "") + text + " by text)";
    }

    public NoticesService service() {
        return service;
    }
}
