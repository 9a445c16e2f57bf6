package org.holdshelf.hoopla;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.sandbox.hoopla.HooplaCard;
import org.holdshelf.sandbox.hoopla.HooplaHold;
import org.holdshelf.sandbox.hoopla.HooplaSandboxSettings;
import org.holdshelf.sandbox.hoopla.HooplaSimulator;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Hoopla poll through the real pipeline (in-process broker for its dead letters) against the
 * Hoopla simulator over HTTP, at Hoopla's own budget: 90 of its 100 requests a minute.
 */
class HooplaPollIT {

    @TempDir
    Path dir;

    private PipelineHarness harness(String name, HooplaSimulator hoopla, List<String> cards, String password) throws Exception {
        Path file = dir.resolve(name + "-cards.txt");
        Files.write(file, cards);
        return PipelineHarness.create(name, SierraSandboxSettings.builder().holds(500).seed(2).build(), dir.resolve(name))
                .set("holdshelf.hoopla.enabled", "true")
                .set("holdshelf.hoopla.base-url", hoopla.baseUrl())
                .set("holdshelf.hoopla.username", hoopla.settings().username())
                .set("holdshelf.hoopla.password", password)
                .set("holdshelf.hoopla.library-id", Long.toString(hoopla.settings().libraryId()))
                .set("holdshelf.hoopla.cards", file.toString())
                .set("holdshelf.hoopla.requests-per-minute", "90")
                .set("holdshelf.hoopla.cards-per-poll", "25")
                .set("holdshelf.hoopla.initial-backoff", "100ms")
                .set("holdshelf.hoopla.max-backoff", "400ms")
                .set("holdshelf.hoopla.max-attempts", "3")
                .set("holdshelf.hoopla.cron", "0 0 0 1 1 ? 2099");
    }

    private static void poll(Holdshelf app) {
        app.wiring().camel().createProducerTemplate().sendBody("direct:hoopla-poll", "test");
    }

    private static List<DeadLetter> deadLetters(PipelineHarness h) {
        return h.records("dlq", EventTypes.DEAD_LETTER).stream().map(r -> Json.read(r.value(), DeadLetter.class)).toList();
    }

    @Test
    void shouldReadEveryReservedHoldOfThePolledCardsWithinTheBudgetRenewingAStaleTokenOnce() throws Exception {
        Instant reference = Instant.now();
        List<HooplaCard> directory = new ArrayList<>(HooplaSimulator.numbered(36, 40, reference));
        try (HooplaSimulator hoopla = new HooplaSimulator(HooplaSandboxSettings.builder().requestsPerMinute(100).latencyMs(40)
                .jitterMs(10).build(), directory).start(0)) {
            List<String> cards = hoopla.cards();
            String invalid = cards.get(2);
            String noAccount = cards.get(5);
            String broken = cards.get(8);
            String noDeadline = cards.get(11);
            hoopla.rejectCard(invalid, 400);
            hoopla.rejectCard(noAccount, 403);
            hoopla.breakCard(broken, HooplaSimulator.BadAnswer.HTML_502);
            hoopla.setHolds(noDeadline, List.of(HooplaHold.reserved(990001, "No deadline", "EBOOK", reference.getEpochSecond(), null),
                    HooplaHold.reserved(990002, "With deadline", "AUDIOBOOK", reference.getEpochSecond(),
                            reference.plus(Duration.ofDays(2)).getEpochSecond())));
            try (PipelineHarness h = harness("hoopla", hoopla, cards, hoopla.settings().password())) {
                Holdshelf app = h.start();
                HooplaPoller poller = app.capability(HooplaCapability.class).orElseThrow().poller();

                poll(app); // 25 of the 36 cards
                hoopla.expireTokens(); // the next call gets a 401 with an empty body: renewed once, the card asked again
                poll(app); // the cards that had holds first, then the 11 others

                assertThat(hoopla.throttled()).as("no 429: the budget holds").isZero();
                // evenly paced at every scale: n calls span at least n-1 budget intervals (less 150 ms for the
                // jitter of a loaded machine); that no 60 s window holds more than the budget is
                // WindowBudgetTest's (virtual time, late calls) and the hoopla benchmark's (1,000 calls)
                List<Long> arrivals = hoopla.arrivals();
                long interval = Duration.ofMinutes(1).toNanos() / 90;
                for (int i = 0; i < arrivals.size(); i++) {
                    for (int j = i + 1; j < arrivals.size(); j++) {
                        assertThat(arrivals.get(j) - arrivals.get(i)).as("calls %d to %d", i + 1, j + 1)
                                .isGreaterThanOrEqualTo((j - i) * interval - Duration.ofMillis(150).toNanos());
                    }
                }
                assertThat(hoopla.tokensIssued()).as("one token, renewed once after it went stale").isEqualTo(2);

                // every RESERVED hold with a deadline of every card Hoopla answered for; no WAITING hold
                Map<String, Set<Long>> expected = new HashMap<>();
                for (String card : cards) {
                    if (card.equals(invalid) || card.equals(noAccount) || card.equals(broken)) {
                        continue;
                    }
                    Set<Long> reserved = hoopla.holdsOf(card).stream().filter(x -> x.isReserved() && x.reserveUntil() != null)
                            .map(HooplaHold::contentId).collect(Collectors.toCollection(TreeSet::new));
                    if (!reserved.isEmpty()) {
                        expected.put(card, reserved);
                    }
                }
                Map<String, Set<Long>> read = new HashMap<>();
                poller.reserved().forEach((card, holds) -> read.put(card, holds.stream().map(HooplaHolds.Hold::contentId)
                        .collect(Collectors.toCollection(TreeSet::new))));
                assertThat(expected).isNotEmpty();
                assertThat(read).isEqualTo(expected);
                assertThat(hoopla.calls(broken)).as("an HTML 502 asked again, then skipped").isEqualTo(3);

                List<DeadLetter> letters = deadLetters(h);
                Map<String, Long> byError = letters.stream().collect(Collectors.groupingBy(DeadLetter::error, Collectors.counting()));
                assertThat(byError).as("the unreadable card, the hold without a deadline once (it was read by both polls), and "
                        + "each card with reserved titles once: these numbered cards are no Sierra patron's barcode")
                        .isEqualTo(Map.of("UnreadableHoldsAnswer", 1L, "HoldWithoutReserveUntil", 1L,
                                "CardWithoutPatron", (long) expected.size()));
                assertThat(letters).allSatisfy(l -> assertThat(l.toString()).doesNotContain(broken).doesNotContain(noDeadline));
                assertThat(app.wiring().healthNow()).filteredOn(c -> c.name().equals("hoopla")).singleElement()
                        .satisfies(c -> {
                            assertThat(c.up()).isTrue();
                            assertThat(c.detail()).contains("complete").contains("33 of 36 cards have a reading")
                                    .contains("400 Invalid library card").contains("0 answered 429");
                        });
            }
        }
    }

    @Test
    void shouldStopOnRefusedCredentialsWithOneCallAndNoRetryStorm() throws Exception {
        try (HooplaSimulator hoopla = new HooplaSimulator(HooplaSandboxSettings.builder().latencyMs(5).build(),
                HooplaSimulator.numbered(5, 40, Instant.now())).start(0);
             PipelineHarness h = harness("hoopla-refused", hoopla, hoopla.cards(), "not-the-password")) {
            Holdshelf app = h.start();
            poll(app);
            poll(app);
            assertThat(hoopla.requests()).as("one token call, then nothing").isEqualTo(1);
            assertThat(app.wiring().healthNow()).filteredOn(c -> c.name().equals("hoopla")).singleElement()
                    .satisfies(c -> {
                        assertThat(c.up()).isFalse();
                        assertThat(c.detail()).contains("refused the credentials").doesNotContain("not-the-password");
                    });
        }
    }
}
