package org.holdshelf.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.RunEvent;
import org.holdshelf.events.RunIds;
import org.holdshelf.harvest.HarvestSlots;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.EmbeddedKafkaBroker;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.sandbox.Sandbox;
import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.alma.AlmaSimulator;
import org.holdshelf.sandbox.alma.AlmaStats;
import org.holdshelf.sandbox.hoopla.HooplaSandboxSettings;
import org.holdshelf.sandbox.hoopla.HooplaSimulator;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SierraSimulator;
import org.holdshelf.testing.ChildPipeline;
import org.holdshelf.testing.PipelineHarness;

/**
 * Scenario {@code cluster} (issue "several instances"): several pipeline JVMs ({@link ChildPipeline},
 * SIGKILL-able) on the bench's broker. (1) The takeover of a scheduled harvest whose instance is
 * SIGKILLed mid-run: kill to the takeover's RUN_STARTED and RUN_COMPLETED, over several trials.
 * (2) Alma scan-in calls/s with one, two and three instances against the same per-second limit.
 * Child logs go to {@code <bench work dir>/cluster/logs}. About 6 minutes. Scenario {@code hoopla-cluster}
 * ({@link #runHoopla()}): Hoopla's per-minute budget across three instances, the owner SIGKILLed
 * mid-poll, measured at the simulator. About 5 minutes.
 */
final class ClusterBench {

    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final int TAKEOVER_TRIALS = 5;
    private static final String TOOK_OVER = "Alma scan-ins run in this instance now";

    private final Path dir;
    private final Path logs;
    private final EmbeddedKafkaBroker broker;
    private final List<String> out;

    ClusterBench(Path work, EmbeddedKafkaBroker broker, List<String> out) throws IOException {
        this.dir = work.resolve("cluster");
        this.logs = Files.createDirectories(dir.resolve("logs"));
        this.broker = broker;
        this.out = out;
    }

    void run() throws Exception {
        takeover();
        almaInstances();
        out.add("\nChild JVM logs: `" + logs + "`");
    }

    // ---------------------------------------------------------------- takeover after a SIGKILL

    /** Kill to takeover, one trial. */
    private record Trial(String victim, String victimRun, int pagesAtKill, String survivor, long toAbandonedMs, long toStartedMs,
            long toCompletedMs, long takeoverRunMs, long holds, long startsOfSlot) {
    }

    /**
     * Two instances with the harvest scheduled every 20 s; a run of 40 pages at 250 ms (~10 s). When
     * a run has done 2 pages, the instance running it is SIGKILLed; the other one takes the slot over.
     * After each trial a fresh instance joins, so every trial starts with two live instances; a victim
     * run is one whose slot every live instance published (all of them up and scheduling).
     */
    private void takeover() throws Exception {
        int holds = 20_000;
        int pageSize = 500;
        long pageLatencyMs = 250;
        String cron = "0/20 * * * * ?";
        out.add("\n## Cluster: takeover of a scheduled harvest after a SIGKILL, two instances");
        out.add(String.format(Locale.ROOT, "%,d holds, pages of %d at %d ms (a run of ~%.0f s), schedule `%s`, consumer session timeout %d ms, "
                        + "heartbeat %d ms, progress every 200 ms; each trial kills the instance running a slot once its run has done "
                        + "2 pages, then a fresh instance joins for the next trial", holds, pageSize, pageLatencyMs,
                (double) holds / pageSize * pageLatencyMs / 1000, cron, SESSION_TIMEOUT.toMillis(), HEARTBEAT.toMillis()));
        String prefix = "cluster-takeover-" + UUID.randomUUID().toString().substring(0, 8);
        List<Trial> trials = new ArrayList<>();
        try (SierraSimulator sierra = new SierraSimulator(SierraSandboxSettings.builder().holds(holds).pageLatencyMs(pageLatencyMs).build())) {
            sierra.start(0);
            Map<String, String> shared = settings(prefix, sierra);
            shared.put("holdshelf.reports.enabled", "false");
            shared.put("holdshelf.harvest.scheduled", "true");
            shared.put("holdshelf.harvest.cron", cron);
            shared.put("holdshelf.sierra.page-size", String.valueOf(pageSize));
            shared.put("holdshelf.harvest.progress-interval", "200ms");
            shared.put("holdshelf.harvest.abandon-after", "60s");
            Map<String, ChildPipeline> live = new TreeMap<>();
            char nextId = 'a';
            try (Tail runs = new Tail(shared.get(Topic.RUNS.setting()));
                 Tail slots = new Tail(shared.get(Topic.HARVEST_SLOTS.setting()))) {
                for (int i = 0; i < 2; i++, nextId++) {
                    String id = String.valueOf(nextId);
                    live.put(id, ChildPipeline.start(child(shared, id), logs.resolve("takeover-" + id + ".log")));
                }
                Set<String> usedSlots = new HashSet<>();
                for (int trial = 1; trial <= TAKEOVER_TRIALS; trial++) {
                    RunEvent victim = await("a run to kill (trial " + trial + ")", Duration.ofSeconds(120), () -> {
                        runs.poll();
                        slots.poll();
                        Map<String, Set<String>> publishers = publishers(slots.records());
                        List<RunEvent> events = runEvents(runs.records());
                        Set<String> ended = new HashSet<>();
                        events.stream().filter(RunEvent::isOutcome).forEach(e -> ended.add(e.runId()));
                        return events.stream().filter(e -> EventTypes.RUN_PROGRESS.equals(e.type()) && e.pages() != null && e.pages() >= 2
                                        && e.slot() != null && !usedSlots.contains(e.slot()) && !ended.contains(e.runId())
                                        && live.containsKey(e.instance())
                                        && publishers.getOrDefault(e.slot(), Set.of()).containsAll(live.keySet()))
                                .findFirst().orElse(null);
                    });
                    usedSlots.add(victim.slot());
                    live.remove(victim.instance()).kill();
                    Instant killedAt = Instant.now();
                    String slot = victim.slot();
                    RunEvent completed = await("the takeover of slot " + slot + " (trial " + trial + ")", Duration.ofSeconds(120), () -> {
                        runs.poll();
                        return runEvents(runs.records()).stream()
                                .filter(e -> EventTypes.RUN_COMPLETED.equals(e.type()) && slot.equals(e.slot())).findFirst().orElse(null);
                    });
                    List<RunEvent> events = runEvents(runs.records());
                    RunEvent started = events.stream().filter(e -> EventTypes.RUN_STARTED.equals(e.type()) && e.runId().equals(completed.runId()))
                            .findFirst().orElseThrow(() -> new AssertionError("no RUN_STARTED for takeover run " + completed.runId()));
                    RunEvent abandoned = events.stream().filter(e -> EventTypes.RUN_FAILED.equals(e.type()) && e.runId().equals(victim.runId()))
                            .findFirst().orElseThrow(() -> new AssertionError("killed run " + victim.runId() + " not recorded failed"));
                    if (abandoned.reason() == null || !abandoned.reason().startsWith(RunEvent.ABANDONED)) {
                        throw new AssertionError("killed run " + victim.runId() + " failed with " + abandoned.reason());
                    }
                    long startsOfSlot = events.stream().filter(e -> EventTypes.RUN_STARTED.equals(e.type()) && slot.equals(e.slot())).count();
                    trials.add(new Trial(victim.instance(), victim.runId(), victim.pages(), completed.instance(),
                            Duration.between(killedAt, Instant.parse(abandoned.at())).toMillis(),
                            Duration.between(killedAt, Instant.parse(started.startedAt())).toMillis(),
                            Duration.between(killedAt, Instant.parse(completed.finishedAt())).toMillis(),
                            completed.durationMs() == null ? -1 : completed.durationMs(),
                            completed.holdsScanned() == null ? -1 : completed.holdsScanned(), startsOfSlot));
                    if (trial < TAKEOVER_TRIALS) {
                        String id = String.valueOf(nextId++);
                        live.put(id, ChildPipeline.start(child(shared, id), logs.resolve("takeover-" + id + ".log")));
                    }
                }
            } finally {
                ChildPipeline.closeAll(live.values());
                if (!trials.isEmpty()) {
                    takeoverTables(trials, sierra.dataSet().size());
                }
            }
        }
    }

    private void takeoverTables(List<Trial> trials, int holds) {
        out.add("| trial | killed (pages done) | took over | kill → abandoned run recorded | kill → takeover RUN_STARTED | kill → takeover RUN_COMPLETED | takeover run | holds scanned | runs started for the slot |\n|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < trials.size(); i++) {
            Trial t = trials.get(i);
            out.add(String.format(Locale.ROOT, "| %d | %s (%d) | %s | %.2f s | %.2f s | %.2f s | %.2f s | %,d of %,d | %d |", i + 1,
                    t.victim(), t.pagesAtKill(), t.survivor(), t.toAbandonedMs() / 1000.0, t.toStartedMs() / 1000.0,
                    t.toCompletedMs() / 1000.0, t.takeoverRunMs() / 1000.0, t.holds(), holds, t.startsOfSlot()));
        }
        out.add("\n| over " + trials.size() + " trials (session timeout " + SESSION_TIMEOUT.toMillis() + " ms) | median | min | max |\n|---|---|---|---|");
        out.add(stats("kill → takeover RUN_STARTED", trials.stream().map(Trial::toStartedMs).toList()));
        out.add(stats("kill → takeover RUN_COMPLETED", trials.stream().map(Trial::toCompletedMs).toList()));
        out.add(stats("kill → abandoned run recorded", trials.stream().map(Trial::toAbandonedMs).toList()));
        out.add(stats("takeover run (RUN_STARTED → RUN_COMPLETED)", trials.stream().map(Trial::takeoverRunMs).toList()));
    }

    private static String stats(String name, List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return String.format(Locale.ROOT, "| %s | **%.2f s** | %.2f s | %.2f s |", name, median / 1000, sorted.get(0) / 1000.0,
                sorted.get(n - 1) / 1000.0);
    }

    /** Slot (key) to the instances that published it. */
    private static Map<String, Set<String>> publishers(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Set<String>> publishers = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (HarvestSlots.SLOT_TYPE.equals(type(r))) {
                Object instance = Json.read(r.value(), Map.class).get("instance");
                publishers.computeIfAbsent(r.key(), k -> new HashSet<>()).add(String.valueOf(instance));
            }
        }
        return publishers;
    }

    private static List<RunEvent> runEvents(List<ConsumerRecord<String, byte[]>> records) {
        List<RunEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            String type = type(r);
            if (EventTypes.RUN_STARTED.equals(type) || EventTypes.RUN_PROGRESS.equals(type) || EventTypes.RUN_COMPLETED.equals(type)
                    || EventTypes.RUN_FAILED.equals(type)) {
                events.add(Json.read(r.value(), RunEvent.class));
            }
        }
        return events;
    }

    private static String type(ConsumerRecord<String, byte[]> r) {
        var header = r.headers().lastHeader(EventTypes.HEADER);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- Alma calls/s with 1, 2, 3 instances

    /** One scan of a harvest's in-transit barcodes by k instances. */
    private record AlmaScan(int instances, int known, long scanned, long accepted, double seconds, double rate, int maxArrivals,
            int maxAccepted, long refused, int owners, int pauses, double pausedSeconds, double launchToFirstCall, double wall,
            long lost, long repeated) {
    }

    private void almaInstances() throws Exception {
        int holds = 25_000;
        int limit = 25;
        Duration latency = Duration.ofMillis(50);
        out.add("\n## Cluster: Alma scan-in with 1, 2 and 3 instances against one limit of " + limit + " calls/s");
        out.add(String.format(Locale.ROOT, "%,d holds (seed 5), every in-transit barcode known to Alma; Alma latency %d ms, limit %d calls/s "
                        + "at the simulator and `holdshelf.alma.calls-per-second` %d in every instance. Per row: fresh topics, groups and "
                        + "Alma simulator, one harvest in-process (scan-in off), then the instances started together until the run's "
                        + "scan-in.csv exists. Rate = (accepted − 1) / (first to last accepted call).", holds, latency.toMillis(), limit, limit));
        AlmaSandboxSettings almaSettings = AlmaSandboxSettings.builder().callsPerSecond(limit).latency(latency).build();
        List<AlmaScan> scans = new ArrayList<>();
        try (SierraSimulator sierra = new SierraSimulator(SierraSandboxSettings.builder().holds(holds).seed(5).build())) {
            sierra.start(0);
            List<String> known = Sandbox.almaCatalogue(sierra.dataSet(), 0);
            try {
                for (int k = 1; k <= 3; k++) {
                    scans.add(almaScan(sierra, almaSettings, known, k));
                }
            } finally {
                if (!scans.isEmpty()) {
                    almaTable(scans, limit);
                }
            }
        }
    }

    private AlmaScan almaScan(SierraSimulator sierra, AlmaSandboxSettings almaSettings, List<String> known, int k) throws Exception {
        String prefix = "cluster-alma" + k + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (AlmaSimulator alma = new AlmaSimulator(almaSettings, known)) {
            alma.start(0);
            Map<String, String> shared = settings(prefix, sierra);
            shared.put("holdshelf.reports.enabled", "false");
            shared.put("holdshelf.harvest.scheduled", "false");
            shared.put("holdshelf.alma.base-url", alma.baseUrl());
            shared.put("holdshelf.alma.api-key", almaSettings.apiKey());
            shared.put("holdshelf.alma.library", almaSettings.library());
            shared.put("holdshelf.alma.calls-per-second", String.valueOf(almaSettings.callsPerSecond()));
            shared.put("holdshelf.alma.remaining-floor", "0");

            Map<String, String> inProcess = new LinkedHashMap<>(shared);
            inProcess.put("holdshelf.alma.enabled", "false");
            RunEvent run;
            try (Holdshelf app = Holdshelf.start(HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of())
                    .with(inProcess))) {
                run = app.harvestNow("bench");
            }
            if (!EventTypes.RUN_COMPLETED.equals(run.type())) {
                throw new AssertionError("harvest for " + k + " instances: " + run.type() + " " + run.reason());
            }
            Path report = dir.resolve("reports").resolve(RunIds.runDate(run.runId(), ZoneOffset.UTC).toString()).resolve(run.runId())
                    .resolve("scan-in.csv");

            shared.put("holdshelf.alma.enabled", "true");
            Map<String, ChildPipeline> children = new TreeMap<>();
            List<Path> childLogs = new ArrayList<>();
            long launched = System.nanoTime();
            Instant launchedAt = Instant.now();
            try {
                for (int i = 0; i < k; i++) {
                    String id = String.valueOf((char) ('a' + i));
                    Path log = logs.resolve("alma-" + k + "-" + id + ".log");
                    childLogs.add(log);
                    children.put(id, ChildPipeline.start(child(shared, id), log));
                }
                await("scan-in.csv of run " + run.runId() + " with " + k + " instances", Duration.ofMinutes(4),
                        () -> Files.exists(report) ? Boolean.TRUE : null);
            } finally {
                ChildPipeline.closeAll(children.values());
            }
            double wall = (System.nanoTime() - launched) / 1e9;
            AlmaStats stats = alma.stats();
            List<Instant> times = stats.acceptedCallTimes();
            double seconds = Duration.between(times.get(0), times.get(times.size() - 1)).toNanos() / 1e9;
            long pauseNanos = Duration.ofMillis(300).toNanos();
            int pauses = 0;
            long paused = 0;
            for (int i = 1; i < times.size(); i++) {
                long gap = Duration.between(times.get(i - 1), times.get(i)).toNanos();
                if (gap > pauseNanos) {
                    pauses++;
                    paused += gap;
                }
            }
            int owners = 0;
            for (Path log : childLogs) {
                owners += occurrences(log, TOOK_OVER);
            }
            long lost = known.stream().filter(b -> stats.scansOf(b) == 0).count();
            long repeated = stats.scansByBarcode().values().stream().filter(n -> n > 1).count();
            return new AlmaScan(k, known.size(), stats.scans(), stats.acceptedCalls(), seconds, (times.size() - 1) / seconds,
                    stats.maxArrivalsInAnyWindow(), stats.maxCallsInAnyWindow(), stats.perSecondRejections(), owners, pauses,
                    paused / 1e9, Duration.between(launchedAt, times.get(0)).toNanos() / 1e9, wall, lost, repeated);
        }
    }

    private void almaTable(List<AlmaScan> scans, int limit) {
        double baseline = scans.get(0).rate();
        out.add("| instances | barcodes scanned (known) | calls accepted | first to last accepted call | calls/s (of " + limit
                + ") | **ratio to 1 instance** | **most calls sent in any 1 s** (limit " + limit + ") | most accepted in any 1 s | refused (429) | ownerships taken | pauses over 300 ms | launch → first call | lost / repeated | launch to scan-in.csv |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (AlmaScan s : scans) {
            out.add(String.format(Locale.ROOT, "| %d | %,d (%,d) | %,d | %.1f s | %.2f (%.1f%%) | **%.3f** | **%d** | %d | %d | %d | %d, %.1f s | %.1f s | %d / %d | %.1f s |",
                    s.instances(), s.scanned(), s.known(), s.accepted(), s.seconds(), s.rate(), s.rate() / limit * 100,
                    s.rate() / baseline, s.maxArrivals(), s.maxAccepted(), s.refused(), s.owners(), s.pauses(), s.pausedSeconds(),
                    s.launchToFirstCall(), s.lost(), s.repeated(), s.wall()));
        }
    }

    private static int occurrences(Path log, String text) {
        try {
            String content = Files.exists(log) ? Files.readString(log) : "";
            int n = 0;
            for (int i = content.indexOf(text); i >= 0; i = content.indexOf(text, i + text.length())) {
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- Hoopla's per-minute budget across instances

    private static final String HOOPLA_POLLS_HERE = "Hoopla is polled by this instance now";
    private static final String HOOPLA_STANDS_BY = "this one stands by";
    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

    /** Scenario {@code hoopla-cluster}: Hoopla polled by the owner of the harvest slots, the owner SIGKILLed mid-poll. */
    void runHoopla() throws Exception {
        hooplaHandover();
        out.add("\nChild JVM logs: `" + logs + "`");
    }

    /**
     * Two instances (a, b) with the harvest scheduled start together and poll Hoopla (1,000 cards, a
     * poll of over half an hour) at a budget of 30 requests a minute against a simulated Hoopla whose
     * own limit is that budget (a request over it is answered 429); once the owner has made 20 calls
     * a third instance joins (it must not take the slots), once it has made 45 it is SIGKILLed, and
     * the bench waits for 50 calls of the new owner. Measured at the simulator over the whole trial.
     */
    private void hooplaHandover() throws Exception {
        int budget = 30;
        int cards = 1_000;
        int callsBeforeJoin = 20;
        int callsBeforeKill = 45;
        int callsAfterTakeover = 50;
        String cron = "0/10 * * * * ?";
        HooplaSandboxSettings sim = HooplaSandboxSettings.builder().requestsPerMinute(budget).latencyMs(40).jitterMs(10).build();
        out.add("\n## Cluster: Hoopla's per-minute budget across instances, the owner SIGKILLed mid-poll");
        out.add(String.format(Locale.ROOT, "Instances a and b start together with the harvest scheduled (so Hoopla follows the harvest "
                        + "slots), `holdshelf.hoopla.requests-per-minute` %d, Hoopla's trigger `%s`, %,d cards (`cards-per-poll` %,d: "
                        + "a poll of %.0f minutes). One simulated Hoopla in the bench JVM with its limit at the budget (%d requests in "
                        + "any 60 s, a request over it answered 429), latency %d ms + up to %d ms. Once the owner has made %d holds calls "
                        + "instance c joins; once it has made %d it is SIGKILLed; the bench stops when the new owner has made %d. "
                        + "Session timeout %d ms, heartbeat %d ms.", budget, cron, cards, cards, cards / (double) budget, budget,
                sim.latencyMs(), sim.jitterMs(), callsBeforeJoin, callsBeforeKill, callsAfterTakeover, SESSION_TIMEOUT.toMillis(),
                HEARTBEAT.toMillis()));
        String prefix = "cluster-hoopla-" + UUID.randomUUID().toString().substring(0, 8);
        long anchorNanos = System.nanoTime();
        Instant anchor = Instant.now();
        try (SierraSimulator sierra = new SierraSimulator(SierraSandboxSettings.builder().holds(2_000).build());
             HooplaSimulator hoopla = new HooplaSimulator(sim, HooplaSimulator.numbered(cards, 10, Instant.now()))) {
            sierra.start(0);
            hoopla.start(0);
            Map<String, String> shared = settings(prefix, sierra);
            shared.putAll(PipelineHarness.hooplaSettings(hoopla, dir.resolve(prefix + "-cards.txt")));
            shared.put("holdshelf.reports.enabled", "false");
            shared.put("holdshelf.harvest.scheduled", "true");
            shared.put("holdshelf.harvest.cron", "0 0 0 1 1 ? 2099"); // the slots' group forms; no harvest runs
            shared.put("holdshelf.hoopla.cards-per-poll", String.valueOf(cards));
            shared.put("holdshelf.hoopla.requests-per-minute", String.valueOf(budget));
            shared.put("holdshelf.hoopla.cron", cron);

            Map<String, ChildPipeline> live = new TreeMap<>();
            Map<String, Path> childLogs = new TreeMap<>();
            String owner;
            String firstToken;
            long launched = System.nanoTime();
            long joined;
            long killed;
            String successor;
            String secondToken;
            Map<String, String> logText = new TreeMap<>();
            try {
                for (String id : List.of("a", "b")) {
                    childLogs.put(id, logs.resolve("hoopla-" + id + ".log"));
                    live.put(id, ChildPipeline.start(child(shared, id), childLogs.get(id)));
                }
                firstToken = await("the first owner's " + callsBeforeJoin + " holds calls", Duration.ofMinutes(4),
                        () -> tokenWith(hoopla, callsBeforeJoin, null));
                owner = await("the instance that says it polls Hoopla", Duration.ofSeconds(10), () -> hooplaOwner(childLogs));

                childLogs.put("c", logs.resolve("hoopla-c.log"));
                live.put("c", ChildPipeline.start(child(shared, "c"), childLogs.get("c")));
                joined = System.nanoTime();
                await("the first owner's " + callsBeforeKill + " holds calls", Duration.ofMinutes(3),
                        () -> hoopla.callsByToken().get(firstToken).size() >= callsBeforeKill ? Boolean.TRUE : null);
                if (!read(childLogs.get("c")).contains(HOOPLA_STANDS_BY)) {
                    throw new AssertionError("instance c did not say it stands by");
                }

                live.remove(owner).kill();
                killed = System.nanoTime();
                secondToken = await("the new owner's " + callsAfterTakeover + " holds calls", Duration.ofMinutes(4),
                        () -> tokenWith(hoopla, callsAfterTakeover, firstToken));
                Map<String, Path> liveLogs = new TreeMap<>(childLogs);
                liveLogs.keySet().retainAll(live.keySet());
                successor = await("the instance that took Hoopla over", Duration.ofSeconds(10), () -> hooplaOwner(liveLogs));
                childLogs.forEach((id, log) -> logText.put(id, read(log)));
            } finally {
                ChildPipeline.closeAll(live.values());
            }
            double wall = (System.nanoTime() - launched) / 1e9;

            java.util.function.LongFunction<Instant> at = nanos -> anchor.plusNanos(nanos - anchorNanos);
            List<Long> arrivals = hoopla.arrivals();
            Map<String, List<Long>> byToken = hoopla.callsByToken();
            List<Long> before = arrivals.stream().filter(t -> t < killed).toList();
            List<Long> after = arrivals.stream().filter(t -> t > killed).toList();
            long lastOld = before.get(before.size() - 1);
            long firstNew = after.get(0);
            Instant ownerSince = lastLogged(logText.get(owner), HOOPLA_POLLS_HERE, Instant.MIN);
            Instant successorSince = lastLogged(logText.get(successor), HOOPLA_POLLS_HERE, at.apply(killed));
            long ownershipsBeforeKill = logText.values().stream().mapToLong(t -> loggedTimes(t, HOOPLA_POLLS_HERE).stream()
                    .filter(i -> i.isBefore(at.apply(killed))).count()).sum();
            int mostWhole = org.holdshelf.sandbox.http.SlidingWindow.mostInAnyWindow(arrivals, MINUTE_NANOS);
            int mostBefore = org.holdshelf.sandbox.http.SlidingWindow.mostInAnyWindow(before, MINUTE_NANOS);
            int mostAfter = org.holdshelf.sandbox.http.SlidingWindow.mostInAnyWindow(after, MINUTE_NANOS);
            // the windows around the handover: from a minute before the old owner's last request to a minute after the new one's first
            List<Long> handover = arrivals.stream().filter(t -> t >= lastOld - MINUTE_NANOS && t < firstNew + MINUTE_NANOS).toList();
            int mostHandover = org.holdshelf.sandbox.http.SlidingWindow.mostInAnyWindow(handover, MINUTE_NANOS);

            out.add("\n| event | at (from the launch) | |\n|---|---|---|");
            out.add(hooplaRow("instance " + owner + " says it polls Hoopla (`" + HOOPLA_POLLS_HERE + "`)",
                    seconds(Duration.between(at.apply(launched), ownerSince)), "the other stands by"));
            out.add(hooplaRow("its first request (the token call)", seconds(arrivals.get(0) - launched),
                    String.format(Locale.ROOT, "%.1f s after its ownership line: the one-minute hold",
                            Duration.between(ownerSince, at.apply(arrivals.get(0))).toNanos() / 1e9)));
            out.add(hooplaRow("instance c joins (after " + callsBeforeJoin + " holds calls)", seconds(joined - launched),
                    "c says it stands by; ownership lines before the kill, all instances: " + ownershipsBeforeKill));
            out.add(hooplaRow("instance " + owner + " SIGKILLed (after " + byToken.get(firstToken).size() + " holds calls)",
                    seconds(killed - launched), String.format(Locale.ROOT, "its last request %.2f s before", (killed - lastOld) / 1e9)));
            out.add(hooplaRow("instance " + successor + " says it polls Hoopla", seconds(Duration.between(at.apply(launched),
                    successorSince)), String.format(Locale.ROOT, "**%.1f s after the kill** (the session timeout, %d ms, counts from "
                    + "the dead instance's last heartbeat; then the rebalance)", Duration.between(at.apply(killed), successorSince).toNanos() / 1e9, SESSION_TIMEOUT.toMillis())));
            out.add(hooplaRow("its first request (the token call)", seconds(firstNew - launched), String.format(Locale.ROOT,
                    "**%.1f s after the kill**, %.1f s after its ownership line; %.1f s after the old owner's last request",
                    (firstNew - killed) / 1e9, Duration.between(successorSince, at.apply(firstNew)).toNanos() / 1e9,
                    (firstNew - lastOld) / 1e9)));
            out.add(hooplaRow("the bench stops (the new owner has made " + byToken.get(secondToken).size() + " holds calls)",
                    String.format(Locale.ROOT, "%.1f s", wall), ""));

            out.add("\n| measured at Hoopla, over the whole trial | value |\n|---|---|");
            out.add(row("**most requests arriving in any 60 s** (refused ones included), all instances together", String.format(
                    Locale.ROOT, "**%d of a budget of %d (%.3f)**", mostWhole, budget, mostWhole / (double) budget)));
            out.add(row("… before the kill / after it", String.format(Locale.ROOT, "%d / %d", mostBefore, mostAfter)));
            out.add(row("… in the windows around the handover (a minute before the old owner's last request to a minute "
                    + "after the new owner's first)", String.format(Locale.ROOT, "%d (%d requests in those two minutes and the gap)",
                    mostHandover, handover.size())));
            out.add(row("60 s windows holding requests of both owners", firstNew - lastOld >= MINUTE_NANOS ? "none (the gap is "
                    + String.format(Locale.ROOT, "%.1f s)", (firstNew - lastOld) / 1e9) : "**some: the gap is only "
                    + String.format(Locale.ROOT, "%.1f s**", (firstNew - lastOld) / 1e9)));
            out.add(row("requests (token calls) / answered 429", String.format(Locale.ROOT, "%d (%d) / **%d**", hoopla.requests(),
                    hoopla.tokenRequests(), hoopla.throttled())));
            out.add(row("tokens issued (one per instance that polled)", String.valueOf(hoopla.tokensIssued())));
            StringBuilder callers = new StringBuilder();
            for (Map.Entry<String, List<Long>> e : byToken.entrySet()) {
                List<Long> calls = e.getValue();
                if (calls.isEmpty()) {
                    continue;
                }
                double span = (calls.get(calls.size() - 1) - calls.get(0)) / 1e9;
                double perMinute = span == 0 ? 0 : (calls.size() - 1) / span * 60;
                callers.append(String.format(Locale.ROOT, "%s%s: %d calls, +%.1f s to +%.1f s, %.2f a minute (%.3f of the budget)",
                        callers.length() == 0 ? "" : "; ", e.getKey().equals(firstToken) ? owner : successor, calls.size(),
                        (calls.get(0) - launched) / 1e9, (calls.get(calls.size() - 1) - launched) / 1e9, perMinute, perMinute / budget));
            }
            out.add(row("holds calls per caller (token), first to last", callers.toString()));
            out.add(row("polls started per instance (`Hoopla poll … started`)", logText.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().lines().filter(l -> l.contains("Hoopla poll hoopla-")
                            && l.contains(" started: ")).count()).collect(java.util.stream.Collectors.joining(", "))));
        }
    }

    /** The token (other than {@code except}) whose admitted holds calls number at least {@code calls}, or null. */
    private static String tokenWith(HooplaSimulator hoopla, int calls, String except) {
        return hoopla.callsByToken().entrySet().stream().filter(e -> !e.getKey().equals(except) && e.getValue().size() >= calls)
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The one instance (of these, all alive) whose last ownership line says it polls Hoopla while every other one's says it stands by; else null. */
    private static String hooplaOwner(Map<String, Path> logs) {
        String owner = null;
        int standing = 0;
        int alive = 0;
        for (Map.Entry<String, Path> e : logs.entrySet()) {
            String text = read(e.getValue());
            int polls = text.lastIndexOf(HOOPLA_POLLS_HERE);
            int stands = text.lastIndexOf(HOOPLA_STANDS_BY);
            if (polls < 0 && stands < 0) {
                continue;
            }
            alive++;
            if (polls > stands) {
                owner = owner == null ? e.getKey() : "";
            } else {
                standing++;
            }
        }
        return owner != null && !owner.isEmpty() && standing == alive - 1 ? owner : null;
    }

    private static String hooplaRow(String event, String at, String note) {
        return "| " + event + " | " + at + " | " + note + " |";
    }

    private static String row(String name, String value) {
        return "| " + name + " | " + value + " |";
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private static String seconds(Duration d) {
        return seconds(d.toNanos());
    }

    /** When the log's lines containing {@code text} were written (the pattern's leading {@code yyyy-MM-dd HH:mm:ss.SSS}, local time). */
    private static List<Instant> loggedTimes(String log, String text) {
        List<Instant> times = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.contains(text) && line.length() > 23 && Character.isDigit(line.charAt(0))) {
                times.add(java.time.LocalDateTime.parse(line.substring(0, 23).replace(' ', 'T')).atZone(java.time.ZoneId.systemDefault())
                        .toInstant());
            }
        }
        return times;
    }

    /** The first line containing {@code text} logged at or after {@code from} (the last one when {@code from} is MIN). */
    private static Instant lastLogged(String log, String text, Instant from) {
        List<Instant> times = loggedTimes(log, text);
        if (from.equals(Instant.MIN)) {
            return times.get(times.size() - 1);
        }
        return times.stream().filter(t -> !t.isBefore(from.minusMillis(1))).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + text + "' after " + from));
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- shared

    /** What every pipeline of one measurement needs: the bench's broker, Sierra, topics and groups unique to {@code prefix}. */
    private Map<String, String> settings(String prefix, SierraSimulator sierra) {
        Map<String, String> s = new TreeMap<>();
        s.put("camel.component.kafka.brokers", broker.bootstrapServers());
        s.put("holdshelf.sierra.base-url", sierra.baseUrl());
        s.put("holdshelf.sierra.client-key", sierra.settings().clientKey());
        s.put("holdshelf.sierra.client-secret", sierra.settings().clientSecret());
        s.put("holdshelf.ops.port", "0");
        s.put("holdshelf.reports.dir", dir.resolve("reports").toString());
        s.put("holdshelf.sierra.initial-backoff", "50ms");
        s.put("holdshelf.sierra.max-backoff", "200ms");
        s.put("holdshelf.errors.redelivery-delay-ms", "50");
        for (Topic topic : Topic.values()) {
            s.put(topic.setting(), prefix + "." + topic.setting().substring("holdshelf.topic.".length()));
        }
        s.put("holdshelf.reports.group-id", prefix + "-pull-lists");
        s.put("holdshelf.alma.group-id", prefix + "-scan-in");
        s.put("holdshelf.harvest.group-id", prefix + "-harvest");
        return s;
    }

    /** One child JVM's settings: the shared ones, its name, and a dead member's partitions moving on after 6 s. */
    private static Map<String, String> child(Map<String, String> shared, String id) {
        Map<String, String> s = new TreeMap<>(shared);
        s.put("holdshelf.instance-id", id);
        s.put("camel.component.kafka.session-timeout-ms", String.valueOf(SESSION_TIMEOUT.toMillis()));
        s.put("camel.component.kafka.heartbeat-interval-ms", String.valueOf(HEARTBEAT.toMillis()));
        return s;
    }


    /** Polls {@code check} every 20 ms until it gives a value, or fails after {@code timeout}. */
    private static <T> T await(String what, Duration timeout, Supplier<T> check) {
        try {
            return org.awaitility.Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(20))
                    .until(check::get, java.util.Objects::nonNull);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s");
        }
    }

    /** A topic read from its beginning as records arrive: assigned (not in a group) once the topic exists. */
    private final class Tail implements AutoCloseable {
        private final String topic;
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        private boolean assigned;

        Tail(String topic) {
            this.topic = topic;
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // the pipeline creates it, single-partition
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        }

        /** Reads what arrived since the last call. */
        void poll() {
            if (!assigned) {
                if (!consumer.listTopics(Duration.ofSeconds(5)).containsKey(topic)) {
                    return;
                }
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                assigned = true;
            }
            consumer.poll(Duration.ofMillis(50)).forEach(records::add);
        }

        List<ConsumerRecord<String, byte[]>> records() {
            return records;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
