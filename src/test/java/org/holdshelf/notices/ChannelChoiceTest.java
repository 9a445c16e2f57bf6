package org.holdshelf.notices;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.events.EventTypes;
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

    /** A directory mirror of two Libib patrons, counting the lookups. */
    private static final class Mirror implements ChannelChoice.Directory {
        final Map<String, DirectoryPatron> patrons = new java.util.HashMap<>();
        int refreshes;

        Mirror add(String barcode, String email, List<String> notification, boolean frozen) {
            patrons.put(barcode, new DirectoryPatron(EventTypes.PATRON, 1, barcode, "Ada", "Okafor", email, notification, null,
                    frozen, "2026-11-30T05:30:00Z", "libib-1"));
            return this;
        }

        @Override
        public Optional<DirectoryPatron> find(String barcode) {
            return Optional.ofNullable(patrons.get(barcode));
        }

        @Override
        public void refresh() {
            refreshes++;
        }

        @Override
        public boolean read() {
            return !patrons.isEmpty();
        }
    }

    private static ChannelChoice libib(Mirror mirror, boolean notifyFrozen) {
        return new ChannelChoice(NoticesSettings.from(HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(),
                Map.of()).with(Map.of("holdshelf.notices.contacts", "libib", "holdshelf.libib.notify-frozen",
                String.valueOf(notifyFrozen)))), mirror, number -> Optional.empty());
    }

    private static Optional<SierraPatron> sierra(String preference, String... barcodes) {
        return Optional.of(new SierraPatron("42", List.of("Okafor, Ada"), List.of("sierra@example.org"), List.of(),
                List.of(barcodes), "eng", preference, false));
    }

    @Test
    void shouldAddressALibibContactAtEveryNotificationAddressOrElseTheirEmail() {
        Mirror mirror = new Mirror().add("2000000042", "ada@example.org", List.of("a1@example.org", "not one", "a2@example.org"), false)
                .add("2000000043", "bo@example.org", List.of(), false);
        ChannelChoice choice = libib(mirror, false);

        var notified = choice.decide(sierra("z", "2000000042"));
        assertThat(notified.channel()).isEqualTo("email");
        assertThat(notified.address()).as("every usable notification address, not Sierra's").isEqualTo("a1@example.org, a2@example.org");
        assertThat(choice.decide(sierra("z", "9999", "2000000043")).address()).as("a later barcode matches")
                .isEqualTo("bo@example.org");
        assertThat(choice.decide(sierra("p", "2000000043"))).satisfies(d -> {
            assertThat(d.address()).isEqualTo("bo@example.org");
            assertThat(d.reason()).contains("prefers sms");
        });
        choice.refresh();
        assertThat(mirror.refreshes).isEqualTo(1);
        assertThat(choice.notReady()).isNull();
        assertThat(libib(new Mirror(), false).notReady()).as("a mirror never read: notices wait").contains("has not read");
        assertThat(new ChannelChoice(NoticesSettings.from(HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null,
                Map.of(), Map.of()))).notReady()).as("contacts from Sierra").isNull();
    }

    @Test
    void shouldRecordWhyALibibContactGetsNoNotice() {
        Mirror mirror = new Mirror().add("2000000042", "ada@example.org", List.of(), true).add("2000000044", null, List.of(), false);
        assertThat(libib(mirror, false).decide(sierra("z", "2000000042"))).satisfies(d -> {
            assertThat(d.outcome()).isEqualTo("SUPPRESSED");
            assertThat(d.reason()).startsWith("frozen");
        });
        assertThat(libib(mirror, true).decide(sierra("z", "2000000042")).address()).as("notify-frozen")
                .isEqualTo("ada@example.org");
        assertThat(libib(mirror, false).decide(sierra("z", "7777"))).satisfies(d -> {
            assertThat(d.outcome()).isEqualTo("NO_CONTACT");
            assertThat(d.reason()).isEqualTo("patron barcode not in the Libib directory");
        });
        assertThat(libib(mirror, false).decide(sierra("z")).reason()).contains("no barcode in Sierra");
        assertThat(libib(mirror, false).decide(sierra("z", "2000000044")).reason())
                .isEqualTo("no usable email address in the Libib directory");
        assertThat(libib(mirror, false).decide(sierra("-", "2000000042")).outcome()).as("the Sierra preference still counts")
                .isEqualTo("SUPPRESSED");
    }

    // ---- texts ----------------------------------------------------------------------------------

    private static ChannelChoice withTexts(String channels, Map<String, String> optedOut) {
        return new ChannelChoice(NoticesSettings.from(HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(),
                Map.of()).with(Map.of("holdshelf.notices.enabled", "true", "holdshelf.notices.channels", channels,
                "holdshelf.notices.from", "holds@example.org", "holdshelf.notices.smtp.host", "localhost",
                "holdshelf.notices.sms.webhook-url", "http://localhost/sms"))), null,
                number -> Optional.ofNullable(optedOut.get(number)));
    }

    private static Optional<SierraPatron> withPhones(String preference, List<String> emails, SierraPatron.Phone... phones) {
        return Optional.of(new SierraPatron("42", List.of("Okafor, Ada"), emails, List.of(phones), List.of("2000000042"), "eng",
                preference, false));
    }

    @Test
    void shouldTextAPatronWhoPrefersTextsAtTheirMobileNumberInE164() {
        var d = withTexts("email,sms", Map.of()).decide(withPhones("p", List.of("ada@example.org"),
                new SierraPatron.Phone("513-555-0100", "t"), new SierraPatron.Phone("(513) 555-0142", "o")));
        assertThat(d.channel()).isEqualTo("sms");
        assertThat(d.address()).as("mobile (o) first, normalised").isEqualTo("+15135550142");
        assertThat(d.reason()).isNull();
    }

    @Test
    void shouldFallBackToTheOtherChannelInUseWhenThePreferredHasNoUsableAddress() {
        ChannelChoice both = withTexts("email,sms", Map.of());
        var noPhone = both.decide(withPhones("p", List.of("ada@example.org")));
        assertThat(noPhone.channel()).isEqualTo("email");
        assertThat(noPhone.reason()).contains("prefers sms").contains("no phone number").contains("sent by email");
        var badPhone = both.decide(withPhones("t", List.of("ada@example.org"), new SierraPatron.Phone("555", "t")));
        assertThat(badPhone.channel()).isEqualTo("email");
        assertThat(badPhone.reason()).contains("1 invalid");
        var noEmail = both.decide(withPhones("z", List.of("not an address"), new SierraPatron.Phone("5135550100", "t")));
        assertThat(noEmail.channel()).isEqualTo("sms");
        assertThat(noEmail.address()).isEqualTo("+15135550100");
        assertThat(noEmail.reason()).contains("prefers email").contains("no usable email address").contains("sent by text");
        var neither = both.decide(withPhones("p", List.of()));
        assertThat(neither.outcome()).isEqualTo("NO_CONTACT");
        assertThat(neither.reason()).isEqualTo("no usable email address and no phone number");
    }

    @Test
    void shouldTextOnlyWhenTextsAreTheOnlyChannelInUse() {
        ChannelChoice textsOnly = withTexts("sms", Map.of());
        assertThat(textsOnly.decide(withPhones("z", List.of("ada@example.org"), new SierraPatron.Phone("5135550100", "p")))
                .channel()).as("prefers email, which is not in use").isEqualTo("sms");
        var d = textsOnly.decide(withPhones("z", List.of("ada@example.org")));
        assertThat(d.outcome()).isEqualTo("NO_CONTACT");
        assertThat(d.reason()).contains("prefers email, which is not in use").contains("no phone number");
    }

    @Test
    void shouldNotTextANumberThatOptedOut() {
        var d = withTexts("email,sms", Map.of("+15135550142", "2026-11-30T10:00:00Z"))
                .decide(withPhones("p", List.of("ada@example.org"), new SierraPatron.Phone("513 555 0142", "o")));
        assertThat(d.sends()).isFalse();
        assertThat(d.outcome()).isEqualTo("OPTED_OUT");
        assertThat(d.reason()).contains("***-***-0142").doesNotContain("5550142");
    }
}
