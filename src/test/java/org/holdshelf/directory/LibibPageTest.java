package org.holdshelf.directory;

import java.nio.charset.StandardCharsets;

import org.holdshelf.events.DirectoryPatron;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LibibPageTest {

    private static LibibPage parse(String json) {
        return LibibPage.parse(2, json.getBytes(StandardCharsets.UTF_8), "libib-1", "2026-11-30T10:00:00Z");
    }

    @Test
    void shouldReadLibibsFieldsAndPreferNotificationAddresses() {
        LibibPage page = parse("""
                {"total": 52, "pages": 2, "max_per_page": 50, "patrons": [
                  {"barcode": "2020000000013", "first_name": "Ana", "last_name": "Lopez", "email": "ana@example.org",
                   "notification_emails": "a1@example.org, a2@example.org,a3@example.org", "phone": "513-555-0100",
                   "freeze": null, "tags": null},
                  {"barcode": " 2020000000020 ", "first_name": "Bo", "last_name": null, "email": "bo@example.org",
                   "notification_emails": "", "phone": null, "freeze": 1}
                ]}""");

        assertThat(page.total()).isEqualTo(52);
        assertThat(page.last()).as("page 2 of 2").isTrue();
        assertThat(page.rejected()).isEmpty();
        DirectoryPatron ana = page.patrons().get(0);
        assertThat(ana.noticeAddresses()).containsExactly("a1@example.org", "a2@example.org", "a3@example.org");
        assertThat(ana.frozen()).isFalse();
        DirectoryPatron bo = page.patrons().get(1);
        assertThat(bo.barcode()).isEqualTo("2020000000020");
        assertThat(bo.lastName()).isNull();
        assertThat(bo.noticeAddresses()).as("no notification addresses: the email").containsExactly("bo@example.org");
        assertThat(bo.frozen()).isTrue();
        assertThat(bo.mirrorId()).isEqualTo("libib-1");
        assertThat(bo.toString()).as("no contact details in logs").doesNotContain("bo@example.org", "2020000000020");
    }

    @Test
    void shouldRejectAPatronWithoutABarcodeAndKeepTheOthers() {
        LibibPage page = parse("""
                {"total": 3, "pages": 1, "patrons": [
                  {"barcode": "1", "email": "x@example.org"}, {"barcode": "", "first_name": "Empty"}, "oops"]}""");

        assertThat(page.patrons()).extracting(DirectoryPatron::barcode).containsExactly("1");
        assertThat(page.rejected()).extracting(LibibPage.Rejected::reason)
                .containsExactly("patron 2 of page 2 has no barcode", "patron 3 of page 2 is not an object");
        assertThat(page.rejected().get(0).json()).contains("Empty");
    }

    @Test
    void shouldRefuseAnAnswerThatIsNotAPageNamingWhatItIs() {
        assertThatThrownBy(() -> parse("<html><body>502 Bad Gateway</body></html>"))
                .isInstanceOf(LibibAnswerException.class)
                .hasMessage("Libib page 2 is not JSON (starts with '<html><body>502 Bad Gateway</body></html...')");
        assertThatThrownBy(() -> parse("{\"total\": 10, \"pages\": 1}"))
                .isInstanceOf(LibibAnswerException.class).hasMessageStartingWith("Libib page 2 has no patrons array");
        assertThatThrownBy(() -> parse("[]"))
                .isInstanceOf(LibibAnswerException.class).hasMessageStartingWith("Libib page 2 is not a JSON object");
        assertThatThrownBy(() -> LibibPage.parse(1, new byte[0], "m", "t"))
                .isInstanceOf(LibibAnswerException.class).hasMessageContaining("empty body");
    }

    @Test
    void shouldTellTheLastPageWithoutAPageCountByAShortPage() {
        assertThat(parse("{\"patrons\": [{\"barcode\": \"1\"}]}").last()).isTrue();
        StringBuilder full = new StringBuilder("{\"patrons\": [");
        for (int i = 0; i < 50; i++) {
            full.append(i == 0 ? "" : ",").append("{\"barcode\": \"").append(i).append("\"}");
        }
        assertThat(parse(full.append("]}").toString()).last()).isFalse();
    }
}
