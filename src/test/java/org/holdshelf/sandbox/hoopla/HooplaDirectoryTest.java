package org.holdshelf.sandbox.hoopla;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.libib.LibibSandboxSettings;
import org.holdshelf.sandbox.libib.LibibSimulator;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SimPatron;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated directories: deterministic, over the Sierra sandbox's patrons, in the stated shares. */
class HooplaDirectoryTest {

    private static final Instant REFERENCE = Instant.parse("2026-11-23T08:00:00Z");
    private static final long REF = REFERENCE.getEpochSecond();
    private static final long DAY = 86_400;
    private static final HoldsDataSet DATA = new HoldsDataSet(30_000, 42);
    private static final HooplaSandboxSettings SETTINGS = HooplaSandboxSettings.builder().referenceTime(REFERENCE).build();

    private static List<HooplaHold> holds(List<HooplaCard> directory) {
        return directory.stream().flatMap(c -> c.holds().stream()).toList();
    }

    @Test
    void deterministicForASeedAndAReferenceTime() {
        List<HooplaCard> one = HooplaSimulator.directoryFor(DATA, SETTINGS);
        List<HooplaCard> two = HooplaSimulator.directoryFor(new HoldsDataSet(30_000, 42), SETTINGS);
        List<HooplaCard> otherSeed = HooplaSimulator.directoryFor(DATA, SETTINGS.toBuilder().seed(8).build());

        assertThat(two).isEqualTo(one);
        assertThat(otherSeed).isNotEqualTo(one);
        assertThat(otherSeed.stream().map(HooplaCard::card).toList()).as("the same cards, other holds")
                .isEqualTo(one.stream().map(HooplaCard::card).toList());
        List<HooplaCard> smaller = HooplaSimulator.directoryFor(new HoldsDataSet(3_000, 42), SETTINGS);
        assertThat(one).as("a card keeps its holds in a larger data set").containsAll(smaller);
    }

    @Test
    void everyLiveSierraPatronIsACardAndTheyOverlapLibibsDirectory() {
        List<HooplaCard> directory = HooplaSimulator.directoryFor(DATA, SETTINGS);
        List<String> live = DATA.patrons().filter(p -> !p.deleted()).map(p -> p.barcodes().get(0)).toList();
        Set<String> deleted = DATA.patrons().filter(SimPatron::deleted).map(p -> p.barcodes().get(0)).collect(Collectors.toSet());

        assertThat(directory.stream().map(HooplaCard::card).toList()).isEqualTo(live);
        assertThat(live).allSatisfy(card -> assertThat(card).matches("2\\d{13}"));
        assertThat(deleted).as("deleted patrons are invalid cards").isNotEmpty().doesNotContainAnyElementsOf(live);
        assertThat(live.get(0)).isEqualTo(HoldsDataSet.patronBarcode(DATA.patrons().findFirst().orElseThrow().id()));

        Set<String> libib = LibibSimulator.directoryFor(DATA, LibibSandboxSettings.defaults()).stream()
                .map(LibibSimulator.Patron::barcode).collect(Collectors.toSet());
        Set<String> withHolds = directory.stream().filter(c -> !c.holds().isEmpty()).map(HooplaCard::card)
                .collect(Collectors.toSet());
        Set<String> shared = new HashSet<>(withHolds);
        shared.retainAll(libib);
        assertThat((double) shared.size() / withHolds.size()).as("Libib has 90%% of the Sierra patrons").isGreaterThan(0.8);
        Set<String> libibOnly = new HashSet<>(libib);
        libibOnly.removeAll(live);
        assertThat(libibOnly).as("Libib's own patrons are not Hoopla cards").isNotEmpty().allSatisfy(b -> assertThat(b).startsWith("29"));
    }

    @Test
    void theSharesAndTheHoldsAreAsStated() {
        List<HooplaCard> directory = HooplaSimulator.directoryFor(DATA, SETTINGS);
        long withHolds = directory.stream().filter(c -> !c.holds().isEmpty()).count();
        assertThat((double) withHolds / directory.size()).as("cards-with-holds-percent 15").isBetween(0.13, 0.17);
        assertThat(directory).allSatisfy(c -> {
            assertThat(c.account()).isTrue();
            assertThat(c.holds()).hasSizeLessThanOrEqualTo(4);
            assertThat(c.holds().stream().map(HooplaHold::contentId).distinct().count()).isEqualTo(c.holds().size());
        });
        assertThat(directory.stream().map(c -> c.holds().size()).collect(Collectors.toSet())).contains(1, 2, 3, 4);

        List<HooplaHold> holds = holds(directory);
        List<HooplaHold> reserved = holds.stream().filter(HooplaHold::isReserved).toList();
        assertThat((double) reserved.size() / holds.size()).as("reserved-percent 30").isBetween(0.26, 0.34);
        assertThat(reserved).allSatisfy(h -> {
            assertThat(h.reserveUntil()).isBetween(REF + DAY, REF + 3 * DAY);
            assertThat(h.inserted()).isLessThan(REF);
        });
        assertThat(holds).filteredOn(h -> !h.isReserved()).allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(HooplaHold.WAITING);
            assertThat(h.reserveUntil()).isNull();
            assertThat(h.holdsQueuePosition()).isBetween(1, 25);
            assertThat(h.inserted()).isBetween(REF - 61 * DAY, REF);
        });
        assertThat(holds.stream().map(HooplaHold::title)).contains("三体 (The Three-Body Problem)", "Война и мир",
                "Dungeons & Dragons: <Honor Among Thieves> \"Deluxe\" 'Edition'");
        assertThat(holds.stream().map(HooplaHold::kind)).contains("EBOOK", "AUDIOBOOK", "COMIC", "MOVIE");
        assertThat(holds).allSatisfy(h -> assertThat(HooplaTitles.TITLES).contains(
                new HooplaTitles.Title(h.contentId(), h.title(), h.kind())));
    }

    @Test
    void noAccountCardsAreDrawnAndAnswered403() {
        HooplaSandboxSettings settings = SETTINGS.toBuilder().noAccountPercent(10).latencyMs(0).jitterMs(0).build();
        List<HooplaCard> directory = HooplaSimulator.directoryFor(new HoldsDataSet(3_000, 42), settings);
        List<HooplaCard> without = directory.stream().filter(c -> !c.account()).toList();
        assertThat((double) without.size() / directory.size()).isBetween(0.06, 0.14);
        assertThat(without).allSatisfy(c -> assertThat(c.holds()).isEmpty());

        try (HooplaSimulator hoopla = new HooplaSimulator(settings, directory).start()) {
            HooplaHttp http = new HooplaHttp(hoopla);
            String token = http.token();
            http.holds(token, without.get(0).card()).assertMessage(403);
            String withHolds = hoopla.cardsWithHolds().get(0);
            JsonNode served = http.holds(token, withHolds).json();
            assertThat(served).hasSize(hoopla.holdsOf(withHolds).size());
            for (int i = 0; i < served.size(); i++) {
                HooplaHold truth = hoopla.holdsOf(withHolds).get(i);
                assertThat(served.get(i).path("contentId").asLong()).isEqualTo(truth.contentId());
                assertThat(served.get(i).path("status").asText()).isEqualTo(truth.status());
                assertThat(served.get(i).has("reserveUntil")).isEqualTo(truth.isReserved());
            }
        }
    }

    @Test
    void theReferenceTimeDefaultsToTheClock() {
        Clock clock = Clock.fixed(Instant.parse("2027-01-05T12:00:00.750Z"), ZoneOffset.UTC);
        HooplaSandboxSettings settings = HooplaSandboxSettings.builder().reservedPercent(100).build();
        List<HooplaHold> holds = holds(HooplaSimulator.directoryFor(new HoldsDataSet(3_000, 42), settings, clock));
        long now = clock.instant().getEpochSecond();
        assertThat(holds).isNotEmpty().allSatisfy(h -> assertThat(h.reserveUntil()).isBetween(now + DAY, now + 3 * DAY));
    }

    @Test
    void numberedCardsMatchLibibsNumberedPatrons() {
        List<HooplaCard> cards = HooplaSimulator.numbered(200, 15, REFERENCE);

        assertThat(cards.stream().map(HooplaCard::card).toList())
                .isEqualTo(LibibSimulator.numbered(200).stream().map(LibibSimulator.Patron::barcode).toList());
        List<HooplaCard> withHolds = cards.stream().filter(c -> !c.holds().isEmpty()).toList();
        assertThat(withHolds).hasSize(30);
        assertThat(withHolds).allSatisfy(c -> {
            assertThat(c.holds()).hasSize(2);
            assertThat(c.holds().get(0).reserveUntil()).isEqualTo(REF + 2 * DAY);
            assertThat(c.holds().get(1).status()).isEqualTo(HooplaHold.WAITING);
        });
        assertThat(HooplaSimulator.numbered(10, 100, REFERENCE)).allSatisfy(c -> assertThat(c.holds()).isNotEmpty());
        assertThat(HooplaSimulator.numbered(10, 0, REFERENCE)).allSatisfy(c -> assertThat(c.holds()).isEmpty());
    }
}
