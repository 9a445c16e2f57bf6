package org.holdshelf.scanin;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A clock for real threads that never sleeps: exactly one participant runs at a time, and time
 * jumps to the earliest wake-up once every participant is asleep. Threads that wake at the same
 * instant run in the order they went to sleep, so a run is the same every time (given the same
 * participants and inputs), however loaded the host is.
 *
 * <p>Participants may only block in {@link #sleepNanos(long)} (short {@code synchronized} sections
 * that never wait are fine: only one participant runs, so they never contend).
 */
final class VirtualTime implements LongSupplier, AlmaRateLimiter.Sleeper {

    /** A participant asleep until {@code wake}; {@code order} breaks ties first come, first served. */
    private record Waiter(long wake, long order) {
    }

    private final PriorityQueue<Waiter> asleep = new PriorityQueue<>((a, b) -> a.wake != b.wake
            ? Long.compare(a.wake, b.wake) : Long.compare(a.order, b.order));
    private long now;
    private long order;
    private int live;
    /** The participant allowed to run; null while time is about to move. */
    private Waiter running;

    VirtualTime(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public synchronized long getAsLong() {
        return now;
    }

    @Override
    public synchronized void sleepNanos(long nanos) throws InterruptedException {
        Waiter me = new Waiter(now + Math.max(0, nanos), order++);
        asleep.add(me);
        running = null;
        dispatch();
        while (running != me) {
            wait();
        }
    }

    /** Runs the participants to completion in virtual time; rethrows the first failure. */
    void run(List<ThrowingRunnable> participants, long timeout, TimeUnit unit) throws Exception {
        synchronized (this) {
            live = participants.size();
        }
        List<Throwable> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < participants.size(); i++) {
            ThrowingRunnable body = participants.get(i);
            Thread thread = new Thread(() -> {
                try {
                    sleepNanos(0); // wait for the baton: nobody runs until all have arrived
                    body.run();
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                } finally {
                    leave();
                }
            }, "virtual-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                threads.forEach(Thread::interrupt);
                throw new AssertionError("virtual-time participants still running after " + timeout + " " + unit);
            }
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                Throwable first = failures.get(0);
                if (first instanceof Exception e) {
                    throw e;
                }
                throw new AssertionError(first);
            }
        }
    }

    private synchronized void leave() {
        live--;
        running = null;
        dispatch();
    }

    private void dispatch() {
        if (running == null && live > 0 && asleep.size() == live) {
            running = asleep.poll();
            now = Math.max(now, running.wake);
            notifyAll();
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
