package org.holdshelf.harvest;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.holdshelf.events.Json;
import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.kafka.KafkaRecords;
import org.holdshelf.platform.kafka.OutboundRecord;
import org.holdshelf.platform.kafka.RunLedger;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduled harvest per schedule fire, however many instances run the schedule. Every
 * instance's Quartz trigger publishes the fire as a <em>slot</em> on the single-partition topic
 * {@code holdshelf.topic.harvest-slots}, keyed by its scheduled fire time (the same on every
 * instance). One consumer group ({@code holdshelf.harvest.group-id}) reads that topic, so exactly one
 * instance at a time owns it; the owner harvests a slot on the consumer's thread and commits the
 * slot's offset only when the run has ended. If the owner dies, Kafka hands the partition, with the
 * uncommitted slot, to another instance once the owner's session has expired; that instance records
 * the dead run {@code RUN_FAILED} (abandoned) and harvests the slot again. Which slot is harvested is
 * {@link SlotPolicy}'s call, from the runs topic. Routes: {@code harvest-schedule.camel.yaml}
 * (publish) and {@code harvest-slots.camel.yaml} (own, decide, harvest, commit).
 */
public final class HarvestSlots {

    private static final Logger LOG = LoggerFactory.getLogger(HarvestSlots.class);

    /** The {@code holdshelf-type} of a slot record. */
    public static final String SLOT_TYPE = "HARVEST_SLOT";

    /** The exchange property holding the slot record's offset commit until the run has ended. */
    public static final String COMMIT = "harvestSlotCommit";

    /** Quartz's header: when the trigger was due (a late fire keeps its slot). */
    static final String SCHEDULED_FIRE_TIME = "scheduledFireTime";

    /**
     * A slot on the topic.
     *
     * @param slot        the scheduled fire time
     * @param instance    who published it
     * @param publishedAt when
     */
    record SlotRecord(String slot, String instance, String publishedAt) {
    }

    private final Harvester harvester;
    private final RunLedger ledger;
    private final CronExpression schedule;
    private final String instance;
    private final Clock clock;

    /**
     * @param harvester the runs of this instance (null when only publishing)
     * @param ledger    the runs topic's view (null when only publishing)
     */
    public HarvestSlots(Harvester harvester, RunLedger ledger, String cron, ZoneId zone, String instance, Clock clock) {
        try {
            this.schedule = new CronExpression(cron);
        } catch (ParseException e) {
            throw new ConfigurationException("Setting holdshelf.harvest.cron is not a Quartz cron expression ('" + cron + "'): "
                    + e.getMessage());
        }
        this.schedule.setTimeZone(TimeZone.getTimeZone(zone));
        this.harvester = harvester;
        this.ledger = ledger;
        this.instance = instance;
        this.clock = clock;
    }

    /** The slot record of the Quartz fire in the exchange, keyed by its scheduled fire time. */
    public List<Message> publish(Exchange exchange) {
        Date due = exchange.getMessage().getHeader(SCHEDULED_FIRE_TIME, Date.class);
        if (due == null) {
            throw new IllegalStateException("The schedule's trigger carries no " + SCHEDULED_FIRE_TIME
                    + " header: publish must follow a quartz: endpoint");
        }
        String slot = due.toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
        LOG.debug("Harvest slot {} published by instance {}", slot, instance);
        SlotRecord record = new SlotRecord(slot, instance, clock.instant().toString());
        return KafkaRecords.messages(List.of(OutboundRecord.of(slot, SLOT_TYPE, Json.toBytes(record))), exchange.getContext());
    }

    /**
     * Decides whether this instance harvests the slot in the body (read from the slots topic). If so,
     * sets the exchange property {@link Harvester#SLOT} and returns the records that end a run its
     * dead instance left open (to publish on the runs topic first); otherwise returns nothing and the
     * property stays unset. An unreadable slot record is logged and skipped: only the pipeline writes
     * this topic, and the next trigger publishes a good one.
     */
    public List<Message> decide(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        Instant slot;
        try {
            SlotRecord record = Json.read(body, SlotRecord.class);
            slot = Instant.parse(record.slot());
        } catch (RuntimeException e) {
            LOG.error("Harvest slot record skipped, it is not a slot: {} ({})", e.getMessage(),
                    body == null ? "no value" : body.length + " bytes");
            return List.of();
        }
        ledger.refresh();
        Instant now = clock.instant();
        Date next = schedule.getNextValidTimeAfter(Date.from(slot));
        Instant nextFire = next == null ? Instant.MAX : next.toInstant();
        SlotPolicy.Decision decision = SlotPolicy.decide(slot, ledger.open(), ledger.outcomes(), harvester.runningRunId(),
                nextFire, now);
        switch (decision.kind()) {
            case DONE -> LOG.debug("Harvest slot {} skipped: {}", slot, decision.reason());
            case SUPERSEDED -> LOG.info("Harvest slot {} skipped: {}", slot, decision.reason());
            case TAKE_OVER -> LOG.warn("Harvest slot {} taken over by instance {}: {}", slot, instance, decision.reason());
            case HARVEST -> LOG.debug("Harvest slot {} is due: instance {} harvests it", slot, instance);
        }
        if (!decision.harvest()) {
            return List.of();
        }
        exchange.setProperty(Harvester.SLOT, slot.toString());
        List<OutboundRecord> records = decision.abandoned()
                .map(run -> harvester.abandoned(run, now, "left the harvest group without ending the run (its slot "
                        + slot + " was handed to instance " + instance + ")"))
                .orElse(List.of());
        return KafkaRecords.messages(records, exchange.getContext());
    }

    /**
     * Commits the slot record's offset: the slot is done (harvested, skipped, or its run refused
     * because a run was in progress). Called on the consumer's thread, after the run has ended.
     */
    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getProperty(COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("no slot offset to commit: the route must keep the consumer's manual commit in "
                    + COMMIT);
        }
        commit.commit();
    }
}
