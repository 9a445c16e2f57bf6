package org.holdshelf.notices;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
 * the shelf.
 */
public final class NoticesService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NoticesService.class);

    private final NoticesSettings settings;
    private final SierraClient sierra;
    private final NoticeTemplates templates;
    private final Supplier<MailSender> mail;
    private final Supplier<CompactedTopicStore<Announcement>> state;
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
                   Supplier<MailSender> mail,
                   Supplier<CompactedTopicStore<Announcement>> state, RecordPublisher audit, OutcomeLog<NoticeEvent> outcomes,
                   NoticesReport report, PartitionReplay replay, String messageIdDomain, int lookupBatchSize, Clock clock,
                   MeterRegistry meters) {
        this.settings = settings;
        this.sierra = sierra;
        this.templates = templates;
        this.mail = mail;
        this.state = state;
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

    /** A notice to send, with everything its outcome record needs. */
    private record Pending(NoticeEvent decided, String address, List<HoldEvent> holds, MailSender.Mail mail) {
    }

    /** Handles one end-of-location marker (its JSON) that arrived on {@code partition} at {@code markerOffset}. */
    public void completeLocation(byte[] markerJson, int partition, long markerOffset) {
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

        Map<String, List<HoldEvent>> toAnnounce = new TreeMap<>();
        Set<String> interrupted = new HashSet<>();
        for (HoldEvent hold : ready) {
            Optional<Announcement> before = announced.get(hold.holdId());
            if (before.isPresent() && before.get().covers(hold.pickupByDate())) {
                continue;
            }
            if (before.isPresent() && before.get().status() == Status.SENDING) {
                interrupted.add(hold.patronId());
            }
            toAnnounce.computeIfAbsent(hold.patronId(), p -> new ArrayList<>()).add(hold);
        }
        String contactsMissing = toAnnounce.isEmpty() ? null : channels.notReady();
        if (contactsMissing != null) {
            // an empty directory would make every patron NO_CONTACT, settled for good: wait for it instead
            throw new IllegalStateException("Notices for " + location + " of run " + runId + " wait: " + contactsMissing);
        }
        if (!settings.dryRun()) {
            forgetHoldsThatLeftTheShelf(announced, location, ready);
        }

        // Patrons in chunks of send-batch. While one chunk's emails are on the wire, the next chunk's
        // contacts are read and its notices decided and rendered (on the preparing thread, while this
        // one records the chunk before), then it is recorded SENDING and queued behind it. At most
        // two chunks are on their way at any time.
        Map<String, Integer> counts = new TreeMap<>();
        List<List<String>> chunks = new ArrayList<>();
        List<String> patrons = new ArrayList<>(toAnnounce.keySet());
        for (int from = 0; from < patrons.size(); from += settings.sendBatch()) {
            chunks.add(patrons.subList(from, Math.min(patrons.size(), from + settings.sendBatch())));
        }
        Deque<InFlight> onTheirWay = new ArrayDeque<>();
        Future<Chunk> next = null;
        try {
            for (int i = 0; i < chunks.size(); i++) {
                Chunk chunk = i == 0 ? prepare(runId, marker, chunks.get(0), toAnnounce, interrupted) : result(next);
                next = null;
                if (i + 1 < chunks.size()) {
                    List<String> following = chunks.get(i + 1);
                    next = preparing.submit(() -> prepare(runId, marker, following, toAnnounce, interrupted));
                }
                onTheirWay.add(start(location, chunk));
                while (onTheirWay.size() > 1) {
                    finish(runId, location, onTheirWay.poll(), counts);
                }
            }
            while (!onTheirWay.isEmpty()) {
                finish(runId, location, onTheirWay.poll(), counts);
            }
        } catch (RuntimeException e) {
            if (next != null) {
                next.cancel(true); // decided, nothing recorded: decided again when the marker is
            }
            // a chunk failed while others were on the wire: record what they sent before the
            // marker is tried again, so none of it is sent twice
            while (!onTheirWay.isEmpty()) {
                try {
                    finish(runId, location, onTheirWay.poll(), counts);
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            throw e;
        }
        report.completeLocation(runId, location, outcomes.read(runId, location), marker.locationsInRun());
        if (!toAnnounce.isEmpty()) {
            StringJoiner summary = new StringJoiner(", ");
            counts.forEach((outcome, n) -> summary.add(n + " " + outcome));
            LOG.info("Notices{} for {} ({}) of run {}: {} patrons with newly ready holds: {}, in {}",
                    settings.dryRun() ? " (dry run)" : "", location, marker.pickupLocationName(), runId, toAnnounce.size(),
                    summary, Durations.human(Duration.ofNanos(System.nanoTime() - started)));
        }
    }

    /**
     * Handles the run's end marker: holds of locations that have nothing on the shelf any more are
     * forgotten (no end marker of theirs will come), and the report of a run with no location is
     * written now.
     */
    public void completeRun(byte[] runEndJson) {
        RunEnd end = Json.read(runEndJson, RunEnd.class);
        if (end.runId() == null || end.locationCodes() == null) {
            throw new IllegalArgumentException("End-of-run marker without run id or locations: "
                    + new String(runEndJson, StandardCharsets.UTF_8));
        }
        if (!settings.dryRun()) {
            CompactedTopicStore<Announcement> announced = state.get();
            announced.refresh();
            Set<String> inRun = Set.copyOf(end.locationCodes());
            List<String> gone = new ArrayList<>();
            announced.forEach((holdId, a) -> {
                if (!inRun.contains(a.location())) {
                    gone.add(holdId);
                }
            });
            announced.deleteAll(gone);
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
    private Chunk prepare(String runId, LocationEnd marker, List<String> patrons, Map<String, List<HoldEvent>> toAnnounce,
                          Set<String> interrupted) {
        Map<String, List<HoldEvent>> holds = new LinkedHashMap<>();
        patrons.forEach(patronId -> holds.put(patronId, toAnnounce.get(patronId)));
        Map<String, SierraPatron> contacts = new HashMap<>();
        List<NoticeEvent> lookupFailed = new ArrayList<>();
        lookUpContacts(runId, marker, holds, contacts, lookupFailed);
        Set<String> failedLookups = new HashSet<>();
        lookupFailed.forEach(n -> failedLookups.add(n.patronId()));
        List<NoticeEvent> notSent = new ArrayList<>();
        List<Pending> toSend = new ArrayList<>();
        for (Map.Entry<String, List<HoldEvent>> patron : holds.entrySet()) {
            if (!failedLookups.contains(patron.getKey())) {
                decide(runId, marker, patron.getKey(), patron.getValue(), Optional.ofNullable(contacts.get(patron.getKey())),
                        interrupted.contains(patron.getKey()), notSent, toSend);
            }
        }
        return new Chunk(toSend, notSent, lookupFailed, holds);
    }

    private void decide(String runId, LocationEnd marker, String patronId, List<HoldEvent> holds, Optional<SierraPatron> patron,
                        boolean interrupted, List<NoticeEvent> notSent, List<Pending> toSend) {
        String noticeId = runId + "-" + FileNames.safe(marker.pickupLocationCode()) + "-" + patronId;
        String language = settings.languageFor(patron.map(SierraPatron::language).orElse(null));
        List<String> holdIds = holds.stream().map(HoldEvent::holdId).toList();
        ChannelChoice.Decision decision = channels.decide(patron);
        if (!decision.sends()) {
            notSent.add(event(noticeId, runId, marker, patronId, holdIds, null, null, language, null,
                    settings.dryRun() ? NoticeOutcomes.DRY_RUN : decision.outcome(),
                    settings.dryRun() ? "would be " + decision.outcome() + ": " + decision.reason() : decision.reason(), null, null));
            return;
        }
        String fullName = patron.get().names().isEmpty() ? null : patron.get().names().get(0);
        List<NoticeTemplates.HoldLine> lines = holds.stream()
                .map(h -> new NoticeTemplates.HoldLine(h.title(), h.pickupByDate())).toList();
        NoticeTemplates.Email email = templates.email(language,
                templates.model(language, fullName, marker.pickupLocationName(), lines, noticeId));
        String messageId = "<" + noticeId + "@" + messageIdDomain + ">";
        String reason = interrupted ? join(decision.reason(), "sent again: an earlier send of this notice was interrupted "
                + "(same Message-ID)") : decision.reason();
        NoticeEvent decided = event(noticeId, runId, marker, patronId, holdIds, decision.channel(), "email/" + language, language,
                Mask.emails(decision.address()), null, reason, null, messageId);
        toSend.add(new Pending(decided, decision.address(), holds,
                new MailSender.Mail(messageId, decision.address(), email.subject(), email.text(), email.html())));
    }

    /**
     * The patrons' contacts, one Sierra call per {@code lookupBatchSize} patrons. A batch Sierra
     * answers with something unreadable or refuses (after the client's retries) leaves its patrons'
     * notices FAILED with the reason, not recorded, so the next harvest tries them again; the other
     * batches go on. Sierra still unavailable after its retries stops the location, which is tried
     * again later.
     */
    private void lookUpContacts(String runId, LocationEnd marker, Map<String, List<HoldEvent>> holds,
                                Map<String, SierraPatron> contacts, List<NoticeEvent> failed) {
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
                        + "next harvest: {}", marker.pickupLocationCode(), runId, batch.size(), e.getMessage());
                for (String patronId : batch) {
                    failed.add(event(runId + "-" + FileNames.safe(marker.pickupLocationCode()) + "-" + patronId, runId, marker,
                            patronId, holds.get(patronId).stream().map(HoldEvent::holdId).toList(), null, null, null, null,
                            NoticeOutcomes.FAILED,
                            "contact lookup failed, tried again at the next harvest: " + e.getMessage(), null, null));
                }
            }
        }
    }

    /**
     * A chunk of patrons, decided: the notices to send; those that cannot be sent (no contact, a
     * "none" preference), settled when the chunk is recorded; and those whose contacts could not be
     * read, audited but not settled, so the next harvest looks them up again.
     */
    private record Chunk(List<Pending> toSend, List<NoticeEvent> notSent, List<NoticeEvent> lookupFailed,
                         Map<String, List<HoldEvent>> holds) {
    }

    /** A chunk on its way: the server's answers to come (none in a dry run or with nothing to send). */
    private record InFlight(Chunk chunk, MailSender.Batch sending) {
    }

    /** Records the chunk's notices to send SENDING (durably) and starts sending them. */
    private InFlight start(String location, Chunk chunk) {
        if (chunk.toSend().isEmpty() || settings.dryRun()) {
            return new InFlight(chunk, null);
        }
        state.get().putAll(holdStates(chunk.toSend(), location, Status.SENDING));
        return new InFlight(chunk, mail.get().start(chunk.toSend().stream().map(Pending::mail).toList()));
    }

    /**
     * Waits for the chunk's answers; then every outcome of the chunk goes to the audit topic and the
     * outcome log, then the holds are recorded ANNOUNCED or SETTLED; each durable before the next.
     * Messages the server accepted are recorded even when others of the chunk could not be sent for
     * now; those stay SENDING and the failure is thrown after.
     */
    private void finish(String runId, String location, InFlight inFlight, Map<String, Integer> counts) {
        Chunk chunk = inFlight.chunk();
        List<NoticeEvent> outcomes = new ArrayList<>(chunk.lookupFailed());
        outcomes.addAll(chunk.notSent());
        Map<String, Announcement> states = new LinkedHashMap<>();
        for (NoticeEvent n : chunk.notSent()) {
            for (HoldEvent h : chunk.holds().get(n.patronId())) {
                states.put(h.holdId(), new Announcement(h.patronId(), location, h.pickupByDate(), Status.SETTLED, n.noticeId()));
            }
        }
        RuntimeException failure = null;
        if (inFlight.sending() == null) {
            for (Pending p : chunk.toSend()) {
                outcomes.add(outcome(p.decided(), NoticeOutcomes.DRY_RUN, join(p.decided().reason(), "not sent: dry run"), null));
            }
        } else {
            MailSender.Answers answers = inFlight.sending().await();
            failure = answers.failure();
            for (int i = 0; i < chunk.toSend().size(); i++) {
                MailSender.Result answer = answers.results().get(i);
                Pending p = chunk.toSend().get(i);
                if (answer == null) {
                    continue; // not sent for now: stays SENDING
                }
                NoticeEvent result = answer.accepted()
                        ? outcome(p.decided(), NoticeOutcomes.SENT, p.decided().reason(), answer.serverReply())
                        : outcome(p.decided(), NoticeOutcomes.FAILED, "the server refused it", answer.serverReply());
                outcomes.add(result);
                states.putAll(holdStates(List.of(p), location, answer.accepted() ? Status.ANNOUNCED : Status.SETTLED));
            }
        }
        if (!outcomes.isEmpty()) {
            audit.publish(outcomes.stream().map(NoticesService::record).toList());
            this.outcomes.append(runId, location, outcomes);
            outcomes.forEach(n -> count(counts, n));
        }
        if (!settings.dryRun() && !states.isEmpty()) {
            state.get().putAll(states);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Map<String, Announcement> holdStates(List<Pending> batch, String location, Status status) {
        Map<String, Announcement> states = new LinkedHashMap<>();
        for (Pending p : batch) {
            for (HoldEvent h : p.holds()) {
                states.put(h.holdId(), new Announcement(h.patronId(), location, h.pickupByDate(), status, p.decided().noticeId()));
            }
        }
        return states;
    }

    /** Removes the state of this location's holds that are no longer ready: they left the shelf. */
    private static void forgetHoldsThatLeftTheShelf(CompactedTopicStore<Announcement> announced, String location,
                                                    List<HoldEvent> ready) {
        Set<String> onShelf = new HashSet<>();
        ready.forEach(h -> onShelf.add(h.holdId()));
        List<String> gone = new ArrayList<>();
        announced.forEach((holdId, a) -> {
            if (location.equals(a.location()) && !onShelf.contains(holdId)) {
                gone.add(holdId);
            }
        });
        announced.deleteAll(gone);
    }

    private NoticeEvent event(String noticeId, String runId, LocationEnd marker, String patronId, List<String> holdIds,
                              String channel, String template, String language, String destination, String outcome,
                              String reason, String serverReply, String messageId) {
        return new NoticeEvent(EventTypes.NOTICE, EventTypes.SCHEMA_VERSION, noticeId, runId, marker.source(), patronId,
                marker.pickupLocationCode(), marker.pickupLocationName(), holdIds, channel, template, language, destination,
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

    /** Outcome counts of a run's notices from the recorded outcomes (for summaries). */
    Map<String, Long> outcomeCounts(String runId) {
        Map<String, Long> counts = new TreeMap<>();
        outcomes.readRun(runId).forEach(n -> counts.merge(n.outcome(), 1L, Long::sum));
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
