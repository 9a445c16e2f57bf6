package org.holdshelf.sandbox.smtp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpSandboxSettingsTest {

    @Test
    void defaults() {
        SmtpSandboxSettings settings = SmtpSandboxSettings.defaults();

        assertThat(settings.port()).isZero();
        assertThat(settings.mailDir()).isNull();
        assertThat(settings.rejectPattern()).isEqualTo("reject");
        assertThat(settings.latency()).isZero();
        assertThat(settings.authRequired()).isFalse();
        assertThat(settings.username()).isEmpty();
        assertThat(settings.password()).isEmpty();
        assertThat(settings.maxMessageBytes()).isEqualTo(10_485_760);
        assertThat(settings.maxConnections()).isEqualTo(16);
        assertThat(settings.tempFailMessages()).isZero();
        assertThat(settings.refuseConnections()).isZero();
        assertThat(settings.outage()).isZero();
        assertThat(settings.compiledRejectPattern().matcher("patron1.REJECT@example.org").find()).isTrue();
        assertThat(SmtpSandboxSettings.fromProperties(Map.of())).isEqualTo(settings);
    }

    @Test
    void readsEveryKeyFromProperties() {
        Properties properties = new Properties();
        properties.setProperty("holdshelf.sandbox.smtp.enabled", "false");
        properties.setProperty("holdshelf.sandbox.smtp.port", "2525");
        properties.setProperty("holdshelf.sandbox.smtp.mail-dir", "target/sandbox-mail");
        properties.setProperty("holdshelf.sandbox.smtp.reject-pattern", "bounce");
        properties.setProperty("holdshelf.sandbox.smtp.latency-ms", "150");
        properties.setProperty("holdshelf.sandbox.smtp.username", "notices");
        properties.setProperty("holdshelf.sandbox.smtp.password", "s3cret-pw");
        properties.setProperty("holdshelf.sandbox.smtp.max-message-bytes", "2048");
        properties.setProperty("holdshelf.sandbox.smtp.max-connections", "4");
        properties.setProperty("holdshelf.sandbox.smtp.temp-fail-messages", "3");
        properties.setProperty("holdshelf.sandbox.smtp.refuse-connections", "2");
        properties.setProperty("holdshelf.sandbox.smtp.outage-start-ms", "1000");
        properties.setProperty("holdshelf.sandbox.smtp.outage-ms", "5000");
        properties.setProperty("holdshelf.notices.smtp.port", "ignored: not under the sandbox prefix");

        SmtpSandboxSettings settings = SmtpSandboxSettings.fromProperties(properties);

        assertThat(settings).isEqualTo(SmtpSandboxSettings.builder()
                .port(2525).mailDir(Path.of("target/sandbox-mail")).rejectPattern("bounce").latency(Duration.ofMillis(150))
                .credentials("notices", "s3cret-pw").maxMessageBytes(2048).maxConnections(4)
                .tempFailMessages(3).refuseConnections(2).outage(Duration.ofSeconds(1), Duration.ofSeconds(5))
                .build());
        assertThat(settings.authRequired()).isTrue();
        assertThat(settings.toString()).doesNotContain("s3cret").contains("password=****");
    }

    @Test
    void badValuesNameTheirKeyAndHideThePassword() {
        assertThatThrownBy(() -> SmtpSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.smtp.prot", "25")))
                .hasMessageContaining("holdshelf.sandbox.smtp.prot");
        assertThatThrownBy(() -> SmtpSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.smtp.latency-ms", "slow")))
                .hasMessageContaining("holdshelf.sandbox.smtp.latency-ms");
        assertThatThrownBy(() -> SmtpSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.smtp.reject-pattern", "(")))
                .hasMessageContaining("holdshelf.sandbox.smtp.reject-pattern");
        assertThatThrownBy(() -> SmtpSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.smtp.username", "notices")))
                .hasMessageContaining("must be set together");
        assertThatThrownBy(() -> SmtpSandboxSettings.builder().port(70_000).build())
                .hasMessageContaining("holdshelf.sandbox.smtp.port");
        assertThatThrownBy(() -> SmtpSandboxSettings.builder().maxConnections(0).build())
                .hasMessageContaining("max-connections");
        assertThatThrownBy(() -> SmtpSandboxSettings.builder().latency(Duration.ofMillis(-1)).build())
                .hasMessageContaining("latency-ms");
    }
}
