package org.holdshelf.notices;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import org.holdshelf.events.Json;
import org.holdshelf.events.LocationEnd;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEnd;
import org.holdshelf.notices.Announcement.Status;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.files.FileNames;
import org.holdshelf.platform.files.OutcomeLog;
import org.holdshelf.platform.kafka.CompactedTopicStore;
import org.holdshelf.platform.kafka.OutboundRecord;
import org.holdshelf.platform.kafka.PartitionReplay;
import org.holdshelf.platform.kafka.RecordPublisher;
import org.holdshelf.platform.privacy.Mask;
import org.holdshelf.platform.runtime.DaemonThreads;
import org.holdshelf.sierra.SierraApiException;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraPatron;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides and sends the pickup notices of one location of a run when its end marker arrives: the
 * location's ready holds of the run are replayed from the topic, grouped by patron, those already
 * announced (with the same pickup-by date) are dropped, and each patron with newly ready holds gets
 * one notice listing them all, on the channel their preference and addresses allow, or a recorded
 * reason why not.
 *
 * <p><b>Announced once, and how.</b> For each batch of notices, in this order: their holds are
 * recorded {@code SENDING} on the state topic; the emails are sent (each with a {@code Message-ID}
 * derived from the notice id: run, location, patron); the outcomes go to the audit topic and to the
 * run's outcome log on disk; then the holds are recorded {@code ANNOUNCED} (or {@code SETTLED} for a
 * notice refused for good, or never sendable). Every step is acknowledged or forced to disk before
 * the next. After a crash the end marker is delivered again and the location decided again:
 * announced holds are skipped, so nothing is sent twice; holds still {@code SENDING} are sent again,
 * with the same {@code Message-ID}, because the server may or may not have accepted them before the
 * crash. That window (between the server's acceptance and the {@code ANNOUNCED} record, for at
 * most the two batches on their way at any time) is the only way a patron can get the same notice
 * twice, and then it is the same message, which mail systems recognise by its {@code Message-ID}.
 * Nothing is lost: a notice is {@code ANNOUNCED} only after it was accepted and audited.
 *
 * <p>Batches overlap: while one batch is on the wire, the next one's contacts are read, its notices
 * rendered and recorded {@code SENDING}, and its emails queued behind it, so the connections never
 * wait for the bookkeeping.
 *
 * <p>A hold's state is removed when the hold is no longer among its location's ready holds, so a
 * hold that leaves the shelf and comes back is announced again, and the state stays as small as
 * the shelf. Hoopla's reserved titles are the exception: a poll cannot read every card every run,
 * so their state is removed once their pickup-by date ({@code reserveUntil}) has passed.
 *
 * <p><b>Channels.</b> Each notice goes by email or by text ({@link ChannelChoice}); a chunk's emails
 * and texts are on their way together ({@link Delivery}). A text refused because the number opted
 * out puts the number on the opt-out list ({@code holdshelf.notices.opt-outs}), and later notices
 * to it are OPTED_OUT without a call.
 *
 * <p><b>Waiting.</b> Outside {@code holdshelf.notices.send-window}, a location's notices are not
 * sent: their holds are recorded {@code WAITING} (with what sending them later needs, never a
 * contact detail) and a WAITING record is audited. Texts the SMS gateway could not take after the
 * retries wait the same way, so an SMS outage holds up neither the emails nor the next locations.
 * {@link #releaseWaiting()} (every {@code holdshelf.notices.release-interval}) sends what waits
 * once the window is open: the stale check is the state itself, since a later harvest removes the
 * holds that left the shelf (a notice left with none is WITHDRAWN then), and the contacts are read
 * again at release.
 *
 * <p><b>Reminders.</b> With {@code holdshelf.notices.reminder-before}, holds announced and still on
 * the shelf within that period of their pickup-by date get one reminder per patron and location,
 * decided with the location's notices of a harvest inside the window; the state records it
 * ({@code REMINDING}, then {@code REMINDED}), so a hold is reminded at most once.
 */
public final class NoticesService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NoticesService.class);

    private final NoticesSettings settings;
    private final SierraClient sierra;
    private final NoticeTemplates templates;
    private final Supplier<MailSender> mail;
    private final Supplier<SmsSender> texts;
    private final Supplier<CompactedTopicStore<Announcement>> state;
    private final Supplier<CompactedTopicStore<OptOut>> optOuts;
    private final RecordPublisher audit;
    private final OutcomeLog<NoticeEvent> outcomes;
    private final NoticesReport report;
    private final PartitionReplay replay;
    private final ChannelChoice channels;
    private final String messageIdDomain;
    private final int lookupBatchSize;
    private final Clock clock;
    private final MeterRegistry meters;
    /** Prepares the next chunk of a location's notices while the consumer thread records the one before. */
    private final ExecutorService preparing = Executors.newSingleThreadExecutor(DaemonThreads.named("notices-prepare"));

    NoticesService(NoticesSettings settings, SierraClient sierra, ChannelChoice channels, NoticeTemplates templates,
                   Supplier<MailSender> mail, Supplier<SmsSender> texts,
                   Supplier<CompactedTopicStore<Announcement>> state, Supplier<CompactedTopicStore<OptOut>> optOuts,
                   RecordPublisher audit, OutcomeLog<NoticeEvent> outcomes,
                   NoticesReport report, PartitionReplay replay, String messageIdDomain, int lookupBatchSize, Clock clock,
                   MeterRegistry meters) {
        this.settings = settings;
        this.sierra = sierra;
        this.templates = templates;
        this.mail = mail;
        this.texts = texts;
        this.state = state;
        this.optOuts = optOuts;
        this.audit = audit;
        this.outcomes = outcomes;
        this.report = report;
        this.replay = replay;
        this.channels = channels;
        this.messageIdDomain = messageIdDomain;
        this.lookupBatchSize = lookupBatchSize;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * What a set of notices is about: one run's location, its notices or its reminders. Notice ids
     * are {@code <runId>-<location>-<patronId>}, and {@code -reminder} for a reminder.
     */
    record Occasion(String runId, String source, String location, String locationName, boolean reminder) {
        String noticeId(String patronId) {
            return runId + "-" + FileNames.safe(location) + "-" + patronId + (reminder ? "-reminder" : "");
        }
    }

    /** One hold as a notice needs it. */
    record Hold(String holdId, String patronId, String pickupByDate, String title, String source) {
        static Hold of(HoldEvent e) {
            return new Hold(e.holdId(), e.patronId(), e.pickupByDate(), e.title(), e.source());
        }
    }

    /** A notice to send, with everything its outcome record needs: a mail or a text. */
    private record Pending(NoticeEvent decided, String channel, String address, List<Hold> holds, MailSender.Mail mail,
                           SmsGateway.Text text) {
    }

    /** Handles one end-of-location marker (its JSON) that arrived on {@code partition} at {@code markerOffset}. */
    public synchronized void completeLocation(byte[] markerJson, int partition, long markerOffset) {
        long started = System.nanoTime();
        LocationEnd marker = Json.read(markerJson, LocationEnd.class);
        if (marker.runId() == null || marker.pickupLocationCode() == null) {
            throw new IllegalArgumentException("End-of-location marker without run id or location code: "
                    + new String(markerJson, StandardCharsets.UTF_8));
        }
        String runId = marker.runId();
        String location = marker.pickupLocationCode();
        List<HoldEvent> ready = readyHolds(marker, partition, markerOffset);
        CompactedTopicStore<Announcement> announced = state.get();
        announced.refresh(); // what another instance recorded, if this location moved here
        channels.refresh(); // the directory mirror's latest reads, when contacts come from it
        Occasion occasion = new Occasion(runId, marker.source(), location, marker.pickupLocationName(), false);

        Map<String, List<Hold>> toAnnounce = new TreeMap<>();
        Set<String> interrupted = new HashSet<>();
        for (HoldEvent hold : ready) {
            Optional<Announcement> before = announced.get(hold.holdId());
            if (before.isPresent() && before.get().covers(hold.pickupByDate())) {
                continue;
            }
            if (before.isPresent() && before.get().status() == Status.SENDING) {
                interrupted.add(hold.patronId());
            }
            toAnnounce.computeIfAbsent(hold.patronId(), p -> new ArrayList<>()).add(Hold.of(hold));
        }
        boolean open = windowOpen();
        if (!toAnnounce.isEmpty() && (open || settings.dryRun())) {
            String contactsMissing = channels.notReady();
            if (contactsMissing != null) {
                // an empty directory would make every patron NO_CONTACT, settled for good: wait for it instead
                throw new IllegalStateException("Notices for " + location + " of run " + runId + " wait: " + contactsMissing);
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        if (!settings.dryRun()) {
            forgetHoldsThatLeftTheShelf(announced, location, ready, counts, HoldEvent.SOURCE_HOOPLA.equals(marker.source()));
        }
        if (!toAnnounce.isEmpty()) {
            if (open || settings.dryRun()) {
                send(occasion, toAnnounce, interrupted, counts, false);
            } else {
                park(occasion, toAnnounce, counts);
            }
        }
        Set<String> decidedNow = new HashSet<>();
        toAnnounce.values().forEach(holds -> holds.forEach(h -> decidedNow.add(h.holdId())));
        int reminded = open && settings.reminderBefore() != null && !settings.dryRun()
                ? remind(marker, ready, decidedNow, counts) : 0;
        report.completeLocation(runId, location, outcomes.read(runId, location), marker.locationsInRun());
        if (!counts.isEmpty()) {
            StringJoiner summary = new StringJoiner(", ");
            counts.forEach((outcome, n) -> summary.add(n + " " + outcome));
            LOG.info("Notices{} for {} ({}) of run {}: {} patrons with newly ready holds{}: {}, in {}",
                    settings.dryRun() ? " (dry run)" : "", location, marker.pickupLocationName(), runId, toAnnounce.size(),
                    reminded > 0 ? ", " + reminded + " reminded" : "", summary,
                    Durations.human(Duration.ofNanos(System.nanoTime() - started)));
        }
    }

    /**
     * Sends the notices that wait, when the send window is open: each with the holds still
     * recorded WAITING (the ones that left the shelf were removed by a later harvest), contacts
     * read again. Texts the gateway still cannot take keep waiting. Called by
     * {@code routes/notices-release.camel.yaml}; returns how many notices were looked at.
     */
    public synchronized int releaseWaiting() {
        if (settings.dryRun() || !windowOpen()) {
            return 0;
        }
        CompactedTopicStore<Announcement> announced = state.get();
        announced.refresh();
        Map<Occasion, Map<String, List<Hold>>> waiting = new LinkedHashMap<>();
        announced.forEach((holdId, a) -> {
            if (a.status() == Status.WAITING && a.runId() != null) {
                Occasion occasion = new Occasion(a.runId(), a.source(), a.location(), a.locationName(), false);
                waiting.computeIfAbsent(occasion, o -> new TreeMap<>()).computeIfAbsent(a.patronId(), p -> new ArrayList<>())
                        .add(new Hold(holdId, a.patronId(), a.pickupByDate(), a.title(), a.source()));
            }
        });
        if (waiting.isEmpty()) {
            return 0;
        }
        channels.refresh();
        String contactsMissing = channels.notReady();
        if (contactsMissing != null) {
            LOG.info("Notices waiting: {}", contactsMissing);
            return 0;
        }
        long started = System.nanoTime();
        Map<String, Integer> counts = new TreeMap<>();
        int notices = 0;
        for (Map.Entry<Occasion, Map<String, List<Hold>>> e : waiting.entrySet()) {
            Occasion occasion = e.getKey();
            notices += e.getValue().size();
            try {
                send(occasion, e.getValue(), Set.of(), counts, true);
            } finally {
                report.refreshLocation(occasion.runId(), occasion.location(), outcomes.read(occasion.runId(), occasion.location()));
            }
        }
        StringJoiner summary = new StringJoiner(", ");
        counts.forEach((outcome, n) -> summary.add(n + " " + outcome));
        LOG.info("Waiting notices released: {} notices of {} locations: {}, in {}", notices, waiting.size(),
                counts.isEmpty() ? "all still waiting (the SMS gateway or the mail server unavailable)" : summary,
                Durations.human(Duration.ofNanos(System.nanoTime() - started)));
        return notices;
    }

    /** True when notices may be sent now ({@code holdshelf.notices.send-window}, in the library's zone). */
    boolean windowOpen() {
        return settings.window() == null || settings.window().contains(clock.instant().atZone(settings.window().zone()));
    }

    /**
     * Handles the run's end marker: holds of locations that have nothing on the shelf any more are
     * forgotten (no end marker of theirs will come), and the report of a run with no location is
     * written now.
     */
    public synchronized void completeRun(byte[] runEndJson) {
        RunEnd end = Json.read(runEndJson, RunEnd.class);
        if (end.runId() == null || end.locationCodes() == null) {
            throw new IllegalArgumentException("End-of-run marker without run id or locations: "
                    + new String(runEndJson, StandardCharsets.UTF_8));
        }
        if (!settings.dryRun()) {
            CompactedTopicStore<Announcement> announced = state.get();
            announced.refresh();
            Set<String> inRun = Set.copyOf(end.locationCodes());
            Map<String, Announcement> gone = new LinkedHashMap<>();
            Instant now = clock.instant();
            announced.forEach((holdId, a) -> {
                // a Hoopla reservation stays until its date: a run may publish none while it still holds
                if (!inRun.contains(a.location()) && (!HoldEvent.SOURCE_HOOPLA.equals(a.source()) || expired(a, now))) {
                    gone.put(holdId, a);
                }
            });
            forget(announced, gone, new TreeMap<>());
        }
        report.completeRun(end.runId(), end.locationsInRun());
    }

    /** The location's ready holds of the run, from the sources notices are sent for. */
    private List<HoldEvent> readyHolds(LocationEnd marker, int partition, long markerOffset) {
        Long runStart = marker.runStartOffsets() == null ? null : marker.runStartOffsets().get(partition);
        if (runStart == null) {
            throw new IllegalArgumentException("End marker of " + marker.pickupLocationCode() + " (run " + marker.runId()
                    + ") arrived on partition " + partition + ", which the run did not know when it started");
        }
        List<HoldEvent> ready = new ArrayList<>();
        long[] readyOfRun = {0};
        if (marker.readyCount() > 0) {
            replay.replay(partition, runStart, markerOffset, (offset, key, value) -> {
                if (!marker.pickupLocationCode().equals(key)) {
                    return;
                }
                HoldEvent event = Json.read(value, HoldEvent.class);
                if (!EventTypes.HOLD.equals(event.type()) || !marker.runId().equals(event.runId())
                        || event.state() != HoldState.READY) {
                    return;
                }
                readyOfRun[0]++;
                if (settings.sources().contains(event.source())) {
                    ready.add(event);
                }
            });
        }
        if (readyOfRun[0] != marker.readyCount()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Notices for %s of run %s: replayed %d ready holds, but "
                    + "the end marker announces %d; nothing decided", marker.pickupLocationCode(), marker.runId(),
                    readyOfRun[0], marker.readyCount()));
        }
        return ready;
    }

    /**
     * Records the notices WAITING for the send window: audited first (WAITING, with when the window
     * opens), then their holds recorded WAITING with what sending them later needs.
     */
    private void park(Occasion occasion, Map<String, List<Hold>> toAnnounce, Map<String, Integer> counts) {
        NoticesSettings.SendWindow window = settings.window();
        String reason = "quiet hours: waits for the send window " + window.start() + "-" + window.end() + " " + window.zone()
                + ", which opens " + window.nextOpening(clock.instant().atZone(window.zone())).toOffsetDateTime();
        List<NoticeEvent> waiting = new ArrayList<>();
        Map<String, Announcement> states = new LinkedHashMap<>();
        toAnnounce.forEach((patronId, holds) -> {
            String noticeId = occasion.noticeId(patronId);
            waiting.add(event(occasion, noticeId, patronId, holds.stream().map(Hold::holdId).toList(), null, null, null, null,
                    NoticeOutcomes.WAITING, reason, null, null));
            holds.forEach(h -> states.put(h.holdId(), waitingState(occasion, h, noticeId)));
        });
        record(occasion, waiting, counts);
        state.get().putAll(states);
    }

    /** A hold's state; the source is kept, since Hoopla's holds leave the state by date, not by absence. */
    private static Announcement state(Occasion occasion, Hold h, Status status, String noticeId) {
        return new Announcement(h.patronId(), occasion.location(), h.pickupByDate(), status, noticeId, null, h.source(), null, null);
    }

    private static Announcement waitingState(Occasion occasion, Hold h, String noticeId) {
        // Hoopla's terms forbid keeping patrons' title lists: a waiting Hoopla hold keeps no title
        String title = "hoopla".equals(h.source()) ? null : h.title();
        return new Announcement(h.patronId(), occasion.location(), h.pickupByDate(), Status.WAITING, noticeId, occasion.runId(),
                h.source(), occasion.locationName(), title);
    }

    /**
     * Decides the reminders of this location: holds announced before this harvest, still on the
     * shelf, whose pickup-by date is within {@code reminder-before} (and not past), not reminded
     * yet; one reminder per patron. A hold announced by this very harvest gets no reminder with it.
     */
    private int remind(LocationEnd marker, List<HoldEvent> ready, Set<String> decidedNow, Map<String, Integer> counts) {
        Instant now = clock.instant();
        CompactedTopicStore<Announcement> announced = state.get();
        Map<String, List<Hold>> due = new TreeMap<>();
        Set<String> interrupted = new HashSet<>();
        for (HoldEvent hold : ready) {
            Optional<Announcement> a = announced.get(hold.holdId());
            if (decidedNow.contains(hold.holdId()) || a.isEmpty() || hold.pickupByDate() == null || !java.util.Objects.equals(a.get().pickupByDate(), hold.pickupByDate())
                    || (a.get().status() != Status.ANNOUNCED && a.get().status() != Status.REMINDING)) {
                continue;
            }
            Instant pickupBy;
            try {
                pickupBy = Instant.parse(hold.pickupByDate());
            } catch (RuntimeException e) {
                continue; // not a date: nothing to remind of (the hold itself was announced)
            }
            if (now.isBefore(pickupBy) && !now.isBefore(pickupBy.minus(settings.reminderBefore()))) {
                due.computeIfAbsent(hold.patronId(), p -> new ArrayList<>()).add(Hold.of(hold));
                if (a.get().status() == Status.REMINDING) {
                    interrupted.add(hold.patronId());
                }
            }
        }
        if (!due.isEmpty()) {
            send(new Occasion(marker.runId(), marker.source(), marker.pickupLocationCode(), marker.pickupLocationName(), true),
                    due, interrupted, counts, false);
        }
        return due.size();
    }

    /**
     * Sends the notices of {@code toAnnounce} (patron to holds) in chunks of send-batch. While one
     * chunk is on the wire, the next chunk's contacts are read and its notices decided and rendered
     * (on the preparing thread, while this one records the chunk before), then it is recorded
     * SENDING and queued behind it. At most two chunks are on their way at any time.
     */
    private void send(Occasion occasion, Map<String, List<Hold>> toAnnounce, Set<String> interrupted,
                      Map<String, Integer> counts, boolean released) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> patrons = new ArrayList<>(toAnnounce.keySet());
        for (int from = 0; from < patrons.size(); from += settings.sendBatch()) {
            chunks.add(patrons.subList(from, Math.min(patrons.size(), from + settings.sendBatch())));
        }
        Deque<InFlight> onTheirWay = new ArrayDeque<>();
        Future<Chunk> next = null;
        try {
            for (int i = 0; i < chunks.size(); i++) {
                Chunk chunk = i == 0 ? prepare(occasion, chunks.get(0), toAnnounce, interrupted) : result(next);
                next = null;
                if (i + 1 < chunks.size()) {
                    List<String> following = chunks.get(i + 1);
                    next = preparing.submit(() -> prepare(occasion, following, toAnnounce, interrupted));
                }
                onTheirWay.add(start(occasion, chunk));
                while (onTheirWay.size() > 1) {
                    finish(occasion, onTheirWay.poll(), counts, released);
                }
            }
            while (!onTheirWay.isEmpty()) {
                finish(occasion, onTheirWay.poll(), counts, released);
            }
        } catch (RuntimeException e) {
            if (next != null) {
                next.cancel(true); // decided, nothing recorded: decided again when the marker is
            }
            // a chunk failed while others were on the wire: record what they sent before the
            // marker is tried again, so none of it is sent twice
            while (!onTheirWay.isEmpty()) {
                try {
                    finish(occasion, onTheirWay.poll(), counts, released);
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            throw e;
        }
    }

    /** The prepared chunk, or what failed preparing it. */
    private static Chunk result(Future<Chunk> prepared) {
        try {
            return prepared.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing notices", e);
        }
    }

    /**
     * One chunk of the location's patrons, decided: their contacts read, their notices decided and
     * rendered. Nothing is recorded yet.
     */
    private Chunk prepare(Occasion occasion, List<String> patrons, Map<String, List<Hold>> toAnnounce, Set<String> interrupted) {
        Map<String, List<Hold>> holds = new LinkedHashMap<>();
        patrons.forEach(patronId -> holds.put(patronId, toAnnounce.get(patronId)));
        Map<String, SierraPatron> contacts = new HashMap<>();
        List<NoticeEvent> lookupFailed = new ArrayList<>();
        lookUpContacts(occasion, holds, contacts, lookupFailed);
        Set<String> failedLookups = new HashSet<>();
        lookupFailed.forEach(n -> failedLookups.add(n.patronId()));
        List<NoticeEvent> notSent = new ArrayList<>();
        List<Pending> toSend = new ArrayList<>();
        for (Map.Entry<String, List<Hold>> patron : holds.entrySet()) {
            if (!failedLookups.contains(patron.getKey())) {
                decide(occasion, patron.getKey(), patron.getValue(), Optional.ofNullable(contacts.get(patron.getKey())),
                        interrupted.contains(patron.getKey()), notSent, toSend);
            }
        }
        return new Chunk(toSend, notSent, lookupFailed, holds);
    }

    private void decide(Occasion occasion, String patronId, List<Hold> holds, Optional<SierraPatron> patron,
                        boolean interrupted, List<NoticeEvent> notSent, List<Pending> toSend) {
        String noticeId = occasion.noticeId(patronId);
        String language = settings.languageFor(patron.map(SierraPatron::language).orElse(null));
        List<String> holdIds = holds.stream().map(Hold::holdId).toList();
        ChannelChoice.Decision decision = channels.decide(patron);
        if (!decision.sends()) {
            notSent.add(event(occasion, noticeId, patronId, holdIds, decision.channel(), null, language,
                    decision.address() == null ? null : Mask.phone(decision.address()),
                    settings.dryRun() ? NoticeOutcomes.DRY_RUN : decision.outcome(),
                    settings.dryRun() ? "would be " + decision.outcome() + ": " + decision.reason() : decision.reason(), null, null));
            return;
        }
        String fullName = patron.get().names().isEmpty() ? null : patron.get().names().get(0);
        String reason = interrupted ? join(decision.reason(), "sent again: an earlier send of this notice was interrupted"
                + (decision.channel().equals(NoticesSettings.EMAIL) ? " (same Message-ID)" : " (same notice id)"))
                : decision.reason();
        String kind = occasion.reminder() ? "/" + NoticeTemplates.REMINDER : "";
        if (decision.channel().equals(NoticesSettings.SMS)) {
            boolean titles = settings.sms().includeTitles();
            List<NoticeTemplates.HoldLine> lines = holds.stream()
                    .map(h -> new NoticeTemplates.HoldLine(titles ? h.title() : null, h.pickupByDate())).toList();
            String body = templates.sms(language, templates.model(language, fullName, occasion.locationName(), lines, noticeId),
                    occasion.reminder());
            NoticeEvent decided = event(occasion, noticeId, patronId, holdIds, NoticesSettings.SMS, "sms/" + language + kind,
                    language, Mask.phone(decision.address()), null, reason, null, null);
            toSend.add(new Pending(decided, NoticesSettings.SMS, decision.address(), holds, null,
                    new SmsGateway.Text(noticeId, decision.address(), body)));
            return;
        }
        List<NoticeTemplates.HoldLine> lines = holds.stream()
                .map(h -> new NoticeTemplates.HoldLine(h.title(), h.pickupByDate())).toList();
        NoticeTemplates.Email email = templates.email(language,
                templates.model(language, fullName, occasion.locationName(), lines, noticeId), occasion.reminder());
        String messageId = "<" + noticeId + "@" + messageIdDomain + ">";
        NoticeEvent decided = event(occasion, noticeId, patronId, holdIds, NoticesSettings.EMAIL, "email/" + language + kind,
                language, Mask.emails(decision.address()), null, reason, null, messageId);
        toSend.add(new Pending(decided, NoticesSettings.EMAIL, decision.address(), holds,
                new MailSender.Mail(messageId, decision.address(), email.subject(), email.text(), email.html()), null));
    }

    /**
     * The patrons' contacts, one Sierra call per {@code lookupBatchSize} patrons. A batch Sierra
     * answers with something unreadable or refuses (after the client's retries) leaves its patrons'
     * notices FAILED with the reason, not recorded, so the next harvest tries them again; the other
     * batches go on. Sierra still unavailable after its retries stops the location, which is tried
     * again later.
     */
    private void lookUpContacts(Occasion occasion, Map<String, List<Hold>> holds, Map<String, SierraPatron> contacts,
                                List<NoticeEvent> failed) {
        List<String> ids = new ArrayList<>(holds.keySet());
        for (int from = 0; from < ids.size(); from += lookupBatchSize) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + lookupBatchSize));
            try {
                contacts.putAll(sierra.patrons(batch));
            } catch (SierraApiException e) {
                if (e.retryable()) {
                    throw e;
                }
                LOG.warn("Notices for {} of run {}: the contacts of {} patrons could not be read, their notices wait for the "
                        + "next harvest: {}", occasion.location(), occasion.runId(), batch.size(), e.getMessage());
                for (String patronId : batch) {
                    failed.add(event(occasion, occasion.noticeId(patronId), patronId,
                            holds.get(patronId).stream().map(Hold::holdId).toList(), null, null, null, null,
                            NoticeOutcomes.FAILED,
                            "contact lookup failed, tried again at the next harvest: " + e.getMessage(), null, null));
                }
            }
        }
    }

    /**
     * A chunk of patrons, decided: the notices to send; those that cannot be sent (no contact, a
     * "none" preference, an opted-out number), settled when the chunk is recorded; and those whose
     * contacts could not be read, audited but not settled, so the next harvest looks them up again.
     */
    private record Chunk(List<Pending> toSend, List<NoticeEvent> notSent, List<NoticeEvent> lookupFailed,
                         Map<String, List<Hold>> holds) {
    }

    /** A chunk on its way: the answers to come (none in a dry run or with nothing to send). */
    private record InFlight(Chunk chunk, Delivery.Batch sending) {
    }

    /** Records the chunk's notices to send SENDING (REMINDING for reminders), durably, and starts sending them. */
    private InFlight start(Occasion occasion, Chunk chunk) {
        if (chunk.toSend().isEmpty() || settings.dryRun()) {
            return new InFlight(chunk, null);
        }
        state.get().putAll(holdStates(chunk.toSend(), occasion, occasion.reminder() ? Status.REMINDING : Status.SENDING));
        List<Future<Delivery.Result>> futures = new ArrayList<>(chunk.toSend().size());
        for (Pending p : chunk.toSend()) {
            futures.add(p.mail() != null ? mail.get().submit(p.mail()) : texts.get().submit(p.text()));
        }
        return new InFlight(chunk, new Delivery.Batch(futures));
    }

    /**
     * Waits for the chunk's answers; then every outcome of the chunk goes to the audit topic and the
     * outcome log, then the holds are recorded ANNOUNCED or SETTLED (REMINDED for reminders); each
     * durable before the next. Messages accepted are recorded even when others of the chunk could
     * not be sent for now; those stay SENDING and the failure is thrown after, except texts the
     * SMS gateway could not take, which wait (WAITING) instead of holding everything up.
     */
    private void finish(Occasion occasion, InFlight inFlight, Map<String, Integer> counts, boolean released) {
        Chunk chunk = inFlight.chunk();
        List<NoticeEvent> outcomes = new ArrayList<>(chunk.lookupFailed());
        outcomes.addAll(chunk.notSent());
        Map<String, Announcement> states = new LinkedHashMap<>();
        Status done = occasion.reminder() ? Status.REMINDED : Status.ANNOUNCED;
        Status settled = occasion.reminder() ? Status.REMINDED : Status.SETTLED;
        for (NoticeEvent n : chunk.notSent()) {
            for (Hold h : chunk.holds().get(n.patronId())) {
                states.put(h.holdId(), state(occasion, h, settled, n.noticeId()));
            }
        }
        RuntimeException failure = null;
        Map<String, OptOut> optedOut = new LinkedHashMap<>();
        if (inFlight.sending() == null) {
            for (Pending p : chunk.toSend()) {
                outcomes.add(outcome(p.decided(), NoticeOutcomes.DRY_RUN, join(p.decided().reason(), "not sent: dry run"), null));
            }
        } else {
            Delivery.Answers answers = inFlight.sending().await();
            for (int i = 0; i < chunk.toSend().size(); i++) {
                Delivery.Result answer = answers.results().get(i);
                Pending p = chunk.toSend().get(i);
                if (answer == null) {
                    RuntimeException why = answers.failures().get(i);
                    if (why instanceof SmsSender.SmsUnavailableException
                            || (released && why instanceof Delivery.UnavailableException)) {
                        // the gateway is down (or, for a notice released from waiting, the mail
                        // server): this notice waits; the emails and the next locations go on
                        if (!occasion.reminder()) {
                            p.holds().forEach(h -> states.put(h.holdId(), waitingState(occasion, h, p.decided().noticeId())));
                        }
                        if (!released) {
                            outcomes.add(outcome(p.decided(), NoticeOutcomes.WAITING, join(p.decided().reason(), why.getMessage()
                                    + (occasion.reminder() ? "; tried again at the next harvest" : "; sent when it is back")), null));
                        }
                    } else if (failure == null) {
                        failure = why; // not sent for now: stays SENDING
                    }
                    continue;
                }
                outcomes.add(switch (answer.outcome()) {
                    case NoticeOutcomes.SENT -> outcome(p.decided(), NoticeOutcomes.SENT, p.decided().reason(), answer.serverReply());
                    case NoticeOutcomes.OPTED_OUT -> outcome(p.decided(), NoticeOutcomes.OPTED_OUT,
                            "the number opted out of texts; never texted again", answer.serverReply());
                    default -> outcome(p.decided(), NoticeOutcomes.FAILED, p.channel().equals(NoticesSettings.SMS)
                            ? "the SMS gateway refused it" : "the server refused it", answer.serverReply());
                });
                if (NoticeOutcomes.OPTED_OUT.equals(answer.outcome())) {
                    optedOut.put(p.address(), new OptOut(Mask.phone(p.address()), answer.serverReply(), p.decided().noticeId(),
                            clock.instant().toString()));
                }
                states.putAll(holdStates(List.of(p), occasion, answer.accepted() ? done : settled));
            }
        }
        if (!optedOut.isEmpty()) {
            optOuts.get().putAll(optedOut); // before the holds are settled: a crash asks the gateway once more, never forgets
        }
        record(occasion, outcomes, counts);
        if (!settings.dryRun() && !states.isEmpty()) {
            state.get().putAll(states);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Outcomes to the audit topic and the run's outcome log, and counted. */
    private void record(Occasion occasion, List<NoticeEvent> events, Map<String, Integer> counts) {
        if (!events.isEmpty()) {
            audit.publish(events.stream().map(NoticesService::record).toList());
            this.outcomes.append(occasion.runId(), occasion.location(), events);
            events.forEach(n -> count(counts, n));
        }
    }

    private static Map<String, Announcement> holdStates(List<Pending> batch, Occasion occasion, Status status) {
        Map<String, Announcement> states = new LinkedHashMap<>();
        for (Pending p : batch) {
            for (Hold h : p.holds()) {
                states.put(h.holdId(), state(occasion, h, status, p.decided().noticeId()));
            }
        }
        return states;
    }

    /**
     * Removes the state of this location's holds that are no longer ready: they left the shelf.
     * For a partial location (Hoopla's: a poll reads some cards, not all), a hold missing from
     * the run may still be reserved, so its state goes only once its pickup-by date has passed;
     * until then the same reservation is never announced again.
     */
    private void forgetHoldsThatLeftTheShelf(CompactedTopicStore<Announcement> announced, String location, List<HoldEvent> ready,
                                             Map<String, Integer> counts, boolean partial) {
        Set<String> onShelf = new HashSet<>();
        ready.forEach(h -> onShelf.add(h.holdId()));
        Map<String, Announcement> gone = new LinkedHashMap<>();
        Instant now = clock.instant();
        announced.forEach((holdId, a) -> {
            if (location.equals(a.location()) && !onShelf.contains(holdId) && (!partial || expired(a, now))) {
                gone.put(holdId, a);
            }
        });
        forget(announced, gone, counts);
    }

    /** True when the hold's pickup-by date has passed (or cannot be read). */
    private static boolean expired(Announcement a, Instant now) {
        try {
            return a.pickupByDate() == null || !Instant.parse(a.pickupByDate()).isAfter(now);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Removes the holds' state. A waiting notice whose holds all left the shelf is WITHDRAWN
     * (audited in its own run's report); one that keeps some is sent later without the others.
     */
    private void forget(CompactedTopicStore<Announcement> announced, Map<String, Announcement> gone, Map<String, Integer> counts) {
        if (gone.isEmpty()) {
            return;
        }
        Map<String, List<String>> leftByNotice = new LinkedHashMap<>();
        Map<String, Announcement> noticeOf = new HashMap<>();
        gone.forEach((holdId, a) -> {
            if (a.status() == Status.WAITING && a.runId() != null) {
                leftByNotice.computeIfAbsent(a.noticeId(), n -> new ArrayList<>()).add(holdId);
                noticeOf.putIfAbsent(a.noticeId(), a);
            }
        });
        if (!leftByNotice.isEmpty()) {
            Set<String> stillWaiting = new HashSet<>();
            announced.forEach((holdId, a) -> {
                if (a.status() == Status.WAITING && !gone.containsKey(holdId)) {
                    stillWaiting.add(a.noticeId());
                }
            });
            Map<Occasion, List<NoticeEvent>> withdrawn = new LinkedHashMap<>();
            leftByNotice.forEach((noticeId, holdIds) -> {
                if (stillWaiting.contains(noticeId)) {
                    return;
                }
                Announcement a = noticeOf.get(noticeId);
                Occasion occasion = new Occasion(a.runId(), a.source(), a.location(), a.locationName(), false);
                withdrawn.computeIfAbsent(occasion, o -> new ArrayList<>()).add(event(occasion, noticeId, a.patronId(), holdIds,
                        null, null, null, null, NoticeOutcomes.WITHDRAWN,
                        "not sent: its holds left the shelf while it waited", null, null));
            });
            withdrawn.forEach((occasion, events) -> {
                record(occasion, events, counts);
                report.refreshLocation(occasion.runId(), occasion.location(), outcomes.read(occasion.runId(), occasion.location()));
            });
        }
        announced.deleteAll(gone.keySet());
    }

    private NoticeEvent event(Occasion occasion, String noticeId, String patronId, List<String> holdIds,
                              String channel, String template, String language, String destination, String outcome,
                              String reason, String serverReply, String messageId) {
        return new NoticeEvent(EventTypes.NOTICE, EventTypes.SCHEMA_VERSION, noticeId, occasion.runId(), occasion.source(),
                patronId, occasion.location(), occasion.locationName(), holdIds, channel, template, language, destination,
                outcome, reason, serverReply, messageId, clock.instant().toString());
    }

    private NoticeEvent outcome(NoticeEvent n, String outcome, String reason, String serverReply) {
        return new NoticeEvent(n.type(), n.schemaVersion(), n.noticeId(), n.runId(), n.source(), n.patronId(),
                n.pickupLocationCode(), n.pickupLocationName(), n.holdIds(), n.channel(), n.template(), n.language(),
                n.destination(), outcome, reason, serverReply, n.messageId(), clock.instant().toString());
    }

    private void count(Map<String, Integer> counts, NoticeEvent n) {
        counts.merge(n.outcome(), 1, Integer::sum);
        Counter.builder("holdshelf.notices").description("Pickup notices by channel and outcome")
                .tag("channel", n.channel() == null ? "none" : n.channel()).tag("outcome", n.outcome().toLowerCase(Locale.ROOT))
                .register(meters).increment();
    }

    private static OutboundRecord record(NoticeEvent n) {
        return OutboundRecord.of(n.patronId(), EventTypes.NOTICE, Json.toBytes(n));
    }

    private static String join(String a, String b) {
        return a == null ? b : a + "; " + b;
    }

    /** Outcome counts of a run's notices from the recorded outcomes (for summaries): each notice's latest. */
    Map<String, Long> outcomeCounts(String runId) {
        Map<String, Long> counts = new TreeMap<>();
        outcomes.readRun(runId).forEach(n -> counts.merge(n.outcome(), 1L, Long::sum));
        return counts;
    }

    /** Outcome counts of a run's notices by channel and outcome (for summaries). */
    Map<String, Long> channelCounts(String runId) {
        Map<String, Long> counts = new TreeMap<>();
        outcomes.readRun(runId).forEach(n -> counts.merge((n.channel() == null ? "none" : n.channel()) + " " + n.outcome(), 1L,
                Long::sum));
        return counts;
    }

    /** How many of a run's notices were for Hoopla titles, and how many of those were sent (for summaries). */
    long[] hooplaCounts(String runId) {
        long[] counts = new long[2];
        outcomes.readRun(runId).stream().filter(n -> HoldEvent.SOURCE_HOOPLA.equals(n.source())).forEach(n -> {
            counts[0]++;
            if (NoticeOutcomes.SENT.equals(n.outcome())) {
                counts[1]++;
            }
        });
        return counts;
    }

    boolean reportComplete(String runId) {
        return report.complete(runId);
    }

    @Override
    public void close() {
        preparing.shutdownNow();
    }
}
