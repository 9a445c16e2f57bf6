package org.holdshelf.notices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.camel.builder.NotifyBuilder;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.sierra.FaultPlan;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SimHold;
import org.holdshelf.sandbox.smtp.SmtpMessage;
import org.holdshelf.sandbox.smtp.SmtpSandboxSettings;
import org.holdshelf.sandbox.smtp.SmtpSimulator;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notices when the mail server or Sierra misbehaves, against the sandbox's SMTP server (which can
 * refuse recipients, fail messages and connections, and go down) and the Sierra simulator's faults:
 * a recorded outcome for each, nothing lost, nothing sent twice, the other patrons' notices still sent.
 */
class NoticesFaultsIT {

    @TempDir
    Path reports;

    private SmtpSimulator smtp;

    @BeforeEach
    void startSmtp() {
        smtp = new SmtpSimulator(SmtpSandboxSettings.builder().build());
        smtp.start(0);
    }

    @AfterEach
    void stopSmtp() {
        smtp.close();
    }

    private PipelineHarness harness(String name, SierraSandboxSettings sierra) {
        return PipelineHarness.create(name, sierra, reports).withNotices(smtp.port());
    }

    /** (patron@location) of the pairs that should get an email, with the address. */
    private static Map<String, String> expected(HoldsDataSet data) {
        Map<String, String> expected = new TreeMap<>();
        data.holds().filter(SimHold::isReady).forEach(h -> NoticesIT.expectedAddress(data, h.patronId())
                .ifPresent(address -> expected.put(h.patronId() + "@" + h.pickupLocationCode(), address)));
        return expected;
    }

    private static List<NoticeEvent> audit(PipelineHarness h) {
        return h.records("notices", EventTypes.NOTICE).stream().map(r -> Json.read(r.value(), NoticeEvent.class)).toList();
    }

    private Map<String, Long> messagesPerRecipient() {
        return smtp.messages().stream().flatMap(m -> m.recipients().stream())
                .collect(Collectors.groupingBy(r -> r.toLowerCase(), TreeMap::new, Collectors.counting()));
    }

    @Test
    void shouldRecordARefusedRecipientAsFailedAndRetryTemporaryRefusalsWithoutSendingTwice() throws Exception {
        try (PipelineHarness h = harness("smtp-faults", SierraSandboxSettings.builder().holds(12_000).seed(31).build())) {
            Map<String, String> expected = expected(h.data());
            Set<String> refused = expected.values().stream().filter(a -> a.toLowerCase().contains("reject"))
                    .map(String::toLowerCase).collect(Collectors.toCollection(TreeSet::new));
            assertThat(refused).as("the data set has addresses the server refuses for good").isNotEmpty();
            smtp.failNextMessages(3);          // 451 at the end of DATA
            smtp.refuseNextConnections(1);     // 421 greeting
            Holdshelf app = h.start();

            RunEvent first = app.harvestNow("first");
            assertThat(app.awaitFollowUps(first, Duration.ofSeconds(120)).get("notices")).isPresent();

            Map<String, Long> received = messagesPerRecipient();
            Set<String> accepted = expected.values().stream().map(String::toLowerCase).filter(a -> !refused.contains(a))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(received.keySet()).containsExactlyElementsOf(accepted);
            long distinctMessageIds = smtp.messages().stream().map(SmtpMessage::messageId).distinct().count();
            assertThat(distinctMessageIds).as("nothing accepted twice").isEqualTo(smtp.messages().size());
            List<NoticeEvent> failed = audit(h).stream().filter(n -> n.outcome().equals("FAILED")).toList();
            assertThat(failed).hasSize((int) expected.values().stream().filter(a -> refused.contains(a.toLowerCase())).count())
                    .allSatisfy(n -> {
                        assertThat(n.serverReply()).startsWith("550");
                        assertThat(n.reason()).isEqualTo("the server refused it");
                    });
            assertThat(smtp.stats().rejections(451)).isEqualTo(3);

            RunEvent second = app.harvestNow("second");
            assertThat(app.awaitFollowUps(second, Duration.ofSeconds(120)).get("notices")).isPresent();
            assertThat(smtp.messages()).as("nothing sent again").hasSize(received.values().stream().mapToInt(Long::intValue).sum());
            assertThat(audit(h).stream().filter(n -> n.outcome().equals("FAILED")).count()).as("refusals not tried again")
                    .isEqualTo(failed.size());
        }
    }

    @Test
    void shouldKeepNoticesWaitingWhileTheMailServerIsDownAndSendEachOnceWhenItIsBack() throws Exception {
        try (PipelineHarness h = harness("smtp-down", SierraSandboxSettings.builder().holds(4_000).seed(17).build())
                .set("holdshelf.notices.smtp.max-attempts", "2")) {
            Map<String, String> expected = expected(h.data());
            smtp.rejectRecipients("(?!)");
            smtp.suspend();
            Holdshelf app = h.start();
            NotifyBuilder retried = new NotifyBuilder(app.camel()).fromRoute("notices").whenFailed(2).create();

            RunEvent run = app.harvestNow("while down");
            assertThat(retried.matches(60, TimeUnit.SECONDS)).as("the notices were tried and failed twice").isTrue();
            assertThat(audit(h)).filteredOn(n -> n.outcome().equals("SENT")).isEmpty();

            smtp.resume();
            assertThat(app.awaitFollowUps(run, Duration.ofSeconds(120)).get("notices")).isPresent();
            assertThat(messagesPerRecipient().keySet()).containsExactlyElementsOf(
                    expected.values().stream().map(String::toLowerCase).collect(Collectors.toCollection(TreeSet::new)));
            assertThat(smtp.messages().stream().map(SmtpMessage::messageId).distinct().count()).isEqualTo(smtp.messages().size());
            assertThat(smtp.messages()).hasSize(expected.size());
        }
    }

    @Test
    void shouldLetTheOtherPatronsHearWhenSierraCannotGiveSomeContactsAndTryThoseAgainNextHarvest() throws Exception {
        // notices go out in batches of 10 patrons, one /patrons call each. Calls, retries included:
        // the first batch's lookup is fine and its emails go out; the second's meets a 5xx storm
        // that outlasts the client's five attempts (calls 1-5), while the first batch is on the
        // wire, so the location's marker is tried again; then an nginx HTML 502 page (retried, then
        // fine); then a 503 (retried) and a malformed page, which fails that batch's patrons
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(6_000).seed(23)
                .faults(FaultPlan.parse("patrons:503@1x1,patrons:503@2x1,patrons:503@3x1,patrons:503@4x1,patrons:503@5x1,"
                        + "patrons:html502@6x1,patrons:503@8x1,patrons:malformed@9x1")).build();
        try (PipelineHarness h = harness("lookup-faults", sierra).set("holdshelf.notices.send-batch", "10")) {
            Map<String, String> expected = expected(h.data());
            smtp.rejectRecipients("(?!)");
            Holdshelf app = h.start();

            RunEvent first = app.harvestNow("first");
            assertThat(app.awaitFollowUps(first, Duration.ofSeconds(120)).get("notices")).isPresent();

            List<NoticeEvent> failed = audit(h).stream().filter(n -> n.outcome().equals("FAILED")).toList();
            assertThat(failed).as("the patrons of the malformed lookup, and only those").hasSizeBetween(1, 10)
                    .allSatisfy(n -> assertThat(n.reason()).startsWith("contact lookup failed, tried again at the next harvest")
                            .contains("malformed"));
            long waiting = failed.stream().filter(n -> expected.containsKey(n.patronId() + "@" + n.pickupLocationCode())).count();
            assertThat(smtp.messages()).as("every other pair heard in the first run, the storm's location included")
                    .hasSize(expected.size() - (int) waiting);

            RunEvent second = app.harvestNow("second");
            assertThat(app.awaitFollowUps(second, Duration.ofSeconds(120)).get("notices")).isPresent();
            assertThat(smtp.messages()).as("every pair once, the ones that waited included").hasSize(expected.size());
            assertThat(smtp.messages().stream().map(SmtpMessage::messageId).distinct().count()).isEqualTo(expected.size());
        }
    }
}
