package org.holdshelf.sandbox.sierra;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The live state of a {@link FaultPlan}: how often each rule may still fire, and call numbers. */
final class FaultInjector {

    private final FaultPlan plan;
    private final AtomicInteger[] remaining;
    private final Map<FaultPlan.Target, AtomicLong> calls = new EnumMap<>(FaultPlan.Target.class);

    FaultInjector(FaultPlan plan) {
        this.plan = plan;
        this.remaining = plan.rules().stream().map(rule -> new AtomicInteger(rule.times())).toArray(AtomicInteger[]::new);
        for (FaultPlan.Target target : FaultPlan.Target.values()) {
            calls.put(target, new AtomicLong());
        }
    }

    FaultPlan plan() {
        return plan;
    }

    /** The 0-based number of this call to an id-list endpoint: its "page" for fault rules. */
    long nextCall(FaultPlan.Target target) {
        return calls.get(target).getAndIncrement();
    }

    /** The first matching rule that still has fires left, using up one of them. */
    Optional<FaultPlan.Rule> fire(FaultPlan.Target target, long page) {
        for (int i = 0; i < remaining.length; i++) {
            FaultPlan.Rule rule = plan.rules().get(i);
            if (rule.matches(target, page) && takeOne(remaining[i])) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    private static boolean takeOne(AtomicInteger fires) {
        return fires.getAndUpdate(left -> left > 0 ? left - 1 : left) != 0;
    }
}
