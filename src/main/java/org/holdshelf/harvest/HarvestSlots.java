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
 * {@link SlotPolicy}'s call, from the runs topic.
 *
 * <p>Runs on demand (an operator's {@code POST /api/harvest}, {@code --once}) take the same path: the
 * requester publishes a <em>request</em> record on the same topic ({@link RunRequests}), keyed by a
 * new request id, and the owner harvests it in turn, with the same takeover if it dies. So every run
 * of the cluster starts on one consumer thread, one at a time: runs never overlap, whichever
 * instance was asked. Routes: {@code harvest-schedule.camel.yaml} (publish a slot),
 * {@code harvest-request.camel.yaml} (publish a request) and {@code harvest-slots.camel.yaml} (own,
 * decide, harvest, commit).
 */
public final class HarvestSlots {

    private static final Logger LOG = LoggerFactory.getLogger(HarvestSlots.class);

    /** The {@code holdshelf-type} of a slot record. */
    public static final String SLOT_TYPE = "HARVEST_SLOT";

    /** The exchange property holding the slot record's offset commit until the run has ended. */
    public static final String COMMIT = "harvestSlotCommit";

    /** The exchange property with the trigger of the run to start ({@code schedule}, {@code operator}...). */
    public static final String TRIGGER = "harvestTrigger";

    /** Quartz's header: when the trigger was due (a late fire keeps its slot). */
    static final String SCHEDULED_FIRE_TIME = "scheduledFireTime";

    /**
     * A record on the slots topic: a scheduled slot, or a request for a run on demand.
     *
     * @param slot        the scheduled fire time (null for a request)
     * @param instance    who published it
     * @param publishedAt when
     * @param trigger     who asked (null for a slot: {@code schedule})
     * @param request     the request's id (null for a slot)
     * @param startBy     for a request, when its requester stops waiting for the run to start
     */
    record SlotRecord(String slot, String instance, String publishedAt, String trigger, String request, String startBy) {

        static SlotRecord request(String request, String trigger, String instance, Instant now, Instant startBy) {
            return new SlotRecord(null, instance, now.toString(), trigger, request, startBy.toString());
        }
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
        SlotRecord record = new SlotRecord(slot, instance, clock.instant().toString(), null, null, null);
        return KafkaRecords.messages(List.of(OutboundRecord.of(slot, SLOT_TYPE, Json.toBytes(record))), exchange.getContext());
    }

    /** The record of the request for a run on demand in the body ({@link RunRequests}), keyed by its id. */
    public List<Message> request(Exchange exchange) {
        SlotRecord record = exchange.getMessage().getBody(SlotRecord.class);
        if (record == null || record.request() == null) {
            throw new IllegalArgumentException("harvest-request carries no request for a run: "
                    + exchange.getMessage().getBody());
        }
        return KafkaRecords.messages(List.of(OutboundRecord.of(record.request(), SLOT_TYPE, Json.toBytes(record))),
                exchange.getContext());
    }

    /**
     * Decides whether this instance harvests the slot or request in the body (read from the slots
     * topic). If so, sets the exchange properties {@link #TRIGGER} and {@link Harvester#SLOT} or
     * {@link Harvester#REQUEST}, and returns the records that end a run its dead instance left open
     * (to publish on the runs topic first); otherwise returns nothing and the properties stay unset.
     * An unreadable record is logged and skipped: only the pipeline writes this topic, and the next
     * trigger publishes a good one (a requester whose request is unreadable is told its run did not start).
     */
    public List<Message> decide(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        SlotRecord record;
        Instant slot;
        Instant startBy;
        try {
            record = Json.read(body, SlotRecord.class);
            slot = record.request() == null ? Instant.parse(record.slot()) : null;
            startBy = record.startBy() == null ? null : Instant.parse(record.startBy());
        } catch (RuntimeException e) {
            LOG.error("Harvest slot record skipped, it is neither a slot nor a request: {} ({})", e.getMessage(),
                    body == null ? "no value" : body.length + " bytes");
            return List.of();
        }
        ledger.refresh();
        if (slot == null) {
            return decideRequest(exchange, record, startBy);
        }
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
        exchange.setProperty(TRIGGER, "schedule");
        return abandoned(exchange, decision, "slot " + slot, now);
    }

    private List<Message> decideRequest(Exchange exchange, SlotRecord record, Instant startBy) {
        Instant now = clock.instant();
        String what = "request " + record.request() + " (" + record.trigger() + ", from instance " + record.instance() + ")";
        SlotPolicy.Decision decision = SlotPolicy.decideRequest(record.request(), startBy, ledger.open(), ledger.outcomes(),
                harvester.runningRunId(), now);
        switch (decision.kind()) {
            case DONE -> LOG.debug("Harvest {} skipped: {}", what, decision.reason());
            case EXPIRED -> LOG.warn("Harvest {} not started: {}", what, decision.reason());
            case TAKE_OVER -> LOG.warn("Harvest {} taken over by instance {}: {}", what, instance, decision.reason());
            default -> LOG.debug("Harvest {}: instance {} harvests it", what, instance);
        }
        if (!decision.harvest()) {
            return List.of();
        }
        exchange.setProperty(Harvester.REQUEST, record.request());
        exchange.setProperty(TRIGGER, record.trigger() == null ? "manual" : record.trigger());
        return abandoned(exchange, decision, what, now);
    }

    private List<Message> abandoned(Exchange exchange, SlotPolicy.Decision decision, String what, Instant now) {
        List<OutboundRecord> records = decision.abandoned()
                .map(run -> harvester.abandoned(run, now, "left the harvest group without ending the run (its " + what
                        + " was handed to instance " + instance + ")"))
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
