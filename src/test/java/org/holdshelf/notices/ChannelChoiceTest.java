package org.holdshelf.notices;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.sierra.SierraPatron;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The channel and address of a notice from Sierra's Notice Preference and the patron's addresses, or why none. */
class ChannelChoiceTest {

    private final ChannelChoice choice = new ChannelChoice(NoticesSettings.from(
            HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of())));

    private static Optional<SierraPatron> patron(String preference, List<String> emails) {
        return Optional.of(new SierraPatron("42", List.of("Okafor, Ada"), emails, List.of(), List.of("2000000042"), "eng",
                preference, false));
    }

    @Test
    void shouldEmailAPatronWhoPrefersEmailAtTheirFirstUsableAddress() {
        var d = choice.decide(patron("z", List.of("not an address", "ada@example.org, ada2@example.org")));
        assertThat(d.sends()).isTrue();
        assertThat(d.channel()).isEqualTo("email");
        assertThat(d.address()).isEqualTo("ada@example.org");
        assertThat(d.reason()).isNull();
    }

    @Test
    void shouldFallBackToEmailForAPatronWhoPrefersTextsWhichAreNotInUse() {
        var d = choice.decide(patron("p", List.of("ada@example.org")));
        assertThat(d.channel()).isEqualTo("email");
        assertThat(d.reason()).contains("prefers sms").contains("not in use");
    }

    @Test
    void shouldRecordEveryReasonANoticeCannotBeSent() {
        assertThat(choice.decide(patron("-", List.of("ada@example.org"))).outcome()).isEqualTo("SUPPRESSED");
        assertThat(choice.decide(patron("a", List.of("ada@example.org"))).reason()).contains("'a' means no notices");
        assertThat(choice.decide(patron("z", List.of()))).satisfies(d -> {
            assertThat(d.outcome()).isEqualTo("NO_CONTACT");
            assertThat(d.reason()).isEqualTo("no usable email address");
        });
        assertThat(choice.decide(patron("z", List.of("ada.example.org"))).reason()).isEqualTo("no usable email address (1 unusable)");
        assertThat(choice.decide(patron("t", List.of())).outcome()).isEqualTo("NO_CONTACT");
        assertThat(choice.decide(Optional.empty()).reason()).isEqualTo("patron record not found in Sierra");
        assertThat(choice.decide(Optional.of(new SierraPatron("7", List.of(), List.of(), List.of(), List.of(), null, null, true)))
                .reason()).isEqualTo("patron record is deleted in Sierra");
    }

    @Test
    void shouldEmailAPatronWithoutAPreferenceSayingSo() {
        var d = choice.decide(patron(null, List.of("ada@example.org")));
        assertThat(d.channel()).isEqualTo("email");
        assertThat(d.reason()).isEqualTo("notice preference not set; sent by email");
    }
}
