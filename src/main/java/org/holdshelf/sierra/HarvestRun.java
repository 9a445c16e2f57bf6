package org.holdshelf.sierra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.holdshelf.config.Durations;
import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.HoldState;
import org.holdshelf.events.Json;
import org.holdshelf.events.LocationEnd;
import org.holdshelf.events.RunEvent;
import org.holdshelf.kafka.OutboundRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One harvest of Sierra's holds: pages are fetched ahead of publication and enriched on
 * background threads, while the caller publishes the previous page's events. At most
 * {@code pageConcurrency} page requests run at once, and at most {@code pageConcurrency + 2}
 * pages are held in memory, so memory does not grow with the number of holds (apart from the
 * compact set of hold ids used to drop the duplicates that offset paging over live data yields).
 *
 * <p>Not thread-safe: one caller drives it ({@link #nextBatch()} until {@link #isExhausted()}).
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
        long ready;
        long inTransit;

        LocationTally(String name) {
            this.name = name;
        }
    }

    private record PreparedEvent(long holdNumber, String holdId, String locationCode, String locationName,
                                 HoldState state, byte[] json) {
    }

    private record PreparedPage(long offset, int entryCount, Long reportedTotal, List<PreparedEvent> events,
                                List<RejectedHold> rejected, boolean last, boolean fetched) {
    }

    private final String runId;
    private final String trigger;
    private final Instant startedAt;
    private final SierraClient sierra;
    private final HoldEnricher enricher;
    private final SierraSettings settings;
    private final String deadLetterTopic;
    private final Duration progressInterval;
    private final Batching batching;
    private final Map<Integer, Long> startOffsets;
    private final Clock clock;

    private final ExecutorService fetchPool;
    private final ExecutorService enrichPool;
    private final Deque<CompletableFuture<PreparedPage>> window = new ArrayDeque<>();
    private final int windowSize;
    private long nextOffset;
    private int pagesScheduled;
    private volatile boolean endSeen;
    /** A page failed: the pages queued behind it are not requested (the run fails on that page). */
    private volatile boolean fetchFailed;
    /** The application is stopping: the run ends at the next page boundary. */
    private volatile boolean stopRequested;

    private boolean exhausted;
    private int pages;
    private long holdsScanned;
    private long events;
    /** Events of batches already handed back and sent (the route asks for a batch only after the previous one is sent). */
    private long eventsPublished;
    private long duplicates;
    private long rejected;
    private Long reportedTotal;
    private final HoldIdSet seen = new HoldIdSet(1 << 16);
    private final Set<String> seenOddIds = new HashSet<>();
    private final Map<String, LocationTally> locations = new TreeMap<>();
    private long lastProgressNanos;
    private long waitedForSierraNanos;
    private Instant harvestCompletedAt;

    HarvestRun(String runId, String trigger, Instant startedAt, SierraClient sierra, HoldEnricher enricher,
               SierraSettings settings, String deadLetterTopic, Duration progressInterval, Batching batching,
               Map<Integer, Long> startOffsets, Clock clock) {
        this.runId = runId;
        this.trigger = trigger;
        this.startedAt = startedAt;
        this.sierra = sierra;
        this.enricher = enricher;
        this.settings = settings;
        this.deadLetterTopic = deadLetterTopic;
        this.progressInterval = progressInterval;
        this.batching = batching;
        this.startOffsets = Map.copyOf(startOffsets);
        this.clock = clock;
        this.fetchPool = Executors.newFixedThreadPool(settings.pageConcurrency(), threads("sierra-page"));
        this.enrichPool = Executors.newFixedThreadPool(settings.pageConcurrency(), threads("sierra-lookup"));
        this.windowSize = settings.pageConcurrency() + 2;
        this.lastProgressNanos = System.nanoTime();
        fillWindow(); // the first pages are requested while the run's start is being published
    }

    public String runId() {
        return runId;
    }

    public String trigger() {
        return trigger;
    }

    public boolean isExhausted() {
        return exhausted;
    }

    /**
     * The next events to publish: pages are gathered until the batch holds
     * {@code batching.events()} events, the run ends, or {@code batching.linger()} has passed
     * since the batch started. Ready and in-transit holds keyed by pickup location, and dead
     * letters for holds Sierra sent incomplete. Throws if Sierra fails beyond the retries.
     */
    public List<OutboundRecord> nextBatch() {
        eventsPublished = events;
        List<OutboundRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + batching.linger().toNanos();
        while (!exhausted && out.size() < batching.events()) {
            if (stopRequested) {
                throw new IllegalStateException("the harvest was stopped (the application is shutting down)");
            }
            fillWindow();
            long waitStart = System.nanoTime();
            PreparedPage page = out.isEmpty() ? await(window.peek()) : awaitUntil(window.peek(), deadline);
            waitedForSierraNanos += System.nanoTime() - waitStart;
            if (page == null) {
                break; // the batch lingered long enough: publish what it has
            }
            window.poll();
            accept(page, out);
        }
        logProgressIfDue();
        return out;
    }

    private void fillWindow() {
        while (!endSeen && window.size() < windowSize && pagesScheduled < settings.maxPages()) {
            long offset = nextOffset;
            nextOffset += settings.pageSize();
            pagesScheduled++;
            window.add(CompletableFuture.supplyAsync(() -> fetch(offset), fetchPool)
                    .thenApplyAsync(this::prepare, enrichPool));
        }
        if (window.isEmpty()) {
            throw new IllegalStateException("Sierra paging did not end after " + settings.maxPages()
                    + " pages (holdshelf.sierra.max-pages); the server may be ignoring the offset");
        }
    }

    /** A page as Sierra answered it; {@code body} is null for the 404/107 past the end. */
    private record FetchedPage(long offset, byte[] body) {
    }

    /**
     * Requests one page. Only the request runs here: reading it happens in {@link #prepare}, so
     * the next request goes out while this page is read (the page after a short last page is
     * requested too, and Sierra answers it 404/107).
     */
    private FetchedPage fetch(long offset) {
        if (endSeen || fetchFailed || stopRequested) {
            return null; // past the end, or behind a failed page: no request
        }
        try {
            byte[] body = sierra.fetchHoldsPage(offset, settings.pageSize()).orElse(null);
            if (body == null) {
                endSeen = true;
            }
            return new FetchedPage(offset, body);
        } catch (RuntimeException e) {
            fetchFailed = true; // later queued pages would only add load to a failing server
            throw e;
        }
    }

    private PreparedPage prepare(FetchedPage fetched) {
        if (fetched == null) {
            return new PreparedPage(-1, 0, null, List.of(), List.of(), true, false);
        }
        try {
            HoldsPage page = fetched.body() == null ? HoldsPage.end(fetched.offset())
                    : sierra.readHoldsPage(fetched.body(), fetched.offset(), settings.pageSize());
            boolean last = page.isLast(settings.pageSize());
            if (last) {
                endSeen = true;
            }
            List<PreparedEvent> prepared = new ArrayList<>(page.holds().size());
            for (HoldEvent e : enricher.enrich(runId, page.holds())) {
                prepared.add(new PreparedEvent(holdNumber(e.holdId()), e.holdId(), e.pickupLocationCode(),
                        e.pickupLocationName(), e.state(), Json.toBytes(e)));
            }
            return new PreparedPage(page.offset(), page.entryCount(), page.reportedTotal(), prepared, page.rejected(),
                    last, true);
        } catch (RuntimeException e) {
            fetchFailed = true;
            throw e;
        }
    }

    private void accept(PreparedPage page, List<OutboundRecord> out) {
        if (page.fetched()) {
            pages++;
            holdsScanned += page.entryCount();
            if (page.reportedTotal() != null) {
                reportedTotal = page.reportedTotal();
            }
        }
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
            DeadLetter letter = new DeadLetter(EventTypes.DEAD_LETTER, EventTypes.SCHEMA_VERSION, clock.instant().toString(),
                    "sierra", runId, "INVALID_HOLD", "Hold " + r.holdId() + " was not published: " + r.reason(),
                    null, null, null, r.holdId(), r.fields());
            out.add(new OutboundRecord(deadLetterTopic, r.holdId() == null ? runId : r.holdId(), EventTypes.DEAD_LETTER,
                    Json.toBytes(letter)));
        }
        if (page.last()) {
            exhausted = true;
            harvestCompletedAt = clock.instant();
            window.forEach(f -> f.cancel(false));
            window.clear();
        }
    }

    private boolean firstTimeSeen(PreparedEvent e) {
        return e.holdNumber() > 0 ? seen.add(e.holdNumber()) : seenOddIds.add(e.holdId());
    }

    /**
     * One end-of-location marker per location. The route sends them only after every event of
     * the run was acknowledged (each batched send completes only when all its records are).
     */
    public List<OutboundRecord> locationMarkers() {
        if (!exhausted) {
            throw new IllegalStateException("the harvest has not reached the last page yet");
        }
        eventsPublished = events;
        List<OutboundRecord> markers = new ArrayList<>(locations.size());
        locations.forEach((code, tally) -> {
            long count = tally.ready + tally.inTransit;
            LocationEnd end = new LocationEnd(EventTypes.LOCATION_END, EventTypes.SCHEMA_VERSION, runId,
                    HoldEvent.SOURCE_SIERRA, code, tally.name, tally.ready, tally.inTransit, count, locations.size(),
                    startOffsets, startedAt.toString(), harvestCompletedAt.toString());
            markers.add(OutboundRecord.of(code, EventTypes.LOCATION_END, Json.toBytes(end)));
        });
        return markers;
    }

    public RunEvent startedEvent() {
        return RunEvent.started(runId, trigger, startedAt.toString());
    }

    public RunEvent completedEvent() {
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
        return new RunEvent(EventTypes.RUN_COMPLETED, EventTypes.SCHEMA_VERSION, runId, trigger, startedAt.toString(),
                now.toString(), ms, pages, holdsScanned, events, duplicates, rejected, counts, null);
    }

    public RunEvent failedEvent(Throwable cause) {
        Instant now = clock.instant();
        String reason = reason(cause);
        LOG.error("Harvest {} FAILED after {} pages ({} holds scanned, {} events published): {}",
                runId, pages, n(holdsScanned), n(eventsPublished), reason);
        return new RunEvent(EventTypes.RUN_FAILED, EventTypes.SCHEMA_VERSION, runId, trigger, startedAt.toString(),
                now.toString(), Duration.between(startedAt, now).toMillis(), pages, holdsScanned, events, duplicates,
                rejected, null, reason);
    }

    /** Stops the run at the next page boundary (application shutdown). */
    public void abort() {
        stopRequested = true;
    }

    @Override
    public void close() {
        window.forEach(f -> f.cancel(true));
        window.clear();
        fetchPool.shutdownNow();
        enrichPool.shutdownNow();
    }

    private void logProgressIfDue() {
        long now = System.nanoTime();
        if (exhausted || now - lastProgressNanos < progressInterval.toNanos()) {
            return;
        }
        lastProgressNanos = now;
        double seconds = Duration.between(startedAt, clock.instant()).toMillis() / 1000.0;
        double rate = seconds > 0 ? holdsScanned / seconds : 0;
        String eta = "";
        if (reportedTotal != null && reportedTotal > holdsScanned && rate > 0) {
            eta = String.format(Locale.ROOT, ", Sierra reports %s holds, about %s left", n(reportedTotal),
                    Durations.human(Duration.ofMillis((long) ((reportedTotal - holdsScanned) / rate * 1000))));
        }
        LOG.info("Harvest {}: {} pages, {} holds scanned, {} events, {} holds/s{}", runId, pages, n(holdsScanned),
                n(events), String.format(Locale.ROOT, "%.0f", rate), eta);
    }

    /** The page if it is ready before the deadline, else null. */
    private static PreparedPage awaitUntil(CompletableFuture<PreparedPage> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Sierra", e);
        } catch (java.util.concurrent.ExecutionException e) {
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

    private static java.util.concurrent.ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
