package org.holdshelf.hoopla;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest reading of each card, in memory only: Hoopla's partner terms forbid keeping patrons'
 * title lists, so readings are never written to disk or to a topic. They decide the next poll's
 * order (the budget cannot cover every card every poll: at 90 a minute, 6,000 cards an hour at
 * most): cards that had holds at their last reading first, then the others in rotation, so every
 * card is read in turn and a patron with a reserved title is looked at every poll.
 */
final class HooplaReadings {

    /** What one card's last reading found: its RESERVED holds (with their titles) and how many were WAITING. */
    record Reading(Instant at, List<HooplaHolds.Hold> reserved, int waiting) {
        boolean anyHolds() {
            return !reserved.isEmpty() || waiting > 0;
        }
    }

    /** A poll's cards, in the order to read them, and how many of them had holds at their last reading. */
    record Plan(List<String> cards, int withHolds, int allCards) {
    }

    private final Map<String, Reading> byCard = new HashMap<>();
    /** The last card the rotation took: the next rotation starts after it, in the cards' order. */
    private String rotationAfter;

    /**
     * The next poll's cards, at most {@code budget}: the cards with holds at their last reading
     * first, then the others from where the last rotation stopped. {@code cards} is every card
     * the poll may read, in a stable order.
     */
    synchronized Plan plan(List<String> cards, int budget) {
        List<String> first = new ArrayList<>();
        java.util.Set<String> firstSet = new java.util.HashSet<>();
        for (String card : cards) {
            Reading r = byCard.get(card);
            if (r != null && r.anyHolds() && first.size() < budget) {
                first.add(card);
                firstSet.add(card);
            }
        }
        List<String> plan = new ArrayList<>(Math.min(budget, cards.size()));
        plan.addAll(first);
        int withHolds = plan.size();
        if (plan.size() < budget && !cards.isEmpty()) {
            int start = rotationAfter == null ? 0 : cards.indexOf(rotationAfter) + 1; // -1 + 1: a card gone, start over
            for (int i = 0; i < cards.size() && plan.size() < budget; i++) {
                String card = cards.get((start + i) % cards.size());
                if (!firstSet.contains(card)) {
                    plan.add(card);
                    rotationAfter = card;
                }
            }
        }
        byCard.keySet().retainAll(new java.util.HashSet<>(cards)); // cards no longer in the list are forgotten
        return new Plan(List.copyOf(plan), withHolds, cards.size());
    }

    synchronized void record(String card, Reading reading) {
        byCard.put(card, reading);
    }

    /** A card Hoopla rejects has no reading: it goes back to the rotation. */
    synchronized void forget(String card) {
        byCard.remove(card);
    }

    synchronized Optional<Reading> get(String card) {
        return Optional.ofNullable(byCard.get(card));
    }

    /** How many of the cards have been read, and when the oldest of those readings was taken. */
    synchronized Coverage coverage(List<String> cards) {
        int read = 0;
        Instant oldest = null;
        for (String card : cards) {
            Reading r = byCard.get(card);
            if (r != null) {
                read++;
                oldest = oldest == null || r.at().isBefore(oldest) ? r.at() : oldest;
            }
        }
        return new Coverage(read, cards.size(), oldest);
    }

    /** Every card's RESERVED holds as last read. */
    synchronized Map<String, List<HooplaHolds.Hold>> reserved() {
        Map<String, List<HooplaHolds.Hold>> reserved = new HashMap<>();
        byCard.forEach((card, r) -> {
            if (!r.reserved().isEmpty()) {
                reserved.put(card, r.reserved());
            }
        });
        return reserved;
    }

    /** How many of {@code all} cards have a reading, and the oldest reading's time (null when none). */
    record Coverage(int read, int all, Instant oldest) {
    }
}
