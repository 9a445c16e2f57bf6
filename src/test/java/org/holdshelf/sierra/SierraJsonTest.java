package org.holdshelf.sierra;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;

import org.holdshelf.events.HoldState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading Sierra's answers: which holds are published, what is rejected, and what counts as malformed. */
class SierraJsonTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPublishOnlyReadyAndInTransitHoldsButCountEveryEntry() throws Exception {
        // shapes from the seed script's real Cincinnati output and NYPL fixtures
        String page = """
                {"total": 126000, "start": 0, "entries": [
                  {"id": "https://h/iii/sierra-api/v6/patrons/holds/44471308",
                   "record": "https://h/iii/sierra-api/v6/bibs/3557134",
                   "patron": "https://h/iii/sierra-api/v6/patrons/1492858", "frozen": true, "placed": "2020-10-06",
                   "pickupLocation": {"code": "mo", "name": "Monfort Heights"},
                   "status": {"code": "0", "name": "on hold."}, "recordType": "b", "priority": 3},
                  {"id": "https://h/iii/sierra-api/v6/patrons/holds/406333",
                   "record": "https://h/iii/sierra-api/v6/items/1000002",
                   "patron": "https://h/iii/sierra-api/v6/patrons/1042514", "placed": "2024-05-01",
                   "pickupByDate": "2024-05-17T08:00:00Z",
                   "pickupLocation": {"code": "21", "name": "Vineland Branch"},
                   "status": {"code": "i", "name": "Requested item ready for pickup."}, "recordType": "i"},
                  {"id": "https://h/iii/sierra-api/v6/patrons/holds/406334",
                   "record": {"id": "2311644", "title": "embedded by expand=record"},
                   "patron": "https://h/iii/sierra-api/v6/patrons/7",
                   "pickupLocation": {"code": "sn", "name": "SNFL (formerly Mid-Manhattan)"},
                   "status": {"code": "t", "name": "Requested item is in transit."}, "recordType": "b"}
                ]}""";

        HoldsPage result = SierraJson.holdsPage(bytes(page), 0, NEW_YORK);

        assertThat(result.entryCount()).isEqualTo(3);
        assertThat(result.reportedTotal()).isEqualTo(126000L);
        assertThat(result.rejected()).isEmpty();
        assertThat(result.holds()).extracting(SierraHold::holdId, SierraHold::state, SierraHold::statusCode,
                        SierraHold::patronId, SierraHold::recordId, SierraHold::pickupLocationCode, SierraHold::pickupByDate)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("406333", HoldState.READY, "i", "1042514", "1000002", "21", "2024-05-17T08:00:00Z"),
                        org.assertj.core.groups.Tuple.tuple("406334", HoldState.IN_TRANSIT, "t", "7", "2311644", "sn", null));
    }

    @Test
    void shouldReadReadyHoldsExactlyWhateverTheFieldOrderAndWhatComesBeforeThem() throws Exception {
        // queued holds are skipped undecoded, then ready ones are re-read from their bytes: multi-byte
        // text, escapes and nested values before them must not shift where a ready hold is read from
        String page = """
                {"start": 0, "entries": [
                  {"status": {"name": "on hold.", "code": "0"}, "id": "https://h/v6/patrons/holds/1",
                   "pickupLocation": {"code": "jp", "name": "日本語の分館 \\\\ \\"quoted\\", é"},
                   "extra": {"nested": [1, {"deeper": "ü"}], "flag": true}},
                  {"status": {"code": "b", "name": "Bib hold ready for pickup."},
                   "id": "https://h/v6/patrons/holds/2", "patron": "https://h/v6/patrons/20",
                   "pickupLocation": {"name": "Ωmega, \\"east\\"", "code": "om"},
                   "pickupByDate": "2024-05-17T08:00:00Z", "record": "https://h/v6/bibs/300"},
                  {"id": "https://h/v6/patrons/holds/3", "placed": "=cmd|' /C calc'!A0",
                   "status": {"code": "0"}, "pickupLocation": {"code": "x", "name": "Ж"}},
                  {"pickupLocation": {"code": "xz", "name": "中文"}, "patron": "https://h/v6/patrons/40",
                   "id": "https://h/v6/patrons/holds/4", "recordType": "j",
                   "status": {"code": "t"}}
                ], "total": 4}""";

        HoldsPage result = SierraJson.holdsPage(bytes(page), 0, NEW_YORK);

        assertThat(result.entryCount()).isEqualTo(4);
        assertThat(result.reportedTotal()).isEqualTo(4L);
        assertThat(result.rejected()).isEmpty();
        assertThat(result.holds()).extracting(SierraHold::holdId, SierraHold::statusCode, SierraHold::patronId,
                        SierraHold::recordType, SierraHold::recordId, SierraHold::pickupLocationCode, SierraHold::pickupLocationName)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("2", "b", "20", "b", "300", "om", "Ωmega, \"east\""),
                        org.assertj.core.groups.Tuple.tuple("4", "t", "40", "j", null, "xz", "中文"));
    }

    @Test
    void shouldRejectAPublishableHoldWithoutAPickupLocationAndSayWhy() throws Exception {
        String page = """
                {"entries": [{"id": "https://h/v6/patrons/holds/9", "patron": "https://h/v6/patrons/1",
                  "status": {"code": "b"}, "recordType": "b", "pickupByDate": "2024-05-17T08:00:00Z"},
                 {"id": "https://h/v6/patrons/holds/10", "patron": "https://h/v6/patrons/1",
                  "pickupLocation": {"code": "mo", "name": "x"}, "status": {"code": "b"}, "pickupByDate": "next tuesday"}]}""";

        HoldsPage result = SierraJson.holdsPage(bytes(page), 0, NEW_YORK);

        assertThat(result.holds()).isEmpty();
        assertThat(result.rejected()).extracting(RejectedHold::holdId, RejectedHold::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("9", "the hold has no pickupLocation code"),
                org.assertj.core.groups.Tuple.tuple("10", "pickupByDate 'next tuesday' is not a date or date-time"));
        assertThat(result.rejected().get(0).fields()).contains("\"id\":\"https://h/v6/patrons/holds/9\"");
    }

    @Test
    void shouldTakeADateOnlyPickupByDateAsThatDayInTheLibrarysTimeZone() {
        assertThat(SierraJson.normalisePickupBy("2024-05-17", NEW_YORK)).isEqualTo("2024-05-17T04:00:00Z");
        assertThat(SierraJson.normalisePickupBy("2024-05-17T08:00:00Z", NEW_YORK)).isEqualTo("2024-05-17T08:00:00Z");
        assertThat(SierraJson.normalisePickupBy("2024-05-17T08:00:00+02:00", NEW_YORK)).isEqualTo("2024-05-17T06:00:00Z");
    }

    @Test
    void shouldCallTruncatedOrNonJsonBodiesMalformed() {
        assertThatThrownBy(() -> SierraJson.holdsPage(bytes("{\"total\": 5, \"entries\": [{\"id\": \"x\""), 0, NEW_YORK))
                .isInstanceOf(SierraJson.MalformedResponseException.class)
                .hasMessageStartingWith("invalid JSON:");
        assertThatThrownBy(() -> SierraJson.holdsPage(bytes("<html><body>502 Bad Gateway</body></html>"), 0, NEW_YORK))
                .isInstanceOf(SierraJson.MalformedResponseException.class);
        assertThatThrownBy(() -> SierraJson.holdsPage(bytes("{\"total\": 5}"), 0, NEW_YORK))
                .hasMessage("no 'entries' array in the response");
        assertThatThrownBy(() -> SierraJson.holdsPage(bytes("{\"entries\": [1, 2]}"), 0, NEW_YORK))
                .hasMessage("'entries' holds something other than objects");
    }

    @Test
    void shouldReadItemsAndTitles() throws Exception {
        var items = SierraJson.items(bytes("""
                {"total": 2, "start": 0, "entries": [
                  {"id": "1000002", "barcode": "33333000000002", "bibIds": ["2311644"], "status": {"code": "!"}},
                  {"id": "1000003", "bibIds": ["2311645", "2311646"]}]}"""));
        assertThat(items.get("1000002")).isEqualTo(new SierraItem("1000002", "33333000000002", "2311644"));
        assertThat(items.get("1000003")).isEqualTo(new SierraItem("1000003", null, "2311645"));

        var titles = SierraJson.titles(bytes("{\"entries\": [{\"id\": \"2311644\", \"title\": \"=cmd, \\\"quoted\\\"\\nnext\"}]}"));
        assertThat(titles).containsEntry("2311644", "=cmd, \"quoted\"\nnext");
    }

    @Test
    void shouldRecogniseSierraErrorBodies() {
        var error = SierraJson.error(bytes("{\"code\":107,\"specificCode\":0,\"httpStatus\":404,\"name\":\"Record not found\"}"));
        assertThat(error).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(107));
        assertThat(SierraJson.error(bytes("<html>nope</html>"))).isEmpty();
    }

    @Test
    void shouldTakeIdsFromRecordUrls() {
        assertThat(SierraJson.lastSegment("https://h/iii/sierra-api/v6/patrons/holds/44471308")).isEqualTo("44471308");
        assertThat(SierraJson.lastSegment("https://h/iii/sierra-api/v6/patrons/1492858/")).isEqualTo("1492858");
        assertThat(SierraJson.lastSegment("1234")).isEqualTo("1234");
        assertThat(SierraJson.lastSegment(" ")).isNull();
    }
}
