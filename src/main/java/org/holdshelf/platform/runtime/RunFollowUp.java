package org.holdshelf.platform.runtime;

import java.time.Duration;
import java.util.Optional;

import org.holdshelf.events.RunEvent;

/** A capability's work for one completed harvest run (its pull lists, its scan-in report...). */
@FunctionalInterface
public interface RunFollowUp {

    /**
     * Waits until the work for {@code run} is complete (it may be done by another instance) and
     * returns a one-line summary for the operator, or empty if it is not complete within {@code timeout}.
     */
    Optional<String> await(RunEvent run, Duration timeout) throws InterruptedException;
}
