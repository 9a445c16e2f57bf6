package org.holdshelf.sandbox.hoopla;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.hoopla.HooplaHttp.Reply;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The patron endpoints over real HTTP: hold shapes, rejected cards, and the bad-input knobs. */
class HooplaHoldsTest {

    private static final long NOW = Instant.parse("2026-11-23T08:00:00Z").getEpochSecond();
    private static final String READER = "20000000100001";
    private static final String NO_HOLDS = "20000000100002";
    private static final String NO_ACCOUNT = "20000000100003";
    private static final String ESCAPED = "Dungeons & Dragons: <Honor Among Thieves> \"Deluxe\" 'Edition'";

    private HooplaSimulator hoopla;
    private HooplaHttp http;
    private String token;

    @BeforeEach
    void start() {
        List<HooplaCard> directory = List.of(
                HooplaCard.withHolds(READER, List.of(
                        HooplaHold.reserved(13_966_741, "The Four Winds", "EBOOK", NOW - 86_400, NOW + 2 * 86_400),
                        HooplaHold.waiting(15_233_901, ESCAPED, "MOVIE", 4, NOW - 3 * 86_400),
                        HooplaHold.waiting(13_577_264, "三体 (The Three-Body Problem)", "AUDIOBOOK", 1, NOW - 7200))),
                HooplaCard.withHolds(NO_HOLDS, List.of()),
                HooplaCard.withoutAccount(NO_ACCOUNT));
        hoopla = new HooplaSimulator(HooplaSandboxSettings.builder().latencyMs(0).jitterMs(0).build(), directory).start();
        http = new HooplaHttp(hoopla);
        token = http.token();
    }

    @AfterEach
    void stop() {
        hoopla.close();
    }

    @Test
    void currentHoldsAreAnArrayOfHooplaHoldObjects() {
        Reply reply = http.holds(token, READER);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("application/json;charset=UTF-8");
        JsonNode holds = reply.json();
        assertThat(holds.isArray()).isTrue();
        assertThat(holds).hasSize(3);

        JsonNode reserved = holds.get(0);
        assertThat(reserved.path("status").asText()).isEqualTo("RESERVED");
        assertThat(reserved.path("contentId").isIntegralNumber()).isTrue();
        assertThat(reserved.path("contentId").asLong()).isEqualTo(13_966_741);
        assertThat(reserved.path("title").asText()).isEqualTo("The Four Winds");
        assertThat(reserved.path("kind").asText()).isEqualTo("EBOOK");
        assertThat(reserved.path("inserted").isIntegralNumber()).as("unix seconds").isTrue();
        assertThat(reserved.path("inserted").asLong()).isEqualTo(NOW - 86_400);
        assertThat(reserved.path("reserveUntil").isIntegralNumber()).as("unix seconds, a number").isTrue();
        assertThat(reserved.path("reserveUntil").asLong()).isEqualTo(NOW + 2 * 86_400);
        assertThat(reserved.path("holdsQueuePosition").isInt()).isTrue();
        assertThat(reserved.path("url").asText()).isEqualTo("https://www.hoopladigital.com/title/13966741");

        JsonNode waiting = holds.get(1);
        assertThat(waiting.path("status").asText()).isEqualTo("WAITING");
        assertThat(waiting.has("reserveUntil")).as("reserveUntil only on RESERVED holds").isFalse();
        assertThat(waiting.path("holdsQueuePosition").asInt()).isEqualTo(4);
        assertThat(waiting.path("title").asText()).as("escaped and read back").isEqualTo(ESCAPED);
        assertThat(holds.get(2).path("title").asText()).isEqualTo("三体 (The Three-Body Problem)");
        assertThat(holds.get(2).has("reserveUntil")).isFalse();
        List<String> fields = new ArrayList<>();
        reserved.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("status", "contentId", "title", "inserted", "reserveUntil", "url", "coverImageUrl",
                "kind", "holdsQueuePosition");

        assertThat(hoopla.calls(READER)).isEqualTo(1);
        assertThat(hoopla.holdsOf(READER)).hasSize(3).first().extracting(HooplaHold::isReserved).isEqualTo(true);
    }

    @Test
    void aCardWithoutHoldsIsAnEmptyArrayAndStatusAndCheckoutsAreServed() {
        assertThat(http.holds(token, NO_HOLDS).body()).isEqualTo("[]");
        assertThat(http.patron(token, NO_HOLDS, "/checkouts/current").body()).isEqualTo("[]");

        JsonNode status = http.patron(token, READER, "/status").json();
        List<String> fields = new ArrayList<>();
        status.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("currentlyBorrowed", "borrowsRemaining", "borrowsAllowedPerMonth");
        int allowed = status.path("borrowsAllowedPerMonth").asInt();
        assertThat(status.path("borrowsRemaining").asInt()).isBetween(0, allowed);
        assertThat(status.path("currentlyBorrowed").asInt()).isBetween(0, allowed);
        assertThat(http.patron(token, READER, "/status").body()).as("the same for a card").isEqualTo(status.toString());
    }

    @Test
    void unknownCardsAre400NoAccount403AnotherLibrary404() {
        assertThat(http.holds(token, "29000000000001").assertMessage(400)).isEqualTo("Invalid library card");
        assertThat(http.patron(token, "29000000000001", "/status").assertMessage(400)).isEqualTo("Invalid library card");
        assertThat(http.holds(token, NO_ACCOUNT).assertMessage(403)).isEqualTo(HooplaSimulator.NO_ACCOUNT_MESSAGE);
        http.patron(token, 8, READER, "/holds/current").assertMessage(404);
        http.patron(token, READER, "/holds/history").assertMessage(404);
        http.get("/api/v2/whatever", "Authorization", "Bearer " + token).assertMessage(404);
        assertThat(hoopla.calls("29000000000001")).isEqualTo(2);
    }

    @Test
    void mutatorsChangeWhatIsServed() {
        hoopla.rejectCard(READER, 400);
        assertThat(http.holds(token, READER).assertMessage(400)).isEqualTo("Invalid library card");
        hoopla.rejectCard(READER, 403);
        http.holds(token, READER).assertMessage(403);
        hoopla.acceptCard(READER);
        assertThat(http.holds(token, READER).json()).hasSize(3);
        assertThatThrownBy(() -> hoopla.rejectCard(READER, 200)).isInstanceOf(IllegalArgumentException.class);

        assertThat(hoopla.removeHolds(READER)).isTrue();
        assertThat(hoopla.removeHolds(READER)).isFalse();
        assertThat(http.holds(token, READER).body()).isEqualTo("[]");
        assertThat(hoopla.holdsOf(READER)).isEmpty();

        HooplaHold ready = HooplaHold.reserved(12_004_118, "Paddington 2", "MOVIE", NOW - 60, NOW + 86_400);
        hoopla.setHolds(NO_ACCOUNT, List.of(ready));
        hoopla.setHolds("20000000999999", List.of(ready));
        assertThat(http.holds(token, NO_ACCOUNT).json().get(0).path("title").asText()).isEqualTo("Paddington 2");
        assertThat(http.holds(token, "20000000999999").json()).hasSize(1);
        assertThat(hoopla.cards()).containsExactly(READER, NO_HOLDS, NO_ACCOUNT, "20000000999999");
        assertThat(hoopla.cardsWithHolds()).containsExactly(NO_ACCOUNT, "20000000999999");
    }

    @Test
    void aBrokenCardAnswersMalformedJsonOrAnHtml502Page() {
        hoopla.breakCard(READER, HooplaSimulator.BadAnswer.MALFORMED_JSON);
        Reply malformed = http.holds(token, READER);
        assertThat(malformed.status()).isEqualTo(200);
        assertThat(malformed.header("Content-Type")).startsWith("application/json");
        assertThatThrownBy(() -> HooplaHttp.JSON.readTree(malformed.body())).isInstanceOf(JsonProcessingException.class);

        hoopla.breakCard(READER, HooplaSimulator.BadAnswer.HTML_502);
        Reply html = http.holds(token, READER);
        assertThat(html.status()).isEqualTo(502);
        assertThat(html.header("Content-Type")).startsWith("text/html");
        assertThat(html.body()).contains("<h1>502 Bad Gateway</h1>");
        assertThat(http.holds(token, NO_HOLDS).body()).as("other cards are fine").isEqualTo("[]");

        hoopla.fixCard(READER);
        assertThat(http.holds(token, READER).json()).hasSize(3);
    }

    @Test
    void missingReserveUntilServesReservedHoldsWithoutIt() throws IOException {
        HooplaSandboxSettings settings = HooplaSandboxSettings.builder().latencyMs(0).jitterMs(0).cardsWithHoldsPercent(100)
                .reservedPercent(100).missingReserveUntilPercent(100).referenceTime(Instant.ofEpochSecond(NOW)).build();
        List<HooplaCard> directory = HooplaSimulator.directoryFor(new HoldsDataSet(300, 42), settings);
        try (HooplaSimulator bad = new HooplaSimulator(settings, directory).start()) {
            HooplaHttp badHttp = new HooplaHttp(bad);
            String card = bad.cards().get(0);
            JsonNode holds = badHttp.holds(badHttp.token(), card).json();

            assertThat(holds).isNotEmpty().allSatisfy(h -> {
                assertThat(h.path("status").asText()).isEqualTo("RESERVED");
                assertThat(h.has("reserveUntil")).isFalse();
            });
            assertThat(bad.holdsOf(card)).allSatisfy(h -> assertThat(h.reserveUntil()).isNull());
        }
        HooplaSandboxSettings half = settings.toBuilder().missingReserveUntilPercent(50).build();
        List<HooplaHold> all = HooplaSimulator.directoryFor(new HoldsDataSet(3000, 42), half).stream()
                .flatMap(c -> c.holds().stream()).toList();
        long missing = all.stream().filter(h -> h.reserveUntil() == null).count();
        assertThat((double) missing / all.size()).as("about half of %s", all.size()).isBetween(0.4, 0.6);
    }

    @Test
    void observationsCountAndResetForgetsThemOnly() {
        http.holds(token, READER);
        http.holds(token, READER);
        http.holds(token, NO_HOLDS);
        http.holds("stale", READER);

        assertThat(hoopla.requests()).isEqualTo(5);
        assertThat(hoopla.tokenRequests()).isEqualTo(1);
        assertThat(hoopla.calls(READER)).isEqualTo(3);
        assertThat(hoopla.calls(NO_HOLDS)).isEqualTo(1);
        assertThat(hoopla.calls("nobody")).isZero();
        assertThat(hoopla.unauthorized()).isEqualTo(1);
        assertThat(hoopla.arrivals()).hasSize(5).isSorted();
        assertThat(hoopla.acceptedArrivals()).isEqualTo(hoopla.arrivals());

        hoopla.reset();

        assertThat(hoopla.requests()).isZero();
        assertThat(hoopla.calls(READER)).isZero();
        assertThat(hoopla.tokenRequests()).isZero();
        assertThat(hoopla.arrivals()).isEmpty();
        assertThat(http.holds(token, READER).status()).as("the token is still good").isEqualTo(200);
        assertThat(hoopla.holdsOf(READER)).hasSize(3);
    }
}
