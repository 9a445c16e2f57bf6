package org.holdshelf.platform.runtime;

/**
 * Starts a harvest run on demand, the same run a scheduled trigger starts: what a capability that
 * runs harvests offers the others (the operators' endpoint) through {@link Wiring#runTrigger()},
 * without them importing it.
 */
@FunctionalInterface
public interface RunTrigger {

    /**
     * Starts a run now (on whichever instance runs the cluster's harvests) and returns its id as soon
     * as it has started; the run goes on in the background.
     *
     * @param trigger who asked, for the runs topic and the log ({@code operator})
     * @throws RunInProgressException if a run is in progress in the cluster: runs never overlap
     * @throws RunNotStartedException if no run can start now, with the reason
     */
    String startRun(String trigger);
}
