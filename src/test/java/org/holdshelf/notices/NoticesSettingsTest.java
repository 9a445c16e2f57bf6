package org.holdshelf.notices;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The notices' settings that policies hang on: the send window, reminders, the SMS gateway. */
class NoticesSettingsTest {

    private static NoticesSettings settings(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(Map.of("holdshelf.notices.enabled", "true", "holdshelf.notices.from",
                "holds@example.org", "holdshelf.notices.smtp.host", "localhost", "holdshelf.timezone", "America/Chicago"));
        all.putAll(overrides);
        return NoticesSettings.from(HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of()).with(all));
    }

    private static ZonedDateTime chicago(String localDateTime) {
        return ZonedDateTime.parse(localDateTime + "-06:00[America/Chicago]");
    }

    @Test
    void shouldSendOnlyInsideTheWindowInTheLibrarysZone() {
        NoticesSettings.SendWindow window = settings(Map.of()).window();
        assertThat(window.zone()).isEqualTo(ZoneId.of("America/Chicago"));
        assertThat(window.contains(chicago("2026-12-01T08:59:59"))).isFalse();
        assertThat(window.contains(chicago("2026-12-01T09:00:00"))).isTrue();
        assertThat(window.contains(chicago("2026-12-01T19:59:59"))).isTrue();
        assertThat(window.contains(chicago("2026-12-01T20:00:00"))).isFalse();
        assertThat(window.contains(ZonedDateTime.parse("2026-12-01T16:00:00Z"))).as("10:00 in Chicago").isTrue();
        assertThat(window.nextOpening(chicago("2026-12-01T21:30:00"))).isEqualTo(chicago("2026-12-02T09:00:00"));
        assertThat(window.nextOpening(chicago("2026-12-01T06:00:00"))).isEqualTo(chicago("2026-12-01T09:00:00"));
    }

    @Test
    void shouldSpanMidnightAndAllowAnyTime() {
        NoticesSettings.SendWindow night = settings(Map.of("holdshelf.notices.send-window", "21:00-07:00")).window();
        assertThat(night.contains(chicago("2026-12-01T23:00:00"))).isTrue();
        assertThat(night.contains(chicago("2026-12-01T06:59:00"))).isTrue();
        assertThat(night.contains(chicago("2026-12-01T12:00:00"))).isFalse();
        assertThat(settings(Map.of("holdshelf.notices.send-window", "")).window()).isNull();
    }

    @Test
    void shouldNameTheKeyOfABadPolicyValue() {
        assertThatThrownBy(() -> settings(Map.of("holdshelf.notices.send-window", "9-20")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.notices.send-window");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.notices.send-window", "09:00-09:00")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.notices.send-window");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.notices.reminder-before", "-P1D")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.notices.reminder-before");
        assertThat(settings(Map.of("holdshelf.notices.reminder-before", "P1D")).reminderBefore()).isEqualTo(Duration.ofDays(1));
        assertThat(settings(Map.of()).reminderBefore()).as("off by default").isNull();
    }

    @Test
    void shouldConfigureTheSmsGatewayOnlyWhenTextsAreInUse() {
        assertThat(settings(Map.of()).sms()).isNull();
        NoticesSettings.Sms twilio = settings(Map.of("holdshelf.notices.channels", "email,sms", "holdshelf.notices.sms.provider",
                "twilio", "holdshelf.notices.sms.account-sid", "AC123", "holdshelf.notices.sms.auth-token", "tok3n",
                "holdshelf.notices.sms.from", "+15135550100")).sms();
        assertThat(twilio.endpoint()).isEqualTo("https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json");
        assertThat(twilio.toString()).doesNotContain("tok3n");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.notices.channels", "sms")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.notices.sms.webhook-url");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.notices.channels", "sms", "holdshelf.notices.sms.provider", "twilio",
                "holdshelf.notices.sms.account-sid", "AC1", "holdshelf.notices.sms.auth-token", "t")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.notices.sms.from");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.notices.channels", "email,fax")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("fax");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.notices.channels", "sms", "holdshelf.notices.sms.webhook-url",
                "http://gw/sms", "holdshelf.notices.sms.default-region", "XX")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("default-region");
    }
}
