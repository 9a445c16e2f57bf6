package org.holdshelf.ops;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.holdshelf.events.Json;
import org.holdshelf.platform.runtime.Health;

/**
 * {@code /q/health}, {@code /q/health/live} and {@code /q/health/ready}: Camel's health checks
 * (camel-health: the context, every route, every consumer, Kafka consumers included) together with
 * the pipeline's own, registered with Camel as {@link Check}s (Kafka reachable, each capability's
 * check such as the last harvest's outcome, the last harvest's age against the schedule). The
 * pipeline's checks are readiness checks: a restart does not bring Kafka or Sierra back.
 * DOWN, with HTTP 503, as soon as one check is DOWN.
 */
final class OpsHealth {

    /** One of the pipeline's readings as a Camel health check (group {@code holdshelf}). */
    static final class Check extends AbstractHealthCheck {

        private final Supplier<Health> reading;

        Check(String name, Supplier<Health> reading) {
            super("holdshelf", name);
            this.reading = reading;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            Health h;
            try {
                h = reading.get();
            } catch (RuntimeException e) {
                h = Health.down(getId(), "the check failed: " + e.getMessage());
            }
            builder.message(h.detail());
            if (h.up()) {
                builder.up();
            } else {
                builder.down();
            }
        }
    }

    /** One line of a health report. */
    record Line(String name, String status, String detail) {
    }

    /** A health report: DOWN if any check is. */
    record Report(String status, List<Line> checks) {

        boolean up() {
            return "UP".equals(status);
        }

        int httpStatus() {
            return up() ? 200 : 503;
        }

        String json() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", status);
            body.put("checks", checks);
            return new String(Json.toBytes(body), java.nio.charset.StandardCharsets.UTF_8);
        }

        List<Line> down() {
            return checks.stream().filter(l -> "DOWN".equals(l.status())).toList();
        }
    }

    enum Kind {
        ALL, LIVENESS, READINESS
    }

    private final Supplier<CamelContext> camel;

    OpsHealth(Supplier<CamelContext> camel) {
        this.camel = camel;
    }

    Report report(Kind kind) {
        CamelContext context = camel.get();
        java.util.function.Predicate<HealthCheck> leaveOut = switch (kind) {
            case ALL -> check -> false;
            case LIVENESS -> check -> !check.isLiveness();
            case READINESS -> check -> !check.isReadiness();
        };
        // "full": every check's result, not only the first one when all are up
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(context, check -> Map.of(), leaveOut, "full");
        List<Line> lines = new ArrayList<>();
        for (HealthCheck.Result r : results) {
            String detail = r.getMessage().orElseGet(() -> r.getError().map(Throwable::getMessage).orElse(""));
            lines.add(new Line(r.getCheck().getId(), r.getState().name(), detail));
        }
        // the pipeline's own checks first, then Camel's, each by name
        lines.sort(Comparator.comparing((Line l) -> !l.name().contains(":") ? 0 : l.name().startsWith("capability:") ? 1 : 2)
                .thenComparing(Line::name));
        boolean down = lines.stream().anyMatch(l -> "DOWN".equals(l.status()));
        return new Report(down ? "DOWN" : "UP", lines);
    }
}
