package org.holdshelf.scanin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import org.holdshelf.events.Json;
import org.holdshelf.events.LocationEnd;
import org.holdshelf.events.RunEnd;
import org.holdshelf.platform.files.OutcomeLog;
import org.holdshelf.platform.kafka.DeadLetters;
import org.holdshelf.platform.kafka.InboundRecord;
import org.holdshelf.platform.kafka.OutboundRecord;

/**
 * One polled batch of {@code holdshelf.entries} through the scan-in: its in-transit holds are
 * scanned in (concurrently, paced), their outcomes recorded for the run's report, the locations
 * whose end markers are in the batch completed in the report, and the outcomes returned for
 * {@code holdshelf.scanin}. A location's holds always precede its marker on the same partition,
 * so by the time a marker is handled every outcome of its location is recorded.
 *
 * <p>A record that cannot be read becomes a dead letter; the rest of the batch goes on.
 */
public class ScanInBatches {

    private final Supplier<ScanInService> service;
    private final ScanInReport report;
    private final OutcomeLog<ScanOutcome> outcomes;
    private final DeadLetters deadLetters;

    public ScanInBatches(Supplier<ScanInService> service, ScanInReport report, DeadLetters deadLetters) {
        this.service = service;
        this.report = report;
        this.outcomes = new OutcomeLog<>(report.runs(), ScanInReport.REPORT, ScanOutcome.class, ScanOutcome::holdId);
        this.deadLetters = deadLetters;
    }

    public List<OutboundRecord> process(List<InboundRecord> batch) {
        List<OutboundRecord> out = new ArrayList<>();
        List<HoldEvent> inTransit = new ArrayList<>();
        List<LocationEnd> markers = new ArrayList<>();
        List<RunEnd> runEnds = new ArrayList<>();
        for (InboundRecord r : batch) {
            try {
                if (EventTypes.HOLD.equals(r.type())) {
                    HoldEvent hold = Json.read(r.value(), HoldEvent.class);
                    if (hold.state() == HoldState.IN_TRANSIT) {
                        inTransit.add(hold);
                    }
                } else if (EventTypes.LOCATION_END.equals(r.type())) {
                    markers.add(Json.read(r.value(), LocationEnd.class));
                } else if (EventTypes.RUN_END.equals(r.type())) {
                    runEnds.add(Json.read(r.value(), RunEnd.class));
                }
            } catch (IllegalArgumentException e) {
                out.add(deadLetter(r, e.getMessage()));
            }
        }
        List<ScanOutcome> results = inTransit.isEmpty() ? List.of() : service.get().scanIn(inTransit);
        // recorded durably before the batch is committed: the run's report never misses an outcome
        Map<List<String>, List<ScanOutcome>> byLocation = new LinkedHashMap<>();
        results.forEach(o -> byLocation.computeIfAbsent(List.of(o.runId(), o.pickupLocationCode()), k -> new ArrayList<>()).add(o));
        byLocation.forEach((runAndLocation, ofLocation) -> outcomes.append(runAndLocation.get(0), runAndLocation.get(1), ofLocation));
        for (LocationEnd marker : markers) {
            report.completeLocation(marker.runId(), marker.pickupLocationCode(),
                    outcomes.read(marker.runId(), marker.pickupLocationCode()), marker.locationsInRun());
        }
        for (RunEnd end : runEnds) {
            report.completeRun(end.runId(), end.locationsInRun()); // a run with no location has its (empty) report now
        }
        for (ScanOutcome o : results) {
            out.add(OutboundRecord.of(o.kafkaKey(), EventTypes.SCAN_IN, Json.toBytes(o)));
        }
        return out;
    }

    /** How many holds of the run ended with each outcome, from the recorded outcomes. */
    java.util.Map<ScanOutcome.Outcome, Long> outcomeCounts(String runId) {
        return outcomes.readRun(runId).stream().collect(java.util.stream.Collectors.groupingBy(ScanOutcome::outcome,
                () -> new java.util.EnumMap<>(ScanOutcome.Outcome.class), java.util.stream.Collectors.counting()));
    }

    private OutboundRecord deadLetter(InboundRecord r, String problem) {
        return deadLetters.of("scan-in", null, "UNREADABLE_RECORD", "Scan-in cannot read the record: " + problem, r);
    }
}
