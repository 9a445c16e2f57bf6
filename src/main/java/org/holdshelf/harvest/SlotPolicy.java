package org.holdshelf.harvest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.holdshelf.events.RunEvent;

/**
 * Whether the instance that owns the harvest slots harvests a slot it has just read, from what the
 * runs topic says about the slots already run. Several instances publish each slot (each has the
 * same schedule), and the owner may have changed since a slot was published; the answer makes each
 * slot harvested once:
 * <ol>
 *   <li>a slot at or before a slot whose run has ended (completed, or failed for a reason other than
 *       its instance dying) is <b>done</b>: skipped;</li>
 *   <li>a slot whose run was left by a dead instance (still open, or already recorded abandoned)
 *       is <b>taken over</b>: harvested again, after the open run is recorded abandoned;</li>
 *   <li>a slot the schedule has already moved past (its next fire time has come) is
 *       <b>superseded</b>: skipped, the newer slot is harvested (a backlog never builds up,
 *       as Quartz's own misfire rule);</li>
 *   <li>otherwise it is <b>harvested</b>.</li>
 * </ol>
 * A request for a run on demand (an operator's, {@code --once}) on the same topic is decided by
 * {@link #decideRequest}: done once its run has ended, taken over like a slot when its run's
 * instance died, <b>expired</b> when it was not started by the time its requester stopped waiting
 * (the requester was told so; starting it then would run a harvest nobody asked for any more).
 * Plain logic: no Kafka, no clock of its own.
 */
final class SlotPolicy {

    enum Kind { HARVEST, TAKE_OVER, DONE, SUPERSEDED, EXPIRED }

    /**
     * @param abandoned for {@link Kind#TAKE_OVER}, the run still open that its instance left (to be
     *                  recorded failed before the slot is harvested again); empty when it already is
     * @param reason    one line for the log
     */
    record Decision(Kind kind, Optional<RunEvent> abandoned, String reason) {

        boolean harvest() {
            return kind == Kind.HARVEST || kind == Kind.TAKE_OVER;
        }
    }

    private SlotPolicy() {
    }

    /**
     * @param slot      the slot read
     * @param open      runs started and not ended (the runs topic's view)
     * @param outcomes  the latest outcomes, newest first
     * @param runningHere the run in progress in this instance, if any
     * @param nextFire  the schedule's fire time after {@code slot}
     * @param now       now
     */
    static Decision decide(Instant slot, List<RunEvent> open, List<RunEvent> outcomes, Optional<String> runningHere,
                           Instant nextFire, Instant now) {
        for (RunEvent outcome : outcomes) {
            if (outcome.slot() == null || outcome.isAbandoned()) {
                continue;
            }
            Instant ended = Instant.parse(outcome.slot());
            if (!ended.isBefore(slot)) {
                return new Decision(Kind.DONE, Optional.empty(), ended.equals(slot)
                        ? "already harvested by run " + outcome.runId() + " (" + outcome.type() + ")"
                        : "the later slot " + ended + " was harvested by run " + outcome.runId());
            }
        }
        Optional<Decision> started = startedBefore(run -> slot.toString().equals(run.slot()), open, outcomes, runningHere);
        if (started.isPresent()) {
            return started.get();
        }
        if (!nextFire.isAfter(now)) {
            return new Decision(Kind.SUPERSEDED, Optional.empty(), "the schedule fired again at " + nextFire
                    + " before the slot could be harvested: the newer slot is harvested instead");
        }
        return new Decision(Kind.HARVEST, Optional.empty(), "due");
    }

    /**
     * @param request     the request read
     * @param startBy     when its requester stops waiting for the run to start (null: no limit)
     * @param open        runs started and not ended (the runs topic's view)
     * @param outcomes    the latest outcomes, newest first
     * @param runningHere the run in progress in this instance, if any
     * @param now         now
     */
    static Decision decideRequest(String request, Instant startBy, List<RunEvent> open, List<RunEvent> outcomes,
                                  Optional<String> runningHere, Instant now) {
        for (RunEvent outcome : outcomes) {
            if (request.equals(outcome.request()) && !outcome.isAbandoned()) {
                return new Decision(Kind.DONE, Optional.empty(), "already harvested by run " + outcome.runId() + " ("
                        + outcome.type() + ")");
            }
        }
        Optional<Decision> started = startedBefore(run -> request.equals(run.request()), open, outcomes, runningHere);
        if (started.isPresent()) {
            return started.get();
        }
        if (startBy != null && now.isAfter(startBy)) {
            return new Decision(Kind.EXPIRED, Optional.empty(), "it was to start by " + startBy
                    + " and its requester has stopped waiting (a run was in progress, or no instance owned the harvest slots)");
        }
        return new Decision(Kind.HARVEST, Optional.empty(), "requested");
    }

    /**
     * The decision for a slot or request a run has already started, with no outcome but its
     * instance's death: still running here (done), still open elsewhere (taken over, the open run to
     * record abandoned first), or recorded abandoned (taken over). Empty when no run started it.
     *
     * @param answers whether a run answers the slot or request
     */
    private static Optional<Decision> startedBefore(Predicate<RunEvent> answers, List<RunEvent> open, List<RunEvent> outcomes,
                                                    Optional<String> runningHere) {
        for (RunEvent run : open) {
            if (answers.test(run)) {
                if (runningHere.filter(run.runId()::equals).isPresent()) {
                    return Optional.of(new Decision(Kind.DONE, Optional.empty(), "run " + run.runId()
                            + " of this instance is harvesting it"));
                }
                return Optional.of(new Decision(Kind.TAKE_OVER, Optional.of(run), "run " + run.runId() + " of instance "
                        + run.instance() + " started it and its instance left the harvest group without ending it"));
            }
        }
        return outcomes.stream().filter(o -> answers.test(o) && o.isAbandoned()).findFirst()
                .map(o -> new Decision(Kind.TAKE_OVER, Optional.empty(), "run " + o.runId() + " of instance " + o.instance()
                        + " was abandoned"));
    }
}
