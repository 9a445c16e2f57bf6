package org.holdshelf.directory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.platform.http.CallPacer;
import org.holdshelf.platform.http.RetryAfter;
import org.holdshelf.platform.kafka.CompactedTopicStore;
import org.holdshelf.platform.kafka.DeadLetters;
import org.holdshelf.platform.kafka.OutboundRecord;
import org.holdshelf.platform.runtime.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Libib directory mirror's steps, which {@code routes/libib.camel.yaml} wires around its
 * camel-http call of {@code GET /patrons?page=N}: {@link #begin}, then per call {@link #prepareCall}
 * (Libib's pace, the request's headers) and {@link #answer} (or {@link #callFailed}), then
 * {@link #finish}; {@link #failed} and {@link #release} whatever happened.
 *
 * <p>Each page's patrons are recorded on the compacted {@code holdshelf.patrons} under their
 * barcode as soon as the page is read (acknowledged by the broker), so a mirror that stops half-way
 * has still refreshed what it read. The first read into an empty mirror is the exception: it
 * records its patrons once it reached the last page, so that nobody reading the mirror sees half a
 * directory (notices would take the other half for patrons Libib does not know). Patrons that left Libib get a tombstone only after a complete
 * read ({@link MirrorRun#incompleteBecause()}). A patron record that cannot be mirrored is a dead
 * letter and the page goes on; a page that cannot be read after its retries is a dead letter and
 * the read goes on without removing anyone; Libib refusing the credentials stops the mirror until
 * the pipeline is restarted with new ones (one error line, no retries: they cannot help).
 */
public final class LibibMirror {

    private static final Logger LOG = LoggerFactory.getLogger(LibibMirror.class);
    /** The exchange property that carries the {@link MirrorRun}. */
    public static final String RUN = "libibMirror";
    static final String SOURCE = "libib-mirror";
    /** A read stops after this many pages in a row could not be read: Libib is down, the next mirror will try again. */
    static final int MAX_SKIPPED_IN_A_ROW = 3;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final DirectorySettings settings;
    private final CallPacer pacer;
    private final Supplier<CompactedTopicStore<DirectoryPatron>> store;
    private final DeadLetters deadLetters;
    private final Consumer<List<OutboundRecord>> publish;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<String> refused = new AtomicReference<>();
    private final AtomicReference<String> lastOutcome = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile long lastProgressNanos;
    private final Counter calls;
    private final Counter throttled;
    private final Counter removed;

    /**
     * @param store   the mirror's compacted topic, opened on first use
     * @param publish sends records (dead letters) and returns once the broker has them
     */
    public LibibMirror(DirectorySettings settings, CallPacer pacer, Supplier<CompactedTopicStore<DirectoryPatron>> store,
                       DeadLetters deadLetters, Consumer<List<OutboundRecord>> publish, Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.pacer = pacer;
        this.store = store;
        this.deadLetters = deadLetters;
        this.publish = publish;
        this.clock = clock;
        this.calls = Counter.builder("holdshelf.libib.calls").description("Calls made to Libib's patron list")
                .register(meters);
        this.throttled = Counter.builder("holdshelf.libib.throttled")
                .description("Libib calls answered 429 (asked again after a backoff)").register(meters);
        this.removed = Counter.builder("holdshelf.libib.patrons.removed")
                .description("Patrons removed from the mirror after a complete read found them gone from Libib").register(meters);
    }

    /** Starts a read of the directory; refused while one is running or after Libib refused the credentials. */
    public void begin(Exchange exchange) {
        String why = refused.get();
        if (why != null) {
            throw new MirrorNotStartedException("The Libib mirror is stopped: " + why);
        }
        if (!running.compareAndSet(false, true)) {
            throw new MirrorNotStartedException("A Libib mirror is already running");
        }
        Instant now = clock.instant();
        MirrorRun run = new MirrorRun("libib-" + now.toEpochMilli(), now, neverRead());
        exchange.setProperty(RUN, run);
        lastProgressNanos = System.nanoTime();
        LOG.info("Libib mirror {} started ({}), calls {} ms after the previous answer", run.id(), exchange.getMessage().getBody(String.class),
                settings.spacing().toMillis());
    }

    /** True while pages are left to read (false once a failure ended the read: the loop asks once more). */
    public boolean more(Exchange exchange) {
        MirrorRun run = exchange.getProperty(RUN, MirrorRun.class);
        return run != null && !run.done();
    }

    /** Waits for Libib's pace, then sets the request: the page asked for and the credentials, and nothing else. */
    public void prepareCall(Exchange exchange) throws InterruptedException {
        MirrorRun run = run(exchange);
        if (stopping) {
            run.stop("the pipeline is stopping");
            throw new MirrorNotStartedException("The Libib mirror " + run.id() + " stopped at page " + run.page()
                    + ": the pipeline is stopping");
        }
        pacer.awaitTurn();
        Message m = exchange.getMessage();
        m.getHeaders().clear(); // a trigger's headers (Quartz's among them) must not travel to Libib as HTTP headers
        m.setBody(null);
        m.setHeader(Exchange.HTTP_METHOD, "GET");
        m.setHeader(Exchange.HTTP_QUERY, "page=" + run.page());
        m.setHeader("Accept", "application/json");
        m.setHeader("x-api-key", settings.apiKey());
        m.setHeader("x-api-user", settings.apiUser());
        if (settings.apiUltimate() != null) {
            m.setHeader("x-api-ultimate", settings.apiUltimate());
        }
        run.called();
        calls.increment();
    }

    /** Reads Libib's answer to the page asked for: records its patrons, or decides to ask again, skip it or stop. */
    public void answer(Exchange exchange) {
        MirrorRun run = run(exchange);
        pacer.answered();
        Message m = exchange.getMessage();
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        byte[] body = m.getBody(byte[].class);
        String retryAfterHeader = m.getHeader("Retry-After", String.class);
        Duration retryAfter = retryAfterHeader == null ? null : RetryAfter.parse(retryAfterHeader, clock);
        m.getHeaders().clear(); // the credentials go no further
        int code = status == null ? 0 : status;
        if (code == 401 || code == 403) {
            String why = "Libib refused the credentials (HTTP " + code + ": " + LibibPage.start(body) + ") at "
                    + clock.instant() + "; check holdshelf.libib.api-key, api-user and api-ultimate, then restart";
            refused.set(why);
            run.stop(why);
            throw new LibibCredentialsException(why);
        }
        if (code == 429) {
            run.answered429();
            throttled.increment();
            retryOrSkip(run, "Libib answered 429 to page " + run.page(), retryAfter, body);
            return;
        }
        if (code >= 500 || code == 408) {
            retryOrSkip(run, "Libib answered " + code + " to page " + run.page(), retryAfter, body);
            return;
        }
        if (code != 200) {
            skip(run, "Libib answered " + code + " to page " + run.page() + " (" + LibibPage.start(body) + ")", body);
            return;
        }
        LibibPage page;
        try {
            page = LibibPage.parse(run.page(), body, run.id(), clock.instant().toString());
        } catch (LibibAnswerException e) {
            retryOrSkip(run, e.getMessage(), null, body);
            return;
        }
        record(run, page);
    }

    /** The call did not get an answer (connection refused, timeout): asked again after a backoff, like a 5xx. */
    public void callFailed(Exchange exchange) {
        MirrorRun run = run(exchange);
        pacer.answered();
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().getHeaders().clear();
        retryOrSkip(run, "Libib call for page " + run.page() + " failed: " + (e == null ? "unknown error"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())), null, null);
    }

    private void record(MirrorRun run, LibibPage page) {
        Map<String, DirectoryPatron> byBarcode = new LinkedHashMap<>();
        page.patrons().forEach(p -> byBarcode.put(p.barcode(), p));
        if (run.first()) {
            run.heldBack().putAll(byBarcode);
        } else {
            store.get().putAll(byBarcode);
        }
        if (!page.rejected().isEmpty()) {
            List<OutboundRecord> letters = new ArrayList<>(page.rejected().size());
            for (LibibPage.Rejected r : page.rejected()) {
                letters.add(deadLetters.of(SOURCE, null, "UnusablePatron", "Libib " + r.reason() + "; not mirrored",
                        "libib-page-" + page.page() + "-" + r.index(), r.json()));
            }
            publish.accept(letters);
        }
        run.pageRead(page);
        long now = System.nanoTime();
        if (now - lastProgressNanos >= PROGRESS_EVERY.toNanos()) {
            lastProgressNanos = now;
            LOG.info("Libib mirror {}: page {} of {}, {} patrons read", run.id(), page.page(),
                    run.pages() < 0 ? "?" : run.pages(), run.read());
        }
    }

    private void retryOrSkip(MirrorRun run, String what, Duration retryAfter, byte[] body) {
        if (settings.retry().canRetry(run.attempt())) {
            Duration wait = settings.retry().delayBefore(run.attempt() + 1, retryAfter);
            LOG.warn("{}; asked again in {} ms (attempt {} of {})", what, wait.toMillis(), run.attempt() + 1,
                    settings.retry().maxAttempts());
            pacer.backOff(wait);
            run.retry();
        } else {
            skip(run, what + " (" + run.attempt() + " attempts)", body);
        }
    }

    private void skip(MirrorRun run, String what, byte[] body) {
        publish.accept(List.of(deadLetters.of(SOURCE, null, "UnreadablePage",
                what + "; the page was skipped and this mirror removes nobody", "libib-page-" + run.page(),
                body == null ? null : DeadLetters.payload(body))));
        run.pageSkipped(what, MAX_SKIPPED_IN_A_ROW);
    }

    /**
     * Ends the read: after a complete one, the barcodes the mirror holds that Libib no longer lists
     * get tombstones; after any other, nobody is removed, and the log says why. One summary line.
     */
    public void finish(Exchange exchange) {
        MirrorRun run = run(exchange);
        String incomplete = run.incompleteBecause();
        int gone = 0;
        if (run.first() && run.reachedTheEnd()) {
            store.get().putAll(run.heldBack());
        } else if (run.first()) {
            LOG.warn("Libib mirror {} was the first read and stopped early: nothing recorded, the next read starts over ({})",
                    run.id(), incomplete);
        }
        if (run.reachedTheEnd()) {
            // after every patron of the read is acknowledged: whoever sees this record sees them all
            store.get().put(DirectoryPatron.MIRROR_KEY, DirectoryPatron.mirrorRead(run.id(), clock.instant().toString()));
        }
        if (incomplete == null) {
            CompactedTopicStore<DirectoryPatron> s = store.get();
            List<String> missing = new ArrayList<>();
            Set<String> seen = run.seen();
            s.forEach((barcode, patron) -> {
                if (!seen.contains(barcode) && !patron.isMirrorRead()) {
                    missing.add(barcode);
                }
            });
            s.deleteAll(missing);
            gone = missing.size();
            removed.increment(gone);
        }
        String summary = String.format("%d patrons in %d calls (%d answered 429), %d rejected (dead letters), %d removed, %d s",
                run.seen().size(), run.calls(), run.throttled(), run.rejected(), gone, run.elapsed().toSeconds());
        if (incomplete == null) {
            lastOutcome.set("complete at " + clock.instant() + ": " + summary);
            LOG.info("Libib mirror {} complete: {}", run.id(), summary);
        } else {
            lastOutcome.set("incomplete at " + clock.instant() + ": " + incomplete);
            LOG.warn("Libib mirror {} incomplete, nobody removed: {}; {}", run.id(), incomplete, summary);
        }
    }

    /** A failure that ended the read (the credentials refused, the topic unwritable): one line, nobody removed. */
    public void failed(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        MirrorRun run = exchange.getProperty(RUN, MirrorRun.class);
        String message = e == null ? "unknown failure" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (run == null) {
            LOG.warn("Libib mirror not started: {}", message);
            return;
        }
        if (e instanceof MirrorNotStartedException) {
            lastOutcome.set("stopped at " + clock.instant() + ": " + message);
            LOG.warn("{}; nobody removed", message);
            return;
        }
        lastOutcome.set("failed at " + clock.instant() + ": " + message);
        LOG.error("Libib mirror {} failed at page {}, nobody removed: {}", run.id(), run.page(), message);
    }

    /** Lets the next mirror start, if this exchange was running one. */
    public void release(Exchange exchange) {
        if (exchange.getProperty(RUN) != null) {
            exchange.removeProperty(RUN);
            running.set(false);
        }
    }

    /**
     * True until a read has gone through the whole directory (no {@code MIRROR_READ} record): the
     * pipeline then reads it at start-up, and notices addressed from it wait.
     */
    public boolean neverRead() {
        return store.get().get(DirectoryPatron.MIRROR_KEY).isEmpty();
    }

    /** The pipeline is stopping: a running read stops before its next call (nobody is removed). */
    public void stopping() {
        stopping = true;
    }

    /** Down once Libib refused the credentials; otherwise up, with the last read's outcome. */
    public Health health() {
        String why = refused.get();
        if (why != null) {
            return Health.down("libib", why);
        }
        String last = lastOutcome.get();
        return Health.up("libib", (running.get() ? "reading the directory; " : "")
                + (last == null ? "no read finished yet" : "last read " + last));
    }

    private static MirrorRun run(Exchange exchange) {
        MirrorRun run = exchange.getProperty(RUN, MirrorRun.class);
        if (run == null) {
            throw new IllegalStateException("No Libib mirror in this exchange: the route must call begin first");
        }
        return run;
    }
}
