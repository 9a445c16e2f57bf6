package org.holdshelf.scanin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.holdshelf.sandbox.alma.AlmaItemIds;
import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.alma.AlmaSimulator;
import org.holdshelf.sandbox.alma.AlmaStats;
import org.holdshelf.sandbox.alma.ItemState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against the Alma simulator over real HTTP, and through a misbehaving gateway. */
class AlmaClientTest {

    private static final String KNOWN = "32101081340380";
    private static final String OTHER = "32101081340398";
    private static final String UNKNOWN = "39999000000001";

    private AlmaSimulator alma;
    private AlmaGateway gateway;

    @BeforeEach
    void start() {
        alma = new AlmaSimulator(AlmaSandboxSettings.builder().apiKey(AlmaTestConfig.API_KEY).callsPerSecond(100).build(),
                List.of(KNOWN, OTHER)).start(0);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        alma.close();
    }

    private AlmaClient client(String baseUrl, Map<String, String> overrides) {
        AlmaSettings settings = AlmaTestConfig.settings(baseUrl, overrides);
        return new AlmaClient(settings, new AlmaRateLimiter(settings.callsPerSecond()));
    }

    private AlmaClient client() {
        return client(alma.baseUrl(), Map.of(AlmaSettings.CALLS_PER_SECOND, "100"));
    }

    private AlmaClient clientThroughGateway() throws Exception {
        gateway = new AlmaGateway(alma.origin());
        return client(gateway.baseUrl(alma.baseUrl()), Map.of(AlmaSettings.CALLS_PER_SECOND, "100"));
    }

    private static void assertSameIds(ItemIds ids, AlmaItemIds expected) {
        assertThat(ids).isEqualTo(new ItemIds(expected.mmsId(), expected.holdingId(), expected.itemPid()));
    }

    @Test
    void shouldTakeTheIdsFromTheRedirectWithoutFollowingIt() {
        AlmaClient client = client();

        ItemLookup lookup = client.lookup(KNOWN);

        assertThat(lookup.isFound()).isTrue();
        assertSameIds(lookup.ids(), alma.idsOf(KNOWN));
        AlmaStats stats = alma.stats();
        assertThat(stats.barcodeLookups()).isEqualTo(1);
        assertThat(stats.itemFetches()).as("the redirect is not followed: one call per lookup").isZero();
        assertThat(client.callCount()).isEqualTo(1);
    }

    @Test
    void shouldTakeTheIdsFromTheItemWhenAGatewayFollowsTheRedirect() throws Exception {
        AlmaClient client = clientThroughGateway();
        gateway.followRedirects = true;

        ItemLookup lookup = client.lookup(KNOWN);

        assertSameIds(lookup.ids(), alma.idsOf(KNOWN));
        assertThat(alma.stats().itemFetches()).isEqualTo(1);
    }

    @Test
    void shouldReportAnUnknownBarcodeAsNotFoundWithAlmasCodeAndMessage() {
        ItemLookup lookup = client().lookup(UNKNOWN);

        assertThat(lookup.isFound()).isFalse();
        assertThat(lookup.notFound().errorCode()).isEqualTo("401689");
        assertThat(lookup.notFound().errorMessage()).isEqualTo("No items found for barcode " + UNKNOWN + ".");
        assertThat(lookup.notFound().trackingId()).startsWith("E01-");
    }

    @Test
    void shouldReadTheXmlErrorEnvelopeWhenAlmaAnswersXml() throws Exception {
        AlmaClient client = clientThroughGateway();
        gateway.dropAccept = true;

        ItemLookup lookup = client.lookup(UNKNOWN);

        assertThat(lookup.notFound()).isNotNull();
        assertThat(lookup.notFound().errorCode()).isEqualTo("401689");
        assertThat(lookup.notFound().errorMessage()).isEqualTo("No items found for barcode " + UNKNOWN + ".");
    }

    @Test
    void shouldScanInAndReturnAlmasDestinationText() {
        AlmaClient client = client();
        ItemIds ids = client.lookup(KNOWN).ids();

        ScanResult result = client.scanIn(ids, "MAIN", "DEFAULT_CIRC_DESK");

        assertThat(result.reconciled()).isFalse();
        assertThat(result.additionalInfo()).startsWith("Item's destination is: ");
        assertThat(result.processType()).isEqualTo(alma.stateOf(KNOWN).processTypeValue());
        assertThat(alma.scanCount(KNOWN)).isEqualTo(1);
        assertThat(alma.stats().scanRequests()).containsExactly(
                new AlmaStats.ScanRequest(KNOWN, "MAIN", "DEFAULT_CIRC_DESK", null));
        assertThat(client.itemState(ids).inTransit()).isFalse();
    }

    @Test
    void shouldExposeTheLastRemainingQuotaHeader() {
        AlmaClient client = client();
        assertThat(client.remainingQuota()).isEmpty();

        client.lookup(KNOWN);
        RemainingQuota first = client.remainingQuota().orElseThrow();
        client.lookup(UNKNOWN);
        RemainingQuota second = client.remainingQuota().orElseThrow();

        assertThat(first.calls()).isEqualTo(alma.settings().dailyQuota() - 1);
        assertThat(second.calls()).isEqualTo(alma.remainingDailyQuota()).isEqualTo(first.calls() - 1);
        assertThat(second.sequence()).isGreaterThan(first.sequence());
    }

    @Test
    void shouldThrowQuotaExhaustedOnDailyThresholdWithoutRetrying() {
        AlmaClient client = client();
        alma.setRemainingDailyQuota(0);

        assertThatThrownBy(() -> client.lookup(KNOWN))
                .isInstanceOfSatisfying(AlmaQuotaExhaustedException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("DAILY_THRESHOLD");
                    assertThat(e.httpStatus()).isEqualTo(429);
                    assertThat(e.isTransient()).isFalse();
                });
        assertThat(alma.stats().dailyRejections()).isEqualTo(1);
        assertThat(client.remainingQuota().orElseThrow().calls()).isZero();
    }

    @Test
    void shouldRetryPerSecondThresholdUntilTheCallGoesThrough() {
        alma.close();
        alma = new AlmaSimulator(AlmaSandboxSettings.builder().apiKey(AlmaTestConfig.API_KEY).callsPerSecond(3).build(),
                List.of(KNOWN)).start(0);
        AlmaClient client = client(alma.baseUrl(), Map.of(AlmaSettings.CALLS_PER_SECOND, "100",
                AlmaSettings.INITIAL_BACKOFF, "100ms", AlmaSettings.MAX_BACKOFF, "400ms"));

        for (int i = 0; i < 5; i++) {
            assertThat(client.lookup(KNOWN).isFound()).isTrue();
        }

        assertThat(alma.stats().perSecondRejections()).as("refused calls, each retried").isPositive();
        assertThat(client.callCount()).isEqualTo(alma.stats().barcodeLookups() + alma.stats().perSecondRejections());
        assertThat(alma.stats().barcodeLookups()).isEqualTo(5);
    }

    @Test
    void shouldParseAlmasErrorForARefusedKey() {
        AlmaClient client = client(alma.baseUrl(), Map.of(AlmaSettings.API_KEY, "wrong-key"));

        assertThatThrownBy(() -> client.lookup(KNOWN))
                .isInstanceOfSatisfying(AlmaApiException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.errorCode()).isEqualTo("INVALID_REQUEST");
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessageNotContaining("wrong-key");
    }

    @Test
    void shouldReturnAlmasErrorWhenAScanIsRefused() {
        AlmaClient client = client();
        ItemIds ids = client.lookup(KNOWN).ids();
        ItemIds wrongItem = new ItemIds(ids.mmsId(), ids.holdingId(), "23999999999996421");

        assertThatThrownBy(() -> client.scanIn(wrongItem, "MAIN", "DEFAULT_CIRC_DESK"))
                .isInstanceOfSatisfying(AlmaApiException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo("40166411");
                    assertThat(e.error().errorMessage()).contains("item_pid is invalid");
                });
        assertThat(alma.stats().scans()).isZero();
    }

    @Test
    void shouldNotRepostAScanWhoseAnswerWasLostButWhichHappened() throws Exception {
        AlmaClient client = clientThroughGateway();
        ItemIds ids = client.lookup(KNOWN).ids();
        gateway.losePostAnswers.set(1);

        ScanResult result = client.scanIn(ids, "MAIN", "DEFAULT_CIRC_DESK");

        assertThat(result.reconciled()).isTrue();
        assertThat(result.processType()).isEqualTo(alma.stateOf(KNOWN).processTypeValue());
        assertThat(alma.scanCount(KNOWN)).as("scanned once, not posted again").isEqualTo(1);
        assertThat(alma.stats().itemFetches()).isEqualTo(1);
    }

    @Test
    void shouldPostAgainWhenTheFailedScanDidNotHappen() throws Exception {
        AlmaClient client = clientThroughGateway();
        ItemIds ids = client.lookup(KNOWN).ids();
        gateway.refusePosts.set(1);

        ScanResult result = client.scanIn(ids, "MAIN", "DEFAULT_CIRC_DESK");

        assertThat(result.reconciled()).isFalse();
        assertThat(result.additionalInfo()).startsWith("Item's destination is: ");
        assertThat(alma.scanCount(KNOWN)).isEqualTo(1);
        assertThat(alma.stateOf(KNOWN)).isNotEqualTo(ItemState.IN_TRANSIT);
    }

    @Test
    void shouldRetryAReadAfterA5xxAndGiveUpAsTransientAfterTheRetries() throws Exception {
        AlmaClient client = clientThroughGateway();
        gateway.refuseGets.set(2);

        assertThat(client.lookup(KNOWN).isFound()).isTrue();

        gateway.refuseGets.set(100);
        assertThatThrownBy(() -> client.lookup(KNOWN))
                .isInstanceOfSatisfying(AlmaApiException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.errorCode()).isEqualTo("HTTP_503");
                })
                .hasMessageContaining("an HTML page")
                .hasMessageContaining("after 4 attempts");
    }

    @Test
    void shouldParseEveryFormOfAlmasErrorEnvelope() throws Exception {
        HttpResponse<byte[]> xml = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(alma.baseUrl() + "/items?item_barcode=" + UNKNOWN))
                .header("Authorization", "apikey " + AlmaTestConfig.API_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(new String(xml.body(), StandardCharsets.UTF_8)).contains("<web_service_result");
        assertThat(AlmaResponses.error(xml.body())).get()
                .extracting(AlmaError::errorCode, AlmaError::errorMessage)
                .containsExactly("401689", "No items found for barcode " + UNKNOWN + ".");

        byte[] wrapped = ("{\"web_service_result\":{\"errorsExist\":true,\"errorList\":{\"error\":"
                + "{\"errorCode\":\"UNAUTHORIZED\",\"errorMessage\":\"API-key not defined or not configured to allow this API.\"}}}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(AlmaResponses.error(wrapped)).get().extracting(AlmaError::errorCode).isEqualTo("UNAUTHORIZED");

        byte[] perSecond = ("{\"errorsExist\":true,\"errorList\":{\"error\":[{\"errorCode\":\"PER_SECOND_THRESHOLD\","
                + "\"errorMessage\":\"HTTP requests are more than allowed per second. See https://goo.gl/2x1c1M \"}]},\"result\":null}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(AlmaResponses.error(perSecond)).get().extracting(AlmaError::trackingId).isNull();

        assertThat(AlmaResponses.error("<html><body>Unauthorized</body></html>".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(AlmaResponses.error("Invalid API Key".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(AlmaResponses.error("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"
                .getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(AlmaResponses.error(new byte[0])).isEmpty();
    }
}
