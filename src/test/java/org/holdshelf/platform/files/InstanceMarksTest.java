package org.holdshelf.platform.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.holdshelf.events.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceMarksTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path reports;

    @Test
    void shouldLeaveAMarkUnderASafeNameThatNamesItsInstance() throws Exception {
        InstanceMarks marks = new InstanceMarks(reports, "host-1/4242", CLOCK);
        marks.write();

        Path mark = reports.resolve(".instances").resolve("host%2D1%2F4242.json");
        assertThat(mark).exists();
        InstanceMarks.Mark m = Json.read(Files.readAllBytes(mark), InstanceMarks.Mark.class);
        assertThat(m.instance()).isEqualTo("host-1/4242");
        assertThat(m.startedAt()).isEqualTo("2026-12-01T08:00:00Z");
        assertThat(m.host()).isNotBlank();
        assertThat(marks.folder()).isEqualTo(reports.toAbsolutePath().resolve(".instances"));
    }

    @Test
    void shouldSeeEveryInstanceSharingTheDirectory() {
        InstanceMarks a = new InstanceMarks(reports, "a", CLOCK);
        InstanceMarks b = new InstanceMarks(reports, "b", CLOCK);
        assertThat(a.instances()).as("no mark yet, no folder yet").isEmpty();

        a.write();
        b.write();

        assertThat(a.instances()).containsExactly("a", "b");
        assertThat(b.instances()).containsExactly("a", "b");
    }

    @Test
    void shouldRemoveItsMarkAndRestoreItWhenGone() {
        InstanceMarks a = new InstanceMarks(reports, "a", CLOCK);
        InstanceMarks b = new InstanceMarks(reports, "b", CLOCK);
        a.write();
        b.write();

        b.remove();
        assertThat(a.instances()).containsExactly("a");

        assertThat(a.restore()).isFalse();
        AtomicFiles.deleteQuietly(a.folder());
        assertThat(a.instances()).isEmpty();
        assertThat(a.restore()).isTrue();
        assertThat(a.instances()).containsExactly("a");
    }

    @Test
    void shouldNameTheInstanceOfAMarkItCannotReadByItsFileName() throws Exception {
        Files.createDirectories(reports.resolve(".instances"));
        Files.writeString(reports.resolve(".instances").resolve("x%2Fy.json"), "not json");

        assertThat(new InstanceMarks(reports, "a", CLOCK).instances()).containsExactly("x/y");
    }
}
