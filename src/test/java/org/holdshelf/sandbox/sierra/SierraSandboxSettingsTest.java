package org.holdshelf.sandbox.sierra;

import java.time.LocalDate;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SierraSandboxSettingsTest {

    @Test
    void defaults() {
        SierraSandboxSettings settings = SierraSandboxSettings.defaults();

        assertThat(settings.holds()).isEqualTo(126_000);
        assertThat(settings.seed()).isEqualTo(42);
        assertThat(settings.tokenLifetimeSeconds()).isEqualTo(3600);
        assertThat(settings.clientKey()).isEqualTo("sandbox-key");
        assertThat(settings.clientSecret()).isEqualTo("sandbox-secret-123");
        assertThat(settings.port()).isZero();
        assertThat(settings.pageLatencyMs()).isZero();
        assertThat(settings.lookupLatencyMs()).isZero();
        assertThat(settings.totalMode()).isEqualTo(SierraSandboxSettings.TotalMode.SYSTEM);
        assertThat(settings.overlapAfterFirstPage()).isZero();
        assertThat(settings.faults().isEmpty()).isTrue();
        assertThat(settings.profile()).isEqualTo(HoldsDataSet.Profile.DEFAULT);
        assertThat(SierraSandboxSettings.fromProperties(Map.of())).isEqualTo(settings);
    }

    @Test
    void readsEveryKeyFromProperties() {
        Properties properties = new Properties();
        properties.setProperty("holdshelf.sandbox.sierra.port", "18080");
        properties.setProperty("holdshelf.sandbox.sierra.holds", "1000000");
        properties.setProperty("holdshelf.sandbox.sierra.seed", "7");
        properties.setProperty("holdshelf.sandbox.sierra.ready-share", "0.2");
        properties.setProperty("holdshelf.sandbox.sierra.in-transit-share", "0.03");
        properties.setProperty("holdshelf.sandbox.sierra.reference-date", "2027-02-01");
        properties.setProperty("holdshelf.sandbox.sierra.client-key", "key-1");
        properties.setProperty("holdshelf.sandbox.sierra.client-secret", "a-long-secret");
        properties.setProperty("holdshelf.sandbox.sierra.token-lifetime-seconds", "2");
        properties.setProperty("holdshelf.sandbox.sierra.page-latency-ms", "15");
        properties.setProperty("holdshelf.sandbox.sierra.lookup-latency-ms", "5");
        properties.setProperty("holdshelf.sandbox.sierra.total-mode", "page");
        properties.setProperty("holdshelf.sandbox.sierra.overlap-after-first-page", "3");
        properties.setProperty("holdshelf.sandbox.sierra.faults", "503@3x2,slow@4:3000ms");
        properties.setProperty("holdshelf.sierra.base-url", "ignored: not under the sandbox prefix");

        SierraSandboxSettings settings = SierraSandboxSettings.fromProperties(properties);

        assertThat(settings).isEqualTo(SierraSandboxSettings.builder()
                .port(18080).holds(1_000_000).seed(7)
                .profile(new HoldsDataSet.Profile(0.2, 0.03, LocalDate.of(2027, 2, 1)))
                .clientKey("key-1").clientSecret("a-long-secret").tokenLifetimeSeconds(2)
                .pageLatencyMs(15).lookupLatencyMs(5)
                .totalMode(SierraSandboxSettings.TotalMode.PAGE).overlapAfterFirstPage(3)
                .faults(FaultPlan.parse("503@3x2,slow@4:3000ms"))
                .build());
    }

    @Test
    void blankValueKeepsTheDefault() {
        SierraSandboxSettings settings = SierraSandboxSettings.fromProperties(Map.of(
                "holdshelf.sandbox.sierra.holds", " ", "holdshelf.sandbox.sierra.faults", ""));

        assertThat(settings).isEqualTo(SierraSandboxSettings.defaults());
    }

    @Test
    void unknownKeyIsAnErrorNamingIt() {
        assertThatThrownBy(() -> SierraSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sierra.hold", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdshelf.sandbox.sierra.hold")
                .hasMessageContaining("holds");
    }

    @Test
    void badValueIsAnErrorNamingTheKey() {
        assertThatThrownBy(() -> SierraSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sierra.seed", "forty-two")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdshelf.sandbox.sierra.seed");
        assertThatThrownBy(() -> SierraSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sierra.faults", "504@1")))
                .hasMessageContaining("holdshelf.sandbox.sierra.faults");
        assertThatThrownBy(() -> SierraSandboxSettings.builder().holds(HoldsDataSet.MAX_SIZE + 1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSecretIsNeverPrinted() {
        SierraSandboxSettings settings = SierraSandboxSettings.builder().clientSecret("do-not-print-me").build();

        assertThat(settings.toString()).doesNotContain("do-not-print-me");
        assertThatThrownBy(() -> SierraSandboxSettings.fromProperties(Map.of("holdshelf.sandbox.sierra.client-secret", "short")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("short");
    }

    @Test
    void toBuilderCopies() {
        SierraSandboxSettings settings = SierraSandboxSettings.builder().holds(10).overlapAfterFirstPage(2).build();

        assertThat(settings.toBuilder().build()).isEqualTo(settings);
        assertThat(settings.newDataSet().size()).isEqualTo(10);
    }
}
