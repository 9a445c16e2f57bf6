package org.holdshelf.sandbox.sierra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.sierra.SierraTestClient.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class SierraLookupTest {

    private static final long FIRST_ITEM = 5_000_000;
    private static final long FIRST_BIB = 3_000_000;

    @RegisterExtension
    static final RunningSierra SIERRA = new RunningSierra(SierraSandboxSettings.builder().holds(10_000).build());

    @Test
    void idListWithoutLimitIsSilentlyCutTo50() {
        String ids = idList(FIRST_ITEM, 60);

        JsonNode page = SIERRA.client().get("/items?id=" + ids, SIERRA.token()).json();

        assertThat(page.get("total").asInt()).isEqualTo(50);
        assertThat(page.get("entries")).hasSize(50);
        assertThat(page.get("entries").get(49).get("id").asText()).isEqualTo(Long.toString(FIRST_ITEM + 49));
        assertThat(SIERRA.simulator().stats().lookupCalls())
                .containsExactly(new SierraStats.LookupCall(SierraEndpoint.ITEMS, 60, OptionalInt.empty(), 50));
    }

    @Test
    void idListIsCutToTheGivenLimit() {
        String ids = idList(FIRST_BIB, 60);

        assertThat(SIERRA.client().get("/bibs?limit=60&id=" + ids, SIERRA.token()).json().get("entries")).hasSize(60);
        assertThat(SIERRA.client().get("/bibs?limit=10&id=" + ids, SIERRA.token()).json().get("entries")).hasSize(10);

        assertThat(SIERRA.simulator().stats().lookupCalls(SierraEndpoint.BIBS))
                .extracting(SierraStats.LookupCall::idCount, SierraStats.LookupCall::limit)
                .containsExactly(
                        tuple(60, OptionalInt.of(60)),
                        tuple(60, OptionalInt.of(10)));
    }

    @Test
    void recordsComeInTheOrderAskedAndUnknownIdsAreLeftOut() {
        List<Long> asked = List.of(FIRST_ITEM + 9, 42L, FIRST_ITEM + 2, FIRST_ITEM + 9, FIRST_ITEM + 5, FIRST_BIB);

        JsonNode page = SIERRA.client().get("/items?limit=100&id=" + join(asked), SIERRA.token()).json();

        assertThat(page.get("entries")).extracting(entry -> entry.get("id").asText())
                .containsExactly("5000009", "5000002", "5000005");
        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertThat(page.get("start").asInt()).isZero();
    }

    @Test
    void nothingFoundIs404AndBadListsAre400() {
        SIERRA.client().get("/items?id=1,2,3", SIERRA.token()).assertSierraError(404, 107);
        SIERRA.client().get("/bibs?id=" + (FIRST_BIB + 2_500), SIERRA.token()).assertSierraError(404, 107);
        SIERRA.client().get("/items?limit=2001&id=5000000", SIERRA.token()).assertSierraError(400, 108);
        SIERRA.client().get("/items?limit=0&id=5000000", SIERRA.token()).assertSierraError(400, 108);
        SIERRA.client().get("/items?id=5000000,abc", SIERRA.token()).assertSierraError(400, 101);
        SIERRA.client().get("/items?id=" + idList(FIRST_ITEM, 2001) + "&limit=2000", SIERRA.token()).assertSierraError(400, 108);
        SIERRA.client().get("/patrons", SIERRA.token()).assertSierraError(400, 105);
    }

    @Test
    void itemsCarryBarcodeBibAndStatus() {
        JsonNode entries = SIERRA.client().get("/items?limit=2000&id=" + idList(FIRST_ITEM, 2000), SIERRA.token()).json().get("entries");

        SierraTestClient.assertNoNulls(entries);
        assertThat(entries).hasSize(2000);
        for (JsonNode entry : entries) {
            SimItem item = SIERRA.data().item(Long.parseLong(entry.get("id").asText())).orElseThrow();
            assertThat(entry.get("id").isTextual()).isTrue();
            assertThat(entry.path("barcode").textValue()).isEqualTo(item.barcode());
            assertThat(entry.get("bibIds")).hasSize(1);
            assertThat(entry.get("bibIds").get(0).asText()).isEqualTo(Long.toString(item.bibId()));
            assertThat(entry.get("status").get("code").asText()).isEqualTo(item.statusCode());
            assertThat(entry.get("location").get("code").asText()).isEqualTo(item.location().code());
        }
        assertThat(entries).anyMatch(entry -> !entry.has("barcode"))
                .anyMatch(entry -> entry.get("status").get("code").asText().equals("!"));
    }

    @Test
    void fieldsRestrictItemProperties() {
        JsonNode entry = SIERRA.client().get("/items?id=5000003&fields=barcode,bibIds", SIERRA.token()).json().get("entries").get(0);

        assertThat(entry.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("id", "barcode", "bibIds");
    }

    @Test
    void hostileTitlesSurviveTheRoundTrip() {
        int showcase = Vocabulary.SHOWCASE_TITLES.size();

        JsonNode entries = SIERRA.client().get("/bibs?limit=100&id=" + idList(FIRST_BIB, showcase), SIERRA.token()).json().get("entries");

        List<String> titles = new ArrayList<>();
        entries.forEach(entry -> titles.add(entry.get("title").asText()));
        assertThat(titles).isEqualTo(Vocabulary.SHOWCASE_TITLES);
        assertThat(titles).contains("=HYPERLINK(\"http://x\",\"click\")", "Poems\nselected and new", "三体",
                "\tTabbed: a title that starts with a tab");
        assertThat(entries.get(0).get("id").isTextual()).isTrue();
    }

    @Test
    void patronContactDetailsOnlyWhenRequested() {
        List<Long> patronIds = SIERRA.data().holds().limit(40).map(SimHold::patronId).distinct().toList();

        JsonNode plain = SIERRA.client().get("/patrons?limit=100&id=" + join(patronIds), SIERRA.token()).json();
        JsonNode detailed = SIERRA.client().get("/patrons?limit=100&fields=names,barcodes,emails,phones,homeLibraryCode&id="
                + join(patronIds), SIERRA.token()).json();

        assertThat(plain.get("entries")).hasSize(patronIds.size())
                .allSatisfy(entry -> {
                    assertThat(entry.get("id").isIntegralNumber()).isTrue();
                    assertThat(entry.has("names") || entry.has("emails") || entry.has("phones") || entry.has("barcodes")).isFalse();
                    assertThat(entry.has("homeLibraryCode")).isTrue();
                });
        for (JsonNode entry : detailed.get("entries")) {
            SimPatron patron = SIERRA.data().patron(entry.get("id").asLong()).orElseThrow();
            assertThat(entry.get("names").get(0).asText()).isEqualTo(patron.names().get(0));
            assertThat(entry.get("barcodes").get(0).asText()).isEqualTo(patron.barcodes().get(0));
            assertThat(entry.has("emails")).isEqualTo(!patron.emails().isEmpty());
            assertThat(entry.has("phones")).isEqualTo(!patron.phones().isEmpty());
            assertThat(entry.has("updatedDate")).isFalse();
        }
        SierraTestClient.assertNoNulls(detailed);
    }

    @Test
    void singleRecordEndpoints() {
        SimHold hold = SIERRA.data().hold(0);
        Reply item = SIERRA.client().get("/items/5000000", SIERRA.token());
        Reply bib = SIERRA.client().get("/bibs/3000001", SIERRA.token());
        Reply patron = SIERRA.client().get("/patrons/" + hold.patronId() + "?fields=names", SIERRA.token());

        assertThat(item.json().get("barcode").asText()).isEqualTo(HoldsDataSet.itemBarcode(5_000_000));
        assertThat(bib.json().get("title").asText()).isEqualTo("=HYPERLINK(\"http://x\",\"click\")");
        assertThat(patron.json().get("names").get(0).asText())
                .isEqualTo(SIERRA.data().patron(hold.patronId()).orElseThrow().names().get(0));
        SIERRA.client().get("/items/1", SIERRA.token()).assertSierraError(404, 107);
        SIERRA.client().get("/bibs/99", SIERRA.token()).assertSierraError(404, 107);
        SIERRA.client().get("/patrons/5", SIERRA.token()).assertSierraError(404, 107);
        SIERRA.client().get("/items/x1", SIERRA.token()).assertSierraError(400, 101);
        assertThat(SIERRA.simulator().stats().requests(SierraEndpoint.ITEM)).isEqualTo(3);
    }

    private static String idList(long first, int count) {
        return LongStream.range(first, first + count).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    private static String join(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
