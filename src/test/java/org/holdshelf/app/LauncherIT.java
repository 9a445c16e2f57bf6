package org.holdshelf.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command line as an operator uses it: {@code --once --sandbox --config FILE}, its summary and
 * its exit codes (0 completed, 1 the run failed, 2 a configuration problem).
 */
class LauncherIT {

    @TempDir
    Path dir;

    private record Result(int exitCode, String output) {
    }

    private Result run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = HoldshelfApplication.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Result(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private Path config(Map<String, String> settings) throws Exception {
        Path file = dir.resolve("site-" + settings.hashCode() + ".properties");
        Map<String, String> all = new java.util.TreeMap<>(Map.of(
                "holdshelf.kafka.embedded.dir", dir.resolve("kafka").toString(),
                "holdshelf.kafka.embedded.delete-on-stop", "true",
                "holdshelf.reports.dir", dir.resolve("reports").toString(),
                "holdshelf.sandbox.sierra.holds", "3000",
                "holdshelf.alma.calls-per-second", "200",
                "holdshelf.sandbox.alma.calls-per-second", "200",
                "holdshelf.ops.port", "0"));
        all.putAll(settings);
        Files.writeString(file, all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n")));
        return file;
    }

    @Test
    void shouldExitZeroWithASummaryOfEveryReportOfTheRun() throws Exception {
        Result result = run("--once", "--sandbox", "--config", config(Map.of()).toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("COMPLETED").containsPattern("Sierra harvest : 2 pages, 3,0\\d\\d holds scanned")
                .containsPattern("Pull lists     : \\d+ files in .*reports.*'latest' points here")
                .containsPattern("Alma scan-in   : \\d+ scanned, .*\\(scan-in.csv\\)")
                .containsPattern("Time           : start-up .*, work .*, shutdown .*");
        assertThat(dir.resolve("reports").resolve("latest")).exists();
        // the operators' endpoint ran with the run (holdshelf.ops.port=0) and keeps nothing alive after it
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && !t.isDaemon() && t.getName().contains("vert.x")));
    }

    @Test
    void shouldExitOneWhenTheRunFails() throws Exception {
        Result result = run("--once", "--sandbox", "--config", config(Map.of("holdshelf.sandbox.sierra.faults", "malformed@1")).toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("FAILED after").contains("returned a malformed page")
                .contains("nothing from this run is marked complete");
        assertThat(dir.resolve("reports").resolve("latest")).doesNotExist();
    }

    @Test
    void shouldExitTwoOnAConfigurationProblem() throws Exception {
        assertThat(run("--once", "--config", dir.resolve("missing.properties").toString()).exitCode()).isEqualTo(2);
        assertThat(run("--sideways").exitCode()).isEqualTo(2);
        assertThat(run("--once", "--sandbox", "--config", config(Map.of("holdshelf.sierra.page-size", "5000")).toString())
                .exitCode()).as("a setting out of range").isEqualTo(2);
        assertThat(run("--once", "--config", config(Map.of()).toString()).exitCode())
                .as("no Sierra without the sandbox").isEqualTo(2);
    }

    @Test
    void shouldPrintUsage() {
        Result result = run("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("--once").contains("--sandbox").contains("--config FILE");
    }
}
