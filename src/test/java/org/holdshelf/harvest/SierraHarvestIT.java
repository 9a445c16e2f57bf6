package org.holdshelf.harvest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.Json;
import org.holdshelf.events.LocationEnd;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.runtime.RunInProgressException;
import org.holdshelf.sandbox.sierra.FaultPlan;
import org.holdshelf.sandbox.sierra.SierraEndpoint;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.Expected;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harvest against a real in-process broker and the Sierra simulator over HTTP, checked
 * against what the generated data set says should be published.
 */
class SierraHarvestIT {

    @TempDir
    Path reports;

    private static Map<String, HoldEvent> published(PipelineHarness h) {
        Map<String, HoldEvent> byHold = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : h.records("entries", EventTypes.HOLD)) {
            HoldEvent e = Json.read(r.value(), HoldEvent.class);
            assertThat(r.key()).as("keyed by pickup location").isEqualTo(e.pickupLocationCode());
            assertThat(byHold.put(e.holdId(), e)).as("hold %s published once", e.holdId()).isNull();
        }
        return byHold;
    }

    @Test
    void shouldPublishEveryReadyAndInTransitHoldOnceWithTheContractFieldsAndACountedMarkerPerLocation() {
        // 7 holds "inserted ahead of the cursor" after page 1 make Sierra serve them twice
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(9_000).seed(11).overlapAfterFirstPage(7).build();
        try (PipelineHarness h = PipelineHarness.create("harvest", sierra, reports)
                .set("holdshelf.sierra.page-size", "1000").set("holdshelf.reports.enabled", "false")) {
            RunEvent run = h.start().harvestNow("test");

            assertThat(run.type()).isEqualTo(EventTypes.RUN_COMPLETED);
            Map<String, HoldEvent> expected = Expected.holdEvents(h.data(), run.runId());
            Map<String, HoldEvent> actual = published(h);
            long firstEventOffset = h.records("entries", EventTypes.HOLD).stream().mapToLong(ConsumerRecord::offset).min().orElseThrow();
            assertThat(firstEventOffset).isZero();
            assertThat(actual).hasSize(expected.size());
            assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
            assertThat(expected.values()).as("the data set exercises every kind of hold")
                    .extracting(HoldEvent::statusCode).contains("b", "i", "j", "t");
            assertThat(run.holdsScanned()).isEqualTo(9_007);
            assertThat(run.duplicatesDropped()).as("overlapping holds that are ready or in transit")
                    .isEqualTo(h.data().holds().skip(993).limit(7).filter(Expected::published).count());

            Map<String, Long> perLocation = actual.values().stream()
                    .collect(Collectors.groupingBy(HoldEvent::pickupLocationCode, Collectors.counting()));
            List<ConsumerRecord<String, byte[]>> markers = h.records("entries", EventTypes.LOCATION_END);
            assertThat(markers).hasSize(perLocation.size());
            for (ConsumerRecord<String, byte[]> m : markers) {
                LocationEnd end = Json.read(m.value(), LocationEnd.class);
                assertThat(m.key()).isEqualTo(end.pickupLocationCode());
                assertThat(end.count()).isEqualTo(perLocation.get(end.pickupLocationCode()));
                assertThat(end.locationsInRun()).isEqualTo(perLocation.size());
                assertThat(end.runStartOffsets()).as("the run's start on every partition").hasSize(6)
                        .containsKey(m.partition());
                assertThat(end.runStartOffsets().get(m.partition())).isLessThan(m.offset());
            }

            List<RunEvent> lifecycle = h.records("runs", EventTypes.RUN_STARTED).stream()
                    .map(r -> Json.read(r.value(), RunEvent.class)).toList();
            assertThat(lifecycle).extracting(RunEvent::runId).containsExactly(run.runId());
            RunEvent completed = Json.read(h.records("runs", EventTypes.RUN_COMPLETED).get(0).value(), RunEvent.class);
            assertThat(completed.events()).isEqualTo(expected.size());
            assertThat(completed.locations().values().stream().mapToLong(c -> c.ready() + c.inTransit()).sum())
                    .isEqualTo(expected.size());
        }
    }

    @Test
    void shouldPublishTheSameEventsWithSeveralPagesInFlight() {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(6_500).seed(5).pageLatencyMs(20).build();
        try (PipelineHarness h = PipelineHarness.create("concurrent", sierra, reports)
                .set("holdshelf.sierra.page-size", "500").set("holdshelf.sierra.page-concurrency", "4")
                .set("holdshelf.reports.enabled", "false")) {
            RunEvent run = h.start().harvestNow("test");

            assertThat(published(h)).containsExactlyInAnyOrderEntriesOf(Expected.holdEvents(h.data(), run.runId()));
            assertThat(run.pages()).isEqualTo(14);
        }
    }

    @Test
    void shouldRenewTheTokenBeforeItExpiresInsteadOfPerPage() {
        // each token lives 2 s; the run takes ~4 s (20 pages of 200 ms)
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(10_000).tokenLifetimeSeconds(2).pageLatencyMs(200).build();
        try (PipelineHarness h = PipelineHarness.create("token", sierra, reports)
                .set("holdshelf.sierra.page-size", "500").set("holdshelf.reports.enabled", "false")) {
            RunEvent run = h.start().harvestNow("test");

            assertThat(run.type()).isEqualTo(EventTypes.RUN_COMPLETED);
            assertThat(run.holdsScanned()).isEqualTo(10_000);
            long tokens = h.sierra().stats().tokensIssued();
            assertThat((int) tokens).as("renewed during the run, not once per page").isBetween(2, 8);
            assertThat(h.sierra().stats().unauthorized()).as("renewed before expiry, so never rejected").isZero();
        }
    }

    @Test
    void shouldGetANewTokenOnceWhenSierraRejectsTheCurrentOne() {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(6_000).pageLatencyMs(150).build();
        try (PipelineHarness h = PipelineHarness.create("revoked", sierra, reports)
                .set("holdshelf.sierra.page-size", "500").set("holdshelf.reports.enabled", "false")) {
            var app = h.start();
            var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> app.harvestNow("test"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> h.sierra().stats().holdsOffsets().size() >= 3);
            h.sierra().revokeTokens();

            RunEvent outcome = run.join();
            assertThat(outcome.type()).isEqualTo(EventTypes.RUN_COMPLETED);
            assertThat(published(h)).containsExactlyInAnyOrderEntriesOf(Expected.holdEvents(h.data(), outcome.runId()));
            // a page and a lookup may both be in flight with the revoked token: each is rejected once
            assertThat(h.sierra().stats().unauthorized()).as("rejected calls").isBetween(1L, 2L);
            assertThat(h.sierra().stats().tokensIssued()).as("one new token, then on as before").isEqualTo(2);
        }
    }

    @Test
    void shouldRetryServiceUnavailableTooManyRequestsAndHtmlGatewayErrors() {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(5_000)
                .faults(FaultPlan.parse("503@1x2,429@2x1,html502@3x1,items:503@0x1")).build();
        try (PipelineHarness h = PipelineHarness.create("retry", sierra, reports)
                .set("holdshelf.sierra.page-size", "1000").set("holdshelf.reports.enabled", "false")) {
            RunEvent run = h.start().harvestNow("test");

            assertThat(run.type()).isEqualTo(EventTypes.RUN_COMPLETED);
            assertThat(published(h)).containsExactlyInAnyOrderEntriesOf(Expected.holdEvents(h.data(), run.runId()));
            assertThat(h.sierra().stats().faultsFired()).hasSize(5);
            assertThat(h.sierra().stats().holdsOffsets()).containsExactly(0, 1000, 1000, 1000, 2000, 2000, 3000, 3000, 4000, 5000);
        }
    }

    @Test
    void shouldFailTheRunCleanlyOnAMalformedPage() {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(8_000).faults(FaultPlan.parse("malformed@2")).build();
        try (PipelineHarness h = PipelineHarness.create("malformed", sierra, reports).set("holdshelf.sierra.page-size", "1000")) {
            RunEvent run = h.start().harvestNow("test");

            assertThat(run.type()).isEqualTo(EventTypes.RUN_FAILED);
            assertThat(run.reason()).startsWith("Sierra GET /patrons/holds?limit=1000&offset=2000")
                    .contains("returned a malformed page: invalid JSON");
            assertThat(h.records("runs", EventTypes.RUN_FAILED)).hasSize(1);
            assertThat(h.records("runs", EventTypes.RUN_COMPLETED)).isEmpty();
            assertThat(h.records("entries", EventTypes.LOCATION_END)).as("no location is ever complete").isEmpty();
            List<ConsumerRecord<String, byte[]>> dead = h.records("dlq", EventTypes.DEAD_LETTER);
            assertThat(dead).hasSize(1);
            DeadLetter letter = Json.read(dead.get(0).value(), DeadLetter.class);
            assertThat(letter.runId()).isEqualTo(run.runId());
            assertThat(letter.message()).contains("malformed page");
            assertThat(h.harvest().harvester().runningRunId()).as("the next run can start").isEmpty();
        }
    }

    @Test
    void shouldDeadLetterAHoldSierraSentWithoutAPickupLocationAndPublishTheRest() {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(4_000).faults(FaultPlan.parse("incomplete@1x1")).build();
        try (PipelineHarness h = PipelineHarness.create("incomplete", sierra, reports)
                .set("holdshelf.sierra.page-size", "1000").set("holdshelf.reports.enabled", "false")) {
            RunEvent run = h.start().harvestNow("test");

            String broken = String.valueOf(h.data().holds().skip(1000).filter(hold -> hold.isReady()).findFirst().orElseThrow().holdId());
            Map<String, HoldEvent> expected = new HashMap<>(Expected.holdEvents(h.data(), run.runId()));
            expected.remove(broken);
            assertThat(run.type()).isEqualTo(EventTypes.RUN_COMPLETED);
            assertThat(run.rejected()).isEqualTo(1);
            assertThat(published(h)).containsExactlyInAnyOrderEntriesOf(expected);
            List<ConsumerRecord<String, byte[]>> dead = h.records("dlq", EventTypes.DEAD_LETTER);
            assertThat(dead).hasSize(1);
            DeadLetter letter = Json.read(dead.get(0).value(), DeadLetter.class);
            assertThat(dead.get(0).key()).isEqualTo(broken);
            assertThat(letter.error()).isEqualTo("INVALID_HOLD");
            assertThat(letter.message()).isEqualTo("Hold " + broken + " was not published: the hold has no pickupLocation code");
            assertThat(letter.payload()).contains("/patrons/holds/" + broken);
        }
    }

    @Test
    void shouldStopPagingAtNotFound107WhenTheLastPageIsFull() {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(4_000).build();
        try (PipelineHarness h = PipelineHarness.create("end107", sierra, reports)
                .set("holdshelf.sierra.page-size", "1000").set("holdshelf.reports.enabled", "false")) {
            RunEvent run = h.start().harvestNow("test");

            assertThat(run.type()).isEqualTo(EventTypes.RUN_COMPLETED);
            assertThat(h.sierra().stats().holdsOffsets()).containsExactly(0, 1000, 2000, 3000, 4000);
            assertThat(run.pages()).isEqualTo(5);
            assertThat(run.holdsScanned()).isEqualTo(4_000);
        }
    }

    @Test
    void shouldSendLimitWithEveryBatchedLookupAndNeverLookUpOneHoldAtATime() {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(6_000).build();
        try (PipelineHarness h = PipelineHarness.create("lookups", sierra, reports)
                .set("holdshelf.sierra.page-size", "2000").set("holdshelf.sierra.lookup-batch-size", "100")
                .set("holdshelf.reports.enabled", "false")) {
            RunEvent run = h.start().harvestNow("test");

            var lookups = h.sierra().stats().lookupCalls();
            assertThat(lookups).isNotEmpty().allSatisfy(call -> {
                assertThat(call.limit()).hasValue(call.idCount());
                assertThat(call.idCount()).isLessThanOrEqualTo(100);
            });
            assertThat(lookups.stream().filter(c -> c.endpoint() == SierraEndpoint.ITEMS).mapToInt(c -> c.idCount()).sum())
                    .as("one lookup per item-level hold, batched")
                    .isEqualTo((int) Expected.holdEvents(h.data(), run.runId()).values().stream()
                            .filter(e -> e.recordType().equals("i")).count());
            assertThat(lookups.size()).isLessThan(run.events().intValue() / 20);
        }
    }

    @Test
    void shouldEndTheRunInProgressAsFailedWhenThePipelineStops() throws Exception {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(10_000).pageLatencyMs(300).build();
        try (PipelineHarness h = PipelineHarness.create("stop", sierra, reports)
                .set("holdshelf.sierra.page-size", "500").set("holdshelf.reports.enabled", "false")) {
            var app = h.start();
            var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> app.harvestNow("first"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> h.sierra().stats().holdsOffsets().size() >= 2);

            h.stopPipeline();

            RunEvent outcome = run.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(outcome.type()).isEqualTo(EventTypes.RUN_FAILED);
            assertThat(outcome.reason()).isEqualTo("the harvest was stopped (the application is shutting down)");
            assertThat(h.records("runs", EventTypes.RUN_FAILED)).as("published before the pipeline stopped").hasSize(1);
            assertThat(h.sierra().stats().holdsOffsets().size()).as("no page requested after the stop").isLessThan(20);
        }
    }

    @Test
    void shouldReportProgressWhileItRunsAndNotOverlapRuns() throws Exception {
        // 7 pages of 300 ms: about 2 s, with progress every 250 ms
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(3_000).pageLatencyMs(300).build();
        try (PipelineHarness h = PipelineHarness.create("overlap", sierra, reports)
                .set("holdshelf.sierra.page-size", "500").set("holdshelf.reports.enabled", "false")
                .set("holdshelf.harvest.progress-interval", "250ms")) {
            var app = h.start();
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> app.harvestNow("first"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> h.harvest().harvester().runningRunId().isPresent());

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.harvestNow("second"))
                    .isInstanceOf(RunInProgressException.class).hasMessageContaining(h.harvest().harvester().runningRunId().orElse("?"));
            RunEvent outcome = first.get();
            assertThat(outcome.type()).isEqualTo(EventTypes.RUN_COMPLETED);
            assertThat(h.records("runs", EventTypes.RUN_STARTED)).hasSize(1);

            List<RunEvent> progress = h.records("runs", EventTypes.RUN_PROGRESS).stream()
                    .map(r -> Json.read(r.value(), RunEvent.class)).toList();
            assertThat(progress).as("a progress record every 250 ms of a 2 s run").hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(p -> {
                        assertThat(p.runId()).isEqualTo(outcome.runId());
                        assertThat(p.instance()).isEqualTo(outcome.instance()).isNotBlank();
                    });
            assertThat(progress).extracting(RunEvent::pages).as("pages grow as the run goes on").isSorted()
                    .last().satisfies(pages -> assertThat(pages).isPositive().isLessThanOrEqualTo(outcome.pages()));
            assertThat(progress).extracting(RunEvent::holdsScanned).isSorted();
            assertThat(app.wiring().meters().get("holdshelf.harvest.holds.scanned").counter().count())
                    .as("holds scanned counted in the metrics").isEqualTo(outcome.holdsScanned().doubleValue());
        }
    }
}
