package org.holdshelf.scanin;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.holdshelf.platform.config.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The holdshelf.alma.* settings: shipped defaults, required keys only when enabled, errors that name the key. */
class AlmaSettingsTest {

    @Test
    void shouldShipTheDocumentedDefaultsAndNeedNothingWhileDisabled() {
        AlmaSettings settings = AlmaSettings.from(AlmaTestConfig.config(Map.of()));

        assertThat(settings.enabled()).isFalse();
        assertThat(settings.baseUrl()).isNull();
        assertThat(settings.apiKey()).isNull();
        assertThat(settings.circDesk()).isEqualTo("DEFAULT_CIRC_DESK");
        assertThat(settings.callsPerSecond()).isEqualTo(25);
        assertThat(settings.dryRun()).isFalse();
        assertThat(settings.maxAttempts()).isEqualTo(3);
        assertThat(settings.remainingFloor()).isEqualTo(1000);
        assertThat(settings.concurrency()).isEqualTo(8);
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxThrottleRetries()).isEqualTo(10);
        assertThat(settings.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.groupId()).isEqualTo("holdshelf-scan-in");
        assertThat(settings.stateTopic()).isEqualTo("holdshelf.scanin.state");
        assertThat(settings.throttleRetry().maxAttempts()).isEqualTo(11);
    }

    @Test
    void shouldRequireTheConnectionWhenEnabledAndNameTheMissingKey() {
        assertThatThrownBy(() -> AlmaSettings.from(AlmaTestConfig.config(Map.of(AlmaSettings.ENABLED, "true"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Missing required setting holdshelf.alma.base-url (environment variable HOLDSHELF_ALMA_BASE_URL)");

        assertThatThrownBy(() -> AlmaSettings.from(AlmaTestConfig.config(Map.of(AlmaSettings.ENABLED, "true",
                AlmaSettings.BASE_URL, "https://api-na.hosted.exlibrisgroup.com/almaws/v1",
                AlmaSettings.LIBRARY, "MAIN"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holdshelf.alma.api-key");
    }

    @Test
    void shouldTrimATrailingSlashAndRejectANonHttpUrl() {
        AlmaSettings settings = AlmaTestConfig.settings("https://api-eu.hosted.exlibrisgroup.com/almaws/v1/", Map.of());
        assertThat(settings.baseUrl()).isEqualTo(URI.create("https://api-eu.hosted.exlibrisgroup.com/almaws/v1"));

        assertThatThrownBy(() -> AlmaTestConfig.settings("ftp://alma/almaws/v1", Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holdshelf.alma.base-url");
    }

    @Test
    void shouldRejectValuesOutOfRangeNamingTheKey() {
        assertThatThrownBy(() -> AlmaTestConfig.settings("https://alma/almaws/v1", Map.of(AlmaSettings.CALLS_PER_SECOND, "0")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Setting holdshelf.alma.calls-per-second is 0, expected 1..1000");
        assertThatThrownBy(() -> AlmaTestConfig.settings("https://alma/almaws/v1", Map.of(AlmaSettings.CONCURRENCY, "eight")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holdshelf.alma.concurrency");
        assertThatThrownBy(() -> AlmaTestConfig.settings("https://alma/almaws/v1", Map.of(AlmaSettings.MAX_BACKOFF, "10ms")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holdshelf.alma.max-backoff");
    }

    @Test
    void shouldNeverPrintTheApiKey() {
        AlmaSettings settings = AlmaTestConfig.settings("https://alma/almaws/v1",
                Map.of(AlmaSettings.API_KEY, "l7xx-very-secret-key"));

        assertThat(settings.apiKey()).isEqualTo("l7xx-very-secret-key");
        assertThat(settings.toString()).doesNotContain("l7xx-very-secret-key").contains("library=MAIN");
    }
}
