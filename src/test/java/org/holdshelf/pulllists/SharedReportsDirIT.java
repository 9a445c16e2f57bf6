package org.holdshelf.pulllists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.events.Json;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two pipeline JVMs reading pull lists in one consumer group must share the reports directory:
 * with different ones, each one's health (GET /q/health on its operators' port) is DOWN naming the
 * other instance, its own directory and the setting, with one error line in its log; once the
 * other has stopped, or when they share one, it is UP naming both.
 */
class SharedReportsDirIT {

    private static final Pattern OPS_PORT = Pattern.compile("Operators' page: http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldReportInstancesThatDoNotShareTheReportsDirectory() throws Exception {
        Path reportsA = dir.resolve("reports-a");
        Path reportsB = dir.resolve("reports-b");
        try (PipelineHarness h = PipelineHarness.create("shared-dir", SierraSandboxSettings.builder().holds(100).build(), reportsA)
                .set("holdshelf.reports.shared-dir-check-interval", "300ms")) {
            Path logA = log(h, "a");
            Path logB = log(h, "b");
            Path logB2 = log(h, "b2");
            try (ChildPipeline a = ChildPipeline.start(instance(h, "a", reportsA), logA)) {
                int portA;
                try (ChildPipeline b = ChildPipeline.start(instance(h, "b", reportsB), logB)) {
                    portA = opsPort(logA);
                    int portB = opsPort(logB);

                    // (a) different directories: each names the other, its own directory and what to do
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        assertThat(pullListsHealth(portA)).get().satisfies(c -> assertNotShared(c, "b", reportsA));
                        assertThat(pullListsHealth(portB)).get().satisfies(c -> assertNotShared(c, "a", reportsB));
                    });
                    // logged when it started, not at every check (one every 300 ms)
                    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                            errorLines(logA) == 1 && errorLines(logB) == 1);
                    assertThat(read(logA)).contains("ERROR").contains("Reports directory not shared: instance b reads pull lists")
                            .contains(reportsA.toAbsolutePath() + ", the reports directory of this instance (a)");
                }
                assertThat(reportsB.resolve(".instances")).as("b's mark, removed when it stopped").isEmptyDirectory();

                // b left the group: nobody else reads pull lists
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                        assertThat(pullListsHealth(portA)).get().satisfies(c -> {
                            assertThat(c.get("status").asText()).isEqualTo("UP");
                            assertThat(c.get("detail").asText()).endsWith("shared by the instances reading pull lists (a)");
                        }));
                assertThat(read(logA)).contains("INFO").contains("Reports directory " + reportsA.toAbsolutePath()
                        + " is shared again by every instance reading pull lists (a)");

                // (b) one directory: both UP, each having seen the other in the group, and no error
                try (ChildPipeline b2 = ChildPipeline.start(instance(h, "b", reportsA), logB2)) {
                    int portB2 = opsPort(logB2);
                    String bothShare = "reports directory " + reportsA.toAbsolutePath()
                            + " shared by the instances reading pull lists (a, b)";
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        assertThat(pullListsHealth(portA)).get().satisfies(c -> assertShared(c, bothShare));
                        assertThat(pullListsHealth(portB2)).get().satisfies(c -> assertShared(c, bothShare));
                    });
                    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                            errorLines(logA) == 1 && errorLines(logB2) == 0
                                    && pullListsHealth(portA).map(c -> "UP".equals(c.get("status").asText())).orElse(false)
                                    && pullListsHealth(portB2).map(c -> "UP".equals(c.get("status").asText())).orElse(false));
                    assertThat(reportsA.resolve(".instances").resolve("a.json")).exists();
                    assertThat(reportsA.resolve(".instances").resolve("b.json")).exists();
                }
            }
        }
    }

    private static void assertNotShared(JsonNode check, String other, Path ownDir) {
        assertThat(check.get("status").asText()).isEqualTo("DOWN");
        assertThat(check.get("detail").asText())
                .startsWith("Reports directory not shared: instance " + other + " reads pull lists")
                .contains(ownDir.toAbsolutePath().toString())
                .contains("instances must share one reports directory: holdshelf.reports.dir");
    }

    private static void assertShared(JsonNode check, String detail) {
        assertThat(check.get("status").asText()).isEqualTo("UP");
        assertThat(check.get("detail").asText()).isEqualTo(detail);
    }

    /** The settings every instance shares, plus its own name and reports directory. */
    private static Map<String, String> instance(PipelineHarness h, String id, Path reports) {
        Map<String, String> child = new TreeMap<>(h.settings());
        child.put("holdshelf.instance-id", id);
        child.put("holdshelf.reports.dir", reports.toString());
        child.put("camel.component.kafka.session-timeout-ms", "6000");
        child.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        return child;
    }

    private static Path log(PipelineHarness h, String id) {
        return Path.of("target", "shared-dir-" + h.topic("entries") + "-" + id + ".log");
    }

    /** The operators' port a child logged once started. */
    private static int opsPort(Path log) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Matcher m = OPS_PORT.matcher(read(log));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }, port -> port > 0);
    }

    /** The check {@code capability:pull-lists} of the child's {@code /q/health}, as an operator reads it. */
    private Optional<JsonNode> pullListsHealth(int port) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode check : Json.MAPPER.readTree(answer.body()).get("checks")) {
            if ("capability:pull-lists".equals(check.get("name").asText())) {
                return Optional.of(check);
            }
        }
        return Optional.empty();
    }

    private static long errorLines(Path log) {
        return read(log).lines().filter(l -> l.contains("ERROR") && l.contains("Reports directory not shared")).count();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
