package org.holdshelf.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.kafka.RunLedger;
import org.holdshelf.platform.kafka.TopicFollower;
import org.holdshelf.platform.runtime.ConsumerGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded views the operators' page is drawn from, brought up to date by
 * {@link #refresh()} (the {@code ops-refresh} route, every {@code holdshelf.ops.refresh-interval}):
 * recent runs (the run ledger of {@code holdshelf.runs}), recent dead letters, scan-in outcomes per
 * run and the notice audit records for the search, each read from where the last refresh stopped,
 * the first time only from {@code holdshelf.ops.notice-history} ago; and each consumer group's lag.
 * A page request only reads these views and the run folders: never a topic.
 */
final class OpsViews implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsViews.class);
    /** Records taken from one topic per refresh; the rest come at the next. */
    static final int MAX_RECORDS_PER_REFRESH = 50_000;

    private final RunLedger runs;
    private final TopicFollower deadLetterTopic;
    private final TopicFollower noticeTopic;
    private final TopicFollower scanInTopic;
    private final RecentDeadLetters deadLetters;
    private final NoticeIndex notices;
    private final ScanInTally scanIns;
    private final KafkaStatus kafka;
    private volatile List<ConsumerGroup> groups;
    private volatile Map<ConsumerGroup, String> groupTopics;
    private final Clock clock;
    private final AtomicReference<Instant> refreshedAt = new AtomicReference<>();
    private volatile String lastProblem;

    OpsViews(RunLedger runs, TopicFollower deadLetterTopic, TopicFollower noticeTopic, TopicFollower scanInTopic,
             RecentDeadLetters deadLetters, NoticeIndex notices, ScanInTally scanIns, KafkaStatus kafka,
             List<ConsumerGroup> groups, Map<ConsumerGroup, String> groupTopics, Clock clock) {
        this.runs = runs;
        this.deadLetterTopic = deadLetterTopic;
        this.noticeTopic = noticeTopic;
        this.scanInTopic = scanInTopic;
        this.deadLetters = deadLetters;
        this.notices = notices;
        this.scanIns = scanIns;
        this.kafka = kafka;
        this.groups = groups;
        this.groupTopics = groupTopics;
        this.clock = clock;
    }

    /**
     * Reads what is new on the topics into the views, and measures the consumer groups' lag. A
     * refresh that fails (Kafka unreachable) is logged once until one succeeds again; the views
     * keep what they had.
     */
    public void refresh() {
        try {
            runs.refresh();
            deadLetterTopic.poll(r -> deadLetters.accept(r.value()), MAX_RECORDS_PER_REFRESH);
            noticeTopic.poll(r -> notices.accept(r.value()), MAX_RECORDS_PER_REFRESH);
            scanInTopic.poll(r -> scanIns.accept(r.value()), MAX_RECORDS_PER_REFRESH);
            kafka.measureLag(groups, groupTopics);
            refreshedAt.set(clock.instant());
            if (lastProblem != null) {
                LOG.info("Operators' page views are up to date again");
                lastProblem = null;
            }
        } catch (Exception e) {
            String problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (lastProblem == null) {
                LOG.warn("Operators' page views could not read Kafka ({}); they show what they had and try again", problem);
            }
            lastProblem = problem;
        }
    }

    /** The consumer groups whose lag is measured, with their topics' names (known once every capability has bound). */
    void groupTopics(Map<ConsumerGroup, String> topics, List<ConsumerGroup> groups) {
        this.groupTopics = Map.copyOf(topics);
        this.groups = List.copyOf(groups);
    }

    /** When the views were last brought up to date, if ever. */
    Optional<Instant> refreshedAt() {
        return Optional.ofNullable(refreshedAt.get());
    }

    /** Why the last refresh failed, if it did. */
    Optional<String> problem() {
        return Optional.ofNullable(lastProblem);
    }

    /** The latest outcomes, newest first. */
    List<RunEvent> outcomes() {
        return runs.outcomes();
    }

    /** Runs started and not ended, with their latest progress. */
    List<RunEvent> open() {
        return runs.open();
    }

    /** When the last completed run ended, if one is in view. */
    Optional<Instant> lastCompletedAt() {
        return runs.outcomes().stream().filter(r -> EventTypes.RUN_COMPLETED.equals(r.type()) && r.finishedAt() != null)
                .map(r -> Instant.parse(r.finishedAt())).findFirst();
    }

    RecentDeadLetters deadLetters() {
        return deadLetters;
    }

    NoticeIndex notices() {
        return notices;
    }

    ScanInTally scanIns() {
        return scanIns;
    }

    Map<String, Long> lag() {
        return kafka.lag();
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(List.of(runs, deadLetterTopic, noticeTopic, scanInTopic, kafka));
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", c, e.getMessage());
            }
        }
    }
}
