package org.holdshelf.scanin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.runtime.DaemonThreads;
import org.holdshelf.scanin.ScanOutcome.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans in-transit items in at Alma, each barcode once across harvests, restarts and instances.
 *
 * <p>For each hold of a batch: a barcode already SCANNED is not sent again; one that failed
 * {@code max-attempts} times is given up; otherwise the barcode is marked IN_FLIGHT durably, looked
 * up, scanned in, and its outcome recorded durably. A barcode found IN_FLIGHT was interrupted
 * (the process died, or Alma's answer was lost): the item is read in Alma first, and only an item
 * still in transit is scanned in. So a crash at any point repeats no scan.
 *
 * <p>When Alma answers {@code DAILY_THRESHOLD}, or {@code X-Exl-Api-Remaining} falls below
 * {@code remaining-floor}, scan-ins pause until the next midnight in the library's time zone:
 * said once in the log, and every hold until then is PAUSED (not counted as an attempt).
 *
 * <p>Batches run one at a time (so the same barcode is never in flight twice), each on
 * {@code concurrency} worker threads, all Alma calls paced by the client's rate limiter.
 * Thread-safe; close it to stop the workers.
 */
public final class ScanInService implements AutoCloseable {

    private final MeterRegistry meters;
    private final Counter calls;
    private final AtomicReference<Double> lastBatchRate = new AtomicReference<>(0.0);

    private static final Logger LOG = LoggerFactory.getLogger(ScanInService.class);
    private static final DateTimeFormatter PAUSE_END = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    /** A barcode's state records that a harvest saw it in transit at most this often. */
    public static final Duration SEEN_REFRESH = Duration.ofDays(1);
    /** Expired states are looked for at most this often. */
    static final Duration EXPIRY_CHECK = Duration.ofHours(1);

    private final AlmaSettings settings;
    private final AlmaClient alma;
    private final ScanStateStore store;
    private final ZoneId zone;
    private final Clock clock;
    private final ExecutorService workers;
    private final ReentrantLock batchLock = new ReentrantLock();
    /** Guarded by batchLock. */
    private Instant lastExpiryCheck = Instant.MIN;

    private final Object pauseLock = new Object();
    /** Guarded by pauseLock. */
    private Instant pausedUntil;
    private String pauseReason;
    /** Remaining-quota readings up to this sequence predate the end of the last pause; guarded by pauseLock. */
    private long staleQuotaSequence = -1;

    public ScanInService(AlmaSettings settings, AlmaClient alma, ScanStateStore store, ZoneId zone, Clock clock) {
        this(settings, alma, store, zone, clock, new SimpleMeterRegistry());
    }

    /** @param meters where outcomes, calls and the calls per second of the last batch are recorded */
    public ScanInService(AlmaSettings settings, AlmaClient alma, ScanStateStore store, ZoneId zone, Clock clock,
                         MeterRegistry meters) {
        this.meters = meters;
        this.calls = Counter.builder("holdshelf.alma.calls").description("Calls made to Alma by the scan-in").register(meters);
        Gauge.builder("holdshelf.scanin.batch.rate", lastBatchRate, AtomicReference::get).baseUnit("calls.per.second")
                .description("Alma calls per second of the last scan-in batch").register(meters);
        this.settings = settings;
        this.alma = alma;
        this.store = store;
        this.zone = zone;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(settings.concurrency(), DaemonThreads.named("alma-scan-in"));
    }

    /**
     * Scans in the items of a batch of in-transit holds and returns one outcome per hold, in the
     * holds' order. Blocks until the batch is done. Holds that are not in transit are SKIPPED.
     *
     * @throws IllegalStateException when the state store fails (the holds whose outcome was recorded
     *                               keep it; a rerun of the batch completes the rest)
     */
    public List<ScanOutcome> scanIn(List<HoldEvent> holds) {
        batchLock.lock();
        try {
            long started = System.nanoTime();
            long callsBefore = alma.callCount();
            store.refresh();
            expireUnseenStates();
            ScanOutcome[] outcomes = new ScanOutcome[holds.size()];
            Map<String, List<Integer>> byBarcode = new LinkedHashMap<>();
            for (int i = 0; i < holds.size(); i++) {
                HoldEvent hold = holds.get(i);
                if (hold.state() != HoldState.IN_TRANSIT) {
                    outcomes[i] = outcome(hold, Outcome.SKIPPED, null, "not in transit (state " + hold.state() + ")", 0);
                } else if (hold.itemBarcode() == null || hold.itemBarcode().isBlank()) {
                    outcomes[i] = outcome(hold, Outcome.SKIPPED, null, noBarcodeReason(hold), 0);
                } else {
                    byBarcode.computeIfAbsent(hold.itemBarcode(), b -> new ArrayList<>()).add(i);
                }
            }
            List<Callable<Void>> tasks = new ArrayList<>();
            for (List<Integer> sameItem : byBarcode.values()) {
                tasks.add(() -> {
                    int first = sameItem.get(0);
                    outcomes[first] = scanOne(holds.get(first));
                    for (int other : sameItem.subList(1, sameItem.size())) {
                        outcomes[other] = sameItemAs(outcomes[first], holds.get(other));
                    }
                    return null;
                });
            }
            runAll(tasks);
            List<ScanOutcome> result = List.of(outcomes);
            reportBatch(result, alma.callCount() - callsBefore, Duration.ofNanos(System.nanoTime() - started));
            return result;
        } finally {
            batchLock.unlock();
        }
    }

    /**
     * Records that a harvest saw the barcode in transit now, at most once a {@link #SEEN_REFRESH}
     * per barcode (one write a day, however often it harvests). Not in a dry run, which records nothing.
     */
    private ScanState noteSeen(ScanState state) {
        Instant now = clock.instant();
        if (settings.dryRun() || Duration.between(state.lastSeen(), now).compareTo(SEEN_REFRESH) < 0) {
            return state;
        }
        ScanState seen = state.seen(now);
        store.put(seen);
        return seen;
    }

    /**
     * Forgets the barcodes no harvest has had in transit for {@code holdshelf.alma.state-retention}:
     * their holds have left transit, so the state topic (compacted, with a tombstone for each) and
     * the memory it takes stay bounded. Looked for at most once an {@link #EXPIRY_CHECK}.
     */
    private void expireUnseenStates() {
        Instant now = clock.instant();
        if (settings.dryRun() || Duration.between(lastExpiryCheck, now).compareTo(EXPIRY_CHECK) < 0) {
            return;
        }
        lastExpiryCheck = now;
        Instant cutoff = now.minus(settings.stateRetention());
        List<ScanState> expired = new ArrayList<>();
        store.forEach((barcode, state) -> {
            if (state.lastSeen().isBefore(cutoff)) {
                expired.add(state);
            }
        });
        if (expired.isEmpty()) {
            return;
        }
        long unsettled = expired.stream().filter(st -> st.status() != ScanStatus.SCANNED
                && !(st.status() == ScanStatus.FAILED && st.attempts() >= settings.maxAttempts())).count();
        expired.forEach(st -> store.delete(st.barcode()));
        LOG.info("Alma scan-in forgot {} barcodes not in transit for {} ({} of them never settled: scanned or given up)",
                expired.size(), Durations.human(settings.stateRetention()), unsettled);
    }

    /** When scan-ins resume, if they are paused now. */
    public Optional<Instant> pausedUntil() {
        synchronized (pauseLock) {
            return pausedUntil != null && clock.instant().isBefore(pausedUntil) ? Optional.of(pausedUntil) : Optional.empty();
        }
    }

    private ScanOutcome scanOne(HoldEvent hold) {
        String barcode = hold.itemBarcode();
        Optional<ScanState> previous = store.get(barcode).map(this::noteSeen);
        int attempts = previous.map(ScanState::attempts).orElse(0);
        ScanStatus status = previous.map(ScanState::status).orElse(null);
        if (previous.isPresent() && decidedInThisRun(previous.get(), hold)) {
            // the same hold of the same run again (a batch redelivered after a restart): same answer, no call
            ScanState done = previous.get();
            return outcome(hold, done.lastOutcome(), done.lastErrorCode(), done.lastMessage(), attempts);
        }
        if (status == ScanStatus.SCANNED) {
            return outcome(hold, Outcome.ALREADY_SCANNED, null, "already scanned in by run " + previous.get().lastRunId(), attempts);
        }
        if (status == ScanStatus.FAILED && attempts >= settings.maxAttempts()) {
            return outcome(hold, Outcome.SKIPPED, null, "gave up after " + attempts + " attempts (last: "
                    + previous.get().lastOutcome() + " " + previous.get().lastMessage() + ")", attempts);
        }
        Optional<String> paused = pauseNow();
        if (paused.isPresent()) {
            return outcome(hold, Outcome.PAUSED, null, paused.get(), attempts);
        }
        boolean dryRun = settings.dryRun();
        // true while an earlier scan of this barcode may have gone through unrecorded
        boolean unsettled = status == ScanStatus.IN_FLIGHT;
        if (!dryRun && !unsettled) {
            record(hold, ScanStatus.IN_FLIGHT, attempts, null, "scan-in started");
        }
        try {
            ItemLookup lookup = alma.lookup(barcode);
            if (!lookup.isFound()) {
                AlmaError error = lookup.notFound();
                if (!dryRun) {
                    record(hold, ScanStatus.FAILED, attempts + 1, Outcome.NOT_FOUND, error.errorCode(), error.errorMessage());
                }
                return outcome(hold, Outcome.NOT_FOUND, error.errorCode(), error.errorMessage(), dryRun ? attempts : attempts + 1);
            }
            if (unsettled) {
                ItemStatus item = alma.itemState(lookup.ids());
                if (!item.inTransit()) {
                    String message = "reconciled after a restart: the item is no longer in transit (process type '"
                            + item.processType() + "'), so an earlier scan-in went through";
                    if (dryRun) {
                        return outcome(hold, Outcome.ALREADY_SCANNED, null, message, attempts);
                    }
                    record(hold, ScanStatus.SCANNED, attempts + 1, Outcome.SCANNED, message);
                    return outcome(hold, Outcome.SCANNED, null, message, attempts + 1);
                }
                unsettled = false;
            }
            if (dryRun) {
                return outcome(hold, Outcome.DRY_RUN, null,
                        "would scan in at " + settings.library() + "/" + settings.circDesk(), attempts);
            }
            ScanResult result = alma.scanIn(lookup.ids(), settings.library(), settings.circDesk());
            String message = result.reconciled()
                    ? "scanned in; Alma's answer was lost, but the item is no longer in transit (process type '"
                    + result.processType() + "')"
                    : result.additionalInfo();
            record(hold, ScanStatus.SCANNED, attempts + 1, Outcome.SCANNED, message);
            return outcome(hold, Outcome.SCANNED, null, message, attempts + 1);
        } catch (AlmaQuotaExhaustedException e) {
            String message = pause(e.error().toString());
            if (!dryRun && !unsettled) {
                record(hold, ScanStatus.PAUSED, attempts, Outcome.PAUSED, message);
            }
            return outcome(hold, Outcome.PAUSED, e.errorCode(), message, attempts);
        } catch (AlmaScanUncertainException e) {
            if (e.getCause() instanceof AlmaQuotaExhaustedException quota) {
                pause(quota.error().toString());
            }
            return almaError(hold, e, ScanStatus.IN_FLIGHT, attempts,
                    e.getMessage() + "; the item is read again before any new scan-in");
        } catch (AlmaApiException e) {
            if (unsettled) {
                return almaError(hold, e, ScanStatus.IN_FLIGHT, attempts, e.getMessage());
            }
            return almaError(hold, e, ScanStatus.FAILED, e.isTransient() ? attempts : attempts + 1, e.getMessage());
        }
    }

    private ScanOutcome almaError(HoldEvent hold, AlmaApiException e, ScanStatus status, int attempts, String message) {
        LOG.warn("Alma scan-in of item {} (hold {}, run {}) failed: {}", hold.itemBarcode(), hold.holdId(), hold.runId(), message);
        if (!settings.dryRun()) {
            record(hold, status, attempts, Outcome.ALMA_ERROR, e.errorCode(), message);
        }
        return outcome(hold, Outcome.ALMA_ERROR, e.errorCode(), message, attempts);
    }

    /** A further hold on an item handled in the same batch: no second call, the same news. */
    private ScanOutcome sameItemAs(ScanOutcome first, HoldEvent hold) {
        if (first.outcome() == Outcome.SCANNED) {
            return outcome(hold, Outcome.ALREADY_SCANNED, null, "already scanned in by run " + first.runId()
                    + " for hold " + first.holdId(), first.attempt());
        }
        return outcome(hold, first.outcome(), first.almaErrorCode(), first.message(), first.attempt());
    }

    /** The reason scan-ins are paused now, if they are; starts a pause when the remaining quota is below the floor. */
    private Optional<String> pauseNow() {
        synchronized (pauseLock) {
            Instant now = clock.instant();
            if (pausedUntil != null) {
                if (now.isBefore(pausedUntil)) {
                    return Optional.of(pauseMessage());
                }
                LOG.info("Alma scan-in resumes: the pause until {} is over", PAUSE_END.format(pausedUntil.atZone(zone)));
                pausedUntil = null;
                pauseReason = null;
                staleQuotaSequence = alma.remainingQuota().map(RemainingQuota::sequence).orElse(-1L);
            }
            Optional<RemainingQuota> quota = alma.remainingQuota();
            if (quota.isPresent() && quota.get().sequence() > staleQuotaSequence
                    && quota.get().calls() < settings.remainingFloor()) {
                return Optional.of(pause(AlmaClient.REMAINING_HEADER + " " + quota.get().calls() + " is below "
                        + AlmaSettings.REMAINING_FLOOR + " " + settings.remainingFloor()));
            }
            return Optional.empty();
        }
    }

    /** Pauses scan-ins until the next midnight in the library's time zone; logs once per pause. */
    private String pause(String reason) {
        synchronized (pauseLock) {
            Instant until = clock.instant().atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
            if (pausedUntil == null || until.isAfter(pausedUntil)) {
                pausedUntil = until;
                pauseReason = reason;
                LOG.warn("Alma scan-in paused until {}: {}", PAUSE_END.format(until.atZone(zone)), reason);
            }
            return pauseMessage();
        }
    }

    private String pauseMessage() {
        return "Alma scan-in paused until " + PAUSE_END.format(pausedUntil.atZone(zone)) + ": " + pauseReason;
    }

    /** A final answer (scanned, or a counted failure) was already given to this very hold of this run. */
    private static boolean decidedInThisRun(ScanState state, HoldEvent hold) {
        return hold.runId() != null && hold.runId().equals(state.lastRunId()) && hold.holdId() != null
                && hold.holdId().equals(state.lastHoldId()) && state.lastOutcome() != null
                && (state.status() == ScanStatus.SCANNED || state.status() == ScanStatus.FAILED);
    }

    private void record(HoldEvent hold, ScanStatus status, int attempts, Outcome outcome, String message) {
        record(hold, status, attempts, outcome, null, message);
    }

    private void record(HoldEvent hold, ScanStatus status, int attempts, Outcome outcome, String errorCode, String message) {
        Instant now = clock.instant();
        store.put(new ScanState(hold.itemBarcode(), status, attempts, hold.runId(), hold.holdId(), outcome, errorCode, message,
                now, now));
    }

    private ScanOutcome outcome(HoldEvent hold, Outcome outcome, String almaErrorCode, String message, int attempt) {
        return new ScanOutcome(EventTypes.SCAN_IN, EventTypes.SCHEMA_VERSION, hold.runId(), hold.holdId(), hold.itemBarcode(),
                hold.pickupLocationCode(), outcome, almaErrorCode, message, attempt, settings.dryRun(),
                clock.instant().toString());
    }

    private static String noBarcodeReason(HoldEvent hold) {
        String type = hold.recordType() == null ? "" : hold.recordType();
        return switch (type) {
            case "b" -> "no item barcode (bib-level hold)";
            case "j" -> "no item barcode (volume-level hold)";
            case "i" -> "no item barcode (the item has none)";
            default -> "no item barcode";
        };
    }

    private void runAll(List<Callable<Void>> tasks) {
        List<Future<Void>> done;
        try {
            done = workers.invokeAll(tasks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during an Alma scan-in batch", e);
        }
        IllegalStateException failure = null;
        for (Future<Void> future : done) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = new IllegalStateException("Alma scan-in batch failed: " + e.getCause().getMessage(), e.getCause());
                } else {
                    failure.addSuppressed(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted during an Alma scan-in batch", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void reportBatch(List<ScanOutcome> outcomes, long calls, Duration elapsed) {
        if (outcomes.isEmpty()) {
            return;
        }
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        TreeSet<String> runs = new TreeSet<>();
        for (ScanOutcome o : outcomes) {
            counts.merge(o.outcome(), 1, Integer::sum);
            Counter.builder("holdshelf.scanin").description("Scan-in outcomes").tag("outcome",
                    o.outcome().name().toLowerCase(Locale.ROOT)).register(meters).increment();
            if (o.runId() != null) {
                runs.add(o.runId());
            }
        }
        StringJoiner perOutcome = new StringJoiner(", ");
        Arrays.stream(Outcome.values()).filter(counts::containsKey).forEach(o -> perOutcome.add(o + " " + counts.get(o)));
        double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
        this.calls.increment(calls);
        lastBatchRate.set(calls / seconds);
        LOG.info("Alma scan-in{} run {}: {} holds ({}) in {}, {} calls at {}/s{}{}",
                settings.dryRun() ? " (dry run)" : "", String.join(",", runs), outcomes.size(), perOutcome,
                Durations.human(elapsed), calls, String.format(Locale.ROOT, "%.1f", calls / seconds),
                alma.remainingQuota().map(q -> ", " + AlmaClient.REMAINING_HEADER + " " + q.calls()).orElse(""),
                pausedUntil().map(u -> ", paused until " + PAUSE_END.format(u.atZone(zone))).orElse(""));
    }

    /** Lets the batch in progress finish its calls, then stops the workers. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
