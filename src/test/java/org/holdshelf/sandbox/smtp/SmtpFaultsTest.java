package org.holdshelf.sandbox.smtp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.holdshelf.sandbox.smtp.SmtpTestClient.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Each fault knob, set in code and from properties; no sleeps: windows are awaited. */
class SmtpFaultsTest {

    private static final String FROM = "holds@sandbox.example.org";

    private SmtpSimulator smtp;

    private SmtpSimulator start(SmtpSandboxSettings settings) {
        smtp = new SmtpSimulator(settings).start();
        return smtp;
    }

    @AfterEach
    void stop() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void recipientsMatchingThePatternAreRefusedPermanently() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("MAIL FROM:<" + FROM + ">").assertCode(250);
            Reply refused = client.command("RCPT TO:<patron42.REJECT@example.org>").assertCode(550);
            client.command("RCPT TO:<patron43@example.org>").assertCode(250);
            client.command("DATA").assertCode(354);
            client.sendData("Subject: one of two\n\nx").assertCode(250);

            assertThat(refused.text()).startsWith("5.1.1 <patron42.REJECT@example.org>");
            smtp.rejectRecipients("^bounce@");
            client.command("MAIL FROM:<" + FROM + ">").assertCode(250);
            client.command("RCPT TO:<bounce@example.org>").assertCode(550);
            client.command("RCPT TO:<patron42.reject@example.org>").assertCode(250);
            smtp.rejectRecipients(null);
            client.command("RCPT TO:<bounce@example.org>").assertCode(250);
        }

        assertThat(smtp.messages().get(0).recipients()).containsExactly("patron43@example.org");
        assertThat(smtp.stats().rejections(550)).isEqualTo(2);
    }

    @Test
    void theNextMessagesFailTemporarilyAndTheConnectionStaysUsable() {
        start(SmtpSandboxSettings.defaults());
        smtp.failNextMessages(2);
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            Reply first = client.send(FROM, List.of("patron1@example.org"), "Subject: 1\n\nx").assertCode(451);
            client.send(FROM, List.of("patron1@example.org"), "Subject: 2\n\nx").assertCode(451);
            client.send(FROM, List.of("patron1@example.org"), "Subject: 3\n\nx").assertCode(250);

            assertThat(first.text()).startsWith("4.3.0");
        }

        assertThat(smtp.messages()).extracting(m -> m.subject().orElseThrow()).containsExactly("3");
        assertThat(smtp.stats()).isEqualTo(new SmtpStats(1, 1, Map.of(451, 2L)));
    }

    @Test
    void theNextConnectionsAreGreeted421AndClosed() {
        start(SmtpSandboxSettings.defaults());
        smtp.refuseNextConnections(2);

        for (int i = 0; i < 2; i++) {
            try (SmtpTestClient refused = SmtpTestClient.connect(smtp)) {
                assertThat(refused.greeting().code()).isEqualTo(421);
                assertThat(refused.greeting().text()).startsWith("4.3.2");
                assertThat(refused.closedByServer()).isTrue();
            }
        }
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.send(FROM, List.of("patron1@example.org"), "Subject: through\n\nx").assertCode(250);
        }
        assertThat(smtp.stats().connectionsOpened()).isEqualTo(3);
        assertThat(smtp.stats().rejections(421)).isEqualTo(2);
    }

    @Test
    void anOutageRefusesNewConnectionsAndEndsOpenOnesUntilItIsOver() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient open = SmtpTestClient.ready(smtp)) {
            smtp.unavailableFor(Duration.ofMillis(500));

            try (SmtpTestClient during = SmtpTestClient.connect(smtp)) {
                during.greeting().assertCode(421);
            }
            open.command("MAIL FROM:<" + FROM + ">").assertCode(421);
            assertThat(open.closedByServer()).isTrue();
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            try (SmtpTestClient after = SmtpTestClient.connect(smtp)) {
                after.greeting().assertCode(220);
            }
        });
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.send(FROM, List.of("patron1@example.org"), "Subject: after the outage\n\nx").assertCode(250);
        }
    }

    @Test
    void aSuspendedServerDoesNotListenAndDropsOpenConnections() {
        start(SmtpSandboxSettings.defaults());
        int port = smtp.port();
        SmtpTestClient open = SmtpTestClient.ready(smtp);

        smtp.suspend();

        assertThat(smtp.isListening()).isFalse();
        assertThat(open.closedByServer()).isTrue();
        open.close();
        assertThatThrownBy(() -> SmtpTestClient.connect(port)).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(ConnectException.class);

        smtp.resume();

        assertThat(smtp.port()).isEqualTo(port);
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.send(FROM, List.of("patron1@example.org"), "Subject: back\n\nx").assertCode(250);
        }
    }

    @Test
    void latencyDelaysTheAnswerToDataOnly() {
        start(SmtpSandboxSettings.defaults());
        smtp.setLatency(Duration.ofMillis(300));
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("MAIL FROM:<" + FROM + ">").assertCode(250);
            client.command("RCPT TO:<patron1@example.org>").assertCode(250);
            Duration toStartData = client.timed(() -> client.command("DATA").assertCode(354));
            Duration toAccept = client.timed(() -> client.sendData("Subject: slow\n\nx").assertCode(250));

            assertThat(toAccept).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
            assertThat(toStartData).isLessThan(Duration.ofMillis(300));
        }
    }

    @Test
    void everyKnobCanComeFromProperties() throws IOException {
        start(SmtpSandboxSettings.fromProperties(Map.of(
                "holdshelf.sandbox.smtp.reject-pattern", "@blocked\\.example$",
                "holdshelf.sandbox.smtp.temp-fail-messages", "1",
                "holdshelf.sandbox.smtp.refuse-connections", "1",
                "holdshelf.sandbox.smtp.latency-ms", "200",
                "holdshelf.sandbox.smtp.outage-start-ms", "0",
                "holdshelf.sandbox.smtp.outage-ms", "300")));

        try (SmtpTestClient duringOutage = SmtpTestClient.connect(smtp)) {
            duringOutage.greeting().assertCode(421);
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            try (SmtpTestClient probe = SmtpTestClient.connect(smtp)) {
                probe.greeting().assertCode(220); // the first connection after the outage is refused too
            }
        });
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("MAIL FROM:<" + FROM + ">").assertCode(250);
            client.command("RCPT TO:<someone@blocked.example>").assertCode(550);
            client.command("RSET").assertCode(250);
            Duration failed = client.timed(() -> client.send(FROM, List.of("patron1@example.org"), "Subject: 1\n\nx").assertCode(451));
            client.send(FROM, List.of("patron1@example.org"), "Subject: 2\n\nx").assertCode(250);

            assertThat(failed).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
        assertThat(smtp.stats().rejections(421)).isGreaterThanOrEqualTo(2);
        assertThat(smtp.messages()).extracting(m -> m.subject().orElseThrow()).containsExactly("2");
    }
}
