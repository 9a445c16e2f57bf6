package org.holdshelf.notices;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * What the channels' senders share: a message's answer ({@link Result}), and a batch of messages
 * on their way ({@link Batch}), emails and texts alike, so a chunk of notices is sent, awaited and
 * recorded the same way whatever its channels.
 */
final class Delivery {

    private Delivery() {
    }

    /**
     * What the server or gateway answered for one message: accepted ({@link NoticeOutcomes#SENT}),
     * refused for good ({@link NoticeOutcomes#FAILED}), or refused because the number opted out
     * ({@link NoticeOutcomes#OPTED_OUT}), with what it said.
     */
    record Result(String outcome, String serverReply) {

        static Result sent(String reply) {
            return new Result(NoticeOutcomes.SENT, reply);
        }

        static Result refused(String reply) {
            return new Result(NoticeOutcomes.FAILED, reply);
        }

        static Result optedOut(String reply) {
            return new Result(NoticeOutcomes.OPTED_OUT, reply);
        }

        boolean accepted() {
            return NoticeOutcomes.SENT.equals(outcome);
        }
    }

    /** The server or gateway could not be reached or kept refusing for now; nothing was accepted. */
    static class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Messages being sent, each on its sender's threads. */
    static final class Batch {
        private final List<Future<Result>> futures;

        Batch(List<Future<Result>> futures) {
            this.futures = List.copyOf(futures);
        }

        /**
         * Waits for every message. One answer per message, in order: null for a message that could
         * not be sent for now, with its failure at the same index of {@link Answers#failures()}. The
         * others' answers stand: an accepted message is accepted even if its neighbour was not.
         */
        Answers await() {
            List<Result> results = new ArrayList<>(futures.size());
            List<RuntimeException> failures = new ArrayList<>(futures.size());
            for (Future<Result> f : futures) {
                try {
                    results.add(f.get());
                    failures.add(null);
                } catch (ExecutionException e) {
                    failures.add(e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause()));
                    results.add(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UnavailableException("interrupted while sending notices", e);
                }
            }
            return new Answers(results, failures);
        }
    }

    /** The answers of a batch, and for each message not sent for now, why. */
    record Answers(List<Result> results, List<RuntimeException> failures) {
    }
}
