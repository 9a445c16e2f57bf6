package org.holdshelf.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.runtime.RunInProgressException;
import org.holdshelf.platform.runtime.RunNotStartedException;
import org.holdshelf.platform.runtime.RunTrigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the operators' routes ({@code routes/ops.camel.yaml}): each reads what it needs of
 * the request, then answers with a status, a content type and a body, and nothing else of the
 * request (no request header is echoed back, so neither a token nor a form field is). Access is
 * checked before any of this runs ({@link OpsGate}).
 */
public class OpsApi {

    private static final Logger LOG = LoggerFactory.getLogger(OpsApi.class);
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final OpsAccess access;
    private final OpsTemplates templates;
    private final OpsViews views;
    private final OpsHealth health;
    private final ReportFiles files;
    private final PatronFinder patrons;
    private final Supplier<Optional<RunTrigger>> trigger;
    private final PrometheusMeterRegistry meters;
    private final String instance;
    private final ZoneId zone;
    private final java.time.Clock clock;

    OpsApi(OpsAccess access, OpsTemplates templates, OpsViews views, OpsHealth health, ReportFiles files, PatronFinder patrons,
           Supplier<Optional<RunTrigger>> trigger, PrometheusMeterRegistry meters, String instance, ZoneId zone,
           java.time.Clock clock) {
        this.access = access;
        this.templates = templates;
        this.views = views;
        this.health = health;
        this.files = files;
        this.patrons = patrons;
        this.trigger = trigger;
        this.meters = meters;
        this.instance = instance;
        this.zone = zone;
        this.clock = clock;
    }

    // ---- API --------------------------------------------------------------------------------

    /** {@code POST /api/harvest}: 202 with the run id, 409 while a run is in progress, 503 when no run can start. */
    public void harvest(Exchange exchange) {
        Optional<RunTrigger> runs = trigger.get();
        if (runs.isEmpty()) {
            json(exchange, 503, Map.of("error", "unavailable", "message", "this instance runs no harvests"));
            return;
        }
        try {
            String runId = runs.get().startRun("operator");
            LOG.info("Harvest {} started by an operator through the operators' endpoint", runId);
            json(exchange, 202, Map.of("runId", runId, "status", "started"));
        } catch (RunInProgressException e) {
            json(exchange, 409, Map.of("error", "in-progress", "runId", e.runningRunId(),
                    "message", "run " + e.runningRunId() + " is in progress; runs never overlap"));
        } catch (RunNotStartedException e) {
            LOG.warn("Harvest requested by an operator could not start: {}", e.getMessage());
            json(exchange, 503, Map.of("error", "unavailable", "message", e.getMessage()));
        }
    }

    /** {@code GET /q/health}: every check, JSON, 503 when one is DOWN. */
    public void health(Exchange exchange) {
        health(exchange, OpsHealth.Kind.ALL);
    }

    /** {@code GET /q/health/live}: the liveness checks (the process works: Camel, its routes). */
    public void liveness(Exchange exchange) {
        health(exchange, OpsHealth.Kind.LIVENESS);
    }

    /** {@code GET /q/health/ready}: the readiness checks (Kafka, consumers, the harvest...). */
    public void readiness(Exchange exchange) {
        health(exchange, OpsHealth.Kind.READINESS);
    }

    private void health(Exchange exchange, OpsHealth.Kind kind) {
        OpsHealth.Report report = health.report(kind);
        respond(exchange, report.httpStatus(), "application/json", report.json());
    }

    /** A request that failed: 500 with the reason, logged on one line. */
    public void failure(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = error == null ? "unknown failure" : error.getMessage() == null ? error.getClass().getSimpleName()
                : error.getMessage();
        LOG.error("Operators' endpoint: {} {} failed: {}", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                exchange.getMessage().getHeader(Exchange.HTTP_PATH), reason);
        json(exchange, 500, Map.of("error", "failed", "message", reason));
    }

    /** {@code GET /q/metrics}: every meter in Prometheus' text format. */
    public void metrics(Exchange exchange) {
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape());
    }

    // ---- files ------------------------------------------------------------------------------

    /** {@code GET /files/<run date>/<run id>/<file>}: a run's file as a download; 400 for a path that is not one, 404. */
    public void file(Exchange exchange) {
        String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        Optional<Path> file;
        try {
            file = files.resolve(uri);
        } catch (ReportFiles.RefusedPath e) {
            LOG.warn("Refused a request for a report file: {}", e.getMessage());
            json(exchange, 400, Map.of("error", "bad-path", "message", e.getMessage()));
            return;
        }
        if (file.isEmpty()) {
            json(exchange, 404, Map.of("error", "not-found", "message", "no such run file"));
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.get());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.get(), e);
        }
        String name = file.get().getFileName().toString();
        respond(exchange, 200, name.endsWith(".json") ? "application/json" : "text/csv; charset=utf-8", bytes);
        exchange.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\"");
    }

    // ---- pages ------------------------------------------------------------------------------

    /** {@code GET /}: the operators' page. */
    public void page(Exchange exchange) {
        html(exchange, 200, templates.render("page", pageModel(null)));
    }

    /** {@code POST /notices}: the page with the notices of the patron a barcode, email or phone belongs to. */
    public void searchNotices(Exchange exchange) {
        Map<String, String> form = form(exchange);
        Map<String, Object> search = new HashMap<>();
        PatronFinder.Kind kind = PatronFinder.Kind.of(form.get("kind")).orElse(PatronFinder.Kind.BARCODE);
        String value = form.getOrDefault("q", "").trim();
        search.put("q", value);
        search.put("kinds", kinds(kind));
        if (value.isEmpty()) {
            search.put("message", "Type a library card barcode, an email address or a phone number.");
        } else if (value.length() > 200) {
            search.put("message", "That is too long for a barcode, an email address or a phone number.");
        } else {
            try {
                Set<String> ids = patrons.find(kind, value);
                List<NoticeIndex.Entry> found = views.notices().find(ids);
                LOG.info("Notice search by {}: {} patron(s), {} notice record(s)", kind.name().toLowerCase(Locale.ROOT),
                        ids.size(), found.size());
                search.put("performed", true);
                search.put("patrons", ids.size());
                search.put("found", found.stream().map(this::noticeLine).toList());
                search.put("none", found.isEmpty());
                search.put("message", ids.isEmpty() ? "Sierra knows no patron with that " + kindLabel(kind) + "."
                        : found.isEmpty() ? "No notice to that patron among the notices kept (holdshelf.ops.notice-history)." : null);
            } catch (RuntimeException e) {
                LOG.warn("Notice search failed: {}", e.getMessage());
                search.put("message", "Sierra could not be asked: " + e.getMessage());
            }
        }
        html(exchange, 200, templates.render("page", pageModel(search)));
    }

    /** {@code POST /signin}: the token from the sign-in form gives the browser a session cookie. */
    public void signIn(Exchange exchange) {
        String token = form(exchange).get("token");
        if (access.open() || access.tokenMatches(token)) {
            respond(exchange, 303, "text/plain; charset=utf-8", "Signed in");
            if (!access.open()) {
                exchange.getMessage().setHeader("Set-Cookie", access.sessionCookie());
            }
            exchange.getMessage().setHeader("Location", "/");
            return;
        }
        html(exchange, 401, signInPage("That token is not the one configured (holdshelf.ops.token)."));
    }

    /** The sign-in form, with a message when a try failed. */
    String signInPage(String message) {
        Map<String, Object> model = new HashMap<>();
        model.put("message", message);
        model.put("instance", instance);
        return templates.render("signin", model);
    }

    private Map<String, Object> pageModel(Map<String, Object> search) {
        Map<String, Object> m = new HashMap<>();
        Instant now = clock.instant();
        m.put("instance", instance);
        m.put("now", shown(now.toString()));
        m.put("zone", zone.getId());
        m.put("refreshedAt", views.refreshedAt().map(at -> shown(at.toString())).orElse("not yet"));
        m.put("problem", views.problem().orElse(null));
        OpsHealth.Report report = health.report(OpsHealth.Kind.ALL);
        m.put("healthUp", report.up());
        m.put("healthStatus", report.status());
        m.put("healthDown", report.down());
        m.put("running", views.open().stream().map(this::runningLine).toList());
        List<RunEvent> outcomes = views.outcomes();
        m.put("runs", outcomes.stream().map(this::runLine).toList());
        m.put("noRuns", outcomes.isEmpty());
        m.put("chart", RunChart.svg(outcomes));
        m.put("latestRun", files.latestRun().orElse(null));
        m.put("files", files.latest());
        views.scanIns().latest().ifPresent(latest -> {
            m.put("scanInRun", latest.getKey());
            m.put("scanIn", latest.getValue().entrySet().stream().map(e -> Map.of("outcome", e.getKey(), "count", e.getValue()))
                    .toList());
        });
        m.put("deadLetters", views.deadLetters().entries().stream().map(d -> {
            Map<String, Object> line = new HashMap<>();
            line.put("at", shown(d.failedAt()));
            line.put("source", d.source());
            line.put("runId", d.runId());
            line.put("error", d.error());
            line.put("message", d.message());
            line.put("original", d.original());
            return line;
        }).toList());
        m.put("noDeadLetters", views.deadLetters().entries().isEmpty());
        m.put("lag", views.lag().entrySet().stream().map(e -> Map.of("group", e.getKey(), "records", e.getValue())).toList());
        m.put("hasLag", !views.lag().isEmpty());
        m.put("noticeRecords", views.notices().size());
        m.put("search", search);
        if (search == null) {
            m.put("kinds", kinds(PatronFinder.Kind.BARCODE));
        } else {
            m.put("kinds", search.get("kinds"));
        }
        return m;
    }

    private Map<String, Object> runLine(RunEvent r) {
        Map<String, Object> line = new HashMap<>();
        boolean completed = EventTypes.RUN_COMPLETED.equals(r.type());
        line.put("runId", r.runId());
        line.put("trigger", r.trigger());
        line.put("status", completed ? "completed" : "FAILED");
        line.put("statusClass", completed ? "ok" : "failed");
        line.put("started", shown(r.startedAt()));
        line.put("duration", r.durationMs() == null ? "" : Durations.human(Duration.ofMillis(r.durationMs())));
        line.put("pages", r.pages());
        line.put("holdsScanned", r.holdsScanned() == null ? "" : String.format(Locale.ROOT, "%,d", r.holdsScanned()));
        line.put("events", r.events() == null ? "" : String.format(Locale.ROOT, "%,d", r.events()));
        line.put("reason", r.reason());
        List<Map<String, Object>> locations = new ArrayList<>();
        if (r.locations() != null) {
            r.locations().forEach((code, count) -> locations.add(Map.of("code", code,
                    "name", count.name() == null ? code : count.name(), "ready", count.ready(), "inTransit", count.inTransit())));
        }
        line.put("locations", locations);
        line.put("locationCount", locations.size());
        views.scanIns().of(r.runId()).ifPresent(counts -> line.put("scanIn", counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().toLowerCase(Locale.ROOT).replace('_', ' '))
                .reduce((a, b) -> a + ", " + b).orElse("")));
        return line;
    }

    private Map<String, Object> runningLine(RunEvent r) {
        Map<String, Object> line = new HashMap<>();
        line.put("runId", r.runId());
        line.put("trigger", r.trigger());
        line.put("instance", r.instance());
        line.put("started", shown(r.startedAt()));
        line.put("pages", r.pages() == null ? 0 : r.pages());
        line.put("holdsScanned", r.holdsScanned() == null ? "0" : String.format(Locale.ROOT, "%,d", r.holdsScanned()));
        line.put("lastSeen", shown(r.at() != null ? r.at() : r.startedAt()));
        return line;
    }

    private Map<String, Object> noticeLine(NoticeIndex.Entry e) {
        Map<String, Object> line = new HashMap<>();
        line.put("at", shown(e.at()));
        line.put("runId", e.runId());
        line.put("location", e.location());
        line.put("holds", e.holds());
        line.put("channel", e.channel() == null ? "none" : e.channel());
        line.put("destination", e.destination() == null || e.destination().isEmpty() ? "(none)" : e.destination());
        line.put("outcome", e.outcome());
        line.put("outcomeClass", "SENT".equals(e.outcome()) ? "ok" : "FAILED".equals(e.outcome()) ? "failed" : "other");
        line.put("reason", e.reason());
        line.put("serverReply", e.serverReply());
        line.put("template", e.template());
        return line;
    }

    private static List<Map<String, Object>> kinds(PatronFinder.Kind selected) {
        List<Map<String, Object>> kinds = new ArrayList<>();
        for (PatronFinder.Kind k : PatronFinder.Kind.values()) {
            kinds.add(Map.of("value", k.name().toLowerCase(Locale.ROOT), "label", kindLabel(k), "selected", k == selected));
        }
        return kinds;
    }

    private static String kindLabel(PatronFinder.Kind k) {
        return switch (k) {
            case BARCODE -> "library card barcode";
            case EMAIL -> "email address";
            case PHONE -> "phone number";
        };
    }

    /** An ISO instant as the library's local date and time. */
    private String shown(String isoInstant) {
        if (isoInstant == null) {
            return "";
        }
        try {
            return SHOWN.format(Instant.parse(isoInstant).atZone(zone));
        } catch (RuntimeException e) {
            return isoInstant;
        }
    }

    // ---- answers ----------------------------------------------------------------------------

    /** The request's form fields ({@code application/x-www-form-urlencoded}), from the body or as Camel mapped them. */
    static Map<String, String> form(Exchange exchange) {
        Message in = exchange.getMessage();
        Map<String, String> fields = new LinkedHashMap<>(parseForm(in.getBody(String.class)));
        for (String name : List.of("kind", "q", "token")) {
            Object header = in.getHeader(name);
            if (header != null && !fields.containsKey(name)) {
                fields.put(name, header.toString());
            }
        }
        return fields;
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return fields;
        }
        for (String pair : body.trim().split("&")) {
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                // a field that is not properly encoded is left out
            }
        }
        return fields;
    }

    private static void json(Exchange exchange, int status, Map<String, ?> body) {
        respond(exchange, status, "application/json", new String(Json.toBytes(body), StandardCharsets.UTF_8));
    }

    private static void html(Exchange exchange, int status, String body) {
        respond(exchange, status, "text/html; charset=utf-8", body);
    }

    /** Replaces the message with the answer: every request header dropped, so none is echoed back. */
    private static void respond(Exchange exchange, int status, String contentType, Object body) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, contentType);
        out.setHeader("Cache-Control", "no-store");
        out.setHeader("X-Content-Type-Options", "nosniff");
        out.setHeader("Referrer-Policy", "no-referrer");
        if (contentType.startsWith("text/html")) {
            out.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                    + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        }
        out.setBody(body);
    }
}
