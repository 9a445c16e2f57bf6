package org.holdshelf.sandbox.sierra;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.sierra.FaultPlan.Kind;
import org.holdshelf.sandbox.sierra.FaultPlan.Target;
import org.holdshelf.sandbox.sierra.SierraStats.FiredFault;
import org.holdshelf.sandbox.sierra.SierraTestClient.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The patron lookups the notices make: batched {@code /patrons?id=...}, over real HTTP. */
class SierraPatronsTest {

    private static final String NOTICE_FIELDS = "names,emails,phones,barcodes,fixedFields";

    private static final SierraSandboxSettings SETTINGS = SierraSandboxSettings.builder().holds(20_000).build();

    @RegisterExtension
    static final RunningSierra SIERRA = new RunningSierra(SETTINGS);

    /** Distinct patrons with holds, in order of their first hold. */
    private static final List<Long> PATRON_IDS = SETTINGS.newDataSet().holds().map(SimHold::patronId).distinct().limit(2000).toList();

    @AfterEach
    void noFaults() {
        SIERRA.simulator().setFaultPlan(FaultPlan.NONE);
    }

    @Test
    void batchedLookupServesEveryNoticeFieldAsTheDataSetHasIt() {
        List<Long> ids = PATRON_IDS.subList(0, 2000);

        JsonNode page = SIERRA.client().get("/patrons?id=" + join(ids) + "&limit=" + ids.size() + "&fields=" + NOTICE_FIELDS,
                SIERRA.token()).json();

        SierraTestClient.assertNoNulls(page);
        assertThat(page.get("total").asInt()).isEqualTo(ids.size());
        assertThat(page.get("entries")).extracting(entry -> entry.get("id").asLong()).containsExactlyElementsOf(ids);
        for (JsonNode entry : page.get("entries")) {
            SimPatron patron = SIERRA.data().patron(entry.get("id").asLong()).orElseThrow();
            if (patron.deleted()) {
                continue; // see deletedPatronsAreStubsOnBothEndpoints
            }
            assertThat(entry.get("id").isIntegralNumber()).isTrue();
            assertThat(texts(entry.path("names"))).isEqualTo(patron.names());
            assertThat(texts(entry.path("barcodes"))).isEqualTo(patron.barcodes());
            assertThat(texts(entry.path("emails"))).isEqualTo(patron.emails());
            List<SimPatron.Phone> phones = new ArrayList<>();
            entry.path("phones").forEach(phone -> phones.add(new SimPatron.Phone(phone.get("number").asText(), phone.get("type").asText())));
            assertThat(phones).isEqualTo(patron.phones());
            JsonNode fixed = entry.get("fixedFields");
            assertThat(fixed.get("263").get("label").asText()).isEqualTo("Preferred Language");
            assertThat(fixed.get("263").get("value").asText()).isEqualTo(patron.language());
            assertThat(fixed.get("268").get("label").asText()).isEqualTo("Notice Preference");
            assertThat(fixed.get("268").get("value").asText()).isEqualTo(patron.noticePreference());
            assertThat(entry.has("updatedDate") || entry.has("deleted") || entry.has("homeLibraryCode")).as("not requested").isFalse();
        }
        List<JsonNode> entries = new ArrayList<>();
        page.get("entries").forEach(entries::add);
        assertThat(entries)
                .anyMatch(e -> e.path("fixedFields").path("263").path("value").asText().equals("   "))
                .anyMatch(e -> e.path("fixedFields").path("268").path("value").asText().equals("p"))
                .anyMatch(e -> e.path("phones").findValuesAsText("type").contains("o"))
                .anyMatch(e -> !e.has("emails") && !e.has("deleted"))
                .anyMatch(e -> e.path("emails").toString().contains(", "));
    }

    @Test
    void fixedFieldsAreKeyedByNumberWithLabelValueAndDisplay() {
        long id = firstLive();
        SimPatron patron = SIERRA.data().patron(id).orElseThrow();

        JsonNode entry = SIERRA.client().get("/patrons?id=" + id + "&fields=fixedFields", SIERRA.token()).json().get("entries").get(0);

        assertThat(entry.properties()).extracting(Map.Entry::getKey).containsExactly("id", "fixedFields");
        assertThat(entry.get("fixedFields").properties()).extracting(Map.Entry::getKey).containsExactly("43", "47", "53", "263", "268");
        JsonNode home = entry.get("fixedFields").get("53");
        assertThat(home.get("label").asText()).isEqualTo("Home Library");
        assertThat(home.get("value").asText()).hasSize(5).startsWith(patron.homeLibraryCode());
        assertThat(home.get("display").asText()).isNotBlank();
        assertThat(entry.get("fixedFields").get("47").get("value").asText()).isEqualTo(Integer.toString(patron.patronType()));
    }

    @Test
    void deletedPatronsAreStubsOnBothEndpoints() {
        long deleted = PATRON_IDS.stream().filter(id -> SIERRA.data().patron(id).orElseThrow().deleted()).findFirst().orElseThrow();
        long live = firstLive();
        SimPatron patron = SIERRA.data().patron(deleted).orElseThrow();

        JsonNode page = SIERRA.client().get("/patrons?id=" + live + "," + deleted + "&limit=2&fields=" + NOTICE_FIELDS + ",deleted",
                SIERRA.token()).json();
        JsonNode single = SIERRA.client().get("/patrons/" + deleted + "?fields=" + NOTICE_FIELDS, SIERRA.token()).json();

        assertThat(page.get("total").asInt()).isEqualTo(2);
        assertThat(page.get("entries").get(0).get("deleted").asBoolean()).isFalse();
        for (JsonNode stub : List.of(page.get("entries").get(1), single)) {
            assertThat(stub.properties()).extracting(Map.Entry::getKey).containsExactly("id", "deletedDate", "deleted");
            assertThat(stub.get("id").asLong()).isEqualTo(deleted);
            assertThat(stub.get("deletedDate").asText()).isEqualTo(patron.deletedDate()).matches("\\d{4}-\\d{2}-\\d{2}");
            assertThat(stub.get("deleted").asBoolean()).isTrue();
        }
        assertThat(SIERRA.data().holds().anyMatch(hold -> hold.patronId() == deleted)).as("a hold still points at it").isTrue();
    }

    @Test
    void idListWithoutLimitIsSilentlyCutTo50AndALimitCutsToItself() {
        List<Long> ids = PATRON_IDS.subList(0, 60);

        JsonNode noLimit = SIERRA.client().get("/patrons?id=" + join(ids) + "&fields=names", SIERRA.token()).json();
        JsonNode limit10 = SIERRA.client().get("/patrons?id=" + join(ids) + "&limit=10&fields=names", SIERRA.token()).json();
        JsonNode limit60 = SIERRA.client().get("/patrons?id=" + join(ids) + "&limit=60&fields=names", SIERRA.token()).json();

        assertThat(noLimit.get("total").asInt()).isEqualTo(50);
        assertThat(noLimit.get("entries")).extracting(e -> e.get("id").asLong()).containsExactlyElementsOf(ids.subList(0, 50));
        assertThat(limit10.get("entries")).extracting(e -> e.get("id").asLong()).containsExactlyElementsOf(ids.subList(0, 10));
        assertThat(limit60.get("entries")).hasSize(60);
        assertThat(SIERRA.simulator().stats().lookupCalls(SierraEndpoint.PATRONS))
                .extracting(SierraStats.LookupCall::idCount, SierraStats.LookupCall::limit, SierraStats.LookupCall::returned)
                .containsExactly(
                        tuple(60, OptionalInt.empty(), 50),
                        tuple(60, OptionalInt.of(10), 10),
                        tuple(60, OptionalInt.of(60), 60));
    }

    @Test
    void unknownIdsAreLeftOutAndNoneFoundIs404Code107() {
        long live = firstLive();

        JsonNode page = SIERRA.client().get("/patrons?id=42,99999," + live + ",1000000&limit=4&fields=names", SIERRA.token()).json();

        assertThat(page.get("entries")).extracting(e -> e.get("id").asLong()).containsExactly(live);
        assertThat(page.get("total").asInt()).isEqualTo(1);
        SIERRA.client().get("/patrons?id=42,99999,1000000&limit=3", SIERRA.token()).assertSierraError(404, 107);
        SIERRA.client().get("/patrons/99999", SIERRA.token()).assertSierraError(404, 107);
    }

    @Test
    void patronLookupsFailOnRequest() throws IOException {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("patrons:503@0x1,patrons:html502@1x1,patrons:malformed@2x1"));
        String query = "/patrons?id=" + join(PATRON_IDS.subList(0, 20)) + "&limit=20&fields=" + NOTICE_FIELDS;

        SIERRA.client().get(query, SIERRA.token()).assertSierraError(503, 117);
        Reply gateway = SIERRA.client().get(query, SIERRA.token());
        Reply broken = SIERRA.client().get(query, SIERRA.token());
        Reply recovered = SIERRA.client().get(query, SIERRA.token());

        assertThat(gateway.status()).isEqualTo(502);
        assertThat(gateway.contentType()).startsWith("text/html");
        assertThat(broken.status()).isEqualTo(200);
        assertThat(broken.contentType()).startsWith("application/json");
        assertThatThrownBy(() -> SierraTestClient.MAPPER.readTree(broken.body())).isInstanceOf(IOException.class);
        assertThat(recovered.json().get("entries")).hasSize(20);
        assertThat(SIERRA.client().get("/items?id=5000000", SIERRA.token()).status()).as("other endpoints unaffected").isEqualTo(200);
        assertThat(SIERRA.simulator().stats().faultsFired()).containsExactly(
                new FiredFault(Target.PATRONS, 0, Kind.HTTP_503),
                new FiredFault(Target.PATRONS, 1, Kind.HTML_502),
                new FiredFault(Target.PATRONS, 2, Kind.MALFORMED_JSON));
        assertThat(SIERRA.simulator().stats().lookupCalls(SierraEndpoint.PATRONS))
                .extracting(SierraStats.LookupCall::returned).containsExactly(0, 0, 0, 20);
    }

    private static long firstLive() {
        return PATRON_IDS.stream().filter(id -> !SIERRA.data().patron(id).orElseThrow().deleted()).findFirst().orElseThrow();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static String join(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
