package org.holdshelf.sandbox.alma;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlmaSandboxSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        AlmaSandboxSettings settings = AlmaSandboxSettings.defaults();

        assertThat(settings.apiKey()).isEqualTo("sandbox-alma-key");
        assertThat(settings.callsPerSecond()).isEqualTo(25);
        assertThat(settings.dailyQuota()).isEqualTo(100_000);
        assertThat(settings.latency()).isEqualTo(Duration.ZERO);
        assertThat(settings.library()).isEqualTo("MAIN");
        assertThat(settings.libraryName()).isEqualTo("Main Library");
        assertThat(settings.holdShelfPercent()).isEqualTo(80);
        assertThat(AlmaSandboxSettings.fromMap(Map.of())).isEqualTo(settings);
    }

    @Test
    void readsEveryKeyFromProperties() {
        Properties properties = new Properties();
        properties.setProperty("holdshelf.sandbox.alma.api-key", "k1");
        properties.setProperty("holdshelf.sandbox.alma.calls-per-second", "50");
        properties.setProperty("holdshelf.sandbox.alma.daily-quota", "1234");
        properties.setProperty("holdshelf.sandbox.alma.latency-ms", "40");
        properties.setProperty("holdshelf.sandbox.alma.library", "BR2");
        properties.setProperty("holdshelf.sandbox.alma.library-name", "Branch Two");
        properties.setProperty("holdshelf.sandbox.alma.hold-shelf-percent", "100");
        properties.setProperty("holdshelf.sierra.base-url", "http://elsewhere");

        assertThat(AlmaSandboxSettings.fromProperties(properties)).isEqualTo(new AlmaSandboxSettings(
                "k1", 50, 1234, Duration.ofMillis(40), "BR2", "Branch Two", 100));
    }

    @Test
    void blankValuesMeanTheDefault() {
        assertThat(AlmaSandboxSettings.fromMap(Map.of(AlmaSandboxSettings.CALLS_PER_SECOND, " ")).callsPerSecond())
                .isEqualTo(25);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> AlmaSandboxSettings.fromMap(Map.of(AlmaSandboxSettings.DAILY_QUOTA, "lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdshelf.sandbox.alma.daily-quota");
        assertThatThrownBy(() -> AlmaSandboxSettings.builder().callsPerSecond(0).build())
                .hasMessageContaining("holdshelf.sandbox.alma.calls-per-second");
        assertThatThrownBy(() -> AlmaSandboxSettings.builder().holdShelfPercent(101).build())
                .hasMessageContaining("holdshelf.sandbox.alma.hold-shelf-percent");
        assertThatThrownBy(() -> AlmaSandboxSettings.builder().latency(Duration.ofMillis(-1)).build())
                .hasMessageContaining("holdshelf.sandbox.alma.latency-ms");
        assertThatThrownBy(() -> AlmaSandboxSettings.builder().apiKey(" ").build())
                .hasMessageContaining("holdshelf.sandbox.alma.api-key");
    }
}
