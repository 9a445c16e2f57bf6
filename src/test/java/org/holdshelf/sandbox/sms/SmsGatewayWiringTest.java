package org.holdshelf.sandbox.sms;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

import org.holdshelf.sandbox.Sandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --sandbox} starts the SMS gateway with the other simulators and points the notices' texts at it. */
class SmsGatewayWiringTest {

    private static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("holdshelf.sandbox.sierra.holds", "1000"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    @Test
    void theSandboxStartsTheGatewayAndPointsTheTextsAtIt() {
        SmsGatewayHttp http;
        int port;
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.notices.sms.from", " "))) {
            SmsGatewaySimulator sms = sandbox.sms().orElseThrow();
            String origin = "http://127.0.0.1:" + sms.port();

            assertThat(sandbox.configuration())
                    .containsEntry("holdshelf.notices.enabled", "true")
                    .containsEntry("holdshelf.notices.sms.provider", "webhook")
                    .containsEntry("holdshelf.notices.sms.webhook-url", origin + "/sms")
                    .containsEntry("holdshelf.notices.sms.webhook-token", "")
                    .containsEntry("holdshelf.notices.sms.base-url", origin)
                    .containsEntry("holdshelf.notices.sms.account-sid", "ACsandbox00000000000000000000000000")
                    .containsEntry("holdshelf.notices.sms.auth-token", "sandbox-token")
                    .containsEntry("holdshelf.notices.sms.from", "+15135550100")
                    .containsKey("holdshelf.notices.smtp.host");
            assertThat(sms.settings().optedOutPercent()).as("the sandbox's default share").isEqualTo(2);
            assertThat(sms.settings().landlinePercent()).isEqualTo(3);
            String mobile = IntStream.range(0, 100).mapToObj(i -> String.format("+1513555%04d", i))
                    .filter(n -> !sms.isOptedOut(n) && !sms.isLandline(n)).findFirst().orElseThrow();
            http = new SmsGatewayHttp(sms);
            assertThat(http.text(mobile, "Ready", "n-1").status()).isEqualTo(202);
            assertThat(sms.count()).isEqualTo(1);
            port = sms.port();
        }

        assertThatThrownBy(() -> http.post("http://127.0.0.1:" + port + "/sms", "application/json", "{}"))
                .as("closed with the sandbox").isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void configuredValuesAreKeptAndPassedOn() {
        try (Sandbox sandbox = Sandbox.start(settings(
                "holdshelf.notices.sms.from", "+15135550177",
                "holdshelf.notices.sms.provider", "twilio",
                "holdshelf.sandbox.sms.webhook-token", "hook-token",
                "holdshelf.sandbox.sms.account-sid", "AC0123456789abcdef0123456789abcdef",
                "holdshelf.sandbox.sms.auth-token", "tok",
                "holdshelf.sandbox.sms.opted-out-percent", "0",
                "holdshelf.sandbox.sms.landline-percent", "10"))) {

            assertThat(sandbox.configuration())
                    .doesNotContainKey("holdshelf.notices.sms.from")
                    .containsEntry("holdshelf.notices.sms.provider", "twilio")
                    .containsEntry("holdshelf.notices.sms.webhook-token", "hook-token")
                    .containsEntry("holdshelf.notices.sms.account-sid", "AC0123456789abcdef0123456789abcdef")
                    .containsEntry("holdshelf.notices.sms.auth-token", "tok");
            SmsSandboxSettings settings = sandbox.sms().orElseThrow().settings();
            assertThat(settings.optedOutPercent()).isZero();
            assertThat(settings.landlinePercent()).isEqualTo(10);
        }
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.notices.sms.provider", "webhook"))) {
            assertThat(sandbox.configuration()).containsEntry("holdshelf.notices.sms.provider", "webhook");
        }
    }

    @Test
    void aRelativeMessageDirIsInsideTheReportsDirectory(@TempDir Path reports, @TempDir Path elsewhere) {
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.reports.dir", reports.toString(),
                "holdshelf.sandbox.sms.message-dir", "sandbox-sms"))) {
            assertThat(sandbox.sms().orElseThrow().settings().messageDir()).isEqualTo(reports.resolve("sandbox-sms"));
            assertThat(reports.resolve("sandbox-sms")).isDirectory();
        }
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.reports.dir", reports.toString(),
                "holdshelf.sandbox.sms.message-dir", elsewhere.toString()))) {
            assertThat(sandbox.sms().orElseThrow().settings().messageDir()).isEqualTo(elsewhere);
        }
    }

    @Test
    void disabledTheSandboxHasNoGatewayAndLeavesTheTextsAlone() {
        try (Sandbox sandbox = Sandbox.start(settings("holdshelf.sandbox.sms.enabled", "false",
                "holdshelf.sandbox.sms.port", "not read when disabled"))) {

            assertThat(sandbox.sms()).isEmpty();
            assertThat(sandbox.configuration().keySet()).noneMatch(key -> key.startsWith("holdshelf.notices.sms."));
        }
    }

    @Test
    void aBadSmsSettingStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> Sandbox.start(settings("holdshelf.sandbox.sms.requests-per-second", "lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdshelf.sandbox.sms.requests-per-second");
        assertThatThrownBy(() -> Sandbox.start(settings("holdshelf.sandbox.sms.opted-out", "513-555-0100")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdshelf.sandbox.sms.opted-out");
    }
}
