package org.holdshelf.harvest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.kafka.RunLedger;
import org.holdshelf.platform.runtime.RunInProgressException;
import org.holdshelf.platform.runtime.RunNotStartedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on demand (an operator's {@code POST /api/harvest}, {@code --once}), asked for the way the
 * schedule asks: a request record on the slots topic, which the instance owning that topic starts in
 * turn ({@link HarvestSlots}); the requester, on whichever instance, follows the runs topic for the
 * run that answers it. Refused at once while a run is in progress anywhere in the cluster: runs
 * never overlap.
 */
final class RunRequests {

    private static final Logger LOG = LoggerFactory.getLogger(RunRequests.class);

    /** How often the runs topic is read while waiting. */
    private static final Duration POLL = Duration.ofMillis(50);

    /** How long after its start-by time a requester still looks for its run (the owner may just have started it). */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final RunLedger ledger;
    private final Consumer<HarvestSlots.SlotRecord> publish;
    private final String instance;
    private final String groupId;
    private final Clock clock;

    /**
     * @param publish sends a request record to the slots topic, returning once the broker has it
     * @param groupId the harvest slots' consumer group, for the operator's message
     */
    RunRequests(RunLedger ledger, Consumer<HarvestSlots.SlotRecord> publish, String instance, String groupId,
                Clock clock) {
        this.ledger = ledger;
        this.publish = publish;
        this.instance = instance;
        this.groupId = groupId;
        this.clock = clock;
    }

    /**
     * Asks for a run and waits until it has started (on this or another instance), for at most
     * {@code patience}; returns its {@code RUN_STARTED} (or its outcome, if it was over by then).
     *
     * @throws RunInProgressException if a run is in progress in the cluster, now or when the wait ends
     * @throws RunNotStartedException if no instance started it within {@code patience}
     */
    RunEvent start(String trigger, Duration patience) throws InterruptedException {
        ledger.refresh();
        ledger.open().stream().findFirst().ifPresent(run -> {
            throw new RunInProgressException(run.runId());
        });
        String request = "request-" + UUID.randomUUID();
        Instant now = clock.instant();
        Instant startBy = now.plus(patience);
        try {
            publish.accept(HarvestSlots.SlotRecord.request(request, trigger, instance, now, startBy));
        } catch (RuntimeException e) {
            throw new RunNotStartedException("the request for a harvest could not be published: " + e.getMessage(), e);
        }
        long asked = System.nanoTime();
        long deadline = asked + patience.plus(GRACE).toNanos();
        while (true) {
            ledger.refresh();
            Optional<RunEvent> run = find(request);
            if (run.isPresent()) {
                LOG.info("Harvest requested ({}) at instance {}: run {} started by instance {}, {} ms after the request",
                        trigger, instance, run.get().runId(), run.get().instance(), (System.nanoTime() - asked) / 1_000_000);
                return run.get();
            }
            if (System.nanoTime() > deadline) {
                ledger.open().stream().findFirst().ifPresent(other -> {
                    throw new RunInProgressException(other.runId());
                });
                throw new RunNotStartedException("no instance started the harvest within " + Durations.human(patience)
                        + ": no instance of the harvest group " + groupId + " took the request (are the instances up and "
                        + "is Kafka reachable?)");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Waits for the outcome of a started run: {@code RUN_COMPLETED} or {@code RUN_FAILED}. If its
     * instance dies, the instance taking the request over runs it again; that run's outcome is the
     * answer.
     *
     * @throws RunNotStartedException if there is no outcome within {@code timeout}
     */
    RunEvent outcome(RunEvent started, Duration timeout) throws InterruptedException {
        if (started.isOutcome() && !started.isAbandoned()) {
            return started;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ledger.refresh();
            Optional<RunEvent> outcome = ledger.outcomes().stream()
                    .filter(o -> started.request().equals(o.request()) && !o.isAbandoned()).findFirst();
            if (outcome.isPresent()) {
                return outcome.get();
            }
            if (System.nanoTime() > deadline) {
                throw new RunNotStartedException("harvest " + started.runId() + " did not end within " + Durations.human(timeout));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The newest run answering the request: open, or ended (an abandoned one only if nothing newer). */
    private Optional<RunEvent> find(String request) {
        List<RunEvent> open = ledger.open();
        List<RunEvent> outcomes = ledger.outcomes();
        return Stream.concat(open.stream(), outcomes.stream()).filter(r -> request.equals(r.request())).findFirst();
    }

}
