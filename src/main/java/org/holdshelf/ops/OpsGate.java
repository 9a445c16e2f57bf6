package org.holdshelf.ops;

import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * {@link OpsAccess} in front of every route of the operators' HTTP server: it runs before the
 * route's own handler, so a route added to {@code routes/ops.camel.yaml} is protected too. A request
 * it refuses never reaches Camel: a browser asking for a page gets the sign-in form, anything else a
 * 401 in JSON with {@code WWW-Authenticate: Bearer}.
 */
final class OpsGate implements Handler<RoutingContext> {

    private final OpsAccess access;
    private final Supplier<String> signInPage;
    private final Counter refused;

    OpsGate(OpsAccess access, Supplier<String> signInPage, Counter refused) {
        this.access = access;
        this.signInPage = signInPage;
        this.refused = refused;
    }

    @Override
    public void handle(RoutingContext ctx) {
        var request = ctx.request();
        // never cached: pages hold personal data (Camel drops Cache-Control from a route's answer)
        ctx.response().putHeader("Cache-Control", "no-store");
        if (ReportFiles.climbs(request.path())) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"bad-path\",\"message\":\"a path may not contain dot segments, encoded dots, "
                            + "backslashes or NUL\"}");
            return;
        }
        if (access.allows(ctx.normalizedPath(), request.getHeader("Authorization"), request.getHeader("Cookie"))) {
            ctx.next();
            return;
        }
        refused.increment();
        var response = ctx.response().setStatusCode(401);
        String accept = request.getHeader("Accept");
        if (request.method() == HttpMethod.GET && accept != null && accept.contains("text/html")) {
            response.putHeader("Content-Type", "text/html; charset=utf-8").end(signInPage.get());
        } else {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"holdshelf\"")
                    .putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"unauthorized\",\"message\":\"send the operators' token (holdshelf.ops.token) as "
                            + "'Authorization: Bearer <token>'\"}");
        }
    }
}
