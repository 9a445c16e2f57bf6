package org.holdshelf.ops;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.kafka.EmbeddedKafkaBroker;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operators' endpoint through real HTTP, against the real broker and the Sierra simulator:
 * the token, a harvest on demand (202, then 409 while it runs), its progress and counts in the
 * metrics, the page, the run files and every way out of them, and health following the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsIT {

    private static final String TOKEN = "ops-it-token-0123456789abcdef";

    @TempDir
    static Path reports;
    private PipelineHarness harness;
    private OpsHttp http;

    @BeforeAll
    void start() {
        // about 8 s of harvest: 24 pages of 1,000 holds at 300 ms each, long enough to be seen running
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(24_000).pageLatencyMs(300).build();
        harness = PipelineHarness.create("ops", sierra, reports).set("holdshelf.ops.token", TOKEN)
                .set("holdshelf.sierra.page-size", "1000").set("holdshelf.harvest.progress-interval", "500ms")
                .set("holdshelf.ops.refresh-interval", "500ms");
        harness.start();
        http = new OpsHttp(harness.holdshelf().capability(OpsCapability.class).orElseThrow().port(), TOKEN);
    }

    @AfterAll
    void stop() {
        harness.close();
    }

    @Test
    void shouldRefuseEverythingButHealthWithoutTheToken() {
        for (String path : List.of("/", "/q/metrics", "/files/2026-11-23/20261123T081500Z-3fa9/MAIN.csv", "/nowhere")) {
            OpsHttp.Answer answer = http.getWithoutToken(path);
            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.headers()).as(path).containsIgnoringCase("www-authenticate");
            assertThat(http.getWithToken(path, TOKEN.substring(0, TOKEN.length() - 1) + "x").status()).as(path).isEqualTo(401);
        }
        assertThat(http.postWithoutToken("/api/harvest").status()).isEqualTo(401);
        assertThat(http.postWithoutToken("/notices").status()).isEqualTo(401);
        assertThat(http.getWithoutToken("/q/health").status()).isIn(200, 503);
        assertThat(http.getWithoutToken("/q/health/live").status()).isEqualTo(200);
        assertThat(http.getWithoutToken("/q/health/ready").status()).isIn(200, 503);

        OpsHttp.Answer metrics = http.get("/q/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.headers() + metrics.body()).as("no secret in an answer").doesNotContain(TOKEN);
        assertThat(metrics.body()).containsPattern("holdshelf_ops_requests_refused_total [1-9]");
    }

    @Test
    void shouldStartAHarvestAtOnceRefuseAnotherWhileItRunsAndCountItInTheMetrics() throws Exception {
        long asked = System.nanoTime();
        OpsHttp.Answer started = http.post("/api/harvest");
        Duration answeredIn = Duration.ofNanos(System.nanoTime() - asked);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String runId = Json.MAPPER.readTree(started.body()).path("runId").asText();
        assertThat(runId).matches("\\d{8}T\\d{6}Z-[0-9a-f]{4}");
        assertThat(answeredIn).as("answered before the run ended").isLessThan(Duration.ofSeconds(5));

        OpsHttp.Answer second = http.post("/api/harvest");
        assertThat(second.status()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(second.body()).path("runId").asText()).isEqualTo(runId);

        // progress while it runs
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String m = http.get("/q/metrics").body();
            assertThat(m).contains("holdshelf_harvest_running 1.0");
            assertThat(value(m, "holdshelf_harvest_progress_pages")).isGreaterThan(0);
            assertThat(value(m, "holdshelf_harvest_progress_rate_holds_per_second")).isGreaterThan(0);
        });

        RunEvent completed = await().atMost(Duration.ofSeconds(90)).until(() -> completed(runId), r -> r != null);
        assertThat(completed.trigger()).isEqualTo("operator");
        assertThat(harness.pullLists().awaitManifest(runId, Duration.ofSeconds(60))).isPresent();

        long ready = completed.locations().values().stream().mapToLong(RunEvent.LocationCount::ready).sum();
        long inTransit = completed.locations().values().stream().mapToLong(RunEvent.LocationCount::inTransit).sum();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String m = http.get("/q/metrics").body();
            assertThat(m).contains("holdshelf_harvest_runs_total{outcome=\"completed\"} 1.0", "holdshelf_harvest_running 0.0");
            assertThat(value(m, "holdshelf_harvest_holds_scanned_total")).isEqualTo(completed.holdsScanned());
            assertThat(value(m, "holdshelf_harvest_pages_total")).isEqualTo(completed.pages().longValue());
            assertThat(value(m, "holdshelf_harvest_events_total{state=\"ready\"}")).isEqualTo(ready);
            assertThat(value(m, "holdshelf_harvest_events_total{state=\"in_transit\"}")).isEqualTo(inTransit);
            assertThat(value(m, "holdshelf_pull_lists_locations_written_total")).isEqualTo(completed.locations().size());
            assertThat(value(m, "holdshelf_harvest_duration_seconds_count")).isEqualTo(1);
            assertThat(m).containsPattern("holdshelf_kafka_consumer_lag_records\\{capability=\"pull-lists\",group=\""
                    + harness.settings().get("holdshelf.reports.group-id") + "\"");
        });
        assertEveryPipelineMetricIsDocumented(http.get("/q/metrics").body());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.get("/").body()).contains(runId)
                .contains("Latest pull lists").contains("/files/"));
    }

    @Test
    void shouldRefuseEveryPathThatLeadsOutOfTheRunFiles() throws Exception {
        Path run = Files.createDirectories(reports.resolve("2026-01-01").resolve("20260101T000000Z-abcd"));
        Files.createSymbolicLink(run.resolve("PASSWD.csv"), Path.of("/etc/passwd"));
        for (String path : List.of("/files/../../etc/passwd", "/files/%2e%2e/%2e%2e/etc/passwd", "/files/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                "/files/..%2f..%2fetc%2fpasswd", "/files/..%5c..%5cetc%5cpasswd", "/files/..\\..\\etc\\passwd",
                "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/files/./../etc/passwd",
                "/files/2026-01-01/20260101T000000Z-abcd/PASSWD.csv", "/files/2026-01-01/20260101T000000Z-abcd/..%2f..%2f..%2fetc%2fpasswd",
                "/files/%252e%252e/%252e%252e/etc/passwd")) {
            OpsHttp.Answer answer = http.rawGet(path);
            assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.body()).as(path).doesNotContain("root:");
        }
    }

    @Test
    void shouldReportKafkaDownWhileTheBrokerIsStoppedAndUpWhenItIsBack(@TempDir Path dir) throws Exception {
        int port = freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), port, false);
        EmbeddedKafkaBroker restarted = null;
        try (PipelineHarness own = PipelineHarness.create("ops-kafka", SierraSandboxSettings.builder().holds(1000).build(),
                dir.resolve("reports")).set("camel.component.kafka.brokers", broker.bootstrapServers())
                .set("holdshelf.ops.token", TOKEN)) {
            own.start();
            OpsHttp ownHttp = new OpsHttp(own.holdshelf().capability(OpsCapability.class).orElseThrow().port(), TOKEN);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                OpsHttp.Answer health = ownHttp.getWithoutToken("/q/health");
                assertThat(health.status()).as(health.body()).isEqualTo(200);
                assertThat(health.body()).contains("{\"name\":\"kafka\",\"status\":\"UP\"");
            });

            broker.close();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                OpsHttp.Answer health = ownHttp.getWithoutToken("/q/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.body()).contains("\"status\":\"DOWN\"").contains("{\"name\":\"kafka\",\"status\":\"DOWN\"");
            });
            assertThat(ownHttp.getWithoutToken("/q/health/ready").status()).isEqualTo(503);
            assertThat(ownHttp.getWithoutToken("/q/health/live").status()).as("a restart would not bring Kafka back")
                    .isEqualTo(200);

            restarted = EmbeddedKafkaBroker.start(dir.resolve("kafka"), port, true);
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                OpsHttp.Answer health = ownHttp.getWithoutToken("/q/health");
                assertThat(health.body()).contains("{\"name\":\"kafka\",\"status\":\"UP\"");
                assertThat(health.status()).as(health.body()).isEqualTo(200);
            });
        } finally {
            broker.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    private RunEvent completed(String runId) {
        for (ConsumerRecord<String, byte[]> r : harness.records("runs", "RUN_COMPLETED")) {
            RunEvent e = Json.read(r.value(), RunEvent.class);
            if (e.runId().equals(runId)) {
                return e;
            }
        }
        return null;
    }

    /** The value of a sample line ({@code name{labels} value}) of the scrape. */
    private static long value(String scrape, String sample) {
        return scrape.lines().filter(l -> l.startsWith(sample + " ")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(sample.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no " + sample + " in the metrics"));
    }

    /** Every pipeline metric family the endpoint serves is named by Prometheus conventions and listed in the README. */
    private static void assertEveryPipelineMetricIsDocumented(String scrape) throws Exception {
        Set<String> families = new LinkedHashSet<>();
        Matcher type = Pattern.compile("(?m)^# TYPE (holdshelf_[a-z0-9_]+) (\\w+)").matcher(scrape);
        while (type.find()) {
            families.add(type.group(1).replaceAll("_max$", "")); // a timer's maximum is documented with the timer
            if (type.group(2).equals("counter")) {
                assertThat(type.group(1)).endsWith("_total");
            }
        }
        assertThat(families).hasSizeGreaterThan(10);
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertThat(families).allSatisfy(f -> assertThat(readme).as("README documents " + f).contains("`" + f));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
