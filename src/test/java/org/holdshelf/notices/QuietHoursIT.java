package org.holdshelf.notices;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SimHold;
import org.holdshelf.testing.MutableClock;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Quiet hours and reminders through the real pipeline (in-process broker, Sierra simulator over
 * HTTP, GreenMail), on a clock the test moves: notices decided at night wait durably across a
 * restart, holds picked up before the window opens are not announced, the rest go out once when it
 * opens; a reminder goes out once per hold.
 */
class QuietHoursIT {

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

    private PipelineHarness harness(String name, SierraSandboxSettings sierra, MutableClock clock) {
        return PipelineHarness.create(name, sierra, reports).withNotices(smtp.getSmtp().getPort()).withClock(clock)
                .set("holdshelf.timezone", "UTC")
                .set("holdshelf.notices.send-window", "09:00-20:00")
                .set("holdshelf.notices.release-interval", "200ms");
    }

    /** (patron@location) to its ready holds, for patrons with an email address. */
    private static Map<String, Set<String>> emailPairs(HoldsDataSet data) {
        Map<String, Set<String>> pairs = new TreeMap<>();
        data.holds().filter(SimHold::isReady).filter(h -> NoticesIT.expectedAddress(data, h.patronId()).isPresent())
                .forEach(h -> pairs.computeIfAbsent(h.patronId() + "@" + h.pickupLocationCode(), k -> new TreeSet<>())
                        .add(String.valueOf(h.holdId())));
        return pairs;
    }

    private static Set<String> allPairs(HoldsDataSet data) {
        return data.holds().filter(SimHold::isReady).map(h -> h.patronId() + "@" + h.pickupLocationCode())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void awaitNotices(Holdshelf app, RunEvent run) throws Exception {
        assertThat(app.awaitFollowUps(run, Duration.ofSeconds(120)).get("notices")).as("notices of " + run.runId()).isPresent();
    }

    private static Map<String, NoticeEvent> last(List<NoticeEvent> audit, String outcome) {
        Map<String, NoticeEvent> byPair = new TreeMap<>();
        audit.stream().filter(n -> outcome.equals(n.outcome()))
                .forEach(n -> byPair.put(n.patronId() + "@" + n.pickupLocationCode(), n));
        return byPair;
    }

    @Test
    void shouldHoldNightNoticesAcrossARestartDropWhatWasPickedUpAndReleaseTheRestOnceWhenTheWindowOpens() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T03:00:00Z"));
        SierraSandboxSettings night = SierraSandboxSettings.builder().holds(3_000).seed(41).build();
        try (PipelineHarness h = harness("quiet", night, clock)) {
            Set<String> pairsAtNight = allPairs(h.data());
            Holdshelf app = h.start();
            awaitNotices(app, app.harvestNow("night"));
            assertThat(smtp.getReceivedMessages()).as("nothing sent outside the window").isEmpty();
            Map<String, NoticeEvent> waiting = last(NoticesIT.audit(h), "WAITING");
            assertThat(waiting.keySet()).as("every pair recorded WAITING").containsExactlyElementsOf(pairsAtNight);
            assertThat(waiting.values()).allSatisfy(n -> assertThat(n.reason()).contains("09:00-20:00")
                    .contains("2026-11-23T09:00Z"));

            // a restart keeps them
            h.stopPipeline();
            app = h.start();

            // before the window opens, about half the holds are picked up (a subset: same draws, lower share)
            h.replaceSierra(night.toBuilder().profile(new HoldsDataSet.Profile(0.08, 0.02, LocalDate.of(2026, 11, 23))).build());
            Map<String, Set<String>> stillReady = emailPairs(h.data());
            Set<String> pairsStillReady = allPairs(h.data());
            awaitNotices(app, app.harvestNow("early morning"));
            assertThat(smtp.getReceivedMessages()).isEmpty();
            Set<String> gone = new TreeSet<>(pairsAtNight);
            gone.removeAll(pairsStillReady);
            assertThat(gone).isNotEmpty();
            assertThat(last(NoticesIT.audit(h), "WITHDRAWN").keySet()).as("notices whose holds all left the shelf")
                    .containsExactlyElementsOf(gone);

            clock.advance(Duration.ofHours(6)); // 09:00: the window opens
            await().atMost(Duration.ofSeconds(60)).until(() -> smtp.getReceivedMessages().length >= stillReady.size());
            Map<String, NoticeEvent> sent = last(NoticesIT.audit(h), "SENT");
            assertThat(sent.keySet()).as("one notice per pair still on the shelf").containsExactlyElementsOf(stillReady.keySet());
            sent.forEach((pair, n) -> {
                assertThat(new TreeSet<>(n.holdIds())).as("%s lists only the holds still ready", pair).isEqualTo(stillReady.get(pair));
                assertThat(n.noticeId()).as("the night's notice, sent").startsWith(waiting.get(pair).runId());
            });
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> smtp.getReceivedMessages().length == stillReady.size());
            Set<String> messageIds = new HashSet<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                assertThat(messageIds.add(m.getMessageID())).as("released once: " + m.getMessageID()).isTrue();
            }
            assertThat(NoticesIT.liveStates(h).values()).noneMatch(a -> a.status() == Announcement.Status.WAITING);
        }
    }

    @Test
    void shouldRemindOncePerHoldWithinTheReminderPeriodOfItsPickupByDate() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (PipelineHarness h = harness("remind", SierraSandboxSettings.builder().holds(3_000).seed(42).build(), clock)
                .set("holdshelf.notices.reminder-before", "P1D")) {
            Map<String, Set<String>> pairs = emailPairs(h.data());
            Map<String, String> pickupBy = new TreeMap<>();
            h.data().holds().filter(SimHold::isReady).forEach(hold -> pickupBy.put(String.valueOf(hold.holdId()), hold.pickupByDate()));
            Holdshelf app = h.start();
            awaitNotices(app, app.harvestNow("announce"));
            assertThat(smtp.getReceivedMessages()).hasSize(pairs.size());
            assertThat(NoticesIT.audit(h)).as("no reminder with the first notice").noneMatch(n -> n.noticeId().endsWith("-reminder"));

            Map<String, Integer> remindedHolds = new TreeMap<>();
            for (int day = 1; day <= 3; day++) {
                clock.advance(Duration.ofDays(1));
                Instant now = clock.instant();
                Map<String, Set<String>> due = new TreeMap<>();
                pairs.forEach((pair, holds) -> holds.forEach(holdId -> {
                    Instant by = Instant.parse(pickupBy.get(holdId));
                    if (now.isBefore(by) && !now.isBefore(by.minus(Duration.ofDays(1)))) {
                        due.computeIfAbsent(pair, k -> new TreeSet<>()).add(holdId);
                    }
                }));
                RunEvent first = app.harvestNow("day " + day);
                awaitNotices(app, first);
                RunEvent again = app.harvestNow("day " + day + ", again"); // the same day: nothing more
                awaitNotices(app, again);
                Set<String> runs = Set.of(first.runId(), again.runId());
                List<NoticeEvent> reminders = NoticesIT.audit(h).stream()
                        .filter(n -> n.noticeId().endsWith("-reminder") && runs.contains(n.runId())).toList();
                Map<String, Set<String>> reminded = new TreeMap<>();
                reminders.forEach(n -> {
                    assertThat(n.outcome()).isEqualTo("SENT");
                    assertThat(n.template()).matches("email/(en|es)/reminder");
                    assertThat(reminded.put(n.patronId() + "@" + n.pickupLocationCode(), new TreeSet<>(n.holdIds())))
                            .as("one reminder per pair and day").isNull();
                    n.holdIds().forEach(id -> remindedHolds.merge(id, 1, Integer::sum));
                });
                assertThat(reminded).as("day %d: the holds within a day of their pickup-by date", day).isEqualTo(due);
            }
            assertThat(remindedHolds).isNotEmpty();
            assertThat(remindedHolds.values()).as("never more than one reminder per hold").allMatch(n -> n == 1);
            long reminderMails = java.util.Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
                try {
                    return m.getMessageID().contains("-reminder@") && (m.getSubject().startsWith("Reminder") || m.getSubject().startsWith("Recordatorio"));
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).count();
            assertThat(reminderMails).isEqualTo(NoticesIT.audit(h).stream().filter(n -> n.noticeId().endsWith("-reminder")).count());
        }
    }
}
