package org.holdshelf.sandbox.sierra;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.sierra.SierraTestClient.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SierraHoldsPagingTest {

    private static final int HOLDS = 5_000;

    @RegisterExtension
    static final RunningSierra SIERRA = new RunningSierra(SierraSandboxSettings.builder().holds(HOLDS).seed(11).build());

    @Test
    void pagesCoverEveryHoldInOrderThenAnswer404() {
        List<JsonNode> entries = new ArrayList<>();
        for (int offset = 0; ; offset += 2000) {
            Reply reply = SIERRA.client().get("/patrons/holds?limit=2000&offset=" + offset, SIERRA.token());
            if (reply.status() == 404) {
                reply.assertSierraError(404, 107);
                assertThat(reply.json().toString())
                        .isEqualTo("{\"code\":107,\"specificCode\":0,\"httpStatus\":404,\"name\":\"Record not found\"}");
                break;
            }
            assertThat(reply.status()).isEqualTo(200);
            JsonNode page = reply.json();
            assertThat(page.get("total").asInt()).isEqualTo(HOLDS);
            assertThat(page.get("start").asInt()).isEqualTo(offset);
            page.get("entries").forEach(entries::add);
        }

        assertThat(SIERRA.simulator().stats().holdsOffsets()).containsExactly(0, 2000, 4000, 6000);
        assertThat(SIERRA.simulator().stats().holdsCalls()).extracting(SierraStats.HoldsCall::limit).containsOnly(2000);
        assertThat(entries).hasSize(HOLDS);
        for (int i = 0; i < HOLDS; i++) {
            assertMatchesOracle(entries.get(i), SIERRA.data().hold(i));
        }
    }

    @Test
    void defaultLimitIs50() {
        JsonNode page = SIERRA.client().get("/patrons/holds", SIERRA.token()).json();

        assertThat(page.get("entries")).hasSize(50);
        assertThat(page.get("start").asInt()).isZero();
        assertThat(SIERRA.simulator().stats().holdsCalls()).containsExactly(new SierraStats.HoldsCall(0, 50, ""));
    }

    @Test
    void lastPageIsShortAndOffsetNeedNotBeAMultipleOfTheLimit() {
        JsonNode page = SIERRA.client().get("/patrons/holds?limit=100&offset=4950", SIERRA.token()).json();

        assertThat(page.get("entries")).hasSize(50);
        assertThat(page.get("start").asInt()).isEqualTo(4950);
        assertMatchesOracle(page.get("entries").get(0), SIERRA.data().hold(4950));
        SIERRA.client().get("/patrons/holds?limit=100&offset=" + HOLDS, SIERRA.token()).assertSierraError(404, 107);
    }

    @Test
    void totalCanCountThePageInstead() {
        SierraSandboxSettings settings = SierraSandboxSettings.builder().holds(120)
                .totalMode(SierraSandboxSettings.TotalMode.PAGE).build();
        try (SierraSimulator pageTotals = new SierraSimulator(settings).start()) {
            SierraTestClient pageClient = new SierraTestClient(pageTotals);
            String pageToken = pageClient.token();

            assertThat(pageClient.get("/patrons/holds?limit=100", pageToken).json().get("total").asInt()).isEqualTo(100);
            assertThat(pageClient.get("/patrons/holds?limit=100&offset=100", pageToken).json().get("total").asInt()).isEqualTo(20);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "limit=0, 108, limit",
            "limit=2001, 108, limit",
            "limit=-5, 108, limit",
            "limit=ten, 101, limit",
            "offset=-1, 108, offset",
            "offset=x, 101, offset"})
    void invalidPagingParametersAre400(String parameter, int code, String named) {
        JsonNode error = SIERRA.client().get("/patrons/holds?" + parameter, SIERRA.token()).assertSierraError(400, code);

        assertThat(error.get("description").asText()).contains(named);
    }

    @Test
    void fieldsRestrictTheProperties() {
        JsonNode page = SIERRA.client().get("/patrons/holds?limit=500&fields=status,pickupByDate,pickupLocation", SIERRA.token()).json();

        for (JsonNode entry : page.get("entries")) {
            assertThat(fieldNames(entry)).isSubsetOf("id", "status", "pickupByDate", "pickupLocation")
                    .contains("id", "status", "pickupLocation");
        }
        assertThat(page.get("entries")).anyMatch(entry -> entry.has("pickupByDate"));
        assertThat(SIERRA.simulator().stats().holdsCalls().get(0).fields()).isEqualTo("status,pickupByDate,pickupLocation");
    }

    @Test
    void fieldsDefaultMeansAll() {
        JsonNode all = SIERRA.client().get("/patrons/holds?limit=20", SIERRA.token()).json();
        JsonNode defaults = SIERRA.client().get("/patrons/holds?limit=20&fields=default", SIERRA.token()).json();

        assertThat(defaults).isEqualTo(all);
    }

    @Test
    void noNullsAndAbsentValuesAreLeftOut() {
        JsonNode page = SIERRA.client().get("/patrons/holds?limit=2000", SIERRA.token()).json();

        SierraTestClient.assertNoNulls(page);
        for (JsonNode entry : page.get("entries")) {
            String status = entry.get("status").get("code").asText();
            boolean ready = status.equals(entry.get("recordType").asText());
            assertThat(entry.has("pickupByDate")).as("entry %s", entry).isEqualTo(ready);
        }
        assertThat(page.get("entries")).anyMatch(entry -> !entry.has("notNeededAfterDate"));
    }

    @Test
    void unknownParametersAreIgnored() {
        JsonNode plain = SIERRA.client().get("/patrons/holds?limit=5", SIERRA.token()).json();
        JsonNode withExtras = SIERRA.client().get("/patrons/holds?limit=5&sort=desc&foo=bar", SIERRA.token()).json();

        assertThat(withExtras).isEqualTo(plain);
    }

    @Test
    void expandRecordEmbedsTheItemOrBib() {
        JsonNode entries = SIERRA.client().get("/patrons/holds?limit=300&expand=record", SIERRA.token()).json().get("entries");

        for (int i = 0; i < entries.size(); i++) {
            SimHold hold = SIERRA.data().hold(i);
            JsonNode record = entries.get(i).get("record");
            switch (hold.recordType()) {
                case "i" -> {
                    SimItem item = SIERRA.data().item(hold.recordId()).orElseThrow();
                    assertThat(record.get("id").asText()).isEqualTo(Long.toString(item.id()));
                    assertThat(record.get("bibIds").get(0).asText()).isEqualTo(Long.toString(item.bibId()));
                }
                case "b" -> assertThat(record.get("title").asText())
                        .isEqualTo(SIERRA.data().bib(hold.recordId()).orElseThrow().title());
                default -> assertThat(record.asText()).endsWith("/volumes/" + hold.recordId());
            }
        }
    }

    @Test
    void singleHoldRoundTrips() {
        for (int index : new int[] {0, 1, 42, 2500, HOLDS - 1}) {
            SimHold hold = SIERRA.data().hold(index);

            Reply reply = SIERRA.client().get("/patrons/holds/" + hold.holdId(), SIERRA.token());

            assertThat(reply.status()).isEqualTo(200);
            assertMatchesOracle(reply.json(), hold);
        }
        SimHold hold = SIERRA.data().hold(7);
        assertThat(fieldNames(SIERRA.client().get("/patrons/holds/" + hold.holdId() + "?fields=status", SIERRA.token()).json()))
                .containsExactlyInAnyOrder("id", "status");
        assertThat(SIERRA.simulator().stats().requests(SierraEndpoint.HOLD)).isEqualTo(6);
    }

    @Test
    void unknownOrBadHoldIdIsAnError() {
        SIERRA.client().get("/patrons/holds/1", SIERRA.token()).assertSierraError(404, 107);
        SIERRA.client().get("/patrons/holds/" + (SIERRA.data().hold(HOLDS - 1).holdId() + 3), SIERRA.token()).assertSierraError(404, 107);
        SIERRA.client().get("/patrons/holds/abc", SIERRA.token()).assertSierraError(400, 101);
    }

    @Test
    void overlapAfterFirstPageShowsHoldsTwice() {
        int overlap = 7;
        SierraSandboxSettings settings = SierraSandboxSettings.builder().holds(1_000).overlapAfterFirstPage(overlap).build();
        try (SierraSimulator live = new SierraSimulator(settings).start()) {
            SierraTestClient liveClient = new SierraTestClient(live);
            String liveToken = liveClient.token();
            List<String> ids = new ArrayList<>();

            for (int offset = 0; ; offset += 300) {
                Reply reply = liveClient.get("/patrons/holds?limit=300&offset=" + offset, liveToken);
                if (reply.status() == 404) {
                    break;
                }
                JsonNode page = reply.json();
                assertThat(page.get("total").asInt()).isEqualTo(1_000);
                assertThat(page.get("start").asInt()).isEqualTo(offset);
                page.get("entries").forEach(entry -> ids.add(entry.get("id").asText()));
                if (page.get("entries").size() < 300) {
                    break;
                }
            }

            Set<String> distinct = new HashSet<>(ids);
            assertThat(distinct).hasSize(1_000);
            assertThat(ids).hasSize(1_000 + overlap);
            JsonNode secondPage = liveClient.get("/patrons/holds?limit=300&offset=300", liveToken).json();
            assertThat(secondPage.get("entries").get(0).get("id").asText())
                    .endsWith("/" + live.dataSet().hold(300 - overlap).holdId());
        }
    }

    static void assertMatchesOracle(JsonNode entry, SimHold hold) {
        String base = SIERRA.simulator().baseUrl();
        assertThat(entry.get("id").asText()).isEqualTo(base + "/patrons/holds/" + hold.holdId());
        assertThat(entry.get("record").asText()).isEqualTo(base + "/" + hold.recordEndpoint() + "/" + hold.recordId());
        assertThat(entry.get("patron").asText()).isEqualTo(base + "/patrons/" + hold.patronId());
        assertThat(entry.get("recordType").asText()).isEqualTo(hold.recordType());
        assertThat(entry.get("status").get("code").asText()).isEqualTo(hold.statusCode());
        assertThat(entry.get("status").get("name").asText()).isEqualTo(hold.statusName());
        assertThat(entry.get("pickupLocation").get("code").asText()).isEqualTo(hold.pickupLocationCode());
        assertThat(entry.get("pickupLocation").get("name").asText()).isEqualTo(hold.pickupLocationName());
        assertThat(entry.get("placed").asText()).isEqualTo(hold.placed());
        assertThat(entry.get("frozen").asBoolean()).isEqualTo(hold.frozen());
        assertThat(entry.get("priority").asInt()).isEqualTo(hold.priority());
        assertThat(entry.path("pickupByDate").textValue()).isEqualTo(hold.pickupByDate());
        assertThat(entry.path("notNeededAfterDate").textValue()).isEqualTo(hold.notNeededAfterDate());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
