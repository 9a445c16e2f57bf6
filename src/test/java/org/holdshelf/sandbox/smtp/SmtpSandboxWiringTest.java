package org.holdshelf.sandbox.smtp;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.holdshelf.sandbox.Sandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --sandbox} starts the SMTP sink with the other simulators and points the notices at it. */
class SmtpSandboxWiringTest {

    private static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("holdshelf.sandbox.sierra.holds", "1000"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    @Test
    void theSandboxStartsTheSinkAndTurnsNoticesOnAgainstIt() {
        int port;
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.notices.from", " "))) {
            SmtpSimulator smtp = sandbox.smtp().orElseThrow();
            port = smtp.port();

            assertThat(sandbox.configuration())
                    .containsEntry("holdshelf.notices.enabled", "true")
                    .containsEntry("holdshelf.notices.smtp.host", "127.0.0.1")
                    .containsEntry("holdshelf.notices.smtp.port", Integer.toString(port))
                    .containsEntry("holdshelf.notices.smtp.username", "")
                    .containsEntry("holdshelf.notices.smtp.password", "")
                    .containsEntry("holdshelf.notices.smtp.starttls", "false")
                    .containsEntry("holdshelf.notices.from", "Holdshelf Sandbox Library <holds@sandbox.example.org>")
                    .containsKey("holdshelf.sierra.base-url");
            try (SmtpTestClient client = SmtpTestClient.ready(smtp)) {
                client.send("holds@sandbox.example.org", List.of("patron1@example.org"), "Subject: sandbox\n\nx").assertCode(250);
            }
            assertThat(smtp.count()).isEqualTo(1);
        }

        assertThatThrownBy(() -> SmtpTestClient.connect(port)).as("closed with the sandbox").isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void aConfiguredSenderIsKeptAndCredentialsArePassedOn() {
        try (Sandbox sandbox = Sandbox.start(settings(
                "holdshelf.notices.from", "Main Library <holds@library.example>",
                "holdshelf.sandbox.smtp.username", "notices",
                "holdshelf.sandbox.smtp.password", "s3cret-pw",
                "holdshelf.sandbox.smtp.reject-pattern", "bounce"))) {

            assertThat(sandbox.configuration())
                    .doesNotContainKey("holdshelf.notices.from")
                    .containsEntry("holdshelf.notices.smtp.username", "notices")
                    .containsEntry("holdshelf.notices.smtp.password", "s3cret-pw");
            SmtpSimulator smtp = sandbox.smtp().orElseThrow();
            assertThat(smtp.settings().rejectPattern()).isEqualTo("bounce");
            try (SmtpTestClient client = SmtpTestClient.connect(smtp)) {
                assertThat(client.command("EHLO client.test").lines()).contains("AUTH PLAIN LOGIN");
            }
        }
    }

    @Test
    void aRelativeMailDirIsInsideTheReportsDirectory(@TempDir Path reports, @TempDir Path elsewhere) {
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.reports.dir", reports.toString(),
                "holdshelf.sandbox.smtp.mail-dir", "sandbox-mail"))) {
            assertThat(sandbox.smtp().orElseThrow().settings().mailDir()).isEqualTo(reports.resolve("sandbox-mail"));
        }
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.reports.dir", reports.toString(),
                "holdshelf.sandbox.smtp.mail-dir", elsewhere.toString()))) {
            assertThat(sandbox.smtp().orElseThrow().settings().mailDir()).isEqualTo(elsewhere);
        }
    }

    @Test
    void disabledTheSandboxHasNoSinkAndLeavesNoticesAlone() {
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.sandbox.smtp.enabled", "false",
                "holdshelf.sandbox.smtp.port", "not read when disabled"))) {

            assertThat(sandbox.smtp()).isEmpty();
            assertThat(sandbox.configuration().keySet()).noneMatch(key -> key.startsWith("holdshelf.notices.smtp."))
                    .doesNotContain("holdshelf.notices.from");
        }
        // the SMS gateway turns notices on as well: off too, the notices are left alone
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.sandbox.smtp.enabled", "false",
                "holdshelf.sandbox.sms.enabled", "false"))) {

            assertThat(sandbox.configuration().keySet()).noneMatch(key -> key.startsWith("holdshelf.notices."));
        }
    }

    @Test
    void aBadSmtpSettingStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> Sandbox.start(settings("holdshelf.sandbox.smtp.max-connections", "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdshelf.sandbox.smtp.max-connections");
    }
}
