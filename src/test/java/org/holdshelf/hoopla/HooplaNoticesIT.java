package org.holdshelf.hoopla;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.HoldEvent;
import org.holdshelf.events.Json;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.hoopla.HooplaHold;
import org.holdshelf.sandbox.hoopla.HooplaSandboxSettings;
import org.holdshelf.sandbox.hoopla.HooplaSimulator;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SimPatron;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hoopla's reserved titles through the real pipeline: polled from the Hoopla simulator over HTTP,
 * published with the next harvest's run as location hoopla (pull list hoopla.csv), and announced
 * once by email (GreenMail), also across a restart that empties the poll's memory.
 */
class HooplaNoticesIT {

    @TempDir
    Path dir;

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

    private static Map<String, NoticeEvent> hooplaNotices(PipelineHarness h) {
        Map<String, NoticeEvent> last = new TreeMap<>();
        h.records("notices", EventTypes.NOTICE).stream().map(r -> Json.read(r.value(), NoticeEvent.class))
                .filter(n -> "hoopla".equals(n.pickupLocationCode())).forEach(n -> last.put(n.noticeId(), n));
        return last;
    }

    @Test
    void shouldAnnounceEveryReservedTitleOfThePolledCardsOnceAndNoWaitingOne() throws Exception {
        SierraSandboxSettings sierra = SierraSandboxSettings.builder().holds(2_000).seed(61).build();
        try (PipelineHarness h = PipelineHarness.create("hoopla-notices", sierra, dir.resolve("reports"))
                .withNotices(smtp.getSmtp().getPort())) {
            HooplaSandboxSettings settings = HooplaSandboxSettings.builder().latencyMs(5).jitterMs(2).cardsWithHoldsPercent(100)
                    .reservedPercent(50).referenceTime(Instant.now()).build();
            try (HooplaSimulator hoopla = new HooplaSimulator(settings, HooplaSimulator.directoryFor(h.data(), settings)).start(0)) {
                List<String> cards = hoopla.cardsWithHolds().subList(0, 24);
                Path file = dir.resolve("cards.txt");
                Files.write(file, cards);
                h.set("holdshelf.hoopla.enabled", "true").set("holdshelf.hoopla.base-url", hoopla.baseUrl())
                        .set("holdshelf.hoopla.username", settings.username()).set("holdshelf.hoopla.password", settings.password())
                        .set("holdshelf.hoopla.library-id", Long.toString(settings.libraryId()))
                        .set("holdshelf.hoopla.cards", file.toString()).set("holdshelf.hoopla.cron", "0 0 0 1 1 ? 2099");
                Map<String, Long> patronOf = new HashMap<>();
                h.data().patrons().filter(p -> !p.deleted()).forEach(p -> p.barcodes().forEach(b -> patronOf.put(b, p.id())));

                // what should be announced: each card's RESERVED titles (with a deadline), by patron
                Map<String, Set<String>> expected = new TreeMap<>();
                for (String card : cards) {
                    for (HooplaHold hold : hoopla.holdsOf(card)) {
                        if (hold.isReserved() && hold.reserveUntil() != null) {
                            expected.computeIfAbsent(String.valueOf(patronOf.get(card)), k -> new TreeSet<>())
                                    .add("hoopla-" + card + "-" + hold.contentId());
                        }
                    }
                }
                assertThat(expected).isNotEmpty();

                Holdshelf app = h.start();
                app.wiring().camel().createProducerTemplate().sendBody("direct:hoopla-poll", "test");
                RunEvent run = app.harvestNow("with hoopla");
                assertThat(app.awaitFollowUps(run, Duration.ofSeconds(120)).values()).allMatch(java.util.Optional::isPresent);

                List<HoldEvent> published = h.records("entries", EventTypes.HOLD).stream().map(r -> Json.read(r.value(), HoldEvent.class))
                        .filter(e -> "hoopla".equals(e.source())).toList();
                assertThat(published).allSatisfy(e -> {
                    assertThat(e.runId()).isEqualTo(run.runId());
                    assertThat(e.pickupLocationCode()).isEqualTo("hoopla");
                    assertThat(e.statusCode()).isEqualTo("RESERVED");
                    assertThat(Instant.parse(e.pickupByDate())).isAfter(Instant.now());
                });
                Set<String> publishedIds = published.stream().map(HoldEvent::holdId).collect(Collectors.toCollection(TreeSet::new));
                Set<String> expectedIds = expected.values().stream().flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));
                assertThat(publishedIds).as("every RESERVED title of the polled cards, and no WAITING one").isEqualTo(expectedIds);
                Path runDir = app.wiring().runDirectory().of(run.runId());
                assertThat(runDir.resolve("hoopla.csv")).as("a pull list for staff who answer patrons' questions").exists();
                assertThat(Files.readAllLines(runDir.resolve("hoopla.csv"))).hasSize(published.size() + 1);

                Map<String, NoticeEvent> notices = hooplaNotices(h);
                Map<String, Set<String>> announced = new TreeMap<>();
                notices.values().forEach(n -> announced.put(n.patronId(), new TreeSet<>(n.holdIds())));
                assertThat(announced).as("one notice per patron listing all their reserved titles").isEqualTo(expected);
                long emailed = notices.values().stream().filter(n -> "SENT".equals(n.outcome())).count();
                assertThat(emailed).isPositive();
                int mails = smtp.getReceivedMessages().length;

                // a restart empties the poll's memory: the next harvest publishes no Hoopla title, yet forgets none
                h.stopPipeline();
                app = h.start();
                RunEvent empty = app.harvestNow("after restart, nothing read yet");
                assertThat(app.awaitFollowUps(empty, Duration.ofSeconds(120)).values()).allMatch(java.util.Optional::isPresent);
                app.wiring().camel().createProducerTemplate().sendBody("direct:hoopla-poll", "test");
                RunEvent again = app.harvestNow("read again");
                assertThat(app.awaitFollowUps(again, Duration.ofSeconds(120)).values()).allMatch(java.util.Optional::isPresent);
                assertThat(h.records("entries", EventTypes.HOLD).stream().map(r -> Json.read(r.value(), HoldEvent.class))
                        .filter(e -> again.runId().equals(e.runId()) && "hoopla".equals(e.source())).count())
                        .as("the same titles published again").isEqualTo(published.size());
                assertThat(hooplaNotices(h)).as("announced once: nothing new after the restart").hasSize(notices.size());
                assertThat(smtp.getReceivedMessages()).hasSize(mails);
            }
        }
    }
}
