package org.holdshelf.notices;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SimHold;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;
import org.holdshelf.testing.PullListOracle;
import org.holdshelf.testing.SharedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pickup notices through the real pipeline: the in-process broker, the Sierra simulator over HTTP,
 * and a real SMTP server (GreenMail). What should be sent is computed from the generated data set.
 */
class NoticesIT {

    /** The run, location and patron a notice's Message-ID names. */
    static final Pattern NOTICE_ID = Pattern.compile("<(.+)-([^-]+)-(\\d+)@cityville\\.example\\.org>");

    @TempDir
    Path reports;

    private GreenMail smtp;

    @BeforeEach
    void startSmtp() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    private PipelineHarness harness(String name, SierraSandboxSettings sierra) {
        return PipelineHarness.create(name, sierra, reports).withNotices(smtp.getSmtp().getPort());
    }

    private static final Pattern USABLE = Pattern.compile("[^@\\s,;<>\"]+@[^@\\s,;<>\"]+\\.[a-zA-Z]{2,}");

    /**
     * The address a notice should go to, written from the data set and the README's rules, not from
     * the pipeline's code: no address for a deleted or missing patron, or one whose preference is
     * "no notices" (a, -), else the first well-formed address in Sierra's order (an entry may hold several).
     */
    static java.util.Optional<String> expectedAddress(HoldsDataSet data, long patronId) {
        var patron = data.patron(patronId);
        if (patron.isEmpty() || patron.get().deleted() || List.of("a", "-").contains(patron.get().noticePreference())) {
            return java.util.Optional.empty();
        }
        for (String entry : patron.get().emails()) {
            for (String part : entry.split("[,;]")) {
                if (USABLE.matcher(part.trim()).matches()) {
                    return java.util.Optional.of(part.trim());
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** (patron@location) to the ids of its ready holds, for patrons a notice can reach by email. */
    static Map<String, Set<String>> expectedEmails(HoldsDataSet data) {
        Map<String, Set<String>> expected = new TreeMap<>();
        data.holds().filter(SimHold::isReady).forEach(h -> {
            if (expectedAddress(data, h.patronId()).isPresent()) {
                expected.computeIfAbsent(h.patronId() + "@" + h.pickupLocationCode(), k -> new java.util.TreeSet<>())
                        .add(String.valueOf(h.holdId()));
            }
        });
        return expected;
    }

    static List<NoticeEvent> audit(PipelineHarness h) {
        return h.records("notices", EventTypes.NOTICE).stream().map(r -> Json.read(r.value(), NoticeEvent.class)).toList();
    }

    /** Each received message's (patron@location) from its Message-ID. */
    private Map<String, List<MimeMessage>> received() throws Exception {
        return received(smtp);
    }

    /** Each message the server received, by (patron@location) from its Message-ID. */
    static Map<String, List<MimeMessage>> received(GreenMail smtp) throws Exception {
        Map<String, List<MimeMessage>> byPair = new TreeMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            Matcher id = NOTICE_ID.matcher(m.getMessageID());
            assertThat(id.matches()).as("Message-ID %s names the notice", m.getMessageID()).isTrue();
            byPair.computeIfAbsent(id.group(3) + "@" + id.group(2), k -> new ArrayList<>()).add(m);
        }
        return byPair;
    }

    private static void awaitNotices(Holdshelf app, RunEvent run) throws Exception {
        assertThat(app.awaitFollowUps(run, Duration.ofSeconds(120)).get("notices")).as("notices of " + run.runId()).isPresent();
    }

    @Test
    void shouldSendOneEmailPerPatronAndLocationListingExactlyItsHoldsAndNothingMoreOnTheNextHarvest() throws Exception {
        try (PipelineHarness h = harness("notices", SierraSandboxSettings.builder().holds(6_000).seed(21).build())) {
            Map<String, Set<String>> expected = expectedEmails(h.data());
            Holdshelf app = h.start();

            RunEvent first = app.harvestNow("first");
            awaitNotices(app, first);

            Map<String, List<MimeMessage>> received = received();
            assertThat(received.keySet()).as("one email per patron and location with ready holds and an address")
                    .containsExactlyElementsOf(expected.keySet());
            for (var pair : received.entrySet()) {
                assertThat(pair.getValue()).as("emails for %s", pair.getKey()).hasSize(1);
                MimeMessage m = pair.getValue().get(0);
                String patronId = pair.getKey().substring(0, pair.getKey().indexOf('@'));
                assertThat(m.getAllRecipients()).extracting(Object::toString)
                        .containsExactly(expectedAddress(h.data(), Long.parseLong(patronId)).orElseThrow());
                String text = (String) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent();
                assertThat(text.lines().filter(line -> line.startsWith("- ")).count()).as("lists exactly its holds")
                        .isEqualTo(expected.get(pair.getKey()).size());
                String language = h.data().patron(Long.parseLong(patronId)).orElseThrow().language();
                assertThat(text).as("in the patron's language").startsWith("spa".equals(language) ? "Hola " : "Hello ");
                assertThat(m.getHeader("Auto-Submitted")).containsExactly("auto-generated");
                assertThat(m.getFrom()).extracting(Object::toString).containsExactly("Cityville Library <holds@cityville.example.org>");
                assertThat(m.getReplyTo()).extracting(Object::toString).containsExactly("circulation@cityville.example.org");
                assertThat(m.getContentType()).startsWith("multipart/alternative");
                List<String> headerNames = new ArrayList<>();
                m.getAllHeaderLines().asIterator().forEachRemaining(line -> headerNames.add(line.substring(0, line.indexOf(':'))));
                assertThat(headerNames).as("no header of Kafka's, Camel's or the pipeline's leaks")
                        .noneMatch(n -> n.toLowerCase().startsWith("kafka") || n.toLowerCase().startsWith("camel")
                                || n.toLowerCase().startsWith("holdshelf"))
                        .containsOnly("Date", "From", "Reply-To", "To", "Message-ID", "Subject", "MIME-Version", "Content-Type",
                                "Auto-Submitted", "Received", "Return-Path");
            }

            List<NoticeEvent> audit = audit(h);
            assertThat(audit).filteredOn(n -> n.outcome().equals("SENT")).hasSize(expected.size())
                    .allSatisfy(n -> {
                        assertThat(n.destination()).matches("[pP]\\*\\*\\*@(?i)example\\.(org|net)");
                        assertThat(n.holdIds()).containsExactlyInAnyOrderElementsOf(expected.get(n.patronId() + "@" + n.pickupLocationCode()));
                        assertThat(n.messageId()).isEqualTo("<" + n.noticeId() + "@cityville.example.org>");
                        assertThat(n.serverReply()).startsWith("250");
                    });
            long allPairs = h.data().holds().filter(SimHold::isReady).map(hold -> hold.patronId() + "@" + hold.pickupLocationCode())
                    .distinct().count();
            long withoutAddress = allPairs - expected.size();
            assertThat(audit).filteredOn(n -> !n.outcome().equals("SENT")).hasSize((int) withoutAddress)
                    .extracting(NoticeEvent::outcome).containsOnly("NO_CONTACT", "SUPPRESSED").contains("NO_CONTACT", "SUPPRESSED");
            assertThat(audit).filteredOn(n -> n.outcome().equals("SENT") && n.reason() != null)
                    .as("patrons who prefer texts are emailed, and the audit says so")
                    .anyMatch(n -> n.reason().contains("prefers sms"));
            Path csv = app.wiring().runDirectory().of(first.runId()).resolve("notices.csv");
            List<List<String>> rows = PullListOracle.read(csv);
            assertThat(rows).hasSize(expected.size() + (int) withoutAddress + 1);
            assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(8))
                    .allMatch(d -> d.isEmpty() || d.matches("[pP]\\*\\*\\*@(?i)example\\.(org|net)"));
            assertThat(h.records("entries", EventTypes.HOLD)).as("no contact detail on the entries topic")
                    .noneMatch(r -> new String(r.value()).contains("@example.org"));

            RunEvent second = app.harvestNow("second");
            awaitNotices(app, second);
            assertThat(smtp.getReceivedMessages()).as("nothing new: every hold is announced").hasSize(expected.size());
            assertThat(audit(h)).as("and nothing decided again").hasSize(audit.size());
        }
    }

    @Test
    void shouldAnnounceAHoldAgainOnlyWhenItLeftTheShelfAndCameBackWithANewPickupByDate() throws Exception {
        SierraSandboxSettings november = SierraSandboxSettings.builder().holds(4_000).seed(8).build();
        try (PipelineHarness h = harness("again", november)) {
            Map<String, Set<String>> expected = expectedEmails(h.data());
            Holdshelf app = h.start();
            awaitNotices(app, app.harvestNow("first"));
            assertThat(smtp.getReceivedMessages()).hasSize(expected.size());

            // nothing on the shelf: every hold left it, and the state forgets them
            h.replaceSierra(november.toBuilder().profile(new HoldsDataSet.Profile(0, 0, LocalDate.of(2026, 11, 23))).build());
            awaitNotices(app, app.harvestNow("empty shelf"));
            await().atMost(Duration.ofSeconds(10)).until(() -> liveStates(h).isEmpty());

            // the same holds back on the shelf a week later, with new pickup-by dates
            h.replaceSierra(november.toBuilder().profile(new HoldsDataSet.Profile(0.16, 0.02, LocalDate.of(2026, 11, 30))).build());
            awaitNotices(app, app.harvestNow("back"));
            assertThat(smtp.getReceivedMessages()).as("each pair announced again, once").hasSize(2 * expected.size());
            assertThat(received().values()).allSatisfy(messages -> assertThat(messages).hasSize(2));
        }
    }

    @Test
    void shouldSendNothingAndRecordNothingAsAnnouncedInDryRun() throws Exception {
        try (PipelineHarness h = harness("dry", SierraSandboxSettings.builder().holds(3_000).seed(4).build())
                .set("holdshelf.notices.dry-run", "true")) {
            Map<String, Set<String>> expected = expectedEmails(h.data());
            Holdshelf app = h.start();
            RunEvent run = app.harvestNow("dry");
            awaitNotices(app, run);

            assertThat(smtp.getReceivedMessages()).isEmpty();
            assertThat(liveStates(h)).isEmpty();
            assertThat(audit(h)).isNotEmpty().allSatisfy(n -> assertThat(n.outcome()).isEqualTo("DRY_RUN"))
                    .filteredOn(n -> n.channel() != null).hasSize(expected.size());
        }
    }

    /**
     * A pipeline JVM SIGKILLed while it sends notices, then restarted: every patron and location
     * gets its notice, and no two different notices; the only repeats allowed are notices that were
     * caught between being sent and being recorded, sent again with the same Message-ID.
     */
    @Test
    void shouldLoseNoNoticeAndSendNoneTwiceWhenKilledWhileSending() throws Exception {
        try (PipelineHarness h = harness("kill-notices", SierraSandboxSettings.builder().holds(40_000).seed(12).build())
                .set("holdshelf.notices.send-batch", "50").set("holdshelf.notices.smtp.connections", "1")) {
            Map<String, Set<String>> expected = expectedEmails(h.data());
            assertThat(expected.size()).isGreaterThan(2_000);
            Map<String, String> child = new TreeMap<>(h.settings());
            h.set("holdshelf.notices.enabled", "false").set("holdshelf.reports.enabled", "false");
            RunEvent run = h.start().harvestNow("test");
            h.stopPipeline();
            Path log = Path.of("target", "notices-child-" + run.runId() + ".log");

            try (ChildPipeline first = ChildPipeline.start(child, log)) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5))
                        .until(() -> smtp.getReceivedMessages().length >= 300);
                first.kill();
            }
            int atKill = smtp.getReceivedMessages().length;
            assertThat(atKill).as("killed while sending").isLessThan(expected.size());
            Set<String> caughtSending = sendingNotices(h);

            try (ChildPipeline restarted = ChildPipeline.start(child, log)) {
                Path report = reports.resolve(org.holdshelf.events.RunIds.runDate(run.runId(), java.time.ZoneId.of("UTC")).toString())
                        .resolve(run.runId()).resolve("notices.csv");
                await().atMost(Duration.ofSeconds(180)).until(() -> java.nio.file.Files.exists(report));
            }

            assertOnceButCaughtSending(received(), expected, caughtSending);
        }
    }

    /**
     * After a kill while sending: every expected (patron@location) got its notice, never two
     * different ones; the only repeats are of notices caught {@code SENDING} at the kill.
     */
    static void assertOnceButCaughtSending(Map<String, List<MimeMessage>> received, Map<String, Set<String>> expected,
                                           Set<String> caughtSending) throws Exception {
        assertThat(received.keySet()).as("no pair lost").containsExactlyElementsOf(expected.keySet());
        Map<String, Set<String>> idsPerPair = new HashMap<>();
        for (var pair : received.entrySet()) {
            for (MimeMessage m : pair.getValue()) {
                idsPerPair.computeIfAbsent(pair.getKey(), k -> new java.util.HashSet<>()).add(m.getMessageID());
            }
        }
        assertThat(idsPerPair).as("never two different notices for a pair").allSatisfy((pair, ids) -> assertThat(ids).hasSize(1));
        List<String> repeated = received.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        assertThat(repeated.size()).as("repeats only of notices caught SENDING at the kill (%s)", caughtSending.size())
                .isLessThanOrEqualTo(caughtSending.size());
        assertThat(repeated).allSatisfy(pair -> assertThat(caughtSending).anyMatch(id -> id.endsWith(
                "-" + pair.substring(pair.indexOf('@') + 1) + "-" + pair.substring(0, pair.indexOf('@')))));
    }

    /** Announcement states on the state topic that are not tombstoned, by hold id. */
    static Map<String, Announcement> liveStates(PipelineHarness h) {
        Map<String, Announcement> live = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : SharedKafka.readAll(h.topic("notices-state"))) {
            if (r.value() == null) {
                live.remove(r.key());
            } else {
                live.put(r.key(), Json.read(r.value(), Announcement.class));
            }
        }
        return live;
    }

    /** The notices whose holds were left SENDING. */
    static Set<String> sendingNotices(PipelineHarness h) {
        return liveStates(h).values().stream().filter(a -> a.status() == Announcement.Status.SENDING)
                .map(Announcement::noticeId).collect(Collectors.toSet());
    }
}
