package org.holdshelf.harvest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import org.holdshelf.events.Json;
import org.holdshelf.events.LocationEnd;
import org.holdshelf.events.RunEnd;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.kafka.DeadLetters;
import org.holdshelf.platform.kafka.OutboundRecord;
import org.holdshelf.platform.runtime.DaemonThreads;
import org.holdshelf.sierra.HoldsPage;
import org.holdshelf.sierra.RejectedHold;
import org.holdshelf.sierra.SierraClient;
import org.holdshelf.sierra.SierraSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One harvest of Sierra's holds, and the run's state from its start to its outcome.
 *
 * <p>Pages are requested ahead of publication: up to {@code pageConcurrency} requests are in
 * flight at any moment, and a new one goes out as soon as one returns (not when the oldest page
 * has been published), so requests never wait behind publication or behind a slow page. At most
 * {@code 2 × pageConcurrency + 2} pages are held between the newest request and the page being
 * published, so memory does not grow with the number of holds (apart from the compact set of hold
 * ids that drops the duplicates offset paging over live data yields). Each page is read and
 * enriched (batched item and bib lookups) on its own thread while the caller publishes earlier
 * pages, in page order.
 *
 * <p>One thread drives it ({@link #nextBatch()} until {@link #isExhausted()}); {@link #progress()}
 * may be called from another.
 */
public final class HarvestRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HarvestRun.class);

    /**
     * How the run groups events into sends: fewer, larger sends cost less per event (each send
     * waits for the broker's acknowledgements), but no event waits longer than {@code linger}
     * for its batch to fill, so a slow Sierra still has its pages published as they arrive.
     */
    public record Batching(int events, Duration linger) {
        public Batching {
            if (events < 1) {
                throw new IllegalArgumentException("a batch holds at least one event");
            }
        }
    }

    /** Per pickup location: what was published. */
    private static final class LocationTally {
        final String name;
        final String source;
        long ready;
        long inTransit;

        LocationTally(String name) {
            this(name, HoldEvent.SOURCE_SIERRA);
        }

        LocationTally(String name, String source) {
            this.name = name;
            this.source = source;
        }
    }

    private record PreparedEvent(long holdNumber, String holdId, String locationCode, String locationName,
                                 HoldState state, byte[] json) {
    }

    /** A page ready to publish; {@code fetched} is false for a request made past the end, which Sierra was not asked. */
    private record PreparedPage(int entryCount, List<PreparedEvent> events, List<RejectedHold> rejected, boolean last,
                                boolean fetched) {
    }

    /**
     * A page as Sierra answered it; {@code body} is null for the 404/107 past the end. A page past
     * the known end of the data or behind a failed page is not requested: {@code skipped}.
     */
    private record FetchedPage(int index, long offset, byte[] body, boolean skipped) {
    }

    private final String runId;
    private final String trigger;
    /** The schedule's fire time this run harvests, or null when not scheduled. */
    private final String slot;
    /** The on-demand request this run answers, or null when scheduled. */
    private final String request;
    private final String instance;
    private final Instant startedAt;
    private final SierraClient sierra;
    private final HoldEnricher enricher;
    private final SierraSettings settings;
    private final DeadLetters deadLetters;
    private final Batching batching;
    private final Map<Integer, Long> startOffsets;
    private final Clock clock;

    private final ExecutorService fetchPool;
    private final ExecutorService enrichPool;
    private final int maxPagesAhead;

    /** Guards the request window below. */
    private final Object window = new Object();
    private final Map<Integer, CompletableFuture<PreparedPage>> pagesByIndex = new HashMap<>();
    private int nextIndex;
    private int inFlight;
    /** The index of the next page to publish; written under {@code window}. */
    private int publishIndex;
    /** The index of the first page known to be the last (a short page, or Sierra's 404/107 past the end). */
    private volatile int lastIndex = Integer.MAX_VALUE;
    /** The index of the first page that failed: no later page is requested (the run fails on that page). */
    private volatile int failedIndex = Integer.MAX_VALUE;
    /** The application is stopping: the run ends at the next page boundary. */
    private volatile boolean stopRequested;

    private boolean exhausted;
    private volatile int pages;
    private volatile long holdsScanned;
    private volatile long events;
    private long duplicates;
    private long rejected;
    private final HoldIdSet seen = new HoldIdSet(1 << 16);
    private final Set<String> seenOddIds = new HashSet<>();
    private final Map<String, LocationTally> locations = new TreeMap<>();
    private long waitedForSierraNanos;
    private Instant harvestCompletedAt;
    private volatile RunEvent outcome;

    HarvestRun(String runId, RunOrigin origin, String instance, Instant startedAt, SierraClient sierra, HoldEnricher enricher,
               SierraSettings settings, DeadLetters deadLetters, Batching batching, Map<Integer, Long> startOffsets,
               Clock clock) {
        this.runId = runId;
        this.trigger = origin.trigger();
        this.slot = origin.slot();
        this.request = origin.request();
        this.instance = instance;
        this.startedAt = startedAt;
        this.sierra = sierra;
        this.enricher = enricher;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.batching = batching;
        this.startOffsets = Map.copyOf(startOffsets);
        this.clock = clock;
        this.fetchPool = Executors.newFixedThreadPool(settings.pageConcurrency(), DaemonThreads.named("sierra-page"));
        this.enrichPool = Executors.newFixedThreadPool(settings.pageConcurrency(), DaemonThreads.named("sierra-lookup"));
        this.maxPagesAhead = 2 * settings.pageConcurrency() + 2;
        requestPages(); // the first pages are requested while the run's start is being published
    }

    public String runId() {
        return runId;
    }

    public String trigger() {
        return trigger;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Pages read so far. */
    public int pages() {
        return pages;
    }

    /** Holds read so far (every status, duplicates included). */
    public long holdsScanned() {
        return holdsScanned;
    }

    public boolean isExhausted() {
        return exhausted;
    }

    /** The run's outcome once it is completed or failed, else null. */
    public RunEvent outcome() {
        return outcome;
    }

    /**
     * The next events to publish: pages are gathered until the batch holds
     * {@code batching.events()} events, the run ends, or {@code batching.linger()} has passed
     * since the batch started. Ready and in-transit holds keyed by pickup location, and dead
     * letters for holds Sierra sent incomplete. Throws if Sierra fails beyond the retries.
     */
    public List<OutboundRecord> nextBatch() {
        List<OutboundRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + batching.linger().toNanos();
        while (!exhausted && out.size() < batching.events()) {
            if (stopRequested) {
                throw new IllegalStateException("the harvest was stopped (the application is shutting down)");
            }
            CompletableFuture<PreparedPage> next = nextPage();
            long waitStart = System.nanoTime();
            PreparedPage page = out.isEmpty() ? await(next) : awaitUntil(next, deadline);
            waitedForSierraNanos += System.nanoTime() - waitStart;
            if (page == null) {
                break; // the batch lingered long enough: publish what it has
            }
            synchronized (window) {
                pagesByIndex.remove(publishIndex);
                publishIndex++;
            }
            requestPages(); // a page left the window: room for another request
            accept(page, out);
        }
        return out;
    }

    /** The page to publish next (requested already, or requested now). */
    private CompletableFuture<PreparedPage> nextPage() {
        requestPages();
        synchronized (window) {
            CompletableFuture<PreparedPage> next = pagesByIndex.get(publishIndex);
            if (next == null && stopRequested) {
                throw new IllegalStateException("the harvest was stopped (the application is shutting down)");
            }
            if (next == null) {
                throw new IllegalStateException("Sierra paging did not end after " + settings.maxPages()
                        + " pages (holdshelf.sierra.max-pages); the server may be ignoring the offset");
            }
            return next;
        }
    }

    /**
     * Sends page requests while fewer than {@code pageConcurrency} are in flight and the window
     * has room. Called when the run starts, when a request returns, and when a page is published.
     */
    private void requestPages() {
        synchronized (window) {
            while (nextIndex <= lastIndex && failedIndex == Integer.MAX_VALUE && !stopRequested
                    && inFlight < settings.pageConcurrency() && nextIndex - publishIndex < maxPagesAhead
                    && nextIndex < settings.maxPages()) {
                int index = nextIndex++;
                long offset = (long) index * settings.pageSize();
                inFlight++;
                CompletableFuture<FetchedPage> fetched = CompletableFuture.supplyAsync(() -> fetch(index, offset), fetchPool);
                pagesByIndex.put(index, fetched.thenApplyAsync(this::prepare, enrichPool));
                fetched.whenComplete((page, failure) -> {
                    synchronized (window) {
                        inFlight--;
                    }
                    requestPages();
                });
            }
        }
    }

    /**
     * Requests one page. Only the request runs here: reading it happens in {@link #prepare}, so
     * further requests go out while this page is read (the page after a short last page may be
     * requested too, and Sierra answers it 404/107).
     */
    private FetchedPage fetch(int index, long offset) {
        if (index > lastIndex || index > failedIndex) {
            return new FetchedPage(index, offset, null, true); // past the end, or behind a failed page: no request
        }
        if (stopRequested) {
            throw new IllegalStateException("the harvest was stopped (the application is shutting down)");
        }
        try {
            byte[] body = sierra.fetchHoldsPage(offset, settings.pageSize()).orElse(null);
            if (body == null) {
                markLast(index);
            }
            return new FetchedPage(index, offset, body, false);
        } catch (RuntimeException e) {
            markFailed(index); // later pages would only add load to a failing server
            throw e;
        }
    }

    private synchronized void markLast(int index) {
        lastIndex = Math.min(lastIndex, index);
    }

    private synchronized void markFailed(int index) {
        failedIndex = Math.min(failedIndex, index);
    }

    private PreparedPage prepare(FetchedPage fetched) {
        if (fetched.skipped()) {
            return new PreparedPage(0, List.of(), List.of(), false, false);
        }
        try {
            HoldsPage page = fetched.body() == null ? HoldsPage.end(fetched.offset())
                    : sierra.readHoldsPage(fetched.body(), fetched.offset(), settings.pageSize());
            boolean last = page.isLast(settings.pageSize());
            if (last) {
                markLast(fetched.index());
            }
            List<PreparedEvent> prepared = new ArrayList<>(page.holds().size());
            for (HoldEvent e : enricher.enrich(runId, page.holds())) {
                prepared.add(new PreparedEvent(holdNumber(e.holdId()), e.holdId(), e.pickupLocationCode(),
                        e.pickupLocationName(), e.state(), Json.toBytes(e)));
            }
            return new PreparedPage(page.entryCount(), prepared, page.rejected(), last, true);
        } catch (RuntimeException e) {
            markFailed(fetched.index());
            throw e;
        }
    }

    private void accept(PreparedPage page, List<OutboundRecord> out) {
        if (!page.fetched()) {
            // only pages past the last one or behind a failed one are skipped, and neither is ever published
            throw new IllegalStateException("a page the harvest needs was not requested; the harvest cannot go on");
        }
        pages++;
        holdsScanned += page.entryCount();
        for (PreparedEvent e : page.events()) {
            if (!firstTimeSeen(e)) {
                duplicates++;
                continue;
            }
            LocationTally tally = locations.computeIfAbsent(e.locationCode(), code -> new LocationTally(e.locationName()));
            if (e.state() == HoldState.READY) {
                tally.ready++;
            } else {
                tally.inTransit++;
            }
            events++;
            out.add(OutboundRecord.of(e.locationCode(), EventTypes.HOLD, e.json()));
        }
        for (RejectedHold r : page.rejected()) {
            rejected++;
            LOG.warn("Harvest {}: hold {} not published: {}", runId, r.holdId(), r.reason());
            out.add(deadLetters.of("sierra", runId, "INVALID_HOLD", "Hold " + r.holdId() + " was not published: " + r.reason(),
                    r.holdId() == null ? runId : r.holdId(), r.fields()));
        }
        if (page.last()) {
            exhausted = true;
            harvestCompletedAt = clock.instant();
            synchronized (window) {
                pagesByIndex.values().forEach(f -> f.cancel(false));
                pagesByIndex.clear();
            }
        }
    }

    /**
     * Ready holds of another source (Hoopla's reserved titles), published after Sierra's last page
     * and before the end markers, each location of theirs with an end marker naming their source.
     * A hold that is not a ready hold of this run, or has no location, is refused: it is the
     * source's mistake, and publishing it would break the run's counts.
     */
    public List<OutboundRecord> acceptExtra(List<HoldEvent> holds) {
        if (!exhausted) {
            throw new IllegalStateException("the harvest has not reached the last page yet");
        }
        List<OutboundRecord> out = new ArrayList<>(holds.size());
        for (HoldEvent e : holds) {
            if (!runId.equals(e.runId()) || e.state() != HoldState.READY || e.pickupLocationCode() == null || e.holdId() == null) {
                throw new IllegalArgumentException("Not a ready hold of run " + runId + ": " + e.holdId() + " at "
                        + e.pickupLocationCode());
            }
            if (locations.containsKey(e.pickupLocationCode())
                    && HoldEvent.SOURCE_SIERRA.equals(locations.get(e.pickupLocationCode()).source)) {
                throw new IllegalArgumentException("Location " + e.pickupLocationCode() + " of " + e.source()
                        + " holds is also one of Sierra's pickup locations");
            }
            if (!seenOddIds.add(e.holdId())) {
                duplicates++;
                continue;
            }
            LocationTally tally = locations.computeIfAbsent(e.pickupLocationCode(),
                    code -> new LocationTally(e.pickupLocationName(), e.source()));
            tally.ready++;
            events++;
            out.add(OutboundRecord.of(e.pickupLocationCode(), EventTypes.HOLD, Json.toBytes(e)));
        }
        return out;
    }

    private boolean firstTimeSeen(PreparedEvent e) {
        return e.holdNumber() > 0 ? seen.add(e.holdNumber()) : seenOddIds.add(e.holdId());
    }

    /**
     * One end-of-location marker per location, then the run's end marker. The route sends them
     * only after every event of the run was acknowledged (each batched send completes only when all
     * its records are).
     */
    public List<OutboundRecord> endMarkers() {
        if (!exhausted) {
            throw new IllegalStateException("the harvest has not reached the last page yet");
        }
        List<OutboundRecord> markers = new ArrayList<>(locations.size() + 1);
        long ready = 0;
        long inTransit = 0;
        for (var entry : locations.entrySet()) {
            LocationTally tally = entry.getValue();
            ready += tally.ready;
            inTransit += tally.inTransit;
            LocationEnd end = new LocationEnd(EventTypes.LOCATION_END, EventTypes.SCHEMA_VERSION, runId,
                    tally.source, entry.getKey(), tally.name, tally.ready, tally.inTransit,
                    tally.ready + tally.inTransit, locations.size(), startOffsets, startedAt.toString(),
                    harvestCompletedAt.toString());
            markers.add(OutboundRecord.of(entry.getKey(), EventTypes.LOCATION_END, Json.toBytes(end)));
        }
        RunEnd runEnd = new RunEnd(EventTypes.RUN_END, EventTypes.SCHEMA_VERSION, runId, HoldEvent.SOURCE_SIERRA,
                locations.size(), List.copyOf(locations.keySet()), ready, inTransit, startedAt.toString(),
                harvestCompletedAt.toString());
        markers.add(OutboundRecord.of(runId, EventTypes.RUN_END, Json.toBytes(runEnd)));
        return markers;
    }

    public RunEvent startedEvent() {
        return RunEvent.started(runId, trigger, instance, startedAt.toString(), slot, request);
    }

    /** How far the run got, for the runs topic; also logged for operators (pages, holds, rate). */
    public RunEvent progress() {
        Instant now = clock.instant();
        long ms = Math.max(1, Duration.between(startedAt, now).toMillis());
        long scanned = holdsScanned;
        LOG.info("Harvest {}: {} pages, {} holds scanned, {} events, {} holds/s", runId, pages, n(scanned), n(events),
                String.format(Locale.ROOT, "%.0f", scanned * 1000.0 / ms));
        return new RunEvent(EventTypes.RUN_PROGRESS, EventTypes.SCHEMA_VERSION, runId, trigger, instance,
                startedAt.toString(), now.toString(), null, ms, pages, scanned, events, null, null, null, null, slot, request);
    }

    /** The run's completed event; the run is over. */
    public RunEvent completed() {
        Instant now = clock.instant();
        Map<String, RunEvent.LocationCount> counts = new LinkedHashMap<>();
        long ready = 0;
        long inTransit = 0;
        for (var entry : locations.entrySet()) {
            LocationTally t = entry.getValue();
            counts.put(entry.getKey(), new RunEvent.LocationCount(t.name, t.ready, t.inTransit));
            ready += t.ready;
            inTransit += t.inTransit;
        }
        long ms = Duration.between(startedAt, now).toMillis();
        LOG.info("Harvest {} completed: {} pages, {} holds scanned, {} events for {} locations ({} ready, {} in transit), "
                        + "{} duplicates dropped, {} rejected, in {} ({}% of it waiting for Sierra)",
                runId, pages, n(holdsScanned), n(events), locations.size(), n(ready), n(inTransit), duplicates, rejected,
                Durations.human(Duration.ofMillis(ms)), ms == 0 ? 0 : Math.round(waitedForSierraNanos / 1e4 / ms));
        outcome = new RunEvent(EventTypes.RUN_COMPLETED, EventTypes.SCHEMA_VERSION, runId, trigger, instance,
                startedAt.toString(), now.toString(), now.toString(), ms, pages, holdsScanned, events, duplicates, rejected,
                counts, null, slot, request);
        return outcome;
    }

    /** The run's failed event; the run is over. */
    public RunEvent failed(Throwable cause) {
        Instant now = clock.instant();
        String reason = reason(cause);
        LOG.error("Harvest {} FAILED after {} pages ({} holds scanned, {} events): {}",
                runId, pages, n(holdsScanned), n(events), reason);
        outcome = new RunEvent(EventTypes.RUN_FAILED, EventTypes.SCHEMA_VERSION, runId, trigger, instance,
                startedAt.toString(), now.toString(), now.toString(), Duration.between(startedAt, now).toMillis(), pages,
                holdsScanned, events, duplicates, rejected, null, reason, slot, request);
        return outcome;
    }

    /** Stops the run at the next page boundary (application shutdown). */
    public void abort() {
        stopRequested = true;
    }

    @Override
    public void close() {
        synchronized (window) {
            pagesByIndex.values().forEach(f -> f.cancel(true));
            pagesByIndex.clear();
        }
        fetchPool.shutdownNow();
        enrichPool.shutdownNow();
    }

    /** The page if it is ready before the deadline, else null. */
    private static PreparedPage awaitUntil(CompletableFuture<PreparedPage> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Sierra", e);
        } catch (ExecutionException e) {
            return await(future); // rethrows the page's failure the same way
        }
    }

    private static PreparedPage await(CompletableFuture<PreparedPage> future) {
        try {
            return future.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    static String reason(Throwable cause) {
        Throwable t = cause;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    private static long holdNumber(String holdId) {
        try {
            long n = Long.parseLong(holdId);
            return n > 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
