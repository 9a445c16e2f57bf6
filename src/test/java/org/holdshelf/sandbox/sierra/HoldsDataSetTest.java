package org.holdshelf.sandbox.sierra;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HoldsDataSetTest {

    private static final int SAMPLE = 50_000;
    private static final HoldsDataSet DATA = new HoldsDataSet(SAMPLE, 42);
    private static final List<SimHold> HOLDS = DATA.holds().toList();
    /** CRC32 of the first generated records for seed 42; see {@link #generatorOutputIsPinned()}. */
    private static final String PINNED_CHECKSUM = "e5b565ff";

    @Test
    void sameSeedAndSizeGiveIdenticalData() {
        HoldsDataSet again = new HoldsDataSet(SAMPLE, 42);

        assertThat(again.holds().toList()).isEqualTo(HOLDS);
        for (SimHold hold : HOLDS.subList(0, 2000)) {
            assertThat(again.patron(hold.patronId())).isEqualTo(DATA.patron(hold.patronId()));
            if (hold.recordType().equals("i")) {
                SimItem item = again.item(hold.recordId()).orElseThrow();
                assertThat(item).isEqualTo(DATA.item(hold.recordId()).orElseThrow());
                assertThat(again.bib(item.bibId())).isEqualTo(DATA.bib(item.bibId()));
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentData() {
        HoldsDataSet other = new HoldsDataSet(SAMPLE, 43);

        long differing = IntStream.range(0, 1000).filter(i -> !other.hold(i).equals(DATA.hold(i))).count();

        assertThat(differing).isGreaterThan(990);
    }

    /**
     * Pins the generator: other components' tests and benchmarks are written against this data.
     * If the generator changes on purpose, update the checksum and expect those to change too.
     */
    @Test
    void generatorOutputIsPinned() {
        CRC32 crc = new CRC32();
        HOLDS.subList(0, 1000).forEach(hold -> crc.update(hold.toString().getBytes(StandardCharsets.UTF_8)));
        IntStream.range(0, 200).forEach(i -> {
            crc.update(DATA.item(5_000_000L + i).orElseThrow().toString().getBytes(StandardCharsets.UTF_8));
            crc.update(DATA.bib(3_000_000L + i).orElseThrow().toString().getBytes(StandardCharsets.UTF_8));
        });

        assertThat(Long.toHexString(crc.getValue())).isEqualTo(PINNED_CHECKSUM);
    }

    @Test
    void statusAndRecordTypeDistribution() {
        assertThat(share(SimHold::isReady)).isCloseTo(0.16, within(0.02));
        assertThat(share(SimHold::isInTransit)).isCloseTo(0.02, within(0.01));
        assertThat(share(hold -> hold.statusCode().equals("m"))).isCloseTo(0.003, within(0.002));
        assertThat(share(hold -> hold.recordType().equals("i"))).isCloseTo(0.60, within(0.02));
        assertThat(share(hold -> hold.recordType().equals("b"))).isCloseTo(0.37, within(0.02));
        assertThat(share(hold -> hold.recordType().equals("j"))).isCloseTo(0.03, within(0.01));
        assertThat(HOLDS).extracting(SimHold::statusCode).containsOnly("0", "b", "i", "j", "t", "m");
    }

    @Test
    void profileChangesTheMix() {
        HoldsDataSet busy = new HoldsDataSet(20_000, 42,
                new HoldsDataSet.Profile(0.20, 0.05, LocalDate.of(2027, 1, 4)));

        double ready = busy.holds().filter(SimHold::isReady).count() / 20_000.0;
        double transit = busy.holds().filter(SimHold::isInTransit).count() / 20_000.0;

        assertThat(ready).isCloseTo(0.20, within(0.02));
        assertThat(transit).isCloseTo(0.05, within(0.01));
        assertThat(busy.holds().filter(SimHold::isReady).map(SimHold::pickupByDate))
                .allMatch(date -> date.compareTo("2027-01-02") >= 0 && date.compareTo("2027-01-14") < 0);
    }

    @Test
    void readyHoldsAndOnlyThemHaveAPickupByDate() {
        for (SimHold hold : HOLDS) {
            if (hold.isReady()) {
                assertThat(hold.statusCode()).isEqualTo(hold.recordType());
                assertThat(hold.pickupByDate()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
                assertThat(hold.priority()).isEqualTo(1);
                assertThat(hold.frozen()).isFalse();
            } else {
                assertThat(hold.pickupByDate()).as("hold %s", hold).isNull();
            }
        }
        assertThat(HOLDS).filteredOn(SimHold::isReady).extracting(SimHold::recordType).contains("b", "i", "j");
    }

    @Test
    void pickupTimesIncludeHoursAroundMidnightUtc() {
        List<String> times = HOLDS.stream().filter(SimHold::isReady).map(h -> h.pickupByDate().substring(11, 13)).toList();

        assertThat(times.stream().filter(hour -> hour.equals("23") || hour.equals("00")).count())
                .isGreaterThan(times.size() / 10);
        assertThat(times.stream().filter(hour -> hour.equals("05")).count()).isGreaterThan(times.size() / 4);
    }

    @Test
    void holdFieldsAreWellFormed() {
        for (SimHold hold : HOLDS) {
            assertThat(hold.placed()).matches("\\d{4}-\\d{2}-\\d{2}");
            if (hold.notNeededAfterDate() != null) {
                assertThat(hold.notNeededAfterDate()).isGreaterThan(hold.placed());
            }
            assertThat(hold.priority()).isPositive();
            assertThat(hold.pickupLocation()).isIn(DATA.locations());
        }
        assertThat(HOLDS).anyMatch(hold -> hold.notNeededAfterDate() == null).anyMatch(SimHold::frozen);
    }

    @Test
    void holdIdsAreUniqueAscendingAndInvertible() {
        for (int i = 1; i < HOLDS.size(); i++) {
            assertThat(HOLDS.get(i).holdId()).isGreaterThan(HOLDS.get(i - 1).holdId());
        }
        for (int index : new int[] {0, 1, 777, SAMPLE / 2, SAMPLE - 1}) {
            SimHold hold = DATA.hold(index);
            assertThat(DATA.indexOfHold(hold.holdId())).hasValue(index);
            assertThat(DATA.holdById(hold.holdId())).contains(hold);
        }
        Set<Long> ids = HOLDS.stream().map(SimHold::holdId).collect(Collectors.toSet());
        long absent = HOLDS.get(100).holdId() + 1;
        while (ids.contains(absent)) {
            absent++;
        }
        assertThat(DATA.indexOfHold(absent)).isEmpty();
        assertThat(DATA.indexOfHold(1)).isEmpty();
        assertThat(DATA.indexOfHold(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void patronsHaveSeveralHoldsAndIdsOfDifferentLengths() {
        Map<Long, Integer> holdsPerPatron = new HashMap<>();
        HOLDS.forEach(hold -> holdsPerPatron.merge(hold.patronId(), 1, Integer::sum));

        assertThat(holdsPerPatron.size()).isBetween(SAMPLE / 4, SAMPLE / 3);
        assertThat(holdsPerPatron.values()).anyMatch(count -> count >= 5);
        Set<Integer> lengths = holdsPerPatron.keySet().stream().map(id -> Long.toString(id).length()).collect(Collectors.toSet());
        assertThat(lengths).containsExactlyInAnyOrder(6, 7);
        for (long patronId : holdsPerPatron.keySet()) {
            assertThat(DATA.patron(patronId)).isPresent();
        }
    }

    @Test
    void patronsCarryContactDetails() {
        List<SimPatron> patrons = HOLDS.stream().limit(3000).map(h -> DATA.patron(h.patronId()).orElseThrow()).toList();

        assertThat(patrons).allSatisfy(patron -> {
            assertThat(patron.names()).singleElement().asString().contains(", ");
            assertThat(patron.barcodes()).containsExactly(HoldsDataSet.patronBarcode(patron.id()));
            assertThat(patron.emails()).allMatch(email -> email.matches("[a-z0-9.]+@example\\.(org|net)"));
        });
        assertThat(patrons).anyMatch(p -> p.emails().isEmpty()).anyMatch(p -> !p.phones().isEmpty())
                .anyMatch(p -> p.phones().isEmpty());
        assertThat(DATA.patron(99_999)).isEmpty();
        assertThat(DATA.patron(1_000_000)).as("index 0 has the 6-digit id").isEmpty();
    }

    @Test
    void itemLevelHoldsPointAtTheirItemWhoseStatusFollowsTheHold() {
        List<SimHold> itemHolds = HOLDS.stream().filter(h -> h.recordType().equals("i")).toList();

        long withoutBarcode = 0;
        for (SimHold hold : itemHolds) {
            SimItem item = DATA.item(hold.recordId()).orElseThrow();
            if (item.barcode() == null) {
                withoutBarcode++;
            } else {
                assertThat(item.barcode()).isEqualTo(HoldsDataSet.itemBarcode(item.id()));
            }
            assertThat(DATA.bib(item.bibId())).isPresent();
            if (hold.isReady()) {
                assertThat(item.statusCode()).isEqualTo("!");
            } else if (hold.isInTransit()) {
                assertThat(item.statusCode()).isEqualTo("t");
            } else {
                assertThat(item.statusCode()).isIn("-", "m");
            }
        }
        assertThat((double) withoutBarcode / itemHolds.size()).isCloseTo(0.01, within(0.005));
        assertThat(DATA.item(4_999_999)).isEmpty();
        assertThat(DATA.item(5_000_000L + SAMPLE)).isEmpty();
    }

    @Test
    void itemBarcodeFormula() {
        assertThat(HoldsDataSet.itemBarcode(5_000_123)).isEqualTo("30000005000123");
        assertThat(HoldsDataSet.itemBarcode(0)).isEqualTo("30000000000000");
        assertThat(HoldsDataSet.patronBarcode(100_042)).isEqualTo("20000000100042");
    }

    @Test
    void popularBibsAreSharedByManyHolds() {
        Map<Long, Integer> holdsPerBib = new HashMap<>();
        for (SimHold hold : HOLDS) {
            bibOf(hold).ifPresent(bibId -> holdsPerBib.merge(bibId, 1, Integer::sum));
        }

        assertThat(holdsPerBib.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(100);
    }

    @Test
    void titlesOfHeldBibsIncludeEveryKindOfHostileText() {
        Set<String> titles = new HashSet<>();
        for (SimHold hold : HOLDS) {
            bibOf(hold).ifPresent(bibId -> titles.add(DATA.bib(bibId).orElseThrow().title()));
        }

        assertThat(titles)
                .anyMatch(t -> t.contains(","))
                .anyMatch(t -> t.contains("\""))
                .anyMatch(t -> t.contains("\n"))
                .anyMatch(t -> t.matches(".*\\p{IsCyrillic}.*"))
                .anyMatch(t -> t.matches(".*\\p{IsHan}.*"))
                .anyMatch(t -> t.matches(".*[áéíóúñüß].*"))
                .anyMatch(t -> t.startsWith("="))
                .anyMatch(t -> t.startsWith("+"))
                .anyMatch(t -> t.startsWith("-"))
                .anyMatch(t -> t.startsWith("@"))
                .anyMatch(t -> t.startsWith("\t"))
                .contains("=HYPERLINK(\"http://x\",\"click\")", "+1 Strategy", "-30- a newsroom memoir", "@home with kids");
    }

    @Test
    void aboutTwoPercentOfOrdinaryBibsHaveFormulaTitles() {
        long bibs = SAMPLE / 4;
        long formulas = IntStream.range(Vocabulary.SHOWCASE_TITLES.size(), (int) bibs)
                .mapToObj(i -> DATA.bib(3_000_000L + i).orElseThrow().title())
                .filter(t -> "=+-@".indexOf(t.charAt(0)) >= 0)
                .count();

        assertThat((double) formulas / bibs).isCloseTo(0.02, within(0.006));
        assertThat(DATA.bib(3_000_000L + bibs)).isEmpty();
    }

    @Test
    void aboutFortyUnevenPickupLocationsWithFileSafeCodesAndAwkwardNames() {
        List<SimLocation> locations = DATA.locations();

        assertThat(locations).hasSizeBetween(35, 45);
        assertThat(locations).extracting(SimLocation::code).doesNotHaveDuplicates().allMatch(code -> code.matches("[a-z0-9]{1,5}"));
        assertThat(locations).extracting(SimLocation::name)
                .contains("Main Library, 2nd Floor", "The \"Annex\"", "Biblioteca Niño", "中文图书馆");
        Map<String, Long> perLocation = HOLDS.stream().collect(Collectors.groupingBy(SimHold::pickupLocationCode, Collectors.counting()));
        assertThat(perLocation).hasSize(locations.size());
        long biggest = perLocation.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long smallest = perLocation.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(biggest).isGreaterThan(10 * smallest);
    }

    @Test
    void sizeIsValidated() {
        assertThat(new HoldsDataSet(0, 1).holds()).isEmpty();
        assertThatThrownBy(() -> new HoldsDataSet(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HoldsDataSet(HoldsDataSet.MAX_SIZE + 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DATA.hold(SAMPLE)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static Optional<Long> bibOf(SimHold hold) {
        return switch (hold.recordType()) {
            case "b" -> Optional.of(hold.recordId());
            case "i" -> DATA.item(hold.recordId()).map(SimItem::bibId);
            default -> Optional.empty();
        };
    }

    private static double share(Predicate<SimHold> predicate) {
        return HOLDS.stream().filter(predicate).count() / (double) SAMPLE;
    }
}
