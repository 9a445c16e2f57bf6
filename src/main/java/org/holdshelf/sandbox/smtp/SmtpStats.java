package org.holdshelf.sandbox.smtp;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of what the {@link SmtpSimulator} has seen since it was created or its stats were
 * reset.
 *
 * @param connectionsOpened TCP connections accepted, those greeted with {@code 421} included
 * @param messagesAccepted  messages answered {@code 250} at the end of {@code DATA}
 * @param rejections        how many replies carried each 4xx or 5xx code (e.g. {@code 550 -> 3})
 */
public record SmtpStats(long connectionsOpened, long messagesAccepted, Map<Integer, Long> rejections) {

    public SmtpStats {
        rejections = Collections.unmodifiableMap(new TreeMap<>(rejections)); // sorted by code, for readable failures
    }

    /** Replies with this code, 0 when there were none. */
    public long rejections(int code) {
        return rejections.getOrDefault(code, 0L);
    }
}
