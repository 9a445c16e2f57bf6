package org.holdshelf.directory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.events.EventTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MirrorRunTest {

    private static LibibPage page(int page, int total, int pages, String... barcodes) {
        List<DirectoryPatron> patrons = new ArrayList<>();
        for (String b : barcodes) {
            patrons.add(new DirectoryPatron(EventTypes.PATRON, 1, b, null, null, null, null, null, false, "t", "m"));
        }
        return new LibibPage(page, total, pages, patrons, List.of());
    }

    private static MirrorRun run() {
        return new MirrorRun("libib-1", Instant.EPOCH);
    }

    @Test
    void shouldMayRemoveOnlyAfterACompleteConsistentRead() {
        MirrorRun run = run();
        run.pageRead(page(1, 3, 2, "a", "b"));
        assertThat(run.done()).isFalse();
        assertThat(run.incompleteBecause()).isEqualTo("the read did not finish");
        run.pageRead(page(2, 3, 2, "c"));

        assertThat(run.done()).isTrue();
        assertThat(run.incompleteBecause()).isNull();
        assertThat(run.seen()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void shouldRemoveNobodyAfterASkippedPageButReadTheRest() {
        MirrorRun run = run();
        run.pageRead(page(1, 150, 3, "a"));
        run.pageSkipped("Libib answered 500 to page 2 (5 attempts)", 3);
        assertThat(run.done()).as("the read goes on").isFalse();
        assertThat(run.page()).isEqualTo(3);
        run.pageRead(page(3, 150, 3, "c"));

        assertThat(run.done()).isTrue();
        assertThat(run.incompleteBecause()).startsWith("1 page(s) could not be read (page 2: Libib answered 500");
    }

    @Test
    void shouldStopWhenTheFirstPageCannotBeReadOrPagesFailInARow() {
        MirrorRun first = run();
        first.pageSkipped("HTML", 3);
        assertThat(first.done()).isTrue();
        assertThat(first.incompleteBecause()).contains("Libib has not said how many pages there are");

        MirrorRun down = run();
        down.pageRead(page(1, 500, 10, "a"));
        down.pageSkipped("500", 3);
        down.pageSkipped("500", 3);
        assertThat(down.done()).isFalse();
        down.pageSkipped("500", 3);
        assertThat(down.done()).isTrue();
        assertThat(down.incompleteBecause()).contains("3 pages in a row could not be read");
    }

    @Test
    void shouldRemoveNobodyWhenTheDirectoryChangedWhileItWasRead() {
        MirrorRun shifted = run();
        shifted.pageRead(page(1, 3, 2, "a", "b"));
        shifted.pageRead(page(2, 2, 1, "c")); // a patron was removed meanwhile: the count changed
        assertThat(shifted.incompleteBecause()).contains("patron count changed from 3 to 2");

        MirrorRun missed = run();
        missed.pageRead(page(1, 3, 2, "a", "b"));
        missed.pageRead(page(2, 3, 2, "b")); // an insertion shifted b onto page 2 and c was never listed
        assertThat(missed.incompleteBecause()).isEqualTo("Libib counts 3 patrons but 2 were read (the directory changed while it was read)");
    }
}
