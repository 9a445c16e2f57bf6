package org.holdshelf.notices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.libib.LibibSimulator;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SimHold;
import org.holdshelf.sandbox.sierra.SimPatron;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pickup notices addressed from the Libib directory ({@code holdshelf.notices.contacts=libib}):
 * the real pipeline with the directory mirror reading the Libib simulator over HTTP, the Sierra
 * simulator, the in-process broker and a real SMTP server (GreenMail). The expected recipients are
 * computed from the simulators' data, not from the pipeline's code.
 */
class LibibContactsIT {

    @TempDir
    Path reports;

    /** A real SMTP server per test. */
    @RegisterExtension
    final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    /** The Libib patron a Sierra patron is matched to: the first of their barcodes the directory has. */
    private static Optional<LibibSimulator.Patron> inDirectory(SimPatron patron, List<LibibSimulator.Patron> directory) {
        for (String barcode : patron.barcodes()) {
            Optional<LibibSimulator.Patron> found = directory.stream().filter(p -> barcode.equals(p.barcode())).findFirst();
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** (patron@location) to the addresses its notice goes to, per the README: notification addresses, else the email. */
    private static Map<String, Set<String>> expectedRecipients(HoldsDataSet data, List<LibibSimulator.Patron> directory) {
        Map<String, Set<String>> expected = new TreeMap<>();
        data.holds().filter(SimHold::isReady).forEach(h -> {
            Optional<SimPatron> patron = data.patron(h.patronId());
            if (patron.isEmpty() || patron.get().deleted() || List.of("a", "-").contains(patron.get().noticePreference())) {
                return;
            }
            inDirectory(patron.get(), directory).filter(p -> !p.frozen()).ifPresent(p -> expected.put(
                    h.patronId() + "@" + h.pickupLocationCode(), new TreeSet<>(p.notificationEmails() != null
                            ? Arrays.stream(p.notificationEmails().split(",")).map(String::strip).toList() : List.of(p.email()))));
        });
        return expected;
    }

    @Test
    void shouldAddressNoticesFromTheLibibDirectoryAndSkipFrozenAndUnknownPatrons() throws Exception {
        try (PipelineHarness h = PipelineHarness.create("libib-contacts", SierraSandboxSettings.builder().holds(4_000).seed(12).build(),
                reports).withNotices(smtp.getSmtp().getPort()).withLibib(20).set("holdshelf.notices.contacts", "libib")) {
            List<LibibSimulator.Patron> directory = h.libib().directory();
            Map<String, Set<String>> expected = expectedRecipients(h.data(), directory);
            Holdshelf app = h.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> app.wiring().healthNow().stream()
                    .anyMatch(c -> c.name().equals("libib") && c.detail().startsWith("last read complete")));
            long libibCalls = h.libib().calls();

            RunEvent run = app.harvestNow("libib");
            assertThat(app.awaitFollowUps(run, Duration.ofSeconds(120)).get("notices")).isPresent();

            Map<String, Set<String>> received = new TreeMap<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                Matcher id = NoticesIT.NOTICE_ID.matcher(m.getMessageID());
                assertThat(id.matches()).isTrue();
                String pair = id.group(3) + "@" + id.group(2);
                Set<String> to = new TreeSet<>();
                for (Address a : m.getRecipients(jakarta.mail.Message.RecipientType.TO)) {
                    to.add(a.toString());
                }
                // GreenMail delivers one copy per recipient: the same message, once per address
                assertThat(received.putIfAbsent(pair, to)).as("one message for %s", pair).isIn(null, to);
            }
            assertThat(received).as("one email per patron and location, to the directory's addresses").isEqualTo(expected);
            assertThat(expected.values()).as("the data set has patrons with several notification addresses")
                    .anyMatch(addresses -> addresses.size() > 1);

            List<NoticeEvent> audit = h.records("notices", EventTypes.NOTICE).stream()
                    .map(r -> Json.read(r.value(), NoticeEvent.class)).toList();
            assertThat(audit).filteredOn(n -> "SUPPRESSED".equals(n.outcome()) && n.reason().startsWith("frozen"))
                    .as("frozen Libib patrons are suppressed").isNotEmpty();
            assertThat(audit).filteredOn(n -> "NO_CONTACT".equals(n.outcome())
                    && n.reason().equals("patron barcode not in the Libib directory")).as("patrons Libib does not know").isNotEmpty();
            assertThat(audit).filteredOn(n -> "SENT".equals(n.outcome()))
                    .allSatisfy(n -> assertThat(n.destination()).matches("[a-z]\\*\\*\\*@patrons\\.example\\.org(, [a-z]\\*\\*\\*@patrons\\.example\\.org)*"));
            assertThat(h.libib().calls()).as("notices read the mirror, never Libib").isEqualTo(libibCalls);
        }
    }

    @Test
    void shouldHoldNoticesBackWhileTheDirectoryMirrorIsEmptyThenAddressThemAll() throws Exception {
        try (PipelineHarness h = PipelineHarness.create("libib-wait", SierraSandboxSettings.builder().holds(2_000).seed(13).build(),
                reports).withNotices(smtp.getSmtp().getPort()).withLibib(20).set("holdshelf.notices.contacts", "libib")
                .set("holdshelf.libib.max-attempts", "1")) {
            Map<String, Set<String>> expected = expectedRecipients(h.data(), h.libib().directory());
            h.libib().fail(1, 503, "application/json", "{\"error\": \"down for maintenance\"}", 1_000);
            Holdshelf app = h.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> app.wiring().healthNow().stream()
                    .anyMatch(c -> c.name().equals("libib") && c.detail().startsWith("last read incomplete")));

            RunEvent run = app.harvestNow("before the directory");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> smtp.getReceivedMessages().length == 0 && h.records("notices", EventTypes.NOTICE).isEmpty());

            h.libib().fail(1, 503, "application/json", "{}", 0);
            app.camel().createFluentProducerTemplate().to("direct:libib-mirror").withBody("test").request();
            assertThat(app.awaitFollowUps(run, Duration.ofSeconds(120)).get("notices")).isPresent();
            Set<String> sentTo = new TreeSet<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                for (Address a : m.getRecipients(jakarta.mail.Message.RecipientType.TO)) {
                    sentTo.add(a.toString());
                }
            }
            assertThat(sentTo).as("every patron the directory knows got their notice once it was read")
                    .isEqualTo(expected.values().stream().flatMap(Set::stream).collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
            assertThat(h.records("notices", EventTypes.NOTICE).stream().map(r -> Json.read(r.value(), NoticeEvent.class)))
                    .filteredOn(n -> "SENT".equals(n.outcome())).hasSize(expected.size());
        }
    }
}
