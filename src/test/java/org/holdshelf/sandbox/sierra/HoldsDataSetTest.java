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
    /** The distinct patrons of {@link #HOLDS}, in order of their first hold. */
    private static final List<SimPatron> PATRONS = HOLDS.stream().map(SimHold::patronId).distinct()
            .map(id -> DATA.patron(id).orElseThrow()).toList();
    /** CRC32 of the first 2000 of {@link #PATRONS}; see {@link #patronNoticeFieldsArePinned()}. */
    private static final String PINNED_PATRON_CHECKSUM = "109f99b5";

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
            assertThat(patron.emails()).allMatch(email -> email.contains("patron" + patron.id()) || email.contains("Patron" + patron.id()));
        });
        assertThat(patrons.stream().flatMap(p -> p.emails().stream()).filter(e -> e.matches("[a-z0-9.]+@example\\.(org|net)")).count())
                .as("well-formed addresses").isGreaterThan(patrons.size() * 7 / 10);
        assertThat(patrons).anyMatch(p -> p.emails().isEmpty()).anyMatch(p -> !p.phones().isEmpty())
                .anyMatch(p -> p.phones().isEmpty());
        assertThat(DATA.patron(99_999)).isEmpty();
        assertThat(DATA.patron(1_000_000)).as("index 0 has the 6-digit id").isEmpty();
    }

    /** The fields patrons had before notices (names, dates, home library, which contacts exist) did not change. */
    @Test
    void patronFieldsThatPredateNoticesAreUnchanged() {
        CRC32 crc = new CRC32();
        HOLDS.subList(0, 1000).forEach(hold -> {
            SimPatron p = DATA.patron(hold.patronId()).orElseThrow();
            String base = p.id() + "|" + p.names() + "|" + p.barcodes() + "|" + p.homeLibraryCode() + "|" + p.patronType()
                    + "|" + p.expirationDate() + "|" + p.createdDate() + "|" + p.updatedDate() + "|" + p.emails().isEmpty()
                    + "|" + p.phones().stream().anyMatch(phone -> phone.type().equals("t"));
            crc.update(base.getBytes(StandardCharsets.UTF_8));
        });

        assertThat(Long.toHexString(crc.getValue())).isEqualTo("67b90f89");
    }

    /** Pins the notice fields too: the notices' tests and benchmarks are written against them. */
    @Test
    void patronNoticeFieldsArePinned() {
        CRC32 crc = new CRC32();
        PATRONS.subList(0, 2000).forEach(patron -> crc.update(patron.toString().getBytes(StandardCharsets.UTF_8)));

        assertThat(Long.toHexString(crc.getValue())).isEqualTo(PINNED_PATRON_CHECKSUM);
    }

    @Test
    void noticePreferenceMix() {
        assertThat(PATRONS).extracting(SimPatron::noticePreference).containsOnly("z", "p", "t", "a", "-");
        assertThat(patronShare(p -> p.noticePreference().equals("z"))).isCloseTo(0.70, within(0.02));
        assertThat(patronShare(p -> p.noticePreference().equals("p"))).isCloseTo(0.12, within(0.015));
        assertThat(patronShare(p -> p.noticePreference().equals("t"))).isCloseTo(0.08, within(0.012));
        assertThat(patronShare(p -> p.noticePreference().equals("a"))).isCloseTo(0.06, within(0.01));
        assertThat(patronShare(p -> p.noticePreference().equals("-"))).isCloseTo(0.04, within(0.01));
        assertThat(PATRONS).as("email preferred without an email: the pipeline must fall back")
                .anyMatch(p -> p.noticePreference().equals("z") && p.emails().isEmpty());
    }

    @Test
    void languageMix() {
        assertThat(PATRONS).extracting(SimPatron::language).containsOnly("eng", "spa", "chi", "vie", "rus", "kor", "   ");
        assertThat(patronShare(p -> p.language().equals("eng"))).isCloseTo(0.70, within(0.02));
        assertThat(patronShare(p -> p.language().equals("spa"))).isCloseTo(0.12, within(0.015));
        assertThat(patronShare(p -> p.language().isBlank())).isCloseTo(0.10, within(0.015));
        assertThat(patronShare(p -> p.preferredLanguage().isEmpty())).isCloseTo(0.10, within(0.015));
        assertThat(patronShare(p -> List.of("chi", "vie", "rus", "kor").contains(p.language()))).isCloseTo(0.08, within(0.012));
        SimPatron patron = PATRONS.get(0);
        assertThat(patron.fixedFields().get("263")).isEqualTo(new SimPatron.FixedField("Preferred Language", patron.language(), null));
        assertThat(patron.fixedFields().get("268")).isEqualTo(new SimPatron.FixedField("Notice Preference", patron.noticePreference(), null));
        assertThat(patron.fixedFields().keySet()).containsExactly("43", "47", "53", "263", "268");
    }

    @Test
    void aboutOneInTwoHundredPatronsOfHoldsIsDeleted() {
        List<SimPatron> deleted = PATRONS.stream().filter(SimPatron::deleted).toList();

        assertThat((double) deleted.size() / PATRONS.size()).isCloseTo(0.005, within(0.002));
        assertThat(deleted).allSatisfy(patron -> assertThat(patron.deletedDate())
                .matches("\\d{4}-\\d{2}-\\d{2}").isLessThan(DATA.profile().referenceDate().toString()));
        assertThat(PATRONS).filteredOn(p -> !p.deleted()).extracting(SimPatron::deletedDate).containsOnlyNulls();
    }

    @Test
    void emailMixHasGapsSecondAddressesAndMalformedValues() {
        List<String> emails = PATRONS.stream().flatMap(p -> p.emails().stream()).toList();

        assertThat(patronShare(p -> p.emails().isEmpty())).isCloseTo(0.20, within(0.015));
        assertThat(patronShare(p -> p.emails().size() == 2)).isCloseTo(0.04, within(0.01));
        assertThat(patronShare(p -> p.emails().stream().anyMatch(e -> e.contains(".reject@")))).isCloseTo(0.008, within(0.003));
        assertThat(emails).anyMatch(e -> !e.contains("@"))
                .anyMatch(e -> e.contains("@@"))
                .anyMatch(e -> e.contains(", ") && e.indexOf('@') != e.lastIndexOf('@'))
                .anyMatch(e -> !e.equals(e.strip()));
        long malformed = emails.stream().filter(e -> !e.matches("[a-z0-9.]+@example\\.(org|net)")).count();
        assertThat((double) malformed / emails.size()).as("malformed (refused mailboxes are well-formed)").isCloseTo(0.02, within(0.006));
    }

    @Test
    void phoneMixHasMobilesFormatsAndInvalidNumbers() {
        List<SimPatron.Phone> phones = PATRONS.stream().flatMap(p -> p.phones().stream()).toList();

        assertThat(phones).extracting(SimPatron.Phone::type).containsOnly("t", "p", "o");
        assertThat(patronShare(p -> p.phones().stream().anyMatch(phone -> phone.type().equals("t")))).isCloseTo(0.55, within(0.02));
        assertThat(patronShare(p -> p.phones().stream().anyMatch(phone -> phone.type().equals("p")))).isCloseTo(0.08, within(0.01));
        assertThat(patronShare(p -> p.phones().stream().anyMatch(SimPatron.Phone::isMobile))).isCloseTo(0.28, within(0.02));
        List<SimPatron> texting = PATRONS.stream().filter(p -> p.noticePreference().equals("p") || p.noticePreference().equals("t")).toList();
        assertThat(texting.stream().filter(p -> p.phones().stream().anyMatch(SimPatron.Phone::isMobile)).count() / (double) texting.size())
                .isCloseTo(0.6, within(0.03));
        assertThat(phones).extracting(SimPatron.Phone::number)
                .anyMatch(n -> n.matches("\\d{10}"))
                .anyMatch(n -> n.matches("\\d{3}-\\d{3}-\\d{4}"))
                .anyMatch(n -> n.matches("\\(\\d{3}\\) \\d{3}-\\d{4}"))
                .anyMatch(n -> n.matches("\\d{3}-\\d{4}"))
                .anyMatch(n -> n.startsWith("+1 "))
                .anyMatch(n -> n.matches("\\d{3}\\.\\d{3}\\.\\d{4}"));
        long notTenDigits = phones.stream().map(p -> p.number().replaceAll("\\D", "")).filter(digits -> !digits.matches("1?\\d{10}")).count();
        assertThat((double) notTenDigits / phones.size()).as("without an area code, or invalid").isCloseTo(0.11, within(0.015));
    }

    @Test
    void noticeFieldsDependOnTheSeed() {
        HoldsDataSet other = new HoldsDataSet(SAMPLE, 43);

        long differing = PATRONS.stream().limit(1000)
                .filter(p -> {
                    SimPatron o = other.patron(p.id()).orElseThrow();
                    return !(o.language().equals(p.language()) && o.noticePreference().equals(p.noticePreference())
                            && o.phones().equals(p.phones()));
                })
                .count();

        assertThat(differing).isGreaterThan(500);
        assertThat(new HoldsDataSet(SAMPLE, 42).patron(PATRONS.get(7).id())).contains(PATRONS.get(7));
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

    private static double patronShare(Predicate<SimPatron> predicate) {
        return PATRONS.stream().filter(predicate).count() / (double) PATRONS.size();
    }

    private static double share(Predicate<SimHold> predicate) {
        return HOLDS.stream().filter(predicate).count() / (double) SAMPLE;
    }
}
