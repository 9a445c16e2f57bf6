package org.holdshelf.platform.runtime;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The right to run a harvest: at most one holder at a time, whatever starts runs (the schedule,
 * an operator, {@code --once}). Held in this process; several instances are coordinated on top of
 * it by whoever grants harvests cluster-wide.
 */
public final class RunLease {

    private final AtomicReference<String> holder = new AtomicReference<>();

    /** Takes the lease for {@code runId}; throws {@link RunInProgressException} naming the holder if it is taken. */
    public Held acquire(String runId) {
        if (!holder.compareAndSet(null, runId)) {
            String current = holder.get();
            throw new RunInProgressException(current == null ? "(just finished)" : current);
        }
        return new Held(runId);
    }

    /** The run holding the lease, if any. */
    public Optional<String> holder() {
        return Optional.ofNullable(holder.get());
    }

    /** A taken lease; closing it gives the lease back (once). */
    public final class Held implements AutoCloseable {

        private final String runId;

        private Held(String runId) {
            this.runId = runId;
        }

        public String runId() {
            return runId;
        }

        @Override
        public void close() {
            holder.compareAndSet(runId, null);
        }
    }
}
