package org.holdshelf.sandbox.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.holdshelf.sandbox.smtp.SmtpTestClient.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RFC 5321 subset, over a raw socket. */
class SmtpProtocolTest {

    private static final String NOTICE = """
            From: Holdshelf Sandbox Library <holds@sandbox.example.org>
            To: patron1@example.org
            Subject: =?UTF-8?Q?Tu_reserva_est=C3=A1?= =?UTF-8?Q?_lista?=
            Message-ID: <notice-0001@holdshelf.example.org>
            Auto-Submitted: auto-generated
            X-Long: first part
             continued on a folded line

            Hola,
            your holds are ready.""";

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
    void greetingAndEhloAdvertiseTheExtensions() {
        start(SmtpSandboxSettings.builder().maxMessageBytes(123_456).build());
        try (SmtpTestClient client = SmtpTestClient.connect(smtp)) {
            assertThat(client.greeting().code()).isEqualTo(220);
            assertThat(client.greeting().text()).startsWith("127.0.0.1 ESMTP");

            Reply ehlo = client.command("EHLO client.test").assertCode(250);
            Reply helo = client.command("HELO client.test").assertCode(250);

            assertThat(ehlo.lines()).containsExactly("127.0.0.1", "SIZE 123456", "8BITMIME", "ENHANCEDSTATUSCODES");
            assertThat(ehlo.text()).doesNotContain("PIPELINING", "STARTTLS", "AUTH");
            assertThat(helo.lines()).hasSize(1);
            client.command("EHLO").assertCode(501);
            client.command("NOOP").assertCode(250);
            client.command("QUIT").assertCode(221);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aMessageIsKeptWithItsEnvelopeBytesAndHeaders() {
        start(SmtpSandboxSettings.defaults());
        Instant before = Instant.now();
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            Reply queued = client.send("holds@sandbox.example.org", List.of("patron1@example.org", "patron1.alt@example.net"), NOTICE);

            queued.assertCode(250);
            assertThat(queued.text()).startsWith("2.0.0 Ok: queued as ");
        }

        assertThat(smtp.count()).isEqualTo(1);
        SmtpMessage message = smtp.messages().get(0);
        assertThat(message.sequence()).isEqualTo(1);
        assertThat(message.envelopeFrom()).isEqualTo("holds@sandbox.example.org");
        assertThat(message.recipients()).containsExactly("patron1@example.org", "patron1.alt@example.net");
        assertThat(message.raw()).isEqualTo((NOTICE.replace("\n", "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(message.size()).isEqualTo(message.raw().length);
        assertThat(message.received()).isBetween(before, Instant.now());
        assertThat(message.subject()).hasValue("Tu reserva está lista");
        assertThat(message.messageId()).hasValue("<notice-0001@holdshelf.example.org>");
        assertThat(message.header("auto-submitted")).hasValue("auto-generated");
        assertThat(message.header("X-Long")).hasValue("first part continued on a folded line");
        assertThat(message.header("Reply-To")).isEmpty();
        assertThat(message.headerNames()).containsExactly("From", "To", "Subject", "Message-ID", "Auto-Submitted", "X-Long");
        assertThat(message.bodyText()).isEqualTo("Hola,\r\nyour holds are ready.\r\n");
        assertThat(message.toString()).doesNotContain("patron1");
        assertThat(smtp.stats()).isEqualTo(new SmtpStats(1, 1, Map.of()));
    }

    @Test
    void dotStuffingIsUndone() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("MAIL FROM:<a@example.org>").assertCode(250);
            client.command("RCPT TO:<b@example.org>").assertCode(250);
            client.command("DATA").assertCode(354);
            // as a client sends them: every line starting with a dot gets one more
            client.write("Subject: dots\r\n\r\n..\r\n..hidden\r\n...two\r\nend.\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            client.read().assertCode(250);
        }

        assertThat(smtp.messages().get(0).bodyText()).isEqualTo(".\r\n.hidden\r\n..two\r\nend.\r\n");
    }

    @Test
    void manyMessagesTravelOnOneConnection() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            for (int i = 1; i <= 25; i++) {
                client.send("holds@sandbox.example.org", List.of("patron" + i + "@example.org"),
                        "Subject: notice " + i + "\n\nbody " + i).assertCode(250);
            }
            client.command("QUIT").assertCode(221);
        }

        assertThat(smtp.messages()).extracting(m -> m.subject().orElseThrow())
                .containsExactlyElementsOf(Stream.iterate(1, i -> i + 1).limit(25).map(i -> "notice " + i).toList());
        assertThat(smtp.messages()).extracting(SmtpMessage::sequence).isSorted();
        assertThat(smtp.stats().connectionsOpened()).isEqualTo(1);
        assertThat(smtp.stats().messagesAccepted()).isEqualTo(25);
    }

    @Test
    void rsetAbandonsTheTransaction() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("MAIL FROM:<a@example.org>").assertCode(250);
            client.command("RCPT TO:<b@example.org>").assertCode(250);
            client.command("RSET").assertCode(250);
            client.command("DATA").assertCode(503);
            client.command("RSET now").assertCode(501);

            client.send("c@example.org", List.of("d@example.org"), "Subject: after reset\n\nx").assertCode(250);
        }

        assertThat(smtp.messages()).singleElement().satisfies(m -> {
            assertThat(m.envelopeFrom()).isEqualTo("c@example.org");
            assertThat(m.recipients()).containsExactly("d@example.org");
        });
    }

    @Test
    void commandsOutOfSequenceAre503() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient client = SmtpTestClient.connect(smtp)) {
            client.command("MAIL FROM:<a@example.org>").assertCode(503);
            client.command("EHLO client.test").assertCode(250);
            client.command("RCPT TO:<b@example.org>").assertCode(503);
            client.command("DATA").assertCode(503);
            client.command("MAIL FROM:<a@example.org>").assertCode(250);
            client.command("MAIL FROM:<a@example.org>").assertCode(503);
            client.command("DATA").assertCode(503);
            client.command("RCPT TO:<b@example.org>").assertCode(250);
            client.command("DATA").assertCode(354);
            client.sendData("Subject: finally\n\nx").assertCode(250);
        }

        assertThat(smtp.stats().rejections(503)).isEqualTo(5);
    }

    @Test
    void unknownCommandsBadSyntaxAndUnimplementedCommands() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("FOO bar").assertCode(500);
            client.command("").assertCode(500);
            client.command("VRFY someone").assertCode(502);
            client.command("STARTTLS").assertCode(502);
            client.command("AUTH PLAIN AHUAcA==").assertCode(502);
            client.command("MAIL FROM:a@example.org").assertCode(501);
            client.command("MAIL FROM:<not an address>").assertCode(501);
            client.command("MAIL FROM:<a@example.org> SMTPUTF8").assertCode(555);
            client.command("MAIL FROM:<> BODY=8BITMIME").assertCode(250);
            client.command("RCPT TO:<patron123example.org>").assertCode(501);
            client.command("RCPT TO:<patron123@@example.org>").assertCode(501);
            client.command("RCPT TO:<a@example.org, b@example.org>").assertCode(501);
            client.command("RCPT TO: <patron123@example.org>").assertCode(250);
            client.command("DATA now").assertCode(501);
            client.command("DATA").assertCode(354);
            client.sendData("Subject: bounce\n\nx").assertCode(250);
        }

        assertThat(smtp.messages().get(0).envelopeFrom()).as("the null reverse path").isEmpty();
        assertThat(smtp.stats().rejections()).containsEntry(500, 2L).containsEntry(502, 3L).containsEntry(501, 6L)
                .containsEntry(555, 1L);
    }

    @Test
    void messagesOverTheSizeLimitAre552() {
        start(SmtpSandboxSettings.builder().maxMessageBytes(1_000).build());
        String big = "Subject: big\n\n" + "x".repeat(900) + "\n" + "y".repeat(200);
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("MAIL FROM:<a@example.org> SIZE=1001").assertCode(552);
            client.command("MAIL FROM:<a@example.org> SIZE=1000").assertCode(250);
            client.command("RCPT TO:<b@example.org>").assertCode(250);
            client.command("DATA").assertCode(354);
            Reply tooBig = client.sendData(big).assertCode(552);
            assertThat(tooBig.text()).startsWith("5.3.4");

            client.send("a@example.org", List.of("b@example.org"), "Subject: small\n\nfits").assertCode(250);
        }

        assertThat(smtp.messages()).extracting(m -> m.subject().orElseThrow()).containsExactly("small");
        assertThat(smtp.stats().rejections(552)).isEqualTo(2);
    }

    @Test
    void linesLongerThanRfc5321AllowsAre500AndTheDialogueGoesOn() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("NOOP " + "x".repeat(600)).assertCode(500);
            client.command("NOOP " + "x".repeat(505)).assertCode(250); // 510 octets and CRLF: the limit
            client.command("MAIL FROM:<a@example.org>").assertCode(250);
            client.command("RCPT TO:<b@example.org>").assertCode(250);
            client.command("DATA").assertCode(354);
            client.sendData("Subject: long\n\n" + "z".repeat(999)).assertCode(500);
            client.send("a@example.org", List.of("b@example.org"), "Subject: ok\n\n" + "z".repeat(998)).assertCode(250);
        }

        assertThat(smtp.messages()).extracting(m -> m.subject().orElseThrow()).containsExactly("ok");
    }

    @Test
    void severalConnectionsAreServedAtOnce() {
        start(SmtpSandboxSettings.defaults());
        List<SmtpTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(SmtpTestClient.ready(smtp)); // each greeted while the others stay open
            }
            for (int i = 0; i < 4; i++) {
                clients.get(i).command("MAIL FROM:<a@example.org>").assertCode(250);
            }
            for (int i = 3; i >= 0; i--) {
                clients.get(i).command("RCPT TO:<patron" + i + "@example.org>").assertCode(250);
                clients.get(i).command("DATA").assertCode(354);
                clients.get(i).sendData("Subject: from connection " + i + "\n\nx").assertCode(250);
            }
        } finally {
            clients.forEach(SmtpTestClient::close);
        }

        assertThat(smtp.messages()).extracting(m -> m.subject().orElseThrow())
                .containsExactly("from connection 3", "from connection 2", "from connection 1", "from connection 0");
        assertThat(smtp.stats().connectionsOpened()).isEqualTo(4);
    }

    @Test
    void oneConnectionMoreThanTheLimitIsGreeted421() {
        start(SmtpSandboxSettings.builder().maxConnections(2).build());
        try (SmtpTestClient first = SmtpTestClient.ready(smtp);
             SmtpTestClient second = SmtpTestClient.ready(smtp);
             SmtpTestClient third = SmtpTestClient.connect(smtp)) {
            third.greeting().assertCode(421);
            assertThat(third.closedByServer()).isTrue();
            first.command("NOOP").assertCode(250);
            second.command("NOOP").assertCode(250);
        }
    }

    @Test
    void authPlainAndLoginWhenCredentialsAreConfigured() {
        start(SmtpSandboxSettings.builder().credentials("notices", "s3cret-pw").build());
        try (SmtpTestClient client = SmtpTestClient.connect(smtp)) {
            client.command("AUTH PLAIN " + base64("\0notices\0s3cret-pw")).assertCode(503); // EHLO first
            assertThat(client.command("EHLO client.test").assertCode(250).lines()).contains("AUTH PLAIN LOGIN");
            client.command("MAIL FROM:<a@example.org>").assertCode(530);
            client.command("AUTH PLAIN " + base64("\0notices\0wrong")).assertCode(535);
            client.command("AUTH PLAIN not-base64!").assertCode(501);
            client.command("AUTH CRAM-MD5").assertCode(504);
            client.command("AUTH PLAIN").assertCode(334);
            client.command("*").assertCode(501);
            client.command("AUTH PLAIN").assertCode(334);
            client.command(base64("\0notices\0s3cret-pw")).assertCode(235);
            client.command("AUTH PLAIN " + base64("\0notices\0s3cret-pw")).assertCode(503);
            client.send("a@example.org", List.of("b@example.org"), "Subject: authenticated\n\nx").assertCode(250);
        }
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            assertThat(client.command("AUTH LOGIN").assertCode(334).text()).isEqualTo("VXNlcm5hbWU6");
            assertThat(client.command(base64("notices")).assertCode(334).text()).isEqualTo("UGFzc3dvcmQ6");
            client.command(base64("s3cret-pw")).assertCode(235);
        }
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.command("AUTH LOGIN " + base64("notices")).assertCode(334);
            client.command(base64("nope")).assertCode(535);
        }

        assertThat(smtp.count()).isEqualTo(1);
        assertThat(smtp.settings().toString()).doesNotContain("s3cret");
    }

    @Test
    void clearForgetsMessagesButNotTheStats() {
        start(SmtpSandboxSettings.defaults());
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.send("a@example.org", List.of("b@example.org"), "Subject: one\n\nx").assertCode(250);
            List<SmtpMessage> snapshot = smtp.messages();

            smtp.clear();

            assertThat(smtp.count()).isZero();
            assertThat(snapshot).hasSize(1);
            client.send("a@example.org", List.of("b@example.org"), "Subject: two\n\nx").assertCode(250);
        }
        assertThat(smtp.messages()).singleElement().satisfies(m -> assertThat(m.sequence()).isEqualTo(2));
        assertThat(smtp.stats().messagesAccepted()).isEqualTo(2);
        smtp.resetStats();
        assertThat(smtp.stats()).isEqualTo(new SmtpStats(0, 0, Map.of()));
    }

    @Test
    void messagesNotKeptAreStillAcceptedCountedAndWritten(@TempDir Path dir) throws IOException {
        start(SmtpSandboxSettings.builder().mailDir(dir).build());
        smtp.keepMessages(false);
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            client.send("a@example.org", List.of("b@example.org"), "Subject: one\n\nx").assertCode(250);
        }
        assertThat(smtp.count()).isZero();
        assertThat(smtp.stats().messagesAccepted()).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void messagesAreWrittenAsEmlFilesThatSortByArrival(@TempDir Path dir) throws IOException {
        Path mailDir = dir.resolve("mail");
        start(SmtpSandboxSettings.builder().mailDir(mailDir).build());
        try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
            for (int i = 1; i <= 12; i++) {
                client.send("holds@sandbox.example.org", List.of("patron" + i + "@example.org"), "Subject: notice " + i + "\n\nbody")
                        .assertCode(250);
            }
        }

        List<Path> files;
        try (Stream<Path> listing = Files.list(mailDir)) {
            files = listing.sorted().toList();
        }
        assertThat(files).hasSize(12).allSatisfy(file -> assertThat(file.getFileName().toString())
                .matches("\\d{8}T\\d{6}\\.\\d{3}Z-\\d{6}\\.eml"));
        for (int i = 0; i < files.size(); i++) {
            String eml = Files.readString(files.get(i));
            assertThat(eml).startsWith("Return-Path: <holds@sandbox.example.org>\r\nDelivered-To: patron" + (i + 1) + "@example.org\r\n")
                    .endsWith(smtp.messages().get(i).rawText());
        }
    }

    @Test
    void aPortInUseFailsTheStartNamingItAndLeavesNothingHalfStarted() {
        start(SmtpSandboxSettings.defaults());
        SmtpSimulator second = new SmtpSimulator(SmtpSandboxSettings.defaults());

        assertThatThrownBy(() -> second.start(smtp.port())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("port " + smtp.port());

        second.start(0).close();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
