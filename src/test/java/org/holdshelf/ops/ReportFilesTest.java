package org.holdshelf.ops;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;

import org.holdshelf.platform.files.RunDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The run files the page serves, and every way of asking for something else. */
class ReportFilesTest {

    private static final String RUN = "2026-11-23/20261123T081500Z-3fa9";

    @TempDir
    Path dir;
    private Path reports;
    private ReportFiles files;

    @BeforeEach
    void layOut() throws Exception {
        reports = dir.resolve("reports");
        Path run = Files.createDirectories(reports.resolve(RUN));
        Files.writeString(run.resolve("MAIN.csv"), "hold_id\r\n1\r\n");
        Files.writeString(run.resolve("main%2D1.csv"), "hold_id\r\n2\r\n");
        Files.writeString(run.resolve(".lock"), "");
        Files.writeString(dir.resolve("secret.csv"), "root:x:0:0");
        files = new ReportFiles(new RunDirectory(reports, ZoneId.of("UTC"), false));
    }

    @Test
    void shouldServeARunsFile() throws Exception {
        assertThat(files.resolve("/files/" + RUN + "/MAIN.csv")).hasValueSatisfying(p -> assertThat(p.getFileName())
                .hasToString("MAIN.csv"));
        assertThat(files.resolve("/files/" + RUN + "/MAIN.csv?download=1")).isPresent();
    }

    @Test
    void shouldServeAFileWhoseNameHasAnEscapeThroughItsLink() throws Exception {
        String href = ReportFiles.href(RUN, "main%2D1.csv");
        assertThat(href).isEqualTo("/files/" + RUN + "/main%252D1.csv");
        assertThat(Files.readString(files.resolve(href).orElseThrow(), StandardCharsets.UTF_8)).contains("2");
    }

    @Test
    void shouldAnswerNothingForAWellFormedPathWithoutAFile() throws Exception {
        assertThat(files.resolve("/files/" + RUN + "/NOPE.csv")).isEmpty();
        assertThat(files.resolve("/files/2030-01-01/20300101T000000Z-0000/MAIN.csv")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/files/../../etc/passwd",
        "/files/../secret.csv",
        "/files/2026-11-23/../../secret.csv",
        "/files/%2e%2e/%2e%2e/etc/passwd",
        "/files/%2E%2E/secret.csv",
        "/files/..%2f..%2fetc%2fpasswd",
        "/files/2026-11-23%2F20261123T081500Z-3fa9%2FMAIN.csv",
        "/files/..%5c..%5csecret.csv",
        "/files/2026-11-23\\20261123T081500Z-3fa9\\MAIN.csv",
        "/files//etc/passwd",
        "/files/%2Fetc%2Fpasswd",
        "/files/2026-11-23/20261123T081500Z-3fa9/.lock",
        "/files/2026-11-23/20261123T081500Z-3fa9/MAIN.csv%00.json",
        "/files/2026-11-23/20261123T081500Z-3fa9/MAIN.txt",
        "/files/2026-11-23/20261123T081500Z-3fa9",
        "/files/2026-11-23/20261123T081500Z-3fa9/sub/MAIN.csv",
        "/files/sandbox-mail/x/1.eml",
        "/etc/passwd",
        "/files/2026-11-23/20261123T081500Z-3fa9/%ZZ.csv"})
    void shouldRefuseEveryOtherPath(String uri) {
        assertThatThrownBy(() -> files.resolve(uri)).isInstanceOf(ReportFiles.RefusedPath.class);
    }

    @Test
    void shouldRefuseALinkThatLeadsOutOfTheReportsDirectory() throws Exception {
        Files.createSymbolicLink(reports.resolve(RUN).resolve("OUT.csv"), dir.resolve("secret.csv"));
        assertThatThrownBy(() -> files.resolve("/files/" + RUN + "/OUT.csv")).isInstanceOf(ReportFiles.RefusedPath.class)
                .hasMessageContaining("link");
    }

    @Test
    void shouldServeALinkThatStaysInside() throws Exception {
        Files.createSymbolicLink(reports.resolve(RUN).resolve("SAME.csv"), reports.resolve(RUN).resolve("MAIN.csv"));
        assertThat(files.resolve("/files/" + RUN + "/SAME.csv")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/files/../x", "/a/./b", "/%2e%2e/x", "/files/%2E/x", "/x\\y", "/x%5cy", "/x%00", "/.."})
    void shouldSeeAClimbingRawPath(String raw) {
        assertThat(ReportFiles.climbs(raw)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/files/2026-11-23/20261123T081500Z-3fa9/main%252D1.csv", "/q/health", "/files/a.b.csv"})
    void shouldLetAnOrdinaryRawPathThrough(String raw) {
        assertThat(ReportFiles.climbs(raw)).isFalse();
    }
}
