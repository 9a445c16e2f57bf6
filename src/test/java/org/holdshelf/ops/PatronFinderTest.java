package org.holdshelf.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the help desk types becomes patron ids, asking Sierra the forms a library may have stored. */
class PatronFinderTest {

    @Test
    void shouldTryAPhoneNumberInTheShapesLibrariesStoreThem() {
        assertThat(PatronFinder.candidates(PatronFinder.Kind.PHONE, " +1 (555) 123-4567 "))
                .containsExactly("+1 (555) 123-4567", "5551234567", "555-123-4567", "(555) 123-4567");
        assertThat(PatronFinder.candidates(PatronFinder.Kind.PHONE, "123-4567")).containsExactly("123-4567", "1234567");
    }

    @Test
    void shouldTryAnEmailAsTypedAndInLowerCase() {
        assertThat(PatronFinder.candidates(PatronFinder.Kind.EMAIL, " Ada.Okafor@Example.org"))
                .containsExactly("Ada.Okafor@Example.org", "ada.okafor@example.org");
    }

    @Test
    void shouldAskForABarcodeWithoutSpaces() {
        assertThat(PatronFinder.candidates(PatronFinder.Kind.BARCODE, "2 0000 0010 0004 2")).containsExactly("20000001000042");
        assertThat(PatronFinder.candidates(PatronFinder.Kind.BARCODE, "  ")).isEmpty();
    }

    @Test
    void shouldAskSierraOnTheRightFieldAndCollectEachPatronOnce() {
        List<String> asked = new ArrayList<>();
        Map<String, String> phones = Map.of("555-123-4567", "1000042", "5551234567", "1000042");
        PatronFinder finder = new PatronFinder((tag, content) -> {
            asked.add(tag + ":" + content);
            return Optional.ofNullable(tag.equals("t") ? phones.get(content) : null);
        });
        assertThat(finder.find(PatronFinder.Kind.PHONE, "(555) 123 4567")).containsExactly("1000042");
        assertThat(asked).allMatch(a -> a.startsWith("t:"));
        assertThat(finder.find(PatronFinder.Kind.BARCODE, "2000")).isEmpty();
        assertThat(asked).contains("b:2000");
    }

    @Test
    void shouldReadTheKindOfSearch() {
        assertThat(PatronFinder.Kind.of("Email")).contains(PatronFinder.Kind.EMAIL);
        assertThat(PatronFinder.Kind.of("fax")).isEmpty();
        assertThat(PatronFinder.Kind.of(null)).isEmpty();
    }
}
