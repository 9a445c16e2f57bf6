package org.holdshelf.platform.http;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The waits of a {@link CallPacer} or a {@link WindowBudget} in a running process, cut short when
 * the pipeline stops: a call waiting for its turn (a 429's backoff, a new owner's one-minute hold)
 * would otherwise hold the graceful stop until Camel's shutdown timeout forces it. The caller checks
 * whether it is stopping once the wait returns.
 */
public final class StoppableSleep implements CallPacer.Sleeper {

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
        stopped.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** Ends every wait now and makes later ones return at once. */
    public void stop() {
        stopped.countDown();
    }

    public boolean stopped() {
        return stopped.getCount() == 0;
    }
}
