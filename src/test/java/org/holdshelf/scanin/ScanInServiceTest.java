package org.holdshelf.scanin;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import org.holdshelf.events.Json;
import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.alma.AlmaSimulator;
import org.holdshelf.scanin.ScanOutcome.Outcome;
import org.holdshelf.testing.LogCapture;
import org.holdshelf.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Scan-in of batches of in-transit holds against the Alma simulator over real HTTP. */
class ScanInServiceTest {

    private static final ZoneId ZONE = ZoneId.of("America/New_York");
    private static final List<String> KNOWN = TestHolds.barcodes(1, 20);
    private static final List<String> UNKNOWN = TestHolds.barcodes(900, 3);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T15:00:00Z"));
    private final InMemoryScanStateStore store = new InMemoryScanStateStore();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private AlmaSimulator alma;

    @BeforeEach
    void start() {
        alma = new AlmaSimulator(AlmaSandboxSettings.builder().apiKey(AlmaTestConfig.API_KEY).callsPerSecond(200).build(),
                KNOWN).start(0);
        closing.add(alma);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private ScanInService service(String baseUrl, Map<String, String> overrides) {
        Map<String, String> values = new java.util.HashMap<>(Map.of(AlmaSettings.CALLS_PER_SECOND, "200",
                AlmaSettings.REMAINING_FLOOR, "0"));
        values.putAll(overrides);
        AlmaSettings settings = AlmaTestConfig.settings(baseUrl, values);
        AlmaClient client = new AlmaClient(settings, new AlmaRateLimiter(settings.callsPerSecond()), clock);
        ScanInService service = new ScanInService(settings, client, store, ZONE, clock);
        closing.add(service);
        return service;
    }

    private ScanInService service(Map<String, String> overrides) {
        return service(alma.baseUrl(), overrides);
    }

    private static List<HoldEvent> batch(String runId) {
        List<HoldEvent> holds = new ArrayList<>(TestHolds.forBarcodes(runId, KNOWN));
        holds.addAll(TestHolds.forBarcodes(runId, UNKNOWN));
        holds.add(TestHolds.bibLevel(runId, "bib-1"));
        return holds;
    }

    private static List<ScanOutcome> of(List<ScanOutcome> outcomes, Outcome outcome) {
        return outcomes.stream().filter(o -> o.outcome() == outcome).toList();
    }

    @Test
    void shouldScanEveryKnownItemOnceOverConsecutiveBatchesAndRetryUnknownOnesUpToTheMaximum() {
        ScanInService service = service(Map.of());
        List<HoldEvent> first = batch("20261123T150000Z-0001");

        List<ScanOutcome> outcomes = service.scanIn(first);

        assertThat(outcomes).extracting(ScanOutcome::holdId).containsExactlyElementsOf(first.stream().map(HoldEvent::holdId).toList());
        assertThat(of(outcomes, Outcome.SCANNED)).hasSize(KNOWN.size()).allSatisfy(o -> {
            assertThat(o.message()).startsWith("Item's destination is: ");
            assertThat(o.attempt()).isEqualTo(1);
            assertThat(o.type()).isEqualTo(EventTypes.SCAN_IN);
            assertThat(o.dryRun()).isFalse();
        });
        assertThat(of(outcomes, Outcome.NOT_FOUND)).hasSize(UNKNOWN.size()).allSatisfy(o -> {
            assertThat(o.almaErrorCode()).isEqualTo("401689");
            assertThat(o.message()).isEqualTo("No items found for barcode " + o.itemBarcode() + ".");
            assertThat(o.attempt()).isEqualTo(1);
        });
        assertThat(outcomes.get(outcomes.size() - 1)).satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(o.message()).isEqualTo("no item barcode (bib-level hold)");
            assertThat(o.kafkaKey()).isEqualTo("bib-1");
        });

        List<ScanOutcome> second = service.scanIn(batch("20261123T151500Z-0002"));

        assertThat(of(second, Outcome.ALREADY_SCANNED)).hasSize(KNOWN.size())
                .allSatisfy(o -> assertThat(o.message()).contains("20261123T150000Z-0001"));
        assertThat(of(second, Outcome.NOT_FOUND)).hasSize(UNKNOWN.size()).allSatisfy(o -> assertThat(o.attempt()).isEqualTo(2));
        for (String barcode : KNOWN) {
            assertThat(alma.scanCount(barcode)).as("scans of %s", barcode).isEqualTo(1);
        }

        service.scanIn(batch("20261123T153000Z-0003"));
        List<ScanOutcome> fourth = service.scanIn(batch("20261123T154500Z-0004"));

        assertThat(of(fourth, Outcome.SKIPPED)).hasSize(UNKNOWN.size() + 1);
        assertThat(of(fourth, Outcome.SKIPPED).get(0).message())
                .isEqualTo("gave up after 3 attempts (last: NOT_FOUND No items found for barcode " + UNKNOWN.get(0) + ".)");
        assertThat(alma.stats().barcodesNotFound()).isEqualTo(3L * UNKNOWN.size());
        assertThat(alma.stats().scans()).isEqualTo(KNOWN.size());
    }

    @Test
    void shouldAnswerARedeliveredBatchOfTheSameRunWithTheSameOutcomesWithoutCallingAlma() {
        ScanInService service = service(Map.of());
        List<HoldEvent> holds = batch("20261123T150000Z-0001");
        List<ScanOutcome> first = service.scanIn(holds);
        long calls = alma.stats().acceptedCalls();

        // the consumer died before committing: the same records arrive again
        List<ScanOutcome> again = service.scanIn(holds);

        assertThat(again).extracting(ScanOutcome::outcome, ScanOutcome::almaErrorCode, ScanOutcome::message, ScanOutcome::attempt)
                .containsExactlyElementsOf(first.stream().map(o -> org.assertj.core.groups.Tuple.tuple(
                        o.outcome(), o.almaErrorCode(), o.message(), o.attempt())).toList());
        assertThat(alma.stats().acceptedCalls()).as("no call for a decided hold").isEqualTo(calls);
    }

    @Test
    void shouldScanAnItemWithTwoHoldsInOneBatchOnce() {
        String runId = "20261123T150000Z-0001";
        List<ScanOutcome> outcomes = service(Map.of()).scanIn(List.of(
                TestHolds.inTransit(runId, "h1", KNOWN.get(0)), TestHolds.inTransit(runId, "h2", KNOWN.get(0))));

        assertThat(outcomes).extracting(ScanOutcome::outcome).containsExactly(Outcome.SCANNED, Outcome.ALREADY_SCANNED);
        assertThat(alma.scanCount(KNOWN.get(0))).isEqualTo(1);
    }

    @Test
    void shouldSkipHoldsThatAreNotInTransitWithoutCallingAlma() {
        HoldEvent ready = TestHolds.inTransit("20261123T150000Z-0001", "h1", KNOWN.get(0));
        ready = new HoldEvent(ready.type(), ready.schemaVersion(), ready.runId(), ready.source(), ready.holdId(), HoldState.READY,
                "i", ready.patronId(), ready.recordType(), ready.recordId(), ready.pickupLocationCode(),
                ready.pickupLocationName(), "2026-11-30T08:00:00Z", ready.placed(), ready.itemBarcode(), ready.title());

        List<ScanOutcome> outcomes = service(Map.of()).scanIn(List.of(ready));

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(o.message()).isEqualTo("not in transit (state READY)");
        });
        assertThat(alma.stats().requests()).isZero();
    }

    @Test
    void shouldLookUpButSendNoScanInDryRun() {
        ScanInService service = service(Map.of(AlmaSettings.DRY_RUN, "true"));

        List<ScanOutcome> outcomes = service.scanIn(batch("20261123T150000Z-0001"));

        assertThat(of(outcomes, Outcome.DRY_RUN)).hasSize(KNOWN.size()).allSatisfy(o -> {
            assertThat(o.message()).isEqualTo("would scan in at MAIN/DEFAULT_CIRC_DESK");
            assertThat(o.dryRun()).isTrue();
        });
        assertThat(of(outcomes, Outcome.NOT_FOUND)).hasSize(UNKNOWN.size());
        assertThat(alma.stats().scans()).isZero();
        assertThat(alma.stats().barcodeLookups()).isEqualTo(KNOWN.size() + UNKNOWN.size());
        assertThat(store.size()).as("a dry run leaves no state behind").isZero();
    }

    @Test
    void shouldPauseUntilMidnightOnDailyThresholdSayingSoOnceAndCountNoAttempt() {
        ScanInService service = service(Map.of());
        alma.setRemainingDailyQuota(15);
        List<ScanOutcome> outcomes;
        try (LogCapture log = LogCapture.of(ScanInService.class)) {
            outcomes = service.scanIn(TestHolds.forBarcodes("20261123T150000Z-0001", KNOWN));
            List<ScanOutcome> later = service.scanIn(TestHolds.forBarcodes("20261123T151500Z-0002", KNOWN));

            List<String> paused = log.containing("Alma scan-in paused until");
            assertThat(paused).singleElement().asString()
                    .startsWith("WARN Alma scan-in paused until 2026-11-24T00:00:00-05:00: DAILY_THRESHOLD ");
            assertThat(of(later, Outcome.PAUSED)).hasSize(of(outcomes, Outcome.PAUSED).size());
        }
        List<ScanOutcome> scanned = of(outcomes, Outcome.SCANNED);
        List<ScanOutcome> paused = of(outcomes, Outcome.PAUSED);
        assertThat(scanned.size() + paused.size()).isEqualTo(KNOWN.size());
        assertThat(paused).isNotEmpty().allSatisfy(o -> {
            assertThat(o.message()).startsWith("Alma scan-in paused until 2026-11-24T00:00:00-05:00: DAILY_THRESHOLD");
            assertThat(o.attempt()).isZero();
            store.get(o.itemBarcode()).ifPresent(s -> {
                assertThat(s.status()).as("a started scan-in is reverted, not left in flight").isEqualTo(ScanStatus.PAUSED);
                assertThat(s.attempts()).isZero();
            });
        });
        assertThat(service.pausedUntil()).contains(Instant.parse("2026-11-24T05:00:00Z"));
        long requestsWhilePaused = alma.stats().requests();

        assertThat(service.scanIn(TestHolds.forBarcodes("20261123T153000Z-0003", KNOWN)))
                .extracting(ScanOutcome::outcome).containsOnly(Outcome.ALREADY_SCANNED, Outcome.PAUSED);
        assertThat(alma.stats().requests()).as("no calls while paused").isEqualTo(requestsWhilePaused);

        clock.advance(Duration.ofHours(14).plusMinutes(1));
        alma.resetDay();
        List<ScanOutcome> nextDay = service.scanIn(TestHolds.forBarcodes("20261124T050100Z-0004", KNOWN));

        assertThat(of(nextDay, Outcome.SCANNED)).hasSize(paused.size()).allSatisfy(o -> assertThat(o.attempt()).isEqualTo(1));
        for (String barcode : KNOWN) {
            assertThat(alma.scanCount(barcode)).isEqualTo(1);
        }
    }

    @Test
    void shouldPauseWhenTheRemainingQuotaFallsBelowTheFloor() {
        ScanInService service = service(Map.of(AlmaSettings.REMAINING_FLOOR, "1000", AlmaSettings.CONCURRENCY, "1"));
        alma.setRemainingDailyQuota(1010);
        List<ScanOutcome> outcomes;
        try (LogCapture log = LogCapture.of(ScanInService.class)) {
            outcomes = service.scanIn(TestHolds.forBarcodes("20261123T150000Z-0001", KNOWN.subList(0, 10)));

            assertThat(log.containing("Alma scan-in paused until")).singleElement().asString()
                    .isEqualTo("WARN Alma scan-in paused until 2026-11-24T00:00:00-05:00: X-Exl-Api-Remaining 998 is below "
                            + "holdshelf.alma.remaining-floor 1000");
        }

        assertThat(outcomes).extracting(ScanOutcome::outcome).containsExactly(
                Outcome.SCANNED, Outcome.SCANNED, Outcome.SCANNED, Outcome.SCANNED, Outcome.SCANNED, Outcome.SCANNED,
                Outcome.PAUSED, Outcome.PAUSED, Outcome.PAUSED, Outcome.PAUSED);
        assertThat(store.get(KNOWN.get(6))).as("paused before it started: nothing recorded").isEmpty();
        assertThat(alma.remainingDailyQuota()).isEqualTo(998);
    }

    @Test
    void shouldReconcileAnInFlightBarcodeWithoutScanningItTwice() {
        ScanInService service = service(Map.of());
        AlmaClient direct = new AlmaClient(AlmaTestConfig.settings(alma.baseUrl(), Map.of()), new AlmaRateLimiter(200));
        String scannedBeforeCrash = KNOWN.get(0);
        String notScannedBeforeCrash = KNOWN.get(1);
        direct.scanIn(direct.lookup(scannedBeforeCrash).ids(), "MAIN", "DEFAULT_CIRC_DESK");
        for (String barcode : List.of(scannedBeforeCrash, notScannedBeforeCrash)) {
            store.put(new ScanState(barcode, ScanStatus.IN_FLIGHT, 0, "20261123T143000Z-dead", "h-dead", null, null, "scan-in started",
                    clock.instant(), clock.instant()));
        }

        List<ScanOutcome> outcomes = service.scanIn(TestHolds.forBarcodes("20261123T150000Z-0001",
                List.of(scannedBeforeCrash, notScannedBeforeCrash)));

        assertThat(outcomes.get(0).outcome()).isEqualTo(Outcome.SCANNED);
        assertThat(outcomes.get(0).message()).startsWith("reconciled after a restart");
        assertThat(outcomes.get(1).outcome()).isEqualTo(Outcome.SCANNED);
        assertThat(outcomes.get(1).message()).startsWith("Item's destination is: ");
        assertThat(alma.scanCount(scannedBeforeCrash)).isEqualTo(1);
        assertThat(alma.scanCount(notScannedBeforeCrash)).isEqualTo(1);
        assertThat(store.get(scannedBeforeCrash)).get().extracting(ScanState::status).isEqualTo(ScanStatus.SCANNED);
    }

    @Test
    void shouldKeepAScanWhoseOutcomeIsUnknownInFlightAndSettleItWithoutRepostingOnTheNextBatch() throws Exception {
        AlmaGateway gateway = new AlmaGateway(alma.origin());
        closing.add(gateway);
        ScanInService service = service(gateway.baseUrl(alma.baseUrl()), Map.of(AlmaSettings.MAX_TRANSIENT_RETRIES, "1"));
        String barcode = KNOWN.get(0);
        gateway.losePostAnswers.set(1);
        gateway.refuseGetsAfterLostPost = 100;

        ScanOutcome lost = service.scanIn(TestHolds.forBarcodes("20261123T150000Z-0001", List.of(barcode))).get(0);

        assertThat(lost.outcome()).isEqualTo(Outcome.ALMA_ERROR);
        assertThat(lost.message()).contains("the item is read again before any new scan-in");
        assertThat(lost.attempt()).isZero();
        assertThat(store.get(barcode)).get().extracting(ScanState::status).isEqualTo(ScanStatus.IN_FLIGHT);
        assertThat(alma.scanCount(barcode)).isEqualTo(1);

        gateway.refuseGets.set(0);
        ScanOutcome settled = service.scanIn(TestHolds.forBarcodes("20261123T151500Z-0002", List.of(barcode))).get(0);

        assertThat(settled.outcome()).isEqualTo(Outcome.SCANNED);
        assertThat(settled.message()).startsWith("reconciled after a restart");
        assertThat(alma.scanCount(barcode)).as("never posted twice").isEqualTo(1);
    }

    @Test
    void shouldNotCountAnOutageAsAnAttempt() throws Exception {
        AlmaGateway gateway = new AlmaGateway(alma.origin());
        closing.add(gateway);
        ScanInService service = service(gateway.baseUrl(alma.baseUrl()), Map.of(AlmaSettings.MAX_TRANSIENT_RETRIES, "1"));
        String barcode = KNOWN.get(0);
        gateway.refuseGets.set(100);
        List<ScanOutcome> outcomes;
        try (LogCapture log = LogCapture.of(ScanInService.class)) {
            outcomes = service.scanIn(TestHolds.forBarcodes("20261123T150000Z-0001", List.of(barcode)));
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN")).singleElement().asString()
                    .contains("Alma scan-in of item " + barcode).contains("HTTP 503");
        }

        assertThat(outcomes.get(0).outcome()).isEqualTo(Outcome.ALMA_ERROR);
        assertThat(outcomes.get(0).almaErrorCode()).isEqualTo("HTTP_503");
        assertThat(store.get(barcode)).get().satisfies(s -> {
            assertThat(s.status()).isEqualTo(ScanStatus.FAILED);
            assertThat(s.attempts()).isZero();
        });

        gateway.refuseGets.set(0);
        ScanOutcome retried = service.scanIn(TestHolds.forBarcodes("20261123T151500Z-0002", List.of(barcode))).get(0);
        assertThat(retried.outcome()).isEqualTo(Outcome.SCANNED);
        assertThat(retried.attempt()).isEqualTo(1);
    }

    /**
     * The state topic stays bounded: a barcode still in transit is noted as seen once a day, however
     * often it is harvested, and a barcode no harvest has had in transit for the retention period
     * (30 days here) is forgotten, settled or not.
     */
    @Test
    void shouldForgetBarcodesThatLeftTransitAndNoteTheOthersSeenOnceADay() {
        ScanInService service = service(Map.of(AlmaSettings.STATE_RETENTION, "30d"));
        String stays = KNOWN.get(0);
        String leaves = KNOWN.get(1);
        service.scanIn(TestHolds.forBarcodes("20261123T150000Z-0001", List.of(stays, leaves)));
        Instant scannedAt = clock.instant();
        assertThat(store.size()).isEqualTo(2);

        // the next harvests of the day see the one still in transit: nothing new to record
        clock.advance(Duration.ofHours(2));
        service.scanIn(TestHolds.forBarcodes("20261123T170000Z-0002", List.of(stays)));
        assertThat(store.get(stays).orElseThrow().lastSeen()).isEqualTo(scannedAt);

        // a day later it is noted as seen again; the other one has not come back
        for (int day = 1; day <= 31; day++) {
            clock.advance(Duration.ofDays(1));
            service.scanIn(TestHolds.forBarcodes("20261124T150000Z-" + String.format("%04d", day), List.of(stays)));
            assertThat(store.get(stays).orElseThrow().lastSeen()).isEqualTo(clock.instant());
        }

        assertThat(store.get(leaves)).as("not in transit for 31 days: forgotten").isEmpty();
        assertThat(store.get(stays)).as("still in transit: kept, still scanned once")
                .hasValueSatisfying(st -> assertThat(st.status()).isEqualTo(ScanStatus.SCANNED));
        assertThat(alma.scanCount(stays)).isEqualTo(1);
    }

    @Test
    void shouldSerialiseTheOutcomeWithTheDocumentedFieldNames() throws Exception {
        ScanOutcome outcome = service(Map.of()).scanIn(TestHolds.forBarcodes("20261123T150000Z-0001", UNKNOWN.subList(0, 1))).get(0);

        var json = Json.MAPPER.readTree(Json.toBytes(outcome));

        assertThat(json.get("type").asText()).isEqualTo("SCAN_IN");
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(json.get("almaErrorCode").asText()).isEqualTo("401689");
        assertThat(json.get("itemBarcode").asText()).isEqualTo(UNKNOWN.get(0));
        assertThat(json.get("pickupLocationCode").asText()).isEqualTo("mo");
        assertThat(json.get("at").asText()).isEqualTo("2026-11-23T15:00:00Z");
        assertThat(json.has("kafkaKey")).isFalse();
        assertThat(Json.read(Json.toBytes(outcome), ScanOutcome.class)).isEqualTo(outcome);
    }
}
