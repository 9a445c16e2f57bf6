package org.holdshelf.harvest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.holdshelf.events.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped {@code routes/harvest-schedule.camel.yaml} with a real Quartz trigger every second
 * and the Kafka send mocked: every trigger publishes one slot keyed by its scheduled fire time, and
 * a slot that cannot be published (Kafka down) is logged and skipped, never retried or dead-lettered.
 */
class HarvestScheduleRouteTest extends CamelMainTestSupport {

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/harvest-schedule.camel.yaml");
    }

    @Override
    public void configureContext(CamelContextConfiguration camelContextConfiguration) {
        super.configureContext(camelContextConfiguration);
        Properties p = new Properties();
        p.setProperty("holdshelf.harvest.cron", "* * * * * ?");
        p.setProperty("holdshelf.topic.harvest-slots", "slots");
        p.setProperty("camel.component.kafka.brokers", "127.0.0.1:9"); // mocked: nothing is sent
        camelContextConfiguration.withMockEndpointsAndSkip("kafka:*").withUseOverridePropertiesWithPropertiesComponent(p);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("harvestSlots", new HarvestSlots(null, null, "* * * * * ?", ZoneId.of("UTC"), "instance-a",
                Clock.systemUTC()));
    }

    @Test
    void shouldPublishEachTriggerAsOneSlotKeyedByItsScheduledFireTime() throws Exception {
        MockEndpoint slots = getMockEndpoint("mock:kafka:slots");
        slots.expectedMinimumMessageCount(3);

        slots.assertIsSatisfied(6000);

        Set<String> keys = new HashSet<>();
        for (Exchange e : slots.getReceivedExchanges()) {
            @SuppressWarnings("unchecked")
            List<Message> records = e.getMessage().getBody(List.class);
            assertThat(records).hasSize(1);
            Message record = records.get(0);
            String key = record.getHeader(KafkaConstants.KEY, String.class);
            assertThat(Instant.parse(key)).as("a whole second of the schedule").isEqualTo(Instant.parse(key).truncatedTo(
                    java.time.temporal.ChronoUnit.SECONDS));
            assertThat(record.getHeader("holdshelf-type")).isEqualTo(HarvestSlots.SLOT_TYPE);
            HarvestSlots.SlotRecord value = Json.read(record.getBody(byte[].class), HarvestSlots.SlotRecord.class);
            assertThat(value.slot()).isEqualTo(key);
            assertThat(value.instance()).isEqualTo("instance-a");
            keys.add(key);
        }
        assertThat(keys).as("one slot per fire").hasSize(slots.getReceivedCounter());
    }

    @Test
    void shouldSkipASlotThatCannotBePublished() {
        MockEndpoint slots = getMockEndpoint("mock:kafka:slots");
        slots.whenExchangeReceived(1, e -> {
            throw new IllegalStateException("Topic holdshelf.harvest.slots not present in metadata after 60000 ms");
        });
        NotifyBuilder threeTriggers = new NotifyBuilder(context()).fromRoute("harvest-schedule").whenCompleted(3).create();
        NotifyBuilder anyFailure = new NotifyBuilder(context()).fromRoute("harvest-schedule").whenFailed(1).create();

        assertThat(threeTriggers.matches(6, TimeUnit.SECONDS)).isTrue();
        assertThat(anyFailure.matches()).as("no trigger failed").isFalse();
        assertThat(slots.getReceivedCounter()).isGreaterThanOrEqualTo(3);
    }
}
