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

    private static RunEvent run(String type, String runId, Instant slot, String reason) {
        return new RunEvent(type, 1, runId, slot == null ? "operator" : "schedule", "a", "2026-12-01T08:00:01Z",
                "2026-12-01T08:00:01Z", null, null, null, null, null, null, null, null, reason,
                slot == null ? null : slot.toString());
    }
}
