package org.holdshelf.scanin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.holdshelf.events.Json;
import org.holdshelf.testing.SharedKafka;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scan-in states on a real broker: written durably, read back by a new instance, shared between instances. */
class KafkaScanStateStoreIT {

    private static final Instant AT = Instant.parse("2026-11-23T08:15:00Z");

    private String topic;
    private Properties connection;

    @BeforeEach
    void topic() {
        topic = SharedKafka.uniquePrefix("scanin-state");
        SharedKafka.createCompactedTopic(topic, 3);
        connection = new Properties();
        connection.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
    }

    private static ScanState state(String barcode, ScanStatus status, int attempts, String runId) {
        return new ScanState(barcode, status, attempts, runId, "hold-of-" + barcode, status == ScanStatus.SCANNED ? ScanOutcome.Outcome.SCANNED
                : ScanOutcome.Outcome.NOT_FOUND, status == ScanStatus.SCANNED ? null : "401689", "message of " + runId, AT, AT);
    }

    @Test
    void shouldKeepTheLatestStatePerBarcodeAcrossARestart() {
        try (KafkaScanStateStore store = new KafkaScanStateStore(connection, topic)) {
            assertThat(store.size()).isZero();
            store.put(state("31234000000001", ScanStatus.IN_FLIGHT, 0, "run-1"));
            store.put(state("31234000000001", ScanStatus.SCANNED, 1, "run-1"));
            store.put(state("31234000000002", ScanStatus.FAILED, 2, "run-2"));

            assertThat(store.get("31234000000001")).get().extracting(ScanState::status).isEqualTo(ScanStatus.SCANNED);
            assertThat(store.get("31234000000003")).isEmpty();
        }

        try (KafkaScanStateStore restarted = new KafkaScanStateStore(connection, topic, Duration.ofSeconds(30))) {
            assertThat(restarted.size()).isEqualTo(2);
            assertThat(restarted.get("31234000000001")).contains(state("31234000000001", ScanStatus.SCANNED, 1, "run-1"));
            assertThat(restarted.get("31234000000002")).contains(state("31234000000002", ScanStatus.FAILED, 2, "run-2"));
        }

        List<ConsumerRecord<String, byte[]>> records = SharedKafka.readAll(topic);
        assertThat(records).hasSize(3).allSatisfy(r -> assertThat(Json.read(r.value(), ScanState.class).barcode()).isEqualTo(r.key()));
    }

    @Test
    void shouldForgetADeletedStateAcrossARestartAndInOtherInstances() {
        try (KafkaScanStateStore store = new KafkaScanStateStore(connection, topic);
             KafkaScanStateStore other = new KafkaScanStateStore(connection, topic)) {
            store.put(state("31234000000001", ScanStatus.SCANNED, 1, "run-1"));
            store.put(state("31234000000002", ScanStatus.SCANNED, 1, "run-1"));
            other.refresh();
            assertThat(other.size()).isEqualTo(2);

            store.delete("31234000000001");
            assertThat(store.get("31234000000001")).isEmpty();
            other.refresh();
            assertThat(other.get("31234000000001")).as("the tombstone reaches other instances").isEmpty();
        }
        try (KafkaScanStateStore restarted = new KafkaScanStateStore(connection, topic)) {
            assertThat(restarted.size()).isEqualTo(1);
            assertThat(restarted.get("31234000000001")).isEmpty();
        }
        assertThat(SharedKafka.readAll(topic)).filteredOn(r -> r.key().equals("31234000000001")).last()
                .satisfies(r -> assertThat(r.value()).as("a tombstone, which compaction removes with the key").isNull());
    }

    @Test
    void shouldSeeWhatAnotherInstanceRecordedAfterARefresh() {
        try (KafkaScanStateStore first = new KafkaScanStateStore(connection, topic);
             KafkaScanStateStore second = new KafkaScanStateStore(connection, topic)) {
            second.put(state("31234000000009", ScanStatus.SCANNED, 1, "run-7"));
            assertThat(first.get("31234000000009")).isEmpty();

            first.refresh();

            assertThat(first.get("31234000000009")).get().extracting(ScanState::lastRunId).isEqualTo("run-7");
        }
    }

    @Test
    void shouldNotLetAnOlderRecordReadBackReplaceANewerState() {
        try (KafkaScanStateStore store = new KafkaScanStateStore(connection, topic)) {
            store.put(state("31234000000005", ScanStatus.IN_FLIGHT, 0, "run-1"));
            store.put(state("31234000000005", ScanStatus.SCANNED, 1, "run-1"));

            store.refresh();

            assertThat(store.get("31234000000005")).get().extracting(ScanState::status).isEqualTo(ScanStatus.SCANNED);
        }
    }

    @Test
    void shouldRefuseToStartWithoutItsTopic() {
        assertThatThrownBy(() -> new KafkaScanStateStore(connection, topic + "-missing", Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topic + "-missing");
    }
}
