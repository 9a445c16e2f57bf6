package org.holdshelf.sandbox.sierra;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.holdshelf.sandbox.sierra.FaultPlan.Kind;
import org.holdshelf.sandbox.sierra.FaultPlan.Target;
import org.holdshelf.sandbox.sierra.SierraStats.FiredFault;
import org.holdshelf.sandbox.sierra.SierraTestClient.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SierraFaultsTest {

    @RegisterExtension
    static final RunningSierra SIERRA = new RunningSierra(SierraSandboxSettings.builder().holds(1_000).build());

    @Test
    void http503FiresTwiceThenThePageRecovers() {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("503@1x2"));

        page(1).assertSierraError(503, 117);
        page(1).assertSierraError(503, 117);
        assertNormalPage(page(1), 1);
        assertNormalPage(page(0), 0);
        assertNormalPage(page(2), 2);

        assertThat(SIERRA.simulator().stats().faultsFired()).containsExactly(
                new FiredFault(Target.HOLDS, 1, Kind.HTTP_503), new FiredFault(Target.HOLDS, 1, Kind.HTTP_503));
    }

    @Test
    void http429CarriesRetryAfter() {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("429@2x1"));

        Reply limited = page(2);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(limited.json().get("httpStatus").asInt()).isEqualTo(429);
        assertNormalPage(page(2), 2);
    }

    @Test
    void html502IsAnNginxPage() {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("html502@3x1"));

        Reply gateway = page(3);

        assertThat(gateway.status()).isEqualTo(502);
        assertThat(gateway.contentType()).startsWith("text/html");
        assertThat(gateway.body()).contains("<title>502 Bad Gateway</title>").contains("nginx");
        assertNormalPage(page(3), 3);
    }

    @Test
    void malformedIsA200WithBrokenJson() {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("malformed@4x2"));

        for (int i = 0; i < 2; i++) {
            Reply broken = page(4);
            assertThat(broken.status()).isEqualTo(200);
            assertThat(broken.contentType()).startsWith("application/json");
            assertThat(broken.body()).startsWith("{\"total\":1000");
            assertThatThrownBy(() -> SierraTestClient.MAPPER.readTree(broken.body())).isInstanceOf(IOException.class);
        }
        assertNormalPage(page(4), 4);
    }

    @Test
    void slowDelaysThenAnswersNormally() {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("slow@5x1:400ms"));

        Reply slow = page(5);

        assertThat(slow.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertNormalPage(slow, 5);
        assertNormalPage(page(5), 5);
        assertThat(SIERRA.simulator().stats().faultsFired()).containsExactly(new FiredFault(Target.HOLDS, 5, Kind.SLOW));
    }

    @Test
    void ruleWithoutCountFiresForever() {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("503@6"));

        for (int i = 0; i < 5; i++) {
            page(6).assertSierraError(503, 117);
        }
        assertThat(SIERRA.simulator().stats().faultsFired()).hasSize(5);
    }

    @Test
    void pageIsOffsetDividedByLimit() {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("503@3x1"));

        assertThat(SIERRA.client().get("/patrons/holds?limit=50&offset=150", SIERRA.token()).status()).isEqualTo(503);
        assertThat(SIERRA.client().get("/patrons/holds?limit=50&offset=199", SIERRA.token()).status()).isEqualTo(200);
    }

    @Test
    void lookupCallsCanFailByCallNumber() {
        SIERRA.simulator().setFaultPlan(FaultPlan.parse("items:503@*x1,bibs:429@1x1"));

        SIERRA.client().get("/items?id=5000000", SIERRA.token()).assertSierraError(503, 117);
        assertThat(SIERRA.client().get("/items?id=5000000", SIERRA.token()).status()).isEqualTo(200);
        assertThat(SIERRA.client().get("/bibs?id=3000000", SIERRA.token()).status()).isEqualTo(200);
        assertThat(SIERRA.client().get("/bibs?id=3000000", SIERRA.token()).status()).isEqualTo(429);
        assertThat(SIERRA.client().get("/bibs?id=3000000", SIERRA.token()).status()).isEqualTo(200);
        assertNormalPage(page(0), 0);

        assertThat(SIERRA.simulator().stats().faultsFired()).containsExactly(
                new FiredFault(Target.ITEMS, 0, Kind.HTTP_503), new FiredFault(Target.BIBS, 1, Kind.HTTP_429));
        assertThat(SIERRA.simulator().stats().lookupCalls(SierraEndpoint.ITEMS))
                .extracting(SierraStats.LookupCall::returned).containsExactly(0, 1);
    }

    @Test
    void replacingThePlanRearmsIt() {
        FaultPlan plan = FaultPlan.builder().onHoldsPage(0, Kind.HTTP_503, 1).build();
        SIERRA.simulator().setFaultPlan(plan);
        assertThat(page(0).status()).isEqualTo(503);
        assertThat(page(0).status()).isEqualTo(200);

        SIERRA.simulator().setFaultPlan(plan);

        assertThat(SIERRA.simulator().faultPlan()).isEqualTo(plan);
        assertThat(page(0).status()).isEqualTo(503);
        SIERRA.simulator().setFaultPlan(FaultPlan.NONE);
        assertThat(page(0).status()).isEqualTo(200);
    }

    @Test
    void faultsAndLatenciesComeFromProperties() {
        SierraSandboxSettings settings = SierraSandboxSettings.fromProperties(Map.of(
                "holdshelf.sandbox.sierra.holds", "300",
                "holdshelf.sandbox.sierra.faults", "html502@0x1",
                "holdshelf.sandbox.sierra.page-latency-ms", "250",
                "holdshelf.sandbox.sierra.lookup-latency-ms", "200"));
        try (SierraSimulator configured = new SierraSimulator(settings).start()) {
            SierraTestClient configuredClient = new SierraTestClient(configured);
            String configuredToken = configuredClient.token();

            Reply first = configuredClient.get("/patrons/holds?limit=100", configuredToken);
            Reply second = configuredClient.get("/patrons/holds?limit=100", configuredToken);
            Reply lookup = configuredClient.get("/items?id=5000000", configuredToken);

            assertThat(first.status()).isEqualTo(502);
            assertThat(second.status()).isEqualTo(200);
            assertThat(first.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            assertThat(second.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            assertThat(lookup.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
    }

    private static Reply page(int page) {
        return SIERRA.client().get("/patrons/holds?limit=100&offset=" + page * 100, SIERRA.token());
    }

    private static void assertNormalPage(Reply reply, int page) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("start").asInt()).isEqualTo(page * 100);
        assertThat(reply.json().get("entries")).hasSize(100);
        assertThat(reply.json().get("entries").get(0).get("id").asText())
                .endsWith("/" + SIERRA.simulator().dataSet().hold(page * 100).holdId());
    }
}
