package org.holdshelf.notices;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SimHold;
import org.holdshelf.sandbox.sierra.SimPatron;
import org.holdshelf.sandbox.sms.SmsGatewaySimulator;
import org.holdshelf.sandbox.sms.SmsRefusal;
import org.holdshelf.sandbox.sms.SmsSandboxSettings;
import org.holdshelf.sandbox.sms.SmsText;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Texts and emails together through the real pipeline: the in-process broker, the Sierra
 * simulator and the SMS gateway simulator over HTTP, and a real SMTP server (GreenMail). Which
 * channel each patron should get is computed from the data set and the README's rules.
 */
class SmsNoticesIT {

    @TempDir
    Path reports;

    private GreenMail smtp;
    private SmsGatewaySimulator gateway;

    @BeforeEach
    void start() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        gateway = new SmsGatewaySimulator(SmsSandboxSettings.builder().latencyMs(3).jitterMs(2).seed(5)
                .optedOutPercent(4).landlinePercent(4).build()).start(0);
    }

    @AfterEach
    void stop() {
        smtp.stop();
        gateway.close();
    }

    private PipelineHarness harness(String name, SierraSandboxSettings sierra) {
        return PipelineHarness.create(name, sierra, reports).withNotices(smtp.getSmtp().getPort())
                .set("holdshelf.notices.channels", "email,sms")
                .set("holdshelf.notices.sms.provider", "webhook")
                .set("holdshelf.notices.sms.webhook-url", gateway.webhookUrl())
                .set("holdshelf.notices.sms.initial-backoff", "20ms")
                .set("holdshelf.notices.sms.max-backoff", "100ms")
                .set("holdshelf.notices.release-interval", "300ms");
    }

    /** What the README's rules say a pair's notice is: the channel and address, or no channel and why. */
    record Expected(String channel, String address) {
    }

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    /** The first number of the preferred types (o, then t, then p) that is a valid number, in E.164. */
    static Optional<String> expectedNumber(SimPatron patron) {
        for (String type : List.of("o", "t", "p")) {
            for (SimPatron.Phone phone : patron.phones()) {
                if (phone.type().equals(type)) {
                    try {
                        var parsed = PHONES.parse(phone.number(), "US");
                        if (PHONES.isValidNumber(parsed)) {
                            return Optional.of(PHONES.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164));
                        }
                    } catch (NumberParseException e) {
                        // not a number: the next one
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The default preference map (z=email, p/t=sms, a/-=none): the preferred channel when the
     * patron has an address on it, else the other; none for deleted or unknown patrons.
     */
    static Expected expected(HoldsDataSet data, long patronId) {
        var found = data.patron(patronId);
        if (found.isEmpty() || found.get().deleted() || List.of("a", "-").contains(found.get().noticePreference())) {
            return new Expected(null, null);
        }
        Optional<String> email = NoticesIT.expectedAddress(data, patronId);
        Optional<String> number = expectedNumber(found.get());
        boolean textsFirst = List.of("p", "t").contains(found.get().noticePreference());
        if (textsFirst && number.isPresent()) {
            return new Expected("sms", number.get());
        }
        if (email.isPresent()) {
            return new Expected("email", email.get());
        }
        return number.map(n -> new Expected("sms", n)).orElse(new Expected(null, null));
    }

    /** (patron@location) with ready holds to what its notice should be. */
    static Map<String, Expected> expectedPairs(HoldsDataSet data) {
        Map<String, Expected> pairs = new TreeMap<>();
        data.holds().filter(SimHold::isReady).forEach(h ->
                pairs.computeIfAbsent(h.patronId() + "@" + h.pickupLocationCode(), k -> expected(data, h.patronId())));
        return pairs;
    }

    /** Each notice's last outcome on the audit topic, by (patron@location). */
    private static Map<String, NoticeEvent> finalOutcomes(PipelineHarness h) {
        Map<String, NoticeEvent> last = new TreeMap<>();
        for (NoticeEvent n : NoticesIT.audit(h)) {
            if (!n.noticeId().endsWith("-reminder")) {
                last.put(n.patronId() + "@" + n.pickupLocationCode(), n);
            }
        }
        return last;
    }

    private Map<String, List<MimeMessage>> emails() throws Exception {
        Map<String, List<MimeMessage>> byPair = new TreeMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            Matcher id = NoticesIT.NOTICE_ID.matcher(m.getMessageID());
            assertThat(id.matches()).isTrue();
            byPair.computeIfAbsent(id.group(3) + "@" + id.group(2), k -> new ArrayList<>()).add(m);
        }
        return byPair;
    }

    /** Texts the gateway accepted, by (patron@location) from the notice id ({@code <run>-<location>-<patron>}). */
    private Map<String, List<SmsText>> texts() {
        Map<String, List<SmsText>> byPair = new TreeMap<>();
        for (SmsText t : gateway.delivered()) {
            String[] parts = t.noticeId().split("-");
            byPair.computeIfAbsent(parts[parts.length - 1] + "@" + parts[parts.length - 2], k -> new ArrayList<>()).add(t);
        }
        return byPair;
    }

    private static void awaitNotices(Holdshelf app, RunEvent run) throws Exception {
        assertThat(app.awaitFollowUps(run, Duration.ofSeconds(120)).get("notices")).as("notices of " + run.runId()).isPresent();
    }

    @Test
    void shouldSendEveryPairOneNoticeOnTheRightChannelAndNeverTextAnOptedOutNumberAgain() throws Exception {
        SierraSandboxSettings november = SierraSandboxSettings.builder().holds(5_000).seed(31).build();
        try (PipelineHarness h = harness("sms", november)) {
            HoldsDataSet data = h.data();
            Map<String, Expected> expected = expectedPairs(data);
            Holdshelf app = h.start();
            awaitNotices(app, app.harvestNow("first"));

            Map<String, NoticeEvent> outcomes = finalOutcomes(h);
            assertThat(outcomes.keySet()).as("a recorded outcome for every pair").containsExactlyElementsOf(expected.keySet());
            Map<String, List<MimeMessage>> emails = emails();
            Map<String, List<SmsText>> texts = texts();
            Set<String> titles = h.records("entries", org.holdshelf.events.EventTypes.HOLD).stream()
                    .map(r -> org.holdshelf.events.Json.read(r.value(), org.holdshelf.events.HoldEvent.class).title())
                    .filter(t -> t != null && t.length() > 12).collect(Collectors.toSet());
            assertThat(titles).isNotEmpty();
            Map<String, Integer> byOutcome = new TreeMap<>();
            for (var pair : expected.entrySet()) {
                Expected e = pair.getValue();
                NoticeEvent n = outcomes.get(pair.getKey());
                byOutcome.merge((e.channel() == null ? "none" : e.channel()) + " " + n.outcome(), 1, Integer::sum);
                if (e.channel() == null) {
                    assertThat(n.outcome()).as(pair.getKey()).isIn("NO_CONTACT", "SUPPRESSED");
                    assertThat(n.reason()).isNotBlank();
                    assertThat(emails).doesNotContainKey(pair.getKey());
                    assertThat(texts).doesNotContainKey(pair.getKey());
                } else if (e.channel().equals("email")) {
                    assertThat(n.channel()).as(pair.getKey()).isEqualTo("email");
                    assertThat(n.outcome()).isEqualTo("SENT");
                    assertThat(emails.get(pair.getKey())).hasSize(1);
                    assertThat(texts).doesNotContainKey(pair.getKey());
                } else {
                    assertThat(n.channel()).as(pair.getKey() + " " + n).isEqualTo("sms");
                    assertThat(n.destination()).isEqualTo("***-***-" + e.address().substring(e.address().length() - 4));
                    assertThat(emails).doesNotContainKey(pair.getKey());
                    if (gateway.isOptedOut(e.address())) {
                        assertThat(n.outcome()).isEqualTo("OPTED_OUT");
                        assertThat(texts).doesNotContainKey(pair.getKey());
                    } else if (gateway.isLandline(e.address())) {
                        assertThat(n.outcome()).isEqualTo("FAILED");
                        assertThat(n.serverReply()).contains("422").contains("invalid-number");
                    } else {
                        assertThat(n.outcome()).isEqualTo("SENT");
                        assertThat(texts.get(pair.getKey())).hasSize(1).allSatisfy(t -> {
                            assertThat(t.to()).isEqualTo(e.address());
                            assertThat(t.segments()).isLessThanOrEqualTo(2);
                            assertThat(titles).noneMatch(title -> t.body().contains(title));
                        });
                    }
                }
            }
            assertThat(byOutcome).as("the data exercise every path").containsKeys("email SENT", "sms SENT", "sms OPTED_OUT",
                    "sms FAILED", "none NO_CONTACT");
            long optedOutCalls = gateway.stats().refusals(SmsRefusal.OPTED_OUT);
            long optedOutNumbers = expected.values().stream().filter(e -> "sms".equals(e.channel()) && gateway.isOptedOut(e.address()))
                    .map(Expected::address).distinct().count();
            assertThat(optedOutCalls).as("each opted-out number called once, then remembered").isEqualTo(optedOutNumbers);

            // every hold leaves the shelf, then comes back a week later with a new pickup-by date
            h.replaceSierra(november.toBuilder().profile(new HoldsDataSet.Profile(0, 0, LocalDate.of(2026, 11, 23))).build());
            awaitNotices(app, app.harvestNow("empty shelf"));
            h.replaceSierra(november.toBuilder().profile(new HoldsDataSet.Profile(0.16, 0.02, LocalDate.of(2026, 11, 30))).build());
            awaitNotices(app, app.harvestNow("back"));

            assertThat(gateway.stats().refusals(SmsRefusal.OPTED_OUT)).as("an opted-out number is never called again")
                    .isEqualTo(optedOutCalls);
            Map<String, NoticeEvent> again = finalOutcomes(h);
            expected.forEach((pair, e) -> {
                if (e.channel() != null && e.channel().equals("sms") && gateway.isOptedOut(e.address())) {
                    assertThat(again.get(pair).outcome()).as(pair).isEqualTo("OPTED_OUT");
                    assertThat(again.get(pair).reason()).contains("opted out of texts (");
                }
            });
            assertThat(texts().values()).as("announced again, once").allSatisfy(t -> assertThat(t).hasSize(2));
        }
    }

    @Test
    void shouldRetryA503StormAndLetTextsWaitWithoutHoldingUpEmailsThenSendEachOnce() throws Exception {
        try (PipelineHarness h = harness("sms-storm", SierraSandboxSettings.builder().holds(3_000).seed(32).build())
                .set("holdshelf.notices.sms.max-attempts", "3")) {
            gateway.setDrawnPercents(0, 0);
            Map<String, Expected> expected = expectedPairs(h.data());
            long expectedTexts = expected.values().stream().filter(e -> "sms".equals(e.channel())).count();
            long expectedEmails = expected.values().stream().filter(e -> "email".equals(e.channel())).count();
            gateway.failNext(60, 503); // more than the retries of the first texts: some give up and wait
            Holdshelf app = h.start();
            awaitNotices(app, app.harvestNow("storm"));
            assertThat(smtp.getReceivedMessages()).as("emails are not held up by the gateway").hasSize((int) expectedEmails);
            assertThat(NoticesIT.audit(h)).as("some texts waited for the gateway").anyMatch(n -> "WAITING".equals(n.outcome()));

            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.count() == expectedTexts);
            assertThat(texts().values()).allSatisfy(t -> assertThat(t).hasSize(1));
            assertThat(gateway.stats().duplicates()).as("no notice posted twice").isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> NoticesIT.liveStates(h).values().stream()
                    .noneMatch(a -> a.status() == Announcement.Status.WAITING || a.status() == Announcement.Status.SENDING));
            Map<String, NoticeEvent> outcomes = finalOutcomes(h);
            expected.forEach((pair, e) -> {
                if (e.channel() != null) {
                    assertThat(outcomes.get(pair).outcome()).as(pair).isEqualTo("SENT");
                }
            });
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> gateway.count() == expectedTexts);
        }
    }
}
