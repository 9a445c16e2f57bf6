package org.holdshelf.notices;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.holdshelf.events.Json;
import org.holdshelf.platform.kafka.KafkaRecords;
import org.holdshelf.platform.kafka.OutboundRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When waiting notices are released, with several instances: each instance publishes a tick every
 * {@code holdshelf.notices.release-interval} on the single-partition topic
 * {@code holdshelf.topic.notices-release}, and only the instance that owns that topic (one consumer
 * group) releases, on the consumer's thread. Two instances releasing at once would each send the
 * same waiting notices; one owner never does, and another instance takes the ticks over when the
 * owner dies. Every instance's ticks reach the owner, so a tick is acted on only when no release
 * started in the last half interval, and a tick older than an interval (the owner was busy) is
 * dropped: the next one comes.
 */
public final class ReleaseTicks {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseTicks.class);

    /** The {@code holdshelf-type} of a tick. */
    public static final String TICK_TYPE = "RELEASE_TICK";

    /** A tick: who published it, and when. */
    record Tick(String instance, String at) {
    }

    private final String instance;
    private final Duration interval;
    private final Clock clock;
    private Instant lastRelease = Instant.MIN;

    public ReleaseTicks(String instance, Duration interval, Clock clock) {
        this.instance = instance;
        this.interval = interval;
        this.clock = clock;
    }

    /** This instance's tick, to publish. */
    public List<Message> tick(Exchange exchange) {
        Tick tick = new Tick(instance, clock.instant().toString());
        return KafkaRecords.messages(List.of(OutboundRecord.of(instance, TICK_TYPE, Json.toBytes(tick))), exchange.getContext());
    }

    /**
     * True when the owner releases now for the tick in {@code body}: the tick is recent, and no
     * release started in the last half interval. An unreadable tick is logged and dropped.
     */
    public synchronized boolean due(byte[] body) {
        Instant at;
        try {
            at = Instant.parse(Json.read(body, Tick.class).at());
        } catch (RuntimeException e) {
            LOG.warn("A release tick was dropped, it is not a tick: {}", e.getMessage());
            return false;
        }
        Instant now = clock.instant();
        if (Duration.between(at, now).compareTo(interval) > 0) {
            return false;
        }
        if (Duration.between(lastRelease, now).compareTo(interval.dividedBy(2)) < 0) {
            return false;
        }
        lastRelease = now;
        return true;
    }
}
