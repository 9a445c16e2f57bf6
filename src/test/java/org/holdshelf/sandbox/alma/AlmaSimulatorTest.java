package org.holdshelf.sandbox.alma;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static org.assertj.core.api.Assertions.assertThat;
import static org.holdshelf.sandbox.alma.AlmaHttp.firstError;
import static org.holdshelf.sandbox.alma.AlmaHttp.json;
import static org.holdshelf.sandbox.alma.AlmaHttp.remaining;

/** The endpoints, documents and errors over real HTTP, as a scan-in client meets them. */
class AlmaSimulatorTest {

    private static final String KEY = "test-key";
    private static final String BARCODE = "32101081340380";
    private static final List<String> CATALOGUE = List.of(BARCODE, "32101081340398", "32101081340406", "303011kj0");
    private static final String TRACKING_ID = "E01-\\d{10}-[A-Z0-9]{5}-AWAE\\d{9}";

    private final AlmaHttp http = new AlmaHttp(KEY);
    private AlmaSimulator alma;

    @AfterEach
    void stop() {
        alma.close();
    }

    private AlmaSimulator start(int holdShelfPercent) {
        AlmaSandboxSettings settings = AlmaSandboxSettings.builder()
                .apiKey(KEY)
                .callsPerSecond(1_000)
                .holdShelfPercent(holdShelfPercent)
                .build();
        alma = new AlmaSimulator(settings, CATALOGUE).start(0);
        return alma;
    }

    private String itemUrl(String barcode) {
        return alma.baseUrl() + alma.idsOf(barcode).itemPath();
    }

    private String scanUrl(String barcode) {
        return itemUrl(barcode) + "?op=scan&library=MAIN&circ_desk=DEFAULT_CIRC_DESK";
    }

    @Test
    void barcodeLookupRedirectsToTheItemWhichIsInTransit() {
        start(80);
        AlmaItemIds ids = alma.idsOf(BARCODE);

        HttpResponse<String> lookup = http.get(alma.baseUrl() + "/items?item_barcode=" + BARCODE);

        assertThat(lookup.statusCode()).isEqualTo(302);
        assertThat(lookup.body()).isEmpty();
        String location = lookup.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo(alma.baseUrl() + "/bibs/" + ids.mmsId() + "/holdings/" + ids.holdingId()
                + "/items/" + ids.itemPid());
        assertThat(location).matches("http://127\\.0\\.0\\.1:\\d+/almaws/v1/bibs/99\\d+6421/holdings/22\\d+6421/items/23\\d+6421");

        HttpResponse<String> item = http.get(location);

        assertThat(item.statusCode()).isEqualTo(200);
        assertThat(item.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(item);
        assertThat(body.path("bib_data").path("mms_id").asText()).isEqualTo(ids.mmsId());
        assertThat(body.path("bib_data").path("title").asText()).isNotBlank();
        assertThat(body.path("holding_data").path("holding_id").asText()).isEqualTo(ids.holdingId());
        JsonNode data = body.path("item_data");
        assertThat(data.path("pid").asText()).isEqualTo(ids.itemPid());
        assertThat(data.path("barcode").asText()).isEqualTo(BARCODE);
        assertThat(data.path("base_status").path("value").asText()).isEqualTo("0");
        assertThat(data.path("base_status").path("desc").asText()).isEqualTo("Item not in place");
        assertThat(data.path("process_type").path("value").asText()).isEqualTo("TRANSIT");
        assertThat(data.path("process_type").path("desc").asText()).isEqualTo("Transit");
        assertThat(data.path("library").path("value").asText()).isEqualTo("MAIN");
        assertThat(data.path("location").path("value").asText()).isNotBlank();
        assertThat(body.path("link").asText()).isEqualTo(location);
        assertThat(body.has("additional_info")).isFalse();
        assertThat(alma.barcodeOfItem(ids.itemPid())).hasValue(BARCODE);
    }

    @Test
    void redirectKeepsQueryKeyAndFormatButDropsViewAndExpand() {
        start(80);

        HttpResponse<String> lookup = http.send(http.request(alma.baseUrl() + "/items?view=label&item_barcode=" + BARCODE
                        + "&expand=due_date&apikey=" + KEY + "&format=json")
                .setHeader("Authorization", "none")
                .setHeader("Accept", "*/*")
                .GET());

        assertThat(lookup.statusCode()).isEqualTo(302);
        String location = lookup.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo(itemUrl(BARCODE) + "?apikey=" + KEY + "&format=json");
        assertThat(json(http.get(location)).path("item_data").path("barcode").asText()).isEqualTo(BARCODE);
    }

    @Test
    void aClientThatFollowsRedirectsGetsTheItemInOneCall() {
        start(80);
        AlmaHttp following = new AlmaHttp(KEY, HttpClient.Redirect.NORMAL);

        HttpResponse<String> item = following.get(alma.baseUrl() + "/items?item_barcode=" + BARCODE);

        assertThat(item.statusCode()).isEqualTo(200);
        assertThat(json(item).path("item_data").path("barcode").asText()).isEqualTo(BARCODE);
        assertThat(alma.stats().acceptedCalls()).isEqualTo(2);
    }

    @Test
    void unknownBarcodeIs400With401689Envelope() {
        start(80);

        HttpResponse<String> response = http.get(alma.baseUrl() + "/items?item_barcode=32101108683143");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.path("errorsExist").asBoolean()).isTrue();
        assertThat(body.has("result")).isTrue();
        assertThat(body.path("result").isNull()).isTrue();
        assertThat(body.path("errorList").path("error")).hasSize(1);
        JsonNode error = firstError(response);
        assertThat(error.path("errorCode").asText()).isEqualTo("401689");
        assertThat(error.path("errorMessage").asText()).isEqualTo("No items found for barcode 32101108683143.");
        assertThat(error.path("trackingId").asText()).matches(TRACKING_ID);
        assertThat(alma.stats().barcodeLookups()).isEqualTo(1);
        assertThat(alma.stats().barcodesNotFound()).isEqualTo(1);
    }

    @Test
    void firstScanPutsARequestedItemOnTheHoldShelf() {
        start(100);

        HttpResponse<String> response = http.post(scanUrl(BARCODE));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("item_data").path("barcode").asText()).isEqualTo(BARCODE);
        assertThat(body.path("item_data").path("process_type").path("value").asText()).isEqualTo("HOLDSHELF");
        assertThat(body.path("item_data").path("base_status").path("value").asText()).isEqualTo("0");
        assertThat(body.path("additional_info").asText()).matches(
                "Item's destination is: On Hold Shelf\\. Request/Process Type: Patron physical item request\\. "
                        + "Requester: [A-Z][a-z]+, [A-Z][a-z]+\\. Requester ID: \\d+\\. Place in Queue: 1");
        assertThat(body.path("link").asText()).isEqualTo(itemUrl(BARCODE));

        assertThat(alma.stateOf(BARCODE)).isEqualTo(ItemState.ON_HOLD_SHELF);
        assertThat(json(http.get(itemUrl(BARCODE))).path("item_data").path("process_type").path("value").asText())
                .isEqualTo("HOLDSHELF");
        assertThat(alma.stats().scansOf(BARCODE)).isEqualTo(1);
        assertThat(alma.stats().scanRequests())
                .containsExactly(new AlmaStats.ScanRequest(BARCODE, "MAIN", "DEFAULT_CIRC_DESK", null));
    }

    @Test
    void rescanSucceedsWithoutARequestAndIsCounted() {
        start(100);
        http.post(scanUrl(BARCODE));

        HttpResponse<String> again = http.post(scanUrl(BARCODE));

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("additional_info").asText()).isEqualTo(
                "Item's destination is: On Hold Shelf. Request/Process Type: . Requester: . Requester ID: . Place in Queue: 0");
        assertThat(alma.stateOf(BARCODE)).isEqualTo(ItemState.ON_HOLD_SHELF);
        assertThat(alma.scanCount(BARCODE)).isEqualTo(2);
        assertThat(alma.stats().scansByBarcode()).containsOnlyKeys(BARCODE);
        assertThat(alma.stats().scans()).isEqualTo(2);
    }

    @Test
    void itemWithoutARequestIsReshelved() {
        start(0);

        JsonNode body = json(http.post(scanUrl(BARCODE)));

        String location = body.path("item_data").path("location").path("desc").asText();
        assertThat(body.path("additional_info").asText()).isEqualTo("Item's destination is: Reshelve to " + location
                + ". Request/Process Type: . Requester: . Requester ID: . Place in Queue: 0");
        assertThat(body.path("item_data").path("base_status").path("value").asText()).isEqualTo("1");
        assertThat(body.path("item_data").path("base_status").path("desc").asText()).isEqualTo("Item in place");
        assertThat(body.path("item_data").path("process_type").path("value").asText()).isEmpty();
        assertThat(body.path("item_data").path("process_type").path("desc").isNull()).isTrue();
        assertThat(alma.stateOf(BARCODE)).isEqualTo(ItemState.IN_PLACE);
    }

    @Test
    void scanWithoutLibraryIs401664AndChangesNothing() {
        start(80);

        HttpResponse<String> response = http.post(itemUrl(BARCODE) + "?op=scan&circ_desk=DEFAULT_CIRC_DESK");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(firstError(response).path("errorCode").asText()).isEqualTo("401664");
        assertThat(firstError(response).path("errorMessage").asText()).isEqualTo("Mandatory field is missing: library");
        assertThat(alma.stateOf(BARCODE)).isEqualTo(ItemState.IN_TRANSIT);
        assertThat(alma.scanCount(BARCODE)).isZero();
        assertThat(alma.stats().scanRequests()).isEmpty();
    }

    @Test
    void scanNeedsOpScanAndACircDeskOrDepartment() {
        start(80);

        HttpResponse<String> noOp = http.post(itemUrl(BARCODE) + "?library=MAIN&circ_desk=D");
        HttpResponse<String> otherOp = http.post(itemUrl(BARCODE) + "?op=loan&library=MAIN&circ_desk=D");
        HttpResponse<String> noDesk = http.post(itemUrl(BARCODE) + "?op=scan&library=MAIN");
        HttpResponse<String> department = http.post(itemUrl(BARCODE) + "?op=scan&library=MAIN&department=DIGI");

        assertThat(noOp.statusCode()).isEqualTo(400);
        assertThat(firstError(noOp).path("errorCode").asText()).isEqualTo("401664");
        assertThat(firstError(noOp).path("errorMessage").asText()).isEqualTo("Mandatory field is missing: op");
        assertThat(otherOp.statusCode()).isEqualTo(400);
        assertThat(firstError(otherOp).path("errorCode").asText()).isEqualTo("401652");
        assertThat(noDesk.statusCode()).isEqualTo(400);
        assertThat(firstError(noDesk).path("errorMessage").asText()).isEqualTo("Mandatory field is missing: circ_desk");
        assertThat(department.statusCode()).isEqualTo(200);
        assertThat(alma.stats().scanRequests()).containsExactly(new AlmaStats.ScanRequest(BARCODE, "MAIN", null, "DIGI"));
    }

    @Test
    void mismatchedIdsAreRejectedLikeAlma() {
        start(80);
        AlmaItemIds ids = alma.idsOf(BARCODE);
        AlmaItemIds other = alma.idsOf("303011kj0");
        String bib = alma.baseUrl() + "/bibs/";

        assertThat(errorOf(http.get(bib + "banana/holdings/" + ids.holdingId() + "/items/" + ids.itemPid())))
                .isEqualTo("402204 Input parameters mmsId banana is not numeric.");
        assertThat(errorOf(http.get(bib + "1234/holdings/" + ids.holdingId() + "/items/" + ids.itemPid())))
                .isEqualTo("402203 Input parameters mmsId 1234 is not valid.");
        assertThat(errorOf(http.get(bib + ids.mmsId() + "/holdings/" + other.holdingId() + "/items/" + ids.itemPid())))
                .startsWith("40166410 ");
        assertThat(errorOf(http.post(bib + ids.mmsId() + "/holdings/" + ids.holdingId() + "/items/23258799999906421"
                + "?op=scan&library=MAIN&circ_desk=D")))
                .isEqualTo("40166411 The parameter item_pid is invalid. Received: 23258799999906421.");
        assertThat(alma.stats().scans()).isZero();
    }

    private static String errorOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = firstError(response);
        return error.path("errorCode").asText() + " " + error.path("errorMessage").asText();
    }

    @Test
    void missingKeyIs400UnauthorizedAndWrongKeyIs403InvalidRequest() {
        start(80);
        String lookup = alma.baseUrl() + "/items?item_barcode=" + BARCODE;

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(lookup))
                .header("Accept", "application/json").GET());
        HttpResponse<String> wrongHeader = new AlmaHttp("not-the-key").get(lookup);
        HttpResponse<String> wrongQuery = http.send(http.request(lookup + "&apikey=nope").setHeader("Authorization", "x").GET());
        HttpResponse<String> rightQuery = http.send(http.request(lookup + "&apikey=" + KEY).setHeader("Authorization", "x").GET());

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(firstError(missing).path("errorCode").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(firstError(missing).path("errorMessage").asText())
                .isEqualTo("API-key not defined or not configured to allow this API.");
        assertThat(wrongHeader.statusCode()).isEqualTo(403);
        assertThat(firstError(wrongHeader).path("errorCode").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(wrongQuery.statusCode()).isEqualTo(403);
        assertThat(rightQuery.statusCode()).isEqualTo(302);

        long quota = alma.settings().dailyQuota();
        assertThat(remaining(missing)).isEqualTo(quota);
        assertThat(remaining(wrongHeader)).isEqualTo(quota);
        assertThat(remaining(rightQuery)).isEqualTo(quota - 1);
        assertThat(alma.stats().authFailures()).isEqualTo(3);
        assertThat(alma.stats().acceptedCalls()).isEqualTo(1);
    }

    @Test
    void everyAnswerCarriesTheRemainingQuotaWhichCountsDown() {
        start(80);
        long quota = alma.settings().dailyQuota();

        HttpResponse<String> redirect = http.get(alma.baseUrl() + "/items?item_barcode=" + BARCODE);
        HttpResponse<String> item = http.get(redirect.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> notFound = http.get(alma.baseUrl() + "/items?item_barcode=nope");
        HttpResponse<String> scan = http.post(scanUrl(BARCODE));

        assertThat(List.of(redirect, item, notFound, scan)).extracting(AlmaHttp::remaining)
                .containsExactly(quota - 1, quota - 2, quota - 3, quota - 4);
        assertThat(alma.remainingDailyQuota()).isEqualTo(quota - 4);
    }

    @Test
    void answersXmlUnlessJsonIsAsked() throws Exception {
        start(80);
        String lookup = alma.baseUrl() + "/items?item_barcode=";

        HttpResponse<String> error = http.send(http.request(lookup + "nope").setHeader("Accept", "*/*").GET());
        HttpResponse<String> item = http.send(http.request(itemUrl(BARCODE)).setHeader("Accept", "application/xml").GET());
        HttpResponse<String> jsonByParameter = http.send(http.request(itemUrl(BARCODE) + "?format=json")
                .setHeader("Accept", "application/xml").GET());

        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/xml"));
        Element envelope = xml(error).getDocumentElement();
        assertThat(envelope.getLocalName()).isEqualTo("web_service_result");
        assertThat(envelope.getNamespaceURI()).isEqualTo("http://com/exlibris/urm/general/xmlbeans");
        assertThat(envelope.getElementsByTagNameNS("*", "errorCode").item(0).getTextContent()).isEqualTo("401689");

        Element root = xml(item).getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("item");
        assertThat(root.getAttribute("link")).isEqualTo(itemUrl(BARCODE));
        Element baseStatus = (Element) root.getElementsByTagName("base_status").item(0);
        assertThat(baseStatus.getAttribute("desc")).isEqualTo("Item not in place");
        assertThat(baseStatus.getTextContent()).isEqualTo("0");
        assertThat(root.getElementsByTagName("barcode").item(0).getTextContent()).isEqualTo(BARCODE);
        assertThat(root.getElementsByTagName("network_numbers").item(0).getChildNodes().getLength()).isEqualTo(1);

        assertThat(json(jsonByParameter).path("item_data").path("barcode").asText()).isEqualTo(BARCODE);
    }

    private static Document xml(HttpResponse<String> response) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void otherPathsAndMethodsAreRefused() {
        start(80);

        HttpResponse<String> unknown = http.get(alma.baseUrl() + "/users/123");
        HttpResponse<String> put = http.send(http.request(itemUrl(BARCODE)).PUT(HttpRequest.BodyPublishers.noBody()));

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(firstError(unknown).path("errorCode").asText()).isEqualTo("NOT_FOUND");
        assertThat(put.statusCode()).isEqualTo(405);
    }

    @Test
    void concurrentScansOfOneItemDeliverItExactlyOnce() throws Exception {
        start(100);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Callable<HttpResponse<String>>> scans = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String barcode = CATALOGUE.get(i % CATALOGUE.size());
                scans.add(() -> http.post(scanUrl(barcode)));
            }
            List<String> infos = new ArrayList<>();
            for (Future<HttpResponse<String>> scan : clients.invokeAll(scans)) {
                assertThat(scan.get().statusCode()).isEqualTo(200);
                infos.add(json(scan.get()).path("additional_info").asText());
            }

            assertThat(infos).filteredOn(info -> info.endsWith("Place in Queue: 1")).hasSize(CATALOGUE.size());
            AlmaStats stats = alma.stats();
            for (String barcode : CATALOGUE) {
                assertThat(stats.scansOf(barcode)).isEqualTo(6);
                assertThat(alma.stateOf(barcode)).isEqualTo(ItemState.ON_HOLD_SHELF);
            }
            assertThat(stats.scanRequests()).hasSize(24);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void resetPutsEverythingBackInTransit() {
        start(100);
        http.post(scanUrl(BARCODE));

        alma.reset();

        assertThat(alma.stateOf(BARCODE)).isEqualTo(ItemState.IN_TRANSIT);
        AlmaStats stats = alma.stats();
        assertThat(stats.requests()).isZero();
        assertThat(stats.scansByBarcode()).isEmpty();
        assertThat(stats.acceptedCallTimes()).isEmpty();
        assertThat(alma.remainingDailyQuota()).isEqualTo(alma.settings().dailyQuota());
    }
}
