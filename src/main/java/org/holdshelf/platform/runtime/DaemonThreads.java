package org.holdshelf.platform.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads for the pipeline's own pools: they never keep the JVM alive, and thread dumps say whose they are. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Threads named {@code <name>-1}, {@code <name>-2}... */
    public static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
