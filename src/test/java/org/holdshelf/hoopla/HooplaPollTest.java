package org.holdshelf.hoopla;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The poll's parts that need no Hoopla: the budgeted order of cards, reading an answer, the settings. */
class HooplaPollTest {

    private static List<String> cards(int n) {
        List<String> cards = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            cards.add(String.format("2020%09d", i));
        }
        return cards;
    }

    private static HooplaReadings.Reading with(int reserved, int waiting) {
        List<HooplaHolds.Hold> holds = new ArrayList<>();
        for (int i = 0; i < reserved; i++) {
            holds.add(new HooplaHolds.Hold(i, "t", "EBOOK", "RESERVED", 1_800_000_000L));
        }
        return new HooplaReadings.Reading(Instant.parse("2026-12-01T10:00:00Z"), holds, waiting);
    }

    @Test
    void shouldReadCardsWithHoldsFirstThenTheOthersInRotation() {
        HooplaReadings readings = new HooplaReadings();
        List<String> all = cards(10);
        HooplaReadings.Plan first = readings.plan(all, 4);
        assertThat(first.cards()).containsExactlyElementsOf(all.subList(0, 4));
        assertThat(first.withHolds()).isZero();
        readings.record(all.get(1), with(1, 0));
        readings.record(all.get(3), with(0, 2));
        readings.record(all.get(0), with(0, 0));
        readings.record(all.get(2), with(0, 0));

        HooplaReadings.Plan second = readings.plan(all, 4);
        assertThat(second.withHolds()).isEqualTo(2);
        assertThat(second.cards()).as("holds first, then the rotation goes on where it stopped")
                .containsExactly(all.get(1), all.get(3), all.get(4), all.get(5));
        HooplaReadings.Plan third = readings.plan(all, 4);
        assertThat(third.cards()).containsExactly(all.get(1), all.get(3), all.get(6), all.get(7));
        HooplaReadings.Plan fourth = readings.plan(all, 5);
        assertThat(fourth.cards()).as("the rotation wraps around").containsExactly(all.get(1), all.get(3), all.get(8), all.get(9),
                all.get(0));
        assertThat(readings.coverage(all).read()).isEqualTo(4);
    }

    @Test
    void shouldNeverPlanMoreThanTheBudgetNorACardTwice() {
        HooplaReadings readings = new HooplaReadings();
        List<String> all = cards(3);
        all.forEach(c -> readings.record(c, with(1, 0)));
        assertThat(readings.plan(all, 2).cards()).hasSize(2);
        assertThat(readings.plan(all, 10).cards()).containsExactlyElementsOf(all);
        readings.forget(all.get(0));
        assertThat(readings.reserved()).containsOnlyKeys(all.get(1), all.get(2));
        assertThat(readings.plan(cards(2), 10).cards()).as("a card gone from the list is forgotten").hasSize(2);
        assertThat(readings.reserved()).containsOnlyKeys(all.get(1));
    }

    @Test
    void shouldReadHoldsAndSayWhatIsWrongWithAnAnswer() {
        HooplaHolds holds = HooplaHolds.parse("[{\"contentId\":11,\"title\":\"<b>A & B</b>\",\"kind\":\"EBOOK\",\"status\":\"RESERVED\","
                + "\"reserveUntil\":1764700000,\"holdsQueuePosition\":1},{\"contentId\":12,\"status\":\"WAITING\",\"holdsQueuePosition\":4},"
                + "{\"contentId\":13,\"status\":\"RESERVED\"}]");
        assertThat(holds.holds()).extracting(HooplaHolds.Hold::contentId).containsExactly(11L, 12L, 13L);
        assertThat(holds.holds().get(0).reserved()).isTrue();
        assertThat(holds.holds().get(0).reserveUntil()).isEqualTo(1_764_700_000L);
        assertThat(holds.holds().get(1).reserved()).isFalse();
        assertThat(holds.holds().get(2).reserveUntil()).isNull();
        assertThat(holds.holds().get(0).toString()).as("no title in logs").doesNotContain("A & B");
        assertThat(HooplaHolds.parse("[]").holds()).isEmpty();
        assertThatThrownBy(() -> HooplaHolds.parse("<html><body>502 Bad Gateway</body></html>"))
                .isInstanceOf(HooplaAnswerException.class).hasMessageContaining("not JSON").hasMessageContaining("502 Bad Gateway");
        assertThatThrownBy(() -> HooplaHolds.parse("{\"message\":\"nope\"}"))
                .isInstanceOf(HooplaAnswerException.class).hasMessageContaining("expected an array");
        assertThatThrownBy(() -> HooplaHolds.parse("[{\"title\":\"x\"}]"))
                .isInstanceOf(HooplaAnswerException.class).hasMessageContaining("without contentId or status");
    }

    private static HooplaSettings settings(Map<String, String> overrides) {
        return HooplaSettings.from(HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of())
                .with(overrides));
    }

    @Test
    void shouldValidateTheSettingsNamingTheKey() {
        Map<String, String> on = Map.of("holdshelf.hoopla.enabled", "true", "holdshelf.hoopla.username", "u",
                "holdshelf.hoopla.password", "s3cret", "holdshelf.hoopla.library-id", "7");
        HooplaSettings ok = settings(on);
        assertThat(ok.spacing().toMillis()).as("90 a minute").isEqualTo(666);
        assertThat(ok.cardsFile()).as("libib by default").isNull();
        assertThat(ok.toString()).doesNotContain("s3cret");
        assertThat(settings(Map.of()).enabled()).isFalse();
        java.util.function.Function<Map<String, String>, Map<String, String>> plus = extra -> {
            Map<String, String> m = new java.util.HashMap<>(on);
            m.putAll(extra);
            return m;
        };
        assertThatThrownBy(() -> settings(plus.apply(Map.of("holdshelf.hoopla.requests-per-minute", "120"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.hoopla.requests-per-minute");
        assertThatThrownBy(() -> settings(plus.apply(Map.of("holdshelf.hoopla.library-id", "abc"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.hoopla.library-id");
        assertThatThrownBy(() -> settings(plus.apply(Map.of("holdshelf.hoopla.base-url", "ftp://x"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.hoopla.base-url");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.hoopla.enabled", "true", "holdshelf.hoopla.library-id", "7")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.hoopla.username");
        assertThat(settings(plus.apply(Map.of("holdshelf.hoopla.cards", "/etc/holdshelf/cards.txt"))).cardsFile())
                .hasToString("/etc/holdshelf/cards.txt");
    }

    /**
     * With several instances the owner of the harvest slots polls: an instance that loses them ends
     * its poll at the next card, and one that gains them holds its first call back a minute (the
     * previous poller's calls of the last minute still count in Hoopla's budget).
     */
    @Test
    void shouldStopPollingWhenAnotherInstancePollsAndWaitAMinuteWhenTakingOver() throws Exception {
        long[] now = {0};
        org.holdshelf.platform.http.CallPacer.Sleeper sleeper = nanos -> now[0] += nanos;
        org.holdshelf.platform.http.CallPacer pacer = new org.holdshelf.platform.http.CallPacer(java.time.Duration.ofMillis(700),
                () -> now[0], sleeper);
        HooplaSettings on = settings(Map.of("holdshelf.hoopla.enabled", "true", "holdshelf.hoopla.username", "u",
                "holdshelf.hoopla.password", "p", "holdshelf.hoopla.library-id", "7", "holdshelf.hoopla.cards", "cards.txt"));
        HooplaPoller poller = new HooplaPoller(on, pacer, new org.holdshelf.platform.http.WindowBudget(90, java.time.Duration.ofMinutes(1),
                () -> now[0], sleeper), () -> List.of("1001", "1002"), card -> java.util.Optional.of("p" + card),
                new org.holdshelf.platform.kafka.DeadLetters("dlq", java.time.Clock.systemUTC()), records -> { },
                java.time.Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        poller.begin(exchange);
        assertThat(poller.more(exchange)).isTrue();

        poller.pollsHere(false);
        assertThat(poller.pollingHere()).isFalse();
        assertThat(poller.more(exchange)).as("the running poll ends at the next card").isFalse();

        poller.pollsHere(true);
        assertThat(pacer.awaitTurn()).as("the first call after taking over waits a minute").isEqualTo(java.time.Duration.ofMinutes(1));
        poller.pollsHere(true); // still the poller: no new wait
        pacer.answered();
        assertThat(pacer.awaitTurn()).isEqualTo(java.time.Duration.ofMillis(700));
    }

    /**
     * An instance that loses the harvest slots while a call waits for its turn (here: the new owner's
     * one-minute hold, during which the group passes the slots on again, as when instances start
     * together) makes no call: the poll ends, saying why. An instance that starts as a stand-by says
     * so once.
     */
    @Test
    void shouldNotMakeACallThatWaitedWhileAnotherInstanceTookThePollOver() throws Exception {
        long[] now = {0};
        Runnable[] duringWait = {() -> { }};
        org.holdshelf.platform.http.CallPacer.Sleeper sleeper = nanos -> {
            now[0] += nanos;
            duringWait[0].run();
        };
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        HooplaPoller poller = pollerOnFakeTime(now, sleeper, meters);
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        try (org.holdshelf.testing.LogCapture log = org.holdshelf.testing.LogCapture.of(HooplaPoller.class)) {
            poller.awaitOwnership();
            poller.pollsHere(false);
            poller.pollsHere(false);
            assertThat(log.containing("this one stands by")).as("a stand-by from the start says so, once").hasSize(1);

            poller.pollsHere(true);
            assertThat(log.containing("Hoopla is polled by this instance now")).hasSize(1);
            poller.begin(exchange);
            assertThat(poller.more(exchange)).isTrue();
            assertThat(poller.needsToken()).isTrue();
            duringWait[0] = () -> poller.pollsHere(false); // the slots move on while the token call waits out the hold
            assertThatThrownBy(() -> poller.tokenRequest(exchange)).isInstanceOf(PollHandedOverException.class)
                    .hasMessageContaining("another instance polls Hoopla now").hasMessageContaining("is not made");
            assertThat(now[0]).as("it waited out the hold first").isEqualTo(java.time.Duration.ofMinutes(1).toNanos());
            assertThat(exchange.getMessage().getHeader("Authorization")).as("no request set up").isNull();
            assertThat(meters.get("holdshelf.hoopla.calls").counter().count()).as("no call made").isZero();

            exchange.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, new PollHandedOverException("Hoopla poll x: handed over"));
            poller.handedOver(exchange);
            assertThat(poller.more(exchange)).as("the poll ends").isFalse();
            poller.finish(exchange);
            poller.release(exchange);
            assertThat(log.containing("ended: another instance polls Hoopla now")).singleElement()
                    .satisfies(l -> assertThat(l).startsWith("INFO").contains("0 of 2 cards read").contains("0 calls"));
            assertThat(log.lines()).noneMatch(l -> l.contains(" complete"));
            assertThat(poller.health().detail()).startsWith("last poll handed over");
            assertThat(log.containing("this one stands by")).hasSize(2);
        }
    }

    /**
     * A poller of two cards whose pacer and window budget wait on {@code sleeper} and read the time
     * from {@code now} (nanoseconds), so a test decides what happens during a wait.
     */
    private static HooplaPoller pollerOnFakeTime(long[] now, org.holdshelf.platform.http.CallPacer.Sleeper sleeper,
                                                 io.micrometer.core.instrument.MeterRegistry meters) {
        org.holdshelf.platform.http.CallPacer pacer = new org.holdshelf.platform.http.CallPacer(java.time.Duration.ofMillis(700),
                () -> now[0], sleeper);
        HooplaSettings on = settings(Map.of("holdshelf.hoopla.enabled", "true", "holdshelf.hoopla.username", "u",
                "holdshelf.hoopla.password", "p", "holdshelf.hoopla.library-id", "7", "holdshelf.hoopla.cards", "cards.txt"));
        return new HooplaPoller(on, pacer, new org.holdshelf.platform.http.WindowBudget(90, java.time.Duration.ofMinutes(1),
                () -> now[0], sleeper), () -> List.of("1001", "1002"), card -> java.util.Optional.of("p" + card),
                new org.holdshelf.platform.kafka.DeadLetters("dlq", java.time.Clock.systemUTC()), records -> { },
                java.time.Clock.systemUTC(), meters);
    }

    /**
     * The pipeline stopping while a call waits for its turn (here a new owner's one-minute hold):
     * the wait ends early and the call is not made, so the graceful stop is not held until Camel's
     * shutdown timeout.
     */
    @Test
    void shouldNotMakeACallThatWaitedWhileThePipelineStopped() throws Exception {
        long[] now = {0};
        HooplaPoller[] poller = new HooplaPoller[1];
        org.holdshelf.platform.http.CallPacer.Sleeper sleeper = nanos -> {
            now[0] += nanos / 2; // half the wait, then the stop ends it
            poller[0].stopping();
        };
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        poller[0] = pollerOnFakeTime(now, sleeper, meters);
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        poller[0].awaitOwnership();
        poller[0].pollsHere(true);
        poller[0].begin(exchange);
        assertThatThrownBy(() -> poller[0].tokenRequest(exchange)).isInstanceOf(PollNotStartedException.class)
                .hasMessageContaining("stopped at card 1").hasMessageContaining("the pipeline is stopping");
        assertThat(exchange.getMessage().getHeader("Authorization")).as("no request set up").isNull();
        assertThat(meters.get("holdshelf.hoopla.calls").counter().count()).as("no call made").isZero();
    }

    @Test
    void shouldMaskCards() {
        assertThat(HooplaPoller.mask("20200000123456")).isEqualTo("********3456");
        assertThat(HooplaPoller.mask("123")).isEqualTo("****");
    }
}
