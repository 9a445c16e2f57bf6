package org.holdshelf.sandbox.sms;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmsGatewaySettingsTest {

    @Test
    void defaults() {
        SmsSandboxSettings settings = SmsSandboxSettings.defaults();

        assertThat(settings.port()).isZero();
        assertThat(settings.latencyMs()).isEqualTo(20);
        assertThat(settings.jitterMs()).isEqualTo(5);
        assertThat(settings.seed()).isEqualTo(7);
        assertThat(settings.optedOut()).isEmpty();
        assertThat(settings.landlines()).isEmpty();
        assertThat(settings.optedOutPercent()).isZero();
        assertThat(settings.landlinePercent()).isZero();
        assertThat(settings.requestsPerSecond()).isZero();
        assertThat(settings.webhookToken()).isEmpty();
        assertThat(settings.webhookTokenRequired()).isFalse();
        assertThat(settings.accountSid()).isEqualTo("ACsandbox00000000000000000000000000");
        assertThat(settings.authToken()).isEqualTo("sandbox-token");
        assertThat(settings.messageDir()).isNull();
        assertThat(SmsSandboxSettings.fromProperties(Map.of())).isEqualTo(settings);
        assertThat(SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.latency-ms", " ", "holdshelf.sandbox.sms.opted-out", "")))
                .as("blank values keep the defaults").isEqualTo(settings);
    }

    @Test
    void readsEveryKeyFromProperties() {
        Properties properties = new Properties();
        properties.setProperty("holdshelf.sandbox.sms.enabled", "false");
        properties.setProperty("holdshelf.sandbox.sms.port", "8089");
        properties.setProperty("holdshelf.sandbox.sms.latency-ms", "150");
        properties.setProperty("holdshelf.sandbox.sms.jitter-ms", "30");
        properties.setProperty("holdshelf.sandbox.sms.seed", "99");
        properties.setProperty("holdshelf.sandbox.sms.opted-out", " +15135550111, +447700900123,,");
        properties.setProperty("holdshelf.sandbox.sms.landlines", "+15135550199");
        properties.setProperty("holdshelf.sandbox.sms.opted-out-percent", "2");
        properties.setProperty("holdshelf.sandbox.sms.landline-percent", "3");
        properties.setProperty("holdshelf.sandbox.sms.requests-per-second", "10");
        properties.setProperty("holdshelf.sandbox.sms.webhook-token", "hook-s3cret");
        properties.setProperty("holdshelf.sandbox.sms.account-sid", "AC0123456789abcdef0123456789abcdef");
        properties.setProperty("holdshelf.sandbox.sms.auth-token", "tok-s3cret");
        properties.setProperty("holdshelf.sandbox.sms.message-dir", "sandbox-sms");
        properties.setProperty("holdshelf.notices.sms.from", "ignored: not under the sandbox prefix");

        SmsSandboxSettings settings = SmsSandboxSettings.fromProperties(properties);

        assertThat(settings).isEqualTo(SmsSandboxSettings.builder()
                .port(8089).latencyMs(150).jitterMs(30).seed(99)
                .optedOut(List.of("+447700900123", "+15135550111")).landlines(Set.of("+15135550199"))
                .optedOutPercent(2).landlinePercent(3).requestsPerSecond(10).webhookToken("hook-s3cret")
                .credentials("AC0123456789abcdef0123456789abcdef", "tok-s3cret").messageDir(Path.of("sandbox-sms"))
                .build());
        assertThat(settings.webhookTokenRequired()).isTrue();
        assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("+1513").contains("webhookToken=****");
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
    }

    @Test
    void badValuesNameTheirKeyAndHideTheSecrets() {
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.lantency-ms", "5")))
                .hasMessageContaining("holdshelf.sandbox.sms.lantency-ms")
                .hasMessageContaining("latency-ms");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.latency-ms", "slow")))
                .hasMessageContaining("holdshelf.sandbox.sms.latency-ms").hasMessageContaining("'slow'");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.jitter-ms", "-1")))
                .hasMessageContaining("holdshelf.sandbox.sms.jitter-ms");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.opted-out", "+15135550111, 513-555-0112")))
                .hasMessageContaining("holdshelf.sandbox.sms.opted-out").hasMessageContaining("513-555-0112");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.landlines", "15135550199")))
                .hasMessageContaining("holdshelf.sandbox.sms.landlines");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.opted-out-percent", "two")))
                .hasMessageContaining("holdshelf.sandbox.sms.opted-out-percent");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of(
                "holdshelf.sandbox.sms.opted-out-percent", "60", "holdshelf.sandbox.sms.landline-percent", "50")))
                .hasMessageContaining("holdshelf.sandbox.sms.opted-out-percent")
                .hasMessageContaining("holdshelf.sandbox.sms.landline-percent");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.requests-per-second", "-5")))
                .hasMessageContaining("holdshelf.sandbox.sms.requests-per-second");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.port", "70000")))
                .hasMessageContaining("holdshelf.sandbox.sms.port");
        assertThatThrownBy(() -> SmsSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sms.seed", "0x7")))
                .hasMessageContaining("holdshelf.sandbox.sms.seed");
        assertThatThrownBy(() -> SmsSandboxSettings.builder().credentials("AC1", " ").build())
                .hasMessageContaining("holdshelf.sandbox.sms.auth-token");
        assertThatThrownBy(() -> SmsSandboxSettings.builder().optedOutPercent(101).build())
                .hasMessageContaining("opted-out-percent");
    }
}
