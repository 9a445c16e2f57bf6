package org.holdshelf.platform.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How settings are resolved: defaults, file, environment, system properties, and the errors operators see. */
class HoldshelfConfigTest {

    private static final Map<String, String> DEFAULTS = Map.of(
            "holdshelf.sierra.base-url", "",
            "holdshelf.sierra.client-secret", "",
            "holdshelf.sierra.page-size", "2000",
            "holdshelf.harvest.progress-interval", "10s",
            "holdshelf.timezone", "UTC");

    @TempDir
    Path dir;

    @Test
    void shouldLetEachSourceOverrideTheOneBelow() throws Exception {
        Path file = dir.resolve("site.properties");
        Files.writeString(file, "holdshelf.sierra.page-size=500\nholdshelf.timezone=Europe/Oslo\nholdshelf.sierra.base-url=https://file\n");

        HoldshelfConfig config = HoldshelfConfig.resolve(DEFAULTS, file,
                Map.of("HOLDSHELF_TIMEZONE", "America/New_York", "HOLDSHELF_SIERRA_BASE_URL", "https://env"),
                Map.of("holdshelf.sierra.base-url", "https://sysprop"));

        assertThat(config.intValue("holdshelf.sierra.page-size")).isEqualTo(500);
        assertThat(config.require("holdshelf.timezone")).isEqualTo("America/New_York");
        assertThat(config.require("holdshelf.sierra.base-url")).isEqualTo("https://sysprop");
        assertThat(config.duration("holdshelf.harvest.progress-interval")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldMapKeysToEnvironmentVariablesWithDotsAndDashesAsUnderscores() {
        assertThat(HoldshelfConfig.envName("holdshelf.sierra.client-secret")).isEqualTo("HOLDSHELF_SIERRA_CLIENT_SECRET");
        assertThat(HoldshelfConfig.envName("camel.component.kafka.brokers")).isEqualTo("CAMEL_COMPONENT_KAFKA_BROKERS");

        HoldshelfConfig config = HoldshelfConfig.resolve(DEFAULTS, null,
                Map.of("CAMEL_COMPONENT_KAFKA_BROKERS", "kafka-1:9092"), Map.of());
        assertThat(config.require("camel.component.kafka.brokers")).isEqualTo("kafka-1:9092");
    }

    @Test
    void shouldNameTheKeyAndItsVariableWhenARequiredValueIsMissing() {
        HoldshelfConfig config = HoldshelfConfig.resolve(DEFAULTS, null, Map.of(), Map.of());

        assertThatThrownBy(() -> config.require("holdshelf.sierra.base-url"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Missing required setting holdshelf.sierra.base-url (environment variable HOLDSHELF_SIERRA_BASE_URL)");
    }

    @Test
    void shouldNeverShowASecretValueEvenWhenItIsMalformed() {
        HoldshelfConfig config = HoldshelfConfig.resolve(DEFAULTS, null,
                Map.of("HOLDSHELF_SIERRA_CLIENT_SECRET", "hunter2-very-secret"), Map.of());

        assertThatThrownBy(() -> config.intValue("holdshelf.sierra.client-secret"))
                .hasMessageContaining("(hidden)")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldWarnAboutHoldshelfVariablesThatMatchNoSetting() {
        HoldshelfConfig config = HoldshelfConfig.resolve(DEFAULTS, null,
                Map.of("HOLDSHELF_SIERRA_BASEURL", "https://typo", "HOLDSHELF_TIMEZONE", "UTC"), Map.of());

        assertThat(config.warnings()).containsExactly(
                "Environment variable HOLDSHELF_SIERRA_BASEURL does not match any holdshelf setting and is ignored");
    }

    @Test
    void shouldExplainMalformedValues() {
        HoldshelfConfig config = HoldshelfConfig.resolve(DEFAULTS, null,
                Map.of("HOLDSHELF_TIMEZONE", "Mars/Olympus", "HOLDSHELF_SIERRA_PAGE_SIZE", "lots"), Map.of());

        assertThatThrownBy(() -> config.zone("holdshelf.timezone"))
                .hasMessage("Setting holdshelf.timezone (environment variable HOLDSHELF_TIMEZONE) is 'Mars/Olympus', "
                        + "expected a time-zone id such as America/New_York or UTC");
        assertThatThrownBy(() -> config.intValue("holdshelf.sierra.page-size")).hasMessageContaining("'lots'");
    }

    @Test
    void shouldShipDefaultsForEveryContractKey() {
        Map<String, String> defaults = HoldshelfConfig.classpathDefaults();
        assertThat(defaults).containsKeys(
                "camel.component.kafka.brokers",
                "holdshelf.sierra.base-url", "holdshelf.sierra.client-key", "holdshelf.sierra.client-secret",
                "holdshelf.harvest.cron", "holdshelf.timezone");
        assertThat(defaults.get("holdshelf.sierra.client-secret")).as("no secret is shipped").isEmpty();
    }

    @Test
    void shouldParseHumanDurations() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }
}
