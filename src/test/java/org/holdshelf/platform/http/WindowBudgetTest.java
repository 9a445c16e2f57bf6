package org.holdshelf.platform.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window bound in virtual time, against a network that delays some calls (a new connection,
 * a pause) while the next ones arrive on time: with spaced starts alone a window can hold one call
 * too many; with the budget it never does, and the rate stays at the spacing's.
 */
class WindowBudgetTest {

    private long now;

    /** Calls started 60 s / 90 apart, each arriving {@code delay} after its start and answered 40 ms after it arrives. */
    private List<Long> arrivals(boolean withBudget, long seed) throws InterruptedException {
        CallPacer pacer = new CallPacer(Duration.ofNanos(Duration.ofMinutes(1).toNanos() / 90), () -> now, nanos -> now += nanos);
        WindowBudget budget = new WindowBudget(90, Duration.ofMinutes(1), () -> now, nanos -> now += nanos);
        Random random = new Random(seed);
        List<Long> arrivals = new ArrayList<>();
        for (int call = 0; call < 1_000; call++) {
            pacer.awaitTurn();
            if (withBudget) {
                budget.awaitTurn();
            }
            long delay = Duration.ofMillis(random.nextInt(100) < 3 ? 300 : 5).toNanos(); // 3% of calls arrive late
            arrivals.add(now + delay);
            now += delay + Duration.ofMillis(40).toNanos();
            budget.answered();
        }
        return arrivals;
    }

    private static int busiestMinute(List<Long> arrivals) {
        int most = 0;
        int first = 0;
        for (int last = 0; last < arrivals.size(); last++) {
            while (arrivals.get(last) - arrivals.get(first) >= Duration.ofMinutes(1).toNanos()) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    @Test
    void shouldNeverLetAWindowHoldMoreThanTheBudgetWhateverTheDelays() throws InterruptedException {
        boolean spacedAloneExceeded = false;
        for (long seed = 1; seed <= 5; seed++) {
            spacedAloneExceeded |= busiestMinute(arrivals(false, seed)) > 90;
            List<Long> budgeted = arrivals(true, seed);
            assertThat(busiestMinute(budgeted)).as("seed %d", seed).isLessThanOrEqualTo(90);
            double perMinute = (budgeted.size() - 1) * 60e9 / (budgeted.get(budgeted.size() - 1) - budgeted.get(0));
            assertThat(perMinute).as("the rate stays within 1% of the spacing's").isGreaterThan(89.0);
        }
        assertThat(spacedAloneExceeded).as("the network model does break spaced starts alone (else this test proves nothing)")
                .isTrue();
    }

    @Test
    void shouldWaitForTheAnswerOfTheCallABudgetBefore() throws InterruptedException {
        WindowBudget budget = new WindowBudget(2, Duration.ofSeconds(10), () -> now, nanos -> now += nanos);
        assertThat(budget.awaitTurn()).isZero();
        now += Duration.ofSeconds(1).toNanos();
        budget.answered(); // call 1 answered at 1 s
        assertThat(budget.awaitTurn()).isZero();
        now += Duration.ofSeconds(2).toNanos();
        budget.answered(); // call 2 answered at 3 s
        assertThat(budget.awaitTurn()).as("call 3 waits until 11 s").isBetween(Duration.ofSeconds(8), Duration.ofMillis(8001));
    }
}
