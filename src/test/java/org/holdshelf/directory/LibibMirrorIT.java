package org.holdshelf.directory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.platform.kafka.CompactedTopicStore;
import org.holdshelf.platform.runtime.Health;
import org.holdshelf.sandbox.libib.LibibSandboxSettings;
import org.holdshelf.sandbox.libib.LibibSimulator;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.PipelineHarness;
import org.holdshelf.testing.SharedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Libib directory mirror through the real pipeline: the shipped route and its camel-http call,
 * the in-process broker, and the Libib simulator over HTTP at a (shortened) Libib pace that it
 * enforces with 429s.
 */
class LibibMirrorIT {

    /** The simulator's pace in these tests (Libib's is 2 s); the mirror is told the same. */
    private static final long INTERVAL_MS = 150;

    @TempDir
    Path reports;

    private PipelineHarness harness;
    private LibibSimulator libib;

    private Holdshelf start(String name, List<LibibSimulator.Patron> directory, String apiKey) {
        LibibSandboxSettings sim = LibibSandboxSettings.defaults().withPace(INTERVAL_MS, 5, 0);
        libib = new LibibSimulator(sim, directory);
        libib.start(0);
        harness = PipelineHarness.create(name, SierraSandboxSettings.builder().holds(200).seed(3).build(), reports)
                .set("holdshelf.libib.enabled", "true")
                .set("holdshelf.libib.base-url", libib.baseUrl())
                .set("holdshelf.libib.api-key", apiKey)
                .set("holdshelf.libib.api-user", sim.apiUser())
                .set("holdshelf.libib.min-interval", INTERVAL_MS + "ms")
                .set("holdshelf.libib.margin", "5ms")
                .set("holdshelf.libib.max-attempts", "2")
                .set("holdshelf.libib.initial-backoff", "300ms")
                .set("holdshelf.libib.max-backoff", "1s")
                .set("holdshelf.libib.cron", "0 0 0 1 1 ? 2099");
        return harness.start();
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        if (libib != null) {
            libib.close();
        }
    }

    private static Health health(Holdshelf app) {
        return app.wiring().healthNow().stream().filter(h -> h.name().equals("libib")).findFirst().orElseThrow();
    }

    private static CompactedTopicStore<DirectoryPatron> mirror(Holdshelf app) {
        return app.capability(DirectoryCapability.class).orElseThrow().store();
    }

    private static void awaitRead(Holdshelf app, String outcome, long callsBefore, LibibSimulator libib) {
        await().atMost(Duration.ofSeconds(60)).until(() -> libib.calls() > callsBefore
                && health(app).detail().startsWith("last read " + outcome));
    }

    private void mirrorNow(Holdshelf app) {
        long before = libib.calls();
        app.camel().createFluentProducerTemplate().to("direct:libib-mirror").withBody("test").request();
        assertThat(libib.calls()).as("the mirror called Libib").isGreaterThan(before);
    }

    @Test
    void shouldMirrorEveryPatronAtLibibsPaceThenRemoveOnlyAfterACompleteRead() {
        List<LibibSimulator.Patron> directory = new java.util.ArrayList<>(LibibSimulator.numbered(120));
        directory.add(60, new LibibSimulator.Patron(null, "No", "Barcode", "nobarcode@example.org", null, null, false));
        Holdshelf app = start("libib-mirror", directory, LibibSandboxSettings.defaults().apiKey());

        // at start-up the directory was never read, so it is read at once: 121 patrons, 3 pages
        awaitRead(app, "complete", 0, libib);
        Map<String, DirectoryPatron> mirrored = snapshot(app);
        assertThat(mirrored).hasSize(120);
        assertThat(mirror(app).get(DirectoryPatron.MIRROR_KEY)).as("the read that went through the whole directory")
                .hasValueSatisfying(m -> assertThat(m.isMirrorRead()).isTrue());
        assertThat(mirrored.get("2020000000010").noticeAddresses()).containsExactly("a10@example.org", "b10@example.org");
        assertThat(mirrored.get("2020000000025").frozen()).isTrue();
        assertThat(libib.throttled()).as("429s at Libib's pace").isZero();
        assertThat(libib.calls()).as("one call per page, none repeated").isEqualTo(3);
        List<Long> arrivals = libib.acceptedArrivals();
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(i) - arrivals.get(i - 1)))
                    .as("calls arrive at least Libib's interval apart").isGreaterThanOrEqualTo(INTERVAL_MS);
        }
        assertThat(deadLetters("libib-page-")).as("the patron without a barcode is a dead letter")
                .singleElement().satisfies(d -> assertThat(d.message()).contains("patron 11 of page 2 has no barcode"));

        // a patron removed in Libib is removed from the mirror after the next complete read
        libib.remove("2020000000007");
        mirrorNow(app);
        assertThat(health(app).detail()).startsWith("last read complete");
        assertThat(mirror(app).get("2020000000007")).isEmpty();
        assertThat(patronCount(app)).isEqualTo(119);
        assertThat(tombstones()).containsExactly("2020000000007");
    }

    @Test
    void shouldRemoveNobodyWhenAReadIsInterruptedAndSayWhy() {
        Holdshelf app = start("libib-gap", LibibSimulator.numbered(150), LibibSandboxSettings.defaults().apiKey());
        awaitRead(app, "complete", 0, libib);
        assertThat(patronCount(app)).isEqualTo(150);

        libib.remove("2020000000140");
        libib.fail(2, 200, "text/html; charset=utf-8", "<html><body>Service Unavailable</body></html>", 2);
        mirrorNow(app);

        assertThat(health(app).detail()).startsWith("last read incomplete").contains("page 2");
        assertThat(mirror(app).get("2020000000140")).as("not removed after an incomplete read").isPresent();
        assertThat(tombstones()).isEmpty();
        assertThat(deadLetters("libib-page-2")).singleElement().satisfies(d -> {
            assertThat(d.message()).contains("Libib page 2 is not JSON", "2 attempts", "removes nobody");
            assertThat(d.payload()).contains("Service Unavailable");
        });
        assertThat(libib.throttled()).as("the retry waited for its backoff").isZero();

        // the next complete read removes the patron
        mirrorNow(app);
        assertThat(mirror(app).get("2020000000140")).isEmpty();
        assertThat(tombstones()).containsExactly("2020000000140");
    }

    @Test
    void shouldStopTheMirrorWithOneClearMessageWhenLibibRefusesTheCredentials() {
        Holdshelf app = start("libib-refused", LibibSimulator.numbered(10), "wrong-key");
        await().atMost(Duration.ofSeconds(30)).until(() -> !health(app).up());

        assertThat(health(app).detail()).contains("Libib refused the credentials (HTTP 401", "holdshelf.libib.api-key")
                .doesNotContain("wrong-key");
        assertThat(libib.unauthorized()).as("no retries of a refusal").isEqualTo(1);
        app.camel().createFluentProducerTemplate().to("direct:libib-mirror").withBody("test").request();
        assertThat(libib.calls()).as("a stopped mirror calls Libib no more").isEqualTo(1);
        assertThat(mirror(app).size()).isZero();
    }

    /** The patrons in the mirror (not its MIRROR_READ record). */
    private Map<String, DirectoryPatron> snapshot(Holdshelf app) {
        Map<String, DirectoryPatron> all = new java.util.TreeMap<>();
        mirror(app).forEach((key, value) -> {
            if (!value.isMirrorRead()) {
                all.put(key, value);
            }
        });
        return all;
    }

    private int patronCount(Holdshelf app) {
        return snapshot(app).size();
    }

    private List<String> tombstones() {
        return SharedKafka.readAll(harness.topic("patrons")).stream().filter(r -> r.value() == null)
                .map(ConsumerRecord::key).collect(Collectors.toList());
    }

    private List<DeadLetter> deadLetters(String keyPrefix) {
        return harness.records("dlq", EventTypes.DEAD_LETTER).stream().filter(r -> r.key().startsWith(keyPrefix))
                .map(r -> Json.read(r.value(), DeadLetter.class)).toList();
    }
}
