package org.holdshelf.notices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

import org.holdshelf.platform.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped templates, rendered with values that must stay text, and the start-up checks of broken ones. */
class NoticeTemplatesTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @TempDir
    Path dir;

    private static NoticeTemplates shipped() {
        return new NoticeTemplates(Path.of("templates"), List.of("en", "es"), NEW_YORK, "Cityville Library");
    }

    @Test
    void shouldEscapeTitlesInTheHtmlAndKeepThemAsTheyAreInTheText() {
        NoticeTemplates templates = shipped();
        var model = templates.model("en", "O'Brien, Ada <b>M</b>", "Main & \"Annex\"", List.of(
                new NoticeTemplates.HoldLine("<script>alert(1)</script>", "2026-12-02T05:00:00Z"),
                new NoticeTemplates.HoldLine("Bücher & Co", "2026-12-03T17:00:00Z"),
                new NoticeTemplates.HoldLine(null, "2026-12-03T17:00:00Z")), "run-mo-42");

        NoticeTemplates.Email email = templates.email("en", model);

        assertThat(email.subject()).isEqualTo("3 holds are ready at Main & \"Annex\"");
        assertThat(email.html()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>")
                .contains("Bücher &amp; Co").contains("Main &amp; &quot;Annex&quot;").contains("Hello Ada,");
        assertThat(email.text()).contains("- <script>alert(1)</script> (pick up by December 2, 2026)")
                .contains("- Bücher & Co (pick up by December 3, 2026)").contains("- An item you requested")
                .contains("Notice run-mo-42").contains("Cityville Library");
    }

    @Test
    void shouldWriteSpanishNoticesWithSpanishDates() {
        NoticeTemplates templates = shipped();
        NoticeTemplates.Email email = templates.email("es", templates.model("es", "García, Lucía", "Biblioteca Niño",
                List.of(new NoticeTemplates.HoldLine("Cien años de soledad", "2026-12-02T17:00:00Z")), "n1"));

        assertThat(email.subject()).isEqualTo("Su reserva está lista en Biblioteca Niño");
        assertThat(email.text()).startsWith("Hola Lucía:").contains("recoger antes del 2 de diciembre de 2026");
    }

    @Test
    void shouldKeepTheSubjectOnOneLine() throws Exception {
        writeTemplates("en", "Ready at\n{{locationName}}\r\nBcc: everyone@example.org", "t", "h");
        NoticeTemplates templates = new NoticeTemplates(dir, List.of("en"), NEW_YORK, "L");
        NoticeTemplates.Email email = templates.email("en", templates.model("en", "A, B", "Main\nBcc: x@example.org",
                List.of(), "n"));
        assertThat(email.subject()).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void shouldRefuseToStartWithAMissingOrBrokenTemplateNamingTheFile() throws Exception {
        writeTemplates("en", "s", "t", "h");
        assertThatThrownBy(() -> new NoticeTemplates(dir, List.of("en", "fr"), NEW_YORK, "L"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(dir.resolve("email/fr/subject.mustache").toString()).hasMessageContaining("missing");

        Files.writeString(dir.resolve("email/en/html.mustache"), "<p>{{#holds}}{{title}}</p>");
        assertThatThrownBy(() -> new NoticeTemplates(dir, List.of("en"), NEW_YORK, "L"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(dir.resolve("email/en/html.mustache").toString()).hasMessageContaining("broken");
    }

    @Test
    void shouldTakeTheFirstNameFromSierrasLastCommaFirstForm() {
        assertThat(NoticeTemplates.firstName("Okafor, Ada M")).isEqualTo("Ada");
        assertThat(NoticeTemplates.firstName("Prince")).isEqualTo("Prince");
        assertThat(NoticeTemplates.firstName("Smith,")).isEqualTo("Smith");
        assertThat(NoticeTemplates.firstName(null)).isEmpty();
    }

    private void writeTemplates(String language, String subject, String text, String html) throws Exception {
        Path d = Files.createDirectories(dir.resolve("email").resolve(language));
        Files.writeString(d.resolve("subject.mustache"), subject);
        Files.writeString(d.resolve("text.mustache"), text);
        Files.writeString(d.resolve("html.mustache"), html);
    }
}
