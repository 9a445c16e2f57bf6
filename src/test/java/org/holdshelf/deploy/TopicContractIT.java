package org.holdshelf.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.app.Holdshelf;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.sierra.FaultPlan;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.PipelineHarness;
import org.holdshelf.testing.SharedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every record the pipeline writes, on every topic, matches the JSON Schema that
 * docs/asyncapi.yaml documents for its type: the document consumers read is the truth.
 */
class TopicContractIT {

    private static final Map<String, String> SCHEMA_OF_TYPE = Map.ofEntries(
            Map.entry(EventTypes.HOLD, "HoldEvent"), Map.entry(EventTypes.LOCATION_END, "LocationEnd"),
            Map.entry(EventTypes.RUN_END, "RunEnd"), Map.entry(EventTypes.RUN_STARTED, "RunEvent"),
            Map.entry(EventTypes.RUN_PROGRESS, "RunEvent"), Map.entry(EventTypes.RUN_COMPLETED, "RunEvent"),
            Map.entry(EventTypes.RUN_FAILED, "RunEvent"), Map.entry(EventTypes.SCAN_IN, "ScanOutcome"),
            Map.entry(EventTypes.NOTICE, "NoticeEvent"), Map.entry(EventTypes.PATRON, "DirectoryPatron"), Map.entry(EventTypes.MIRROR_READ, "MirrorRead"),
            Map.entry(EventTypes.DEAD_LETTER, "DeadLetter"));

    @TempDir
    Path reports;

    private final GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());

    @BeforeEach
    void startSmtp() {
        smtp.start();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    @Test
    void shouldWriteOnlyRecordsThatMatchTheDocumentedSchemas() throws Exception {
        JsonNode asyncapi = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs/asyncapi.yaml").toFile());
        Map<String, JsonSchema> schemas = new HashMap<>();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        for (String name : Set.copyOf(SCHEMA_OF_TYPE.values())) {
            ObjectNode root = asyncapi.deepCopy();
            root.put("$ref", "#/components/schemas/" + name);
            schemas.put(name, factory.getSchema(root));
        }

        JsonNode broken = new ObjectMapper().readTree("{\"type\":\"HOLD\",\"schemaVersion\":1,\"runId\":\"yesterday\","
                + "\"source\":\"sierra\",\"state\":\"READY\",\"statusCode\":\"0\",\"patronId\":\"1\","
                + "\"pickupLocationCode\":\"mo\",\"pickupByDate\":\"2026-11-27\",\"colour\":\"red\"}");
        assertThat(schemas.get("HoldEvent").validate(broken)).as("the schemas do reject a bad record")
                .extracting(ValidationMessage::getMessage).hasSizeGreaterThanOrEqualTo(5);

        // pages slow enough, and progress often enough, that the run reports its progress at least once
        try (PipelineHarness h = PipelineHarness.create("contract", SierraSandboxSettings.builder().holds(6_000).pageLatencyMs(80).build(), reports)
                .set("holdshelf.sierra.page-size", "1000").set("holdshelf.harvest.progress-interval", "100ms")
                .withAlma(AlmaSandboxSettings.builder().callsPerSecond(100).build(), 10).withNotices(smtp.getSmtp().getPort())
                .withLibib(20);
             org.holdshelf.sandbox.sms.SmsGatewaySimulator gateway = new org.holdshelf.sandbox.sms.SmsGatewaySimulator(
                     org.holdshelf.sandbox.sms.SmsSandboxSettings.builder().latencyMs(2).optedOutPercent(5).landlinePercent(5).build())
                     .start(0);
             org.holdshelf.sandbox.hoopla.HooplaSimulator hoopla = new org.holdshelf.sandbox.hoopla.HooplaSimulator(
                     org.holdshelf.sandbox.hoopla.HooplaSandboxSettings.builder().latencyMs(2).cardsWithHoldsPercent(100)
                             .reservedPercent(60).build(),
                     org.holdshelf.sandbox.hoopla.HooplaSimulator.directoryFor(h.data(),
                             org.holdshelf.sandbox.hoopla.HooplaSandboxSettings.builder().cardsWithHoldsPercent(100).reservedPercent(60)
                                     .build())).start(0)) {
            // texts too, so notices by text (sent, opted out, refused) are checked against the schema
            h.set("holdshelf.notices.channels", "email,sms").set("holdshelf.notices.sms.webhook-url", gateway.webhookUrl());
            // and Hoopla's reserved titles, polled before the harvest (8 cards) and published with its run
            java.nio.file.Path cards = reports.resolve("hoopla-cards.txt");
            java.nio.file.Files.write(cards, hoopla.cardsWithHolds().subList(0, 8));
            h.set("holdshelf.hoopla.enabled", "true").set("holdshelf.hoopla.base-url", hoopla.baseUrl())
                    .set("holdshelf.hoopla.username", hoopla.settings().username())
                    .set("holdshelf.hoopla.password", hoopla.settings().password())
                    .set("holdshelf.hoopla.library-id", Long.toString(hoopla.settings().libraryId()))
                    .set("holdshelf.hoopla.cards", cards.toString()).set("holdshelf.hoopla.cron", "0 0 0 1 1 ? 2099");
            Holdshelf app = h.start();
            app.wiring().camel().createProducerTemplate().sendBody("direct:hoopla-poll", "contract");
            // the directory mirror reads Libib at start-up (its topic is empty)
            await().atMost(Duration.ofSeconds(60)).until(() -> app.wiring().healthNow().stream()
                    .anyMatch(c -> c.name().equals("libib") && c.detail().startsWith("last read complete")));
            RunEvent completed = app.harvestNow("contract");
            assertThat(app.awaitFollowUps(completed, Duration.ofSeconds(120)).values()).allMatch(java.util.Optional::isPresent);
            h.sierra().setFaultPlan(FaultPlan.parse("malformed@1"));
            assertThat(app.harvestNow("failing").type()).isEqualTo(EventTypes.RUN_FAILED);
            // a scheduled run's records carry the slot it harvests (it fails on the same fault)
            app.wiring().camel().createProducerTemplate().send("direct:harvest", e -> {
                e.getMessage().setBody("schedule");
                e.setProperty(org.holdshelf.harvest.Harvester.SLOT, "2026-12-01T08:00:00Z");
            });

            Map<String, Integer> seen = new HashMap<>();
            ObjectMapper json = new ObjectMapper();
            for (String topic : List.of("entries", "runs", "scanin", "notices", "patrons", "dlq")) {
                for (ConsumerRecord<String, byte[]> r : SharedKafka.readAll(h.topic(topic))) {
                    if (r.value() == null) {
                        continue; // a tombstone of a compacted topic: no value, no type
                    }
                    String type = new String(r.headers().lastHeader(EventTypes.HEADER).value(), StandardCharsets.UTF_8);
                    JsonNode value = json.readTree(r.value());
                    assertThat(value.path("type").asText()).as("header and type agree").isEqualTo(type);
                    Set<ValidationMessage> problems = schemas.get(SCHEMA_OF_TYPE.get(type)).validate(value);
                    assertThat(problems).as("%s on %s: %s", type, topic, value).isEmpty();
                    seen.merge(type, 1, Integer::sum);
                }
            }
            assertThat(seen).as("every record type was produced and checked").containsOnlyKeys(SCHEMA_OF_TYPE.keySet());
            assertThat(SharedKafka.readAll(h.topic("runs")).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                    .as("a scheduled run's slot was among the records checked").anyMatch(v -> v.contains("\"slot\":\"2026-12-01T08:00:00Z\""));
            assertThat(SharedKafka.readAll(h.topic("notices")).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                    .as("texts were among the notices checked")
                    .anyMatch(v -> v.contains("\"channel\":\"sms\"") && v.contains("\"outcome\":\"SENT\""))
                    .anyMatch(v -> v.contains("\"outcome\":\"OPTED_OUT\""));
            assertThat(SharedKafka.readAll(h.topic("entries")).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                    .as("Hoopla's reserved titles were among the holds checked")
                    .anyMatch(v -> v.contains("\"source\":\"hoopla\"") && v.contains("\"statusCode\":\"RESERVED\""));
        }
    }
}
