package org.holdshelf.pulllists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ExternalSorterTest {

    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSameOrderAsAnInMemorySortWhileSpillingToDisk() {
        SplittableRandom random = new SplittableRandom(3);
        List<PullListRow> rows = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String patron = String.valueOf(100_000 + random.nextInt(2_000_000));  // 6 and 7 digits: text order matters
            String pickupBy = random.nextInt(10) == 0 ? null : "2026-11-" + (10 + random.nextInt(18)) + "T0" + random.nextInt(10) + ":00:00Z";
            rows.add(new PullListRow(i, random.nextInt(50) == 0 ? patron.substring(0, 3) : patron, pickupBy,
                    new String[] {"hold" + i, "title, with \"quotes\"\n" + i, null}));
        }
        List<PullListRow> expected = new ArrayList<>(rows);
        expected.sort(PullListRow.ORDER);

        List<PullListRow> actual = new ArrayList<>();
        Path spill = dir.resolve("spill");
        try (ExternalSorter sorter = new ExternalSorter(700, spill)) {
            rows.forEach(sorter::add);
            assertThat(sorter.spilledRuns()).isEqualTo(14);
            sorter.sorted().forEachRemaining(actual::add);
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(spill.toFile().list()).as("spill files are removed").isEmpty();
    }

    @Test
    void shouldSortSmallInputsWithoutTouchingTheDisk() {
        try (ExternalSorter sorter = new ExternalSorter(100, dir.resolve("never"))) {
            sorter.add(new PullListRow(2, "20", "2026-11-24T10:00:00Z", new String[] {"b"}));
            sorter.add(new PullListRow(1, "100", "2026-11-20T10:00:00Z", new String[] {"a"}));
            sorter.add(new PullListRow(3, "20", "2026-11-25T10:00:00Z", new String[] {"c"}));
            Iterator<PullListRow> sorted = sorter.sorted();
            // "100" < "20" as text (the seed's order); same patron: newest pickup-by first
            assertThat(sorted.next().offset()).isEqualTo(1);
            assertThat(sorted.next().offset()).isEqualTo(3);
            assertThat(sorted.next().offset()).isEqualTo(2);
        }
        assertThat(Files.exists(dir.resolve("never"))).isFalse();
    }
}
