package org.holdshelf.harvest;

import java.time.Duration;
import java.time.Instant;

/**
 * Since when the run watch of this instance has followed the runs topic without a gap: a run's
 * silence counts against {@code holdshelf.harvest.abandon-after} only from then on. While Kafka
 * cannot be reached (a broker restart, a network cut), the instance running a harvest cannot
 * publish its progress either: its records wait in its producer and arrive once Kafka is back,
 * possibly after the watch's first check that reads the topic again. Counting the outage as
 * silence would record a live run abandoned (and let its slot be harvested twice); so after a
 * gap the watch gives every run {@code abandon-after} again to show a sign of life.
 *
 * <p>A check opens a gap when it could not read the topic ({@link #failed()}), when its read took
 * longer than the progress interval (Kafka did not answer promptly: what others sent meanwhile
 * may still be on its way), or when it started more than two progress intervals after the
 * previous check ended (the watch was held up, e.g. behind a send waiting for Kafka). The first
 * check (at start-up) is no gap: a run a dead instance left is recorded as soon as its silence
 * allows. Thread-safe: checks may end on different threads.
 */
final class RunWatchWindow {

    private final Duration prompt;
    private Instant since = Instant.MIN;
    private Instant lastEnded;
    private boolean failed;

    /** @param progressInterval how often the watch checks (and a running harvest shows a sign of life) */
    RunWatchWindow(Duration progressInterval) {
        this.prompt = progressInterval;
    }

    /** A check could not read the runs topic. */
    synchronized void failed() {
        failed = true;
    }

    /**
     * A check read the runs topic from {@code started} to {@code ended}. Returns since when the
     * watch has followed the topic without a gap ({@link Instant#MIN}: since its first check).
     */
    synchronized Instant read(Instant started, Instant ended) {
        boolean slow = Duration.between(started, ended).compareTo(prompt) > 0;
        boolean late = lastEnded != null && Duration.between(lastEnded, started).compareTo(prompt.multipliedBy(2)) > 0;
        if (failed || (lastEnded != null && (slow || late))) {
            since = ended;
        }
        failed = false;
        lastEnded = lastEnded == null || ended.isAfter(lastEnded) ? ended : lastEnded;
        return since;
    }
}
