package org.holdshelf.hoopla;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.holdshelf.events.Json;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.http.CallPacer;
import org.holdshelf.platform.http.RetryAfter;
import org.holdshelf.platform.kafka.DeadLetters;
import org.holdshelf.platform.kafka.OutboundRecord;
import org.holdshelf.platform.runtime.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of {@code routes/hoopla.camel.yaml}: a budgeted poll of Hoopla's
 * {@code GET /api/v1/libraries/{id}/patrons/{card}/holds/current}, one card per call, each call
 * made by camel-http in the route (its own retries off).
 *
 * <p><b>Budget.</b> Calls start {@code 60 s / requests-per-minute} apart, token calls included
 * ({@link CallPacer}, spaced starts), and a call starts only once the call a budget before it was
 * answered a minute ago ({@link org.holdshelf.platform.http.WindowBudget}), so no 60 s window of
 * arrivals holds more than the budget (90 of Hoopla's 100 by default) even when the network delays
 * one call; a 429 pushes the next call back by its Retry-After or the exponential backoff.
 * A poll reads at most {@code cards-per-poll} cards: those with holds at their last reading first,
 * then the others in rotation ({@link HooplaReadings}); its summary says how many cards were read,
 * how many of all have a reading, and how old the oldest reading is.
 *
 * <p><b>Token.</b> A bearer token from {@code POST /api/v1/get-token} (basic auth), kept for its
 * {@code expires_in} (renewed a minute before), and renewed once when a call answers 401 (Hoopla's
 * answer to a stale token, with an empty body); a second 401 for the same card stops the poll.
 * Hoopla refusing the credentials stops the poll and every later one until a restart with new
 * credentials: one error line, health {@code hoopla} down, no retry storm.
 *
 * <p><b>Bad input.</b> A card Hoopla rejects (400 invalid card, 403 no Hoopla account) is skipped
 * and counted in the summary (one line, with a masked example), and read again only in its turn.
 * An answer that cannot be read (HTML, not an array) or a 5xx is asked again after a backoff, then
 * the card is skipped with a dead letter; a RESERVED hold without {@code reserveUntil} is a dead
 * letter (once per hold, not every poll) and the card's other holds are kept. The poll goes on in
 * every case.
 */
public final class HooplaPoller {

    private static final Logger LOG = LoggerFactory.getLogger(HooplaPoller.class);
    public static final String POLL = "hooplaPoll";
    /** The pickup location of Hoopla's reserved titles in runs, pull lists and notices. */
    public static final String LOCATION = "hoopla";
    public static final String LOCATION_NAME = "hoopla digital";
    static final String SOURCE = "hoopla-poll";
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(1);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(60);
    /** Why a poll ends when its instance stops owning the harvest slots. */
    static final String HANDED_OVER = "another instance polls Hoopla now (it owns the harvest slots)";

    /** The cards a poll may read, in a stable order. */
    @FunctionalInterface
    public interface Cards {
        List<String> all();
    }

    /** The Sierra patron whose barcode is the card: notices and pull lists know patrons by Sierra id. */
    @FunctionalInterface
    public interface Patrons {
        /** The patron's Sierra id, or empty when no patron has that barcode; throws when Sierra cannot say now. */
        java.util.Optional<String> byBarcode(String card);
    }

    private final HooplaSettings settings;
    private final CallPacer pacer;
    private final org.holdshelf.platform.http.WindowBudget budget;
    private final Cards cards;
    private final Patrons patrons;
    /** Card to Sierra patron id (empty: no patron has the barcode), looked up once per card with reserved holds. */
    private final java.util.Map<String, java.util.Optional<String>> patronOfCard = new java.util.concurrent.ConcurrentHashMap<>();
    private final HooplaReadings readings = new HooplaReadings();
    private final DeadLetters deadLetters;
    private final Consumer<List<OutboundRecord>> publish;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<String> refused = new AtomicReference<>();
    private final AtomicReference<String> lastOutcome = new AtomicReference<>();
    private final AtomicReference<HooplaReadings.Coverage> lastCoverage = new AtomicReference<>();
    private volatile boolean stopping;
    /** False while another instance polls (it owns the harvest slots): see {@link #pollsHere(boolean)}. */
    private volatile boolean pollsHere = true;
    /** False from {@link #awaitOwnership()} until the harvest group first says who polls. */
    private volatile boolean ownershipKnown = true;
    private volatile String token;
    private volatile Instant tokenExpires = Instant.MIN;
    private volatile long lastProgressNanos;
    /** What the last harvest run got: run id, titles, patrons. */
    private final AtomicReference<String> lastPublished = new AtomicReference<>();
    /** Holds already dead-lettered for having no reserveUntil ("card:contentId"), so each is reported once, not every poll. */
    private final java.util.Set<String> reportedWithoutDeadline = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Counter calls;
    private final Counter throttled;

    public HooplaPoller(HooplaSettings settings, CallPacer pacer, org.holdshelf.platform.http.WindowBudget budget, Cards cards,
                        Patrons patrons, DeadLetters deadLetters, Consumer<List<OutboundRecord>> publish, Clock clock,
                        MeterRegistry meters) {
        this.settings = settings;
        this.pacer = pacer;
        this.budget = budget;
        this.cards = cards;
        this.patrons = patrons;
        this.deadLetters = deadLetters;
        this.publish = publish;
        this.clock = clock;
        this.calls = Counter.builder("holdshelf.hoopla.calls").description("Calls made to Hoopla (token calls included)")
                .register(meters);
        this.throttled = Counter.builder("holdshelf.hoopla.throttled")
                .description("Hoopla calls answered 429 (asked again after a backoff)").register(meters);
        Gauge.builder("holdshelf.hoopla.cards.read", lastCoverage, c -> c.get() == null ? 0 : c.get().read())
                .description("Cards with a reading of their Hoopla holds").register(meters);
        Gauge.builder("holdshelf.hoopla.oldest.reading.seconds", this, p -> p.oldestReadingSeconds())
                .description("Age of the oldest card reading (cards never read not counted)").register(meters);
    }

    /** Starts a poll; refused while one is running, while the pipeline stops, or after Hoopla refused the credentials. */
    public void begin(Exchange exchange) {
        String why = refused.get();
        if (why != null) {
            throw new PollNotStartedException("The Hoopla poll is stopped: " + why);
        }
        if (stopping) {
            throw new PollNotStartedException("The pipeline is stopping: no Hoopla poll");
        }
        if (!running.compareAndSet(false, true)) {
            throw new PollNotStartedException("A Hoopla poll is already running");
        }
        try {
            List<String> all = cards.all();
            Instant now = clock.instant();
            HooplaPoll poll = new HooplaPoll("hoopla-" + now.toEpochMilli(), now, readings.plan(all, settings.cardsPerPoll()));
            exchange.setProperty(POLL, poll);
            lastProgressNanos = System.nanoTime();
            if (all.isEmpty()) {
                LOG.warn("Hoopla poll {}: no cards to read ({})", poll.id, settings.cardsFile() == null
                        ? "the Libib directory mirror, holdshelf.patrons, is empty: holdshelf.libib.enabled on this or another instance?"
                        : settings.cardsFile() + " lists none");
            } else {
                LOG.info("Hoopla poll {} started: {} of {} cards ({} with holds at their last reading first, then in rotation), "
                                + "{} requests a minute", poll.id, poll.cards().size(), all.size(), poll.plan.withHolds(),
                        settings.requestsPerMinute());
            }
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    /** True while cards are left to read, and this instance still polls (a poll handed over ends, its summary says so). */
    public boolean more(Exchange exchange) {
        HooplaPoll poll = exchange.getProperty(POLL, HooplaPoll.class);
        if (poll != null && !poll.done() && !pollsHere) {
            poll.stop(HANDED_OVER);
        }
        return poll != null && !poll.done();
    }

    /**
     * Whether this instance polls Hoopla. With several instances one polls: the one that owns the
     * harvest slots, since the readings stay in memory and the harvest that publishes them runs
     * there. An instance that stops polling makes no call from then on: a call waiting for its turn
     * is not made ({@link PollHandedOverException}) and its running poll ends; one that starts holds
     * its first call back a minute, so the other instance's calls of the last minute have left
     * Hoopla's budget before its own arrive.
     */
    public void pollsHere(boolean owns) {
        boolean before = pollsHere;
        boolean known = ownershipKnown;
        pollsHere = owns;
        ownershipKnown = true;
        if (owns && !before) {
            pacer.backOff(Duration.ofMinutes(1));
            LOG.info("Hoopla is polled by this instance now (it owns the harvest slots); its first call waits a minute, so "
                    + "calls another instance may have made in the last minute have left Hoopla's per-minute budget");
        } else if (!owns && (before || !known)) {
            LOG.info("Hoopla is polled by the instance that owns the harvest slots; this one stands by");
        }
    }

    /** True when this instance polls Hoopla (the schedule's trigger is skipped otherwise). */
    public boolean pollingHere() {
        return pollsHere;
    }

    /** Polls nothing until {@link #pollsHere(boolean)} says so: several instances may run (at start-up). */
    public void awaitOwnership() {
        pollsHere = false;
        ownershipKnown = false;
    }

    /**
     * Waits for the next call's turn (the pacer's spacing, then the per-minute budget), and makes
     * sure the call is still to be made: not if the pipeline is stopping (the waits end early then)
     * or another instance has taken the poll over meanwhile.
     */
    private void awaitCallTurn(HooplaPoll poll) throws InterruptedException {
        checkStopping(poll);
        pacer.awaitTurn();
        budget.awaitTurn();
        checkStopping(poll);
        checkPollsHere(poll);
    }

    /** True when the next call must be a token call: none yet, or it expires within a minute. */
    public boolean needsToken() {
        return token == null || !clock.instant().isBefore(tokenExpires.minus(TOKEN_MARGIN));
    }

    /** Waits for the budget, then sets the token request: basic auth, and nothing else of the pipeline's. */
    public void tokenRequest(Exchange exchange) throws InterruptedException {
        HooplaPoll poll = poll(exchange);
        awaitCallTurn(poll);
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setBody("");
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setHeader("Accept", "application/json");
        m.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8)));
        poll.tokenCalls++;
        calls.increment();
    }

    /** Keeps the token Hoopla issued, or stops on refused credentials, or backs off. */
    public void tokenAnswer(Exchange exchange) {
        budget.answered();
        HooplaPoll poll = poll(exchange);
        Message m = exchange.getMessage();
        int status = status(m);
        String body = m.getBody(String.class);
        m.getHeaders().clear();
        if (status == 200) {
            try {
                JsonNode json = Json.MAPPER.readTree(body);
                String value = json.path("access_token").asText(null);
                long expiresIn = json.path("expires_in").asLong(3600);
                if (value == null || value.isBlank()) {
                    throw new HooplaAnswerException("no access_token");
                }
                token = value;
                tokenExpires = clock.instant().plusSeconds(expiresIn);
                return;
            } catch (Exception e) {
                backOff(poll, "the token endpoint answered something unreadable: " + HooplaHolds.summary(body), null);
                return;
            }
        }
        if (status == 401 || status == 403) {
            String why = "Hoopla refused the credentials of holdshelf.hoopla.username (HTTP " + status + " from the token endpoint)";
            refused.set(why);
            poll.stop(why);
            throw new HooplaCredentialsException(why + "; no Hoopla poll until a restart with new credentials");
        }
        backOff(poll, "the token endpoint answered " + status + ": " + HooplaHolds.summary(body), m.getHeader("Retry-After",
                String.class));
    }

    /** Waits for the budget, then sets the request for the current card's holds. */
    public void prepareCall(Exchange exchange) throws InterruptedException {
        HooplaPoll poll = poll(exchange);
        awaitCallTurn(poll);
        Message m = exchange.getMessage();
        m.getHeaders().clear(); // a trigger's headers (Quartz's among them) must not travel to Hoopla as HTTP headers
        m.setBody(null);
        m.setHeader(Exchange.HTTP_METHOD, "GET");
        m.setHeader(Exchange.HTTP_PATH, "/" + URLEncoder.encode(poll.card(), StandardCharsets.UTF_8) + "/holds/current");
        m.setHeader("Accept", "application/json");
        m.setHeader("Authorization", "Bearer " + token);
        poll.called();
        calls.increment();
    }

    /** Reads the current card's answer: records its reading, or asks again, renews the token, skips or stops. */
    public void answer(Exchange exchange) {
        budget.answered();
        HooplaPoll poll = poll(exchange);
        Message m = exchange.getMessage();
        int status = status(m);
        String body = m.getBody(String.class);
        String retryAfter = m.getHeader("Retry-After", String.class);
        m.getHeaders().clear();
        String card = poll.card();
        if (status == 200) {
            HooplaHolds holds;
            try {
                holds = HooplaHolds.parse(body);
            } catch (HooplaAnswerException e) {
                retryOrSkip(poll, "card " + mask(card) + ": an unreadable answer (" + e.getMessage() + ")", body, null);
                return;
            }
            read(poll, card, holds);
            poll.next();
            progress(poll);
            return;
        }
        if (status == 401) {
            token = null;
            if (poll.renewOnce()) {
                return; // a stale token (Hoopla answers 401 with an empty body): renewed, the card asked again
            }
            poll.stop("Hoopla answered 401 to a token it had just issued");
            LOG.error("Hoopla poll {} stopped at card {} of {}: Hoopla answered 401 to a token it had just issued",
                    poll.id, poll.position() + 1, poll.cards().size());
            return;
        }
        if (status == 400 || status == 403) {
            String said = status + " " + message(body);
            poll.rejected.merge(said, 1, Integer::sum);
            poll.rejectedExample.putIfAbsent(said, mask(card));
            readings.forget(card);
            poll.next();
            return;
        }
        if (status == 404) {
            String why = "Hoopla answered 404 " + message(body) + " for library " + settings.libraryId()
                    + " (holdshelf.hoopla.library-id)";
            poll.stop(why);
            LOG.error("Hoopla poll {} stopped: {}", poll.id, why);
            return;
        }
        if (status == 429) {
            poll.throttled++;
            throttled.increment();
        }
        retryOrSkip(poll, "card " + mask(card) + ": HTTP " + status + " " + HooplaHolds.summary(body), body, retryAfter);
    }

    /** The call got no answer (connection refused or reset, a timeout): asked again after a backoff, then skipped. */
    public void callFailed(Exchange exchange) {
        budget.answered();
        HooplaPoll poll = poll(exchange);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().getHeaders().clear();
        String why = e == null ? "no answer" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (needsToken() || poll.done()) {
            backOff(poll, "no answer from Hoopla: " + why, null);
            return;
        }
        retryOrSkip(poll, "card " + mask(poll.card()) + ": no answer (" + why + ")", null, null);
    }

    private void read(HooplaPoll poll, String card, HooplaHolds holds) {
        List<HooplaHolds.Hold> reserved = new ArrayList<>();
        int waiting = 0;
        List<OutboundRecord> letters = new ArrayList<>();
        for (HooplaHolds.Hold h : holds.holds()) {
            if (h.reserved()) {
                if (h.reserveUntil() == null) {
                    poll.withoutReserveUntil++;
                    if (!reportedWithoutDeadline.add(card + ":" + h.contentId())) {
                        continue;
                    }
                    letters.add(deadLetters.of(SOURCE, null, "HoldWithoutReserveUntil", "Hoopla hold of card " + mask(card)
                            + " is RESERVED without reserveUntil: no pickup-by date to announce; the card's other holds are kept",
                            mask(card), "{\"contentId\":" + h.contentId() + ",\"status\":\"RESERVED\"}"));
                    continue;
                }
                reserved.add(h);
            } else {
                waiting++;
            }
        }
        if (!letters.isEmpty()) {
            publish.accept(letters);
        }
        poll.covered++;
        poll.reserved += reserved.size();
        poll.waiting += waiting;
        readings.record(card, new HooplaReadings.Reading(clock.instant(), List.copyOf(reserved), waiting));
        if (!reserved.isEmpty() && !patronOfCard.containsKey(card)) {
            try {
                java.util.Optional<String> patron = patrons.byBarcode(card);
                patronOfCard.put(card, patron);
                if (patron.isEmpty()) {
                    poll.unmatched++;
                    publish.accept(List.of(deadLetters.of(SOURCE, null, "CardWithoutPatron", "Hoopla card " + mask(card)
                            + " has " + reserved.size() + " reserved titles, but no Sierra patron has that barcode: not announced",
                            mask(card), "")));
                }
            } catch (RuntimeException e) {
                LOG.warn("Hoopla poll {}: the Sierra patron of card {} could not be looked up ({}); tried again at its next reading",
                        poll.id, mask(card), e.getMessage());
            }
        }
    }

    /**
     * The RESERVED holds of every card as last read, as hold events of run {@code runId} at
     * pickup location {@code hoopla}: {@code hoopla-<card>-<contentId>}, the Sierra patron whose
     * barcode is the card, {@code pickupByDate} from {@code reserveUntil} (a reservation already
     * over is left out), the title as Hoopla gave it (kept in memory only).
     */
    public List<org.holdshelf.events.HoldEvent> readyHolds(String runId) {
        Instant now = clock.instant();
        List<org.holdshelf.events.HoldEvent> events = new ArrayList<>();
        new java.util.TreeMap<>(readings.reserved()).forEach((card, holds) -> {
            java.util.Optional<String> patron = patronOfCard.getOrDefault(card, java.util.Optional.empty());
            if (patron.isEmpty()) {
                return; // no Sierra patron (a dead letter said so), or not looked up yet
            }
            for (HooplaHolds.Hold h : holds) {
                Instant until = Instant.ofEpochSecond(h.reserveUntil());
                if (!until.isAfter(now)) {
                    continue;
                }
                events.add(new org.holdshelf.events.HoldEvent(org.holdshelf.events.EventTypes.HOLD,
                        org.holdshelf.events.EventTypes.SCHEMA_VERSION, runId, org.holdshelf.events.HoldEvent.SOURCE_HOOPLA,
                        "hoopla-" + card + "-" + h.contentId(), org.holdshelf.events.HoldState.READY, "RESERVED", patron.get(),
                        LOCATION, Long.toString(h.contentId()), LOCATION, LOCATION_NAME, until.toString(), null, null, h.title()));
            }
        });
        lastPublished.set(runId + "|" + events.size() + "|" + events.stream().map(org.holdshelf.events.HoldEvent::patronId)
                .distinct().count());
        return events;
    }

    /** The summary of what run {@code runId} got from Hoopla, for {@code --once}; empty when it asked nothing. */
    public java.util.Optional<String> summaryFor(String runId) {
        String published = lastPublished.get();
        if (published == null || !published.startsWith(runId + "|")) {
            return java.util.Optional.empty();
        }
        String[] parts = published.split("\\|");
        HooplaReadings.Coverage coverage = lastCoverage.get();
        return java.util.Optional.of(parts[1] + " reserved titles of " + parts[2] + " patrons published with the run (pull list "
                + LOCATION + ".csv)" + (coverage == null ? "" : "; " + coverage.read() + " of " + coverage.all()
                + " cards have a reading" + (coverage.oldest() == null ? "" : ", the oldest "
                + Durations.human(Duration.between(coverage.oldest(), clock.instant())) + " old")));
    }

    /** True once the poll has cards to read (the Libib directory mirror may not have been read yet). */
    public boolean hasCards() {
        return !cards.all().isEmpty();
    }

    private void retryOrSkip(HooplaPoll poll, String problem, String body, String retryAfter) {
        if (settings.retry().canRetry(poll.attempt())) {
            Duration wait = settings.retry().delayBefore(poll.attempt() + 1, retryAfter == null ? null
                    : RetryAfter.parse(retryAfter, clock));
            pacer.backOff(wait);
            LOG.warn("Hoopla poll {}: {}; asked again in {} ms (attempt {} of {})", poll.id, problem, wait.toMillis(),
                    poll.attempt() + 1, settings.retry().maxAttempts());
            return;
        }
        poll.failed++;
        LOG.warn("Hoopla poll {}: {}; card skipped after {} attempts (a dead letter has the answer)", poll.id, problem,
                poll.attempt());
        publish.accept(List.of(deadLetters.of(SOURCE, null, "UnreadableHoldsAnswer", "Hoopla: " + problem + " after "
                + poll.attempt() + " attempts; card skipped until its next turn", mask(poll.card()), body == null ? "" : body)));
        poll.next();
    }

    private void backOff(HooplaPoll poll, String problem, String retryAfter) {
        poll.called(); // a token call that failed counts against the card's attempts, so the poll cannot spin
        if (!settings.retry().canRetry(poll.attempt())) {
            poll.stop(problem);
            LOG.error("Hoopla poll {} stopped: {}", poll.id, problem);
            return;
        }
        Duration wait = settings.retry().delayBefore(poll.attempt() + 1, retryAfter == null ? null
                : RetryAfter.parse(retryAfter, clock));
        pacer.backOff(wait);
        LOG.warn("Hoopla poll {}: {}; asked again in {} ms", poll.id, problem, wait.toMillis());
    }

    private void progress(HooplaPoll poll) {
        if (System.nanoTime() - lastProgressNanos >= PROGRESS_EVERY.toNanos()) {
            lastProgressNanos = System.nanoTime();
            LOG.info("Hoopla poll {}: {} of {} cards read, {} reserved, {} waiting", poll.id, poll.covered, poll.cards().size(),
                    poll.reserved, poll.waiting);
        }
    }

    /** The poll's summary line: coverage, what was found, calls and 429s, rejected and skipped cards. */
    public void finish(Exchange exchange) {
        HooplaPoll poll = poll(exchange);
        HooplaReadings.Coverage coverage = readings.coverage(cards.all());
        lastCoverage.set(coverage);
        Duration took = Duration.between(poll.started, clock.instant());
        StringJoiner rejected = new StringJoiner(", ");
        poll.rejected.forEach((said, n) -> rejected.add(n + " answered " + said + " (e.g. card " + poll.rejectedExample.get(said)
                + ")"));
        String summary = String.format(java.util.Locale.ROOT, "%d of %d cards read (%d with holds at their last reading), "
                        + "%d RESERVED, %d WAITING; %d of %d cards have a reading, the oldest %s old; %d calls (%d for tokens), "
                        + "%d answered 429%s%s%s, in %s",
                poll.covered, poll.cards().size(), poll.plan.withHolds(), poll.reserved, poll.waiting, coverage.read(),
                coverage.all(), coverage.oldest() == null ? "-" : Durations.human(Duration.between(coverage.oldest(), clock.instant())),
                poll.calls + poll.tokenCalls, poll.tokenCalls, poll.throttled,
                rejected.length() == 0 ? "" : "; rejected: " + rejected,
                poll.failed == 0 ? "" : "; " + poll.failed + " skipped after their retries",
                (poll.withoutReserveUntil == 0 ? "" : "; " + poll.withoutReserveUntil + " RESERVED holds without reserveUntil")
                        + (poll.unmatched == 0 ? "" : "; " + poll.unmatched + " cards with reserved titles match no Sierra patron"),
                Durations.human(took));
        if (HANDED_OVER.equals(poll.stopped())) {
            lastOutcome.set("handed over at " + clock.instant() + ": " + poll.stopped() + "; " + summary);
            LOG.info("Hoopla poll {} ended: {}: {}", poll.id, poll.stopped(), summary);
        } else if (poll.stopped() != null) {
            lastOutcome.set("stopped at " + clock.instant() + ": " + poll.stopped() + "; " + summary);
            LOG.warn("Hoopla poll {} stopped ({}): {}", poll.id, poll.stopped(), summary);
        } else {
            lastOutcome.set("complete at " + clock.instant() + ": " + summary);
            LOG.info("Hoopla poll {} complete: {}", poll.id, summary);
        }
    }

    /** The route's one error policy: a poll that cannot start or go on is logged (one line) and ends. */
    public void failed(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = e == null ? "unknown failure" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        HooplaPoll poll = exchange.getProperty(POLL, HooplaPoll.class);
        if (e instanceof PollNotStartedException) {
            LOG.info(poll == null ? "{}; trigger skipped" : "{}", message);
            return;
        }
        lastOutcome.set("failed at " + clock.instant() + ": " + message);
        if (e instanceof HooplaCredentialsException) {
            LOG.error("{}", message);
            return;
        }
        LOG.error("Hoopla poll {} failed{}: {}", poll == null ? "" : poll.id,
                poll == null ? "" : " at card " + (poll.position() + 1) + " of " + poll.cards().size(), message);
    }

    /** Lets the next poll start, if this exchange was running one. */
    public void release(Exchange exchange) {
        if (exchange.getProperty(POLL) != null) {
            exchange.removeProperty(POLL);
            running.set(false);
        }
    }

    public void stopping() {
        stopping = true;
    }

    /** Down once Hoopla refused the credentials; otherwise up, with the last poll's outcome. */
    public Health health() {
        String why = refused.get();
        if (why != null) {
            return Health.down("hoopla", why);
        }
        String last = lastOutcome.get();
        return Health.up("hoopla", (running.get() ? "polling; " : "") + (last == null ? "no poll finished yet" : "last poll " + last));
    }

    /** Every card's RESERVED holds as last read (in memory only). */
    java.util.Map<String, List<HooplaHolds.Hold>> reserved() {
        return readings.reserved();
    }

    private double oldestReadingSeconds() {
        HooplaReadings.Coverage c = lastCoverage.get();
        return c == null || c.oldest() == null ? 0 : Duration.between(c.oldest(), clock.instant()).toSeconds();
    }

    /**
     * Right before a call, after its wait (the pacer's, a backoff, the one-minute hold of a new
     * owner): another instance may have taken the harvest slots meanwhile, and its own hold counts
     * from then, so a call made now could land in its first minute. Not made: the poll ends.
     */
    private void checkPollsHere(HooplaPoll poll) {
        if (!pollsHere) {
            poll.stop(HANDED_OVER);
            throw new PollHandedOverException("Hoopla poll " + poll.id + ": " + HANDED_OVER + "; the call for card "
                    + (poll.position() + 1) + " of " + poll.cards().size() + ", which was waiting for its turn, is not made");
        }
    }

    /** The route's catch of {@link PollHandedOverException}: the call was not made; the poll ends at the loop's next check. */
    public void handedOver(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().getHeaders().clear();
        LOG.info("{}", e == null ? HANDED_OVER : e.getMessage());
    }

    private void checkStopping(HooplaPoll poll) {
        if (stopping) {
            poll.stop("the pipeline is stopping");
            throw new PollNotStartedException("The Hoopla poll " + poll.id + " stopped at card " + (poll.position() + 1)
                    + ": the pipeline is stopping");
        }
    }

    private static HooplaPoll poll(Exchange exchange) {
        HooplaPoll poll = exchange.getProperty(POLL, HooplaPoll.class);
        if (poll == null) {
            throw new IllegalStateException("No Hoopla poll in this exchange: the route must call begin first");
        }
        return poll;
    }

    private static int status(Message m) {
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return status == null ? 0 : status;
    }

    /** Hoopla's {@code message}, or the body shortened. */
    private static String message(String body) {
        try {
            JsonNode json = Json.MAPPER.readTree(body == null ? "" : body);
            if (json != null && json.hasNonNull("message")) {
                return json.get("message").asText();
            }
        } catch (Exception e) {
            // not JSON: the body itself
        }
        return HooplaHolds.summary(body);
    }

    /** A library card in logs and dead letters: its last four digits only. */
    static String mask(String card) {
        return card == null || card.length() <= 4 ? "****" : "*".repeat(Math.min(card.length() - 4, 8)) + card.substring(card.length() - 4);
    }
}
