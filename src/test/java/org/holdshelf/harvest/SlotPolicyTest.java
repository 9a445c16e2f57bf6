package org.holdshelf.harvest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which slots the owner of the harvest slots harvests, from what the runs topic says. */
class SlotPolicyTest {

    private static final Instant SLOT = Instant.parse("2026-12-01T08:00:00Z");
    private static final Instant NEXT = Instant.parse("2026-12-01T08:15:00Z");
    private static final Instant NOW = Instant.parse("2026-12-01T08:00:02Z");

    @Test
    void shouldHarvestADueSlotNobodyHasRun() {
        SlotPolicy.Decision d = SlotPolicy.decide(SLOT, List.of(), List.of(), Optional.empty(), NEXT, NOW);

        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.HARVEST);
        assertThat(d.harvest()).isTrue();
    }

    @Test
    void shouldSkipASlotWhoseRunEndedWhateverTheOutcome() {
        for (RunEvent outcome : List.of(run(EventTypes.RUN_COMPLETED, "r1", SLOT, null),
                run(EventTypes.RUN_FAILED, "r1", SLOT, "Sierra answered 503 after 5 attempts"))) {
            SlotPolicy.Decision d = SlotPolicy.decide(SLOT, List.of(), List.of(outcome), Optional.empty(), NEXT, NOW);

            assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.DONE);
            assertThat(d.reason()).contains("r1");
        }
    }

    @Test
    void shouldSkipASlotOlderThanOneAlreadyHarvested() {
        RunEvent later = run(EventTypes.RUN_COMPLETED, "r2", NEXT, null);

        assertThat(SlotPolicy.decide(SLOT, List.of(), List.of(later), Optional.empty(), NEXT, NOW).kind())
                .isEqualTo(SlotPolicy.Kind.DONE);
    }

    @Test
    void shouldTakeOverASlotWhoseRunItsInstanceLeftOpen() {
        RunEvent open = run(EventTypes.RUN_PROGRESS, "r1", SLOT, null);
        Instant late = NEXT.plusSeconds(30); // even after the schedule moved on: the slot is finished

        SlotPolicy.Decision d = SlotPolicy.decide(SLOT, List.of(open), List.of(), Optional.empty(), NEXT, late);

        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.TAKE_OVER);
        assertThat(d.abandoned()).contains(open);
    }

    @Test
    void shouldTakeOverASlotWhoseRunWasAlreadyRecordedAbandoned() {
        RunEvent abandoned = run(EventTypes.RUN_FAILED, "r1", SLOT, RunEvent.ABANDONED + ": instance a stopped");

        SlotPolicy.Decision d = SlotPolicy.decide(SLOT, List.of(), List.of(abandoned), Optional.empty(), NEXT, NOW);

        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.TAKE_OVER);
        assertThat(d.abandoned()).isEmpty();
    }

    @Test
    void shouldNotTakeOverTheRunOfThisInstance() {
        RunEvent open = run(EventTypes.RUN_STARTED, "r1", SLOT, null);

        assertThat(SlotPolicy.decide(SLOT, List.of(open), List.of(), Optional.of("r1"), NEXT, NOW).kind())
                .isEqualTo(SlotPolicy.Kind.DONE);
    }

    @Test
    void shouldSkipASlotTheScheduleHasMovedPast() {
        SlotPolicy.Decision d = SlotPolicy.decide(SLOT, List.of(), List.of(), Optional.empty(), NEXT, NEXT);

        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.SUPERSEDED);
        assertThat(d.harvest()).isFalse();
    }

    @Test
    void shouldIgnoreRunsThatWereNotScheduled() {
        RunEvent operator = run(EventTypes.RUN_COMPLETED, "r9", null, null);

        assertThat(SlotPolicy.decide(SLOT, List.of(), List.of(operator), Optional.empty(), NEXT, NOW).kind())
                .isEqualTo(SlotPolicy.Kind.HARVEST);
    }

    // ---- requests for a run on demand ----

    private static final String REQUEST = "request-1";
    private static final Instant START_BY = Instant.parse("2026-12-01T08:00:30Z");

    @Test
    void shouldHarvestARequestWhileItsRequesterWaits() {
        SlotPolicy.Decision d = SlotPolicy.decideRequest(REQUEST, START_BY, List.of(), List.of(), Optional.empty(), NOW);

        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.HARVEST);
    }

    @Test
    void shouldNotStartARequestItsRequesterHasStoppedWaitingFor() {
        SlotPolicy.Decision d = SlotPolicy.decideRequest(REQUEST, START_BY, List.of(), List.of(), Optional.empty(),
                START_BY.plusMillis(1));

        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.EXPIRED);
        assertThat(d.harvest()).isFalse();
        assertThat(d.reason()).contains(START_BY.toString());
    }

    @Test
    void shouldSkipARequestWhoseRunEnded() {
        RunEvent ended = request(EventTypes.RUN_FAILED, "r1", REQUEST, "Sierra answered 503 after 5 attempts");

        SlotPolicy.Decision d = SlotPolicy.decideRequest(REQUEST, START_BY, List.of(), List.of(ended), Optional.empty(), NOW);

        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.DONE);
    }

    @Test
    void shouldTakeOverARequestWhoseInstanceDiedEvenAfterItsRequesterStoppedWaiting() {
        RunEvent open = request(EventTypes.RUN_PROGRESS, "r1", REQUEST, null);
        Instant late = START_BY.plusSeconds(60);

        SlotPolicy.Decision d = SlotPolicy.decideRequest(REQUEST, START_BY, List.of(open), List.of(), Optional.empty(), late);
        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.TAKE_OVER);
        assertThat(d.abandoned()).contains(open);

        RunEvent abandoned = request(EventTypes.RUN_FAILED, "r1", REQUEST, "abandoned: instance a left the harvest group");
        SlotPolicy.Decision again = SlotPolicy.decideRequest(REQUEST, START_BY, List.of(), List.of(abandoned), Optional.empty(),
                late);
        assertThat(again.kind()).isEqualTo(SlotPolicy.Kind.TAKE_OVER);
        assertThat(again.abandoned()).isEmpty();
    }

    @Test
    void shouldNotTakeOverTheRequestThisInstanceIsRunning() {
        RunEvent open = request(EventTypes.RUN_PROGRESS, "r1", REQUEST, null);

        SlotPolicy.Decision d = SlotPolicy.decideRequest(REQUEST, START_BY, List.of(open), List.of(), Optional.of("r1"), NOW);

        assertThat(d.kind()).isEqualTo(SlotPolicy.Kind.DONE);
    }

    @Test
    void shouldKeepRequestsAndSlotsApart() {
        RunEvent otherRequest = request(EventTypes.RUN_COMPLETED, "r1", "request-2", null);
        RunEvent scheduled = run(EventTypes.RUN_COMPLETED, "r2", SLOT, null);

        assertThat(SlotPolicy.decideRequest(REQUEST, START_BY, List.of(), List.of(otherRequest, scheduled), Optional.empty(),
                NOW).kind()).isEqualTo(SlotPolicy.Kind.HARVEST);
        assertThat(SlotPolicy.decide(SLOT.plusSeconds(900), List.of(), List.of(otherRequest), Optional.empty(),
                NEXT.plusSeconds(900), NOW.plusSeconds(900)).kind()).isEqualTo(SlotPolicy.Kind.HARVEST);
    }

    private static RunEvent request(String type, String runId, String request, String reason) {
        return new RunEvent(type, 1, runId, "operator", "a", "2026-12-01T08:00:01Z", "2026-12-01T08:00:01Z", null, null,
                null, null, null, null, null, null, reason, null, request);
    }

    private static RunEvent run(String type, String runId, Instant slot, String reason) {
        return new RunEvent(type, 1, runId, slot == null ? "operator" : "schedule", "a", "2026-12-01T08:00:01Z",
                "2026-12-01T08:00:01Z", null, null, null, null, null, null, null, null, reason,
                slot == null ? null : slot.toString(), null);
    }
}
