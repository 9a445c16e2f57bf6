package org.holdshelf.notices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SimHold;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two pipeline JVMs sending notices on one broker: they split the locations' notices between them
 * (by partition), and the notices decided before the send window opens are released once, by one
 * of them, when it opens: no patron gets a waiting notice twice. The window is wall-clock time (the
 * JVMs cannot share a test clock): it opens at the next whole minute at least 60 s away, time for two
 * JVMs to start and a harvest to be decided.
 */
class NoticesClusterIT {

    @TempDir
    Path reports;

    private GreenMail smtp;

    @BeforeEach
    void startSmtp() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    @Test
    void shouldSplitTheNoticesAndReleaseEachWaitingNoticeOnce() throws Exception {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(3_000).seed(41).build();
        ZonedDateTime opens = Instant.now().plusSeconds(60).atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
        String window = hhmm.format(opens) + "-" + hhmm.format(opens.plusHours(1));
        try (PipelineHarness h = PipelineHarness.create("notices-cluster", sierra, reports).withNotices(smtp.getSmtp().getPort())
                .set("holdshelf.timezone", "UTC").set("holdshelf.notices.send-window", window)
                .set("holdshelf.notices.release-interval", "1s")) {
            Map<String, String> shared = new TreeMap<>(h.settings());
            shared.put("camel.component.kafka.session-timeout-ms", "6000");
            shared.put("camel.component.kafka.heartbeat-interval-ms", "1000");
            Map<String, Path> logs = new TreeMap<>();
            List<ChildPipeline> instances = new java.util.ArrayList<>();
            try {
                for (String id : List.of("a", "b")) {
                    logs.put(id, Path.of("target", "notices-cluster-" + h.topic("notices") + "-" + id + ".log"));
                    Map<String, String> settings = new TreeMap<>(shared);
                    settings.put("holdshelf.instance-id", id);
                    instances.add(ChildPipeline.start(settings, logs.get(id)));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> logs.values().stream()
                        .allMatch(log -> read(log).contains("Holdshelf pipeline started")));

                // the harvest, from this JVM (no notices of its own)
                h.set("holdshelf.notices.enabled", "false").set("holdshelf.reports.enabled", "false");
                h.start().harvestNow("night");
                Set<String> pairs = allPairs(h.data());
                await().atMost(Duration.ofSeconds(60)).until(() -> last(NoticesIT.audit(h), "WAITING").keySet().equals(pairs));
                assertThat(Instant.now()).as("the notices were decided before the window opened").isBefore(opens.toInstant());
                assertThat(smtp.getReceivedMessages()).as("nothing sent outside the window").isEmpty();
                assertThat(logs.values()).as("both instances decided notices of their locations")
                        .allSatisfy(log -> assertThat(read(log)).contains("Notices for "));

                Map<String, Set<String>> withEmail = emailPairs(h.data());
                await().atMost(Duration.ofSeconds(150)).until(() -> smtp.getReceivedMessages().length >= withEmail.size());
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> smtp.getReceivedMessages().length == withEmail.size());
                Set<String> messageIds = new HashSet<>();
                for (MimeMessage m : smtp.getReceivedMessages()) {
                    assertThat(messageIds.add(m.getMessageID())).as("released once: " + m.getMessageID()).isTrue();
                }
                assertThat(last(NoticesIT.audit(h), "SENT").keySet()).containsExactlyElementsOf(withEmail.keySet());
            } finally {
                for (ChildPipeline instance : instances) {
                    instance.close();
                }
            }
        }
    }

    /**
     * One of two instances sending notices is SIGKILLed mid-send: the other takes its partitions
     * over once its session expires and sends the rest. Every patron and location gets its notice,
     * never two different ones; the only repeats are of notices caught between being sent and being
     * recorded, sent again with the same Message-ID.
     */
    @Test
    void shouldLoseNoNoticeAndSendNoneTwiceWhenOneInstanceIsKilledWhileSending() throws Exception {
        try (PipelineHarness h = PipelineHarness.create("notices-kill", SierraSandboxSettings.builder().holds(40_000).seed(12).build(),
                reports).withNotices(smtp.getSmtp().getPort()).set("holdshelf.timezone", "UTC")
                .set("holdshelf.notices.send-batch", "50").set("holdshelf.notices.smtp.connections", "1")) {
            Map<String, Set<String>> expected = NoticesIT.expectedEmails(h.data());
            assertThat(expected.size()).isGreaterThan(2_000);
            Map<String, String> shared = new TreeMap<>(h.settings());
            shared.put("camel.component.kafka.session-timeout-ms", "6000");
            shared.put("camel.component.kafka.heartbeat-interval-ms", "1000");
            // the run's events and end markers are on the topic before either instance sends
            h.set("holdshelf.notices.enabled", "false").set("holdshelf.reports.enabled", "false");
            org.holdshelf.events.RunEvent run = h.start().harvestNow("test");
            h.stopPipeline();

            Map<String, ChildPipeline> instances = new TreeMap<>();
            Map<String, Path> logs = new TreeMap<>();
            try {
                for (String id : List.of("a", "b")) {
                    logs.put(id, Path.of("target", "notices-kill-" + run.runId() + "-" + id + ".log"));
                    Map<String, String> settings = new TreeMap<>(shared);
                    settings.put("holdshelf.instance-id", id);
                    instances.put(id, ChildPipeline.start(settings, logs.get(id)));
                }
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                        .until(() -> smtp.getReceivedMessages().length >= 300
                                && logs.values().stream().allMatch(log -> read(log).contains("Notices for ")));
                instances.remove("a").kill();
                int atKill = smtp.getReceivedMessages().length;
                assertThat(atKill).as("killed while sending").isLessThan(expected.size());
                Set<String> caughtSending = NoticesIT.sendingNotices(h);

                Path report = reports.resolve(org.holdshelf.events.RunIds.runDate(run.runId(), java.time.ZoneId.of("UTC")).toString())
                        .resolve(run.runId()).resolve("notices.csv");
                await().atMost(Duration.ofSeconds(180)).until(() -> Files.exists(report));
                await().atMost(Duration.ofSeconds(30)).until(() -> NoticesIT.received(smtp).keySet().equals(expected.keySet()));
                NoticesIT.assertOnceButCaughtSending(NoticesIT.received(smtp), expected, caughtSending);
            } finally {
                for (ChildPipeline instance : instances.values()) {
                    instance.close();
                }
            }
        }
    }

    private static Set<String> allPairs(HoldsDataSet data) {
        return data.holds().filter(SimHold::isReady).map(h -> h.patronId() + "@" + h.pickupLocationCode())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Set<String>> emailPairs(HoldsDataSet data) {
        Map<String, Set<String>> pairs = new TreeMap<>();
        data.holds().filter(SimHold::isReady).filter(h -> NoticesIT.expectedAddress(data, h.patronId()).isPresent())
                .forEach(h -> pairs.computeIfAbsent(h.patronId() + "@" + h.pickupLocationCode(), k -> new TreeSet<>())
                        .add(String.valueOf(h.holdId())));
        return pairs;
    }

    private static Map<String, NoticeEvent> last(List<NoticeEvent> audit, String outcome) {
        Map<String, NoticeEvent> byPair = new TreeMap<>();
        audit.stream().filter(n -> outcome.equals(n.outcome()))
                .forEach(n -> byPair.put(n.patronId() + "@" + n.pickupLocationCode(), n));
        return byPair;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
