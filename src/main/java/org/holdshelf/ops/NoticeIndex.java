package org.holdshelf.ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.holdshelf.events.Json;
import org.holdshelf.events.NoticeEvent;

/**
 * The notice audit records of {@code holdshelf.notices} that the notice search looks through,
 * by patron id: at most {@code capacity} records in all (the oldest are forgotten first), each as
 * the page shows it: when, which channel, the masked address, the outcome and the server's answer.
 * Nothing here holds a contact detail in the clear: the audit records hold only masked ones.
 * Thread-safe.
 */
final class NoticeIndex {

    /** One audit record as the page shows it. */
    record Entry(String at, String runId, String noticeId, String location, int holds, String channel, String template,
                 String destination, String outcome, String reason, String serverReply, String messageId) {
    }

    private final int capacity;
    private final Map<String, List<Entry>> byPatron = new HashMap<>();
    /** Patron ids in the order their records came, one per record: who loses a record when the index is full. */
    private final Deque<String> arrival = new ArrayDeque<>();
    private long unreadable;

    NoticeIndex(int capacity) {
        this.capacity = capacity;
    }

    /** Takes one record of the notices topic. */
    synchronized void accept(byte[] value) {
        NoticeEvent n;
        try {
            n = Json.read(value, NoticeEvent.class);
        } catch (IllegalArgumentException e) {
            unreadable++;
            return;
        }
        if (n.patronId() == null) {
            unreadable++;
            return;
        }
        // the few distinct values (run, location, channel, template, outcome) are shared, not kept once per record
        byPatron.computeIfAbsent(n.patronId(), id -> new ArrayList<>()).add(new Entry(n.at(), shared(n.runId()), n.noticeId(),
                shared(n.pickupLocationName() != null ? n.pickupLocationName() : n.pickupLocationCode()), n.holdIds().size(),
                shared(n.channel()), shared(n.template()), n.destination(), shared(n.outcome()), n.reason(), n.serverReply(),
                n.messageId()));
        arrival.addLast(n.patronId());
        while (arrival.size() > capacity) {
            String oldest = arrival.removeFirst();
            List<Entry> list = byPatron.get(oldest);
            list.remove(0);
            if (list.isEmpty()) {
                byPatron.remove(oldest);
            }
        }
    }

    private static String shared(String value) {
        return value == null ? null : value.intern();
    }

    /** The records of these patrons, newest first. */
    synchronized List<Entry> find(Collection<String> patronIds) {
        List<Entry> found = new ArrayList<>();
        for (String id : patronIds) {
            found.addAll(byPatron.getOrDefault(id, List.of()));
        }
        found.sort(Comparator.comparing((Entry e) -> e.at() == null ? "" : e.at()).reversed());
        return found;
    }

    synchronized int size() {
        return arrival.size();
    }

    synchronized long unreadable() {
        return unreadable;
    }
}
