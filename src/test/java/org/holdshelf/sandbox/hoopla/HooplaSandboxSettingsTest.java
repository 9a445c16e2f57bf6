package org.holdshelf.sandbox.hoopla;

import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HooplaSandboxSettingsTest {

    private static final String P = "holdshelf.sandbox.hoopla.";

    @Test
    void defaults() {
        HooplaSandboxSettings settings = HooplaSandboxSettings.defaults();

        assertThat(settings.port()).isZero();
        assertThat(settings.username()).isEqualTo("sandbox-hoopla-user");
        assertThat(settings.password()).isEqualTo("sandbox-hoopla-password");
        assertThat(settings.libraryId()).isEqualTo(7);
        assertThat(settings.tokenLifetimeSeconds()).as("the docs' example expires_in").isEqualTo(770_072);
        assertThat(settings.requestsPerMinute()).as("Hoopla's guideline").isEqualTo(100);
        assertThat(settings.latencyMs()).isEqualTo(40);
        assertThat(settings.jitterMs()).isEqualTo(10);
        assertThat(settings.seed()).isEqualTo(7);
        assertThat(settings.cardsWithHoldsPercent()).isEqualTo(15);
        assertThat(settings.reservedPercent()).isEqualTo(30);
        assertThat(settings.missingReserveUntilPercent()).isZero();
        assertThat(settings.noAccountPercent()).isZero();
        assertThat(settings.referenceTime()).as("now, when the directory is generated").isNull();
        assertThat(HooplaSandboxSettings.fromProperties(Map.of())).isEqualTo(settings);
        assertThat(HooplaSandboxSettings.fromProperties(Map.of(P + "latency-ms", " ", P + "reference-time", "", P + "enabled", "false")))
                .as("blank values keep the defaults; enabled is the Sandbox's").isEqualTo(settings);
    }

    @Test
    void readsEveryKeyFromProperties() {
        Properties properties = new Properties();
        properties.setProperty(P + "enabled", "true");
        properties.setProperty(P + "port", "8093");
        properties.setProperty(P + "username", "partner");
        properties.setProperty(P + "password", "pa55-s3cret");
        properties.setProperty(P + "library-id", "1234");
        properties.setProperty(P + "token-lifetime-seconds", "3600");
        properties.setProperty(P + "requests-per-minute", "20");
        properties.setProperty(P + "latency-ms", "150");
        properties.setProperty(P + "jitter-ms", "0");
        properties.setProperty(P + "seed", "99");
        properties.setProperty(P + "cards-with-holds-percent", "40");
        properties.setProperty(P + "reserved-percent", "50");
        properties.setProperty(P + "missing-reserve-until-percent", "5");
        properties.setProperty(P + "no-account-percent", "2");
        properties.setProperty(P + "reference-time", "2026-11-23T08:00:00Z");
        properties.setProperty("holdshelf.hoopla.base-url", "ignored: not under the sandbox prefix");

        HooplaSandboxSettings settings = HooplaSandboxSettings.fromProperties(properties);

        assertThat(settings).isEqualTo(HooplaSandboxSettings.builder()
                .port(8093).credentials("partner", "pa55-s3cret").libraryId(1234).tokenLifetimeSeconds(3600)
                .requestsPerMinute(20).latencyMs(150).jitterMs(0).seed(99).cardsWithHoldsPercent(40).reservedPercent(50)
                .missingReserveUntilPercent(5).noAccountPercent(2).referenceTime(Instant.parse("2026-11-23T08:00:00Z"))
                .build());
        assertThat(settings.toString()).doesNotContain("s3cret").contains("password=****").contains("username=partner");
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
        assertThat(HooplaSandboxSettings.fromProperties(Map.of(P + "reference-time", "2026-11-23")).referenceTime())
                .as("a date is its start, UTC").isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(HooplaSandboxSettings.fromProperties(Map.of(P + "requests-per-minute", "0")).requestsPerMinute())
                .as("0: unlimited").isZero();
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "request-per-minute", "90")))
                .hasMessageContaining(P + "request-per-minute").hasMessageContaining("requests-per-minute");
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "latency-ms", "slow")))
                .hasMessageContaining(P + "latency-ms").hasMessageContaining("'slow'");
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "jitter-ms", "-1")))
                .hasMessageContaining(P + "jitter-ms");
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "requests-per-minute", "-5")))
                .hasMessageContaining(P + "requests-per-minute");
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "token-lifetime-seconds", "0")))
                .hasMessageContaining(P + "token-lifetime-seconds");
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "library-id", "seven")))
                .hasMessageContaining(P + "library-id").hasMessageContaining("'seven'");
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "library-id", "0")))
                .hasMessageContaining(P + "library-id");
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "port", "70000")))
                .hasMessageContaining(P + "port");
        for (String key : new String[] {"cards-with-holds-percent", "reserved-percent", "missing-reserve-until-percent",
                "no-account-percent"}) {
            assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + key, "101"))).hasMessageContaining(P + key);
            assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + key, "ten"))).hasMessageContaining(P + key);
        }
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "reference-time", "2026-11-23 08:00")))
                .hasMessageContaining(P + "reference-time").hasMessageContaining("'2026-11-23 08:00'");
        assertThatThrownBy(() -> HooplaSandboxSettings.fromProperties(Map.of(P + "username", "a:b")))
                .hasMessageContaining(P + "username");
        assertThatThrownBy(() -> HooplaSandboxSettings.builder().credentials("user", " ").build())
                .hasMessageContaining(P + "password");
    }
}
