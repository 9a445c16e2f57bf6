package org.holdshelf.harvest;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.holdshelf.platform.runtime.RunInProgressException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped {@code routes/harvest-schedule.camel.yaml} with a real Quartz trigger every second
 * and the harvest route mocked: a trigger starts a run, and a trigger that cannot start one (a run
 * in progress, Kafka down) is logged and skipped, never retried or dead-lettered.
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
        p.setProperty("camel.component.kafka.brokers", "127.0.0.1:9"); // no Kafka endpoint in this route
        camelContextConfiguration.withMockEndpointsAndSkip("direct:harvest").withUseOverridePropertiesWithPropertiesComponent(p);
    }

    @Test
    void shouldStartAScheduledRunOnEveryTrigger() throws Exception {
        MockEndpoint harvest = getMockEndpoint("mock:direct:harvest");
        harvest.expectedMinimumMessageCount(2);
        harvest.allMessages().body().isEqualTo("schedule");

        harvest.assertIsSatisfied(5000);
    }

    @Test
    void shouldSkipATriggerThatFindsARunInProgressOrCannotStartOne() {
        MockEndpoint harvest = getMockEndpoint("mock:direct:harvest");
        harvest.whenExchangeReceived(1, e -> {
            throw new RunInProgressException("20261130T080000Z-0001");
        });
        harvest.whenExchangeReceived(2, e -> {
            throw new IllegalStateException("Cannot read the end offsets of Kafka topic holdshelf.entries");
        });
        NotifyBuilder threeTriggers = new NotifyBuilder(context()).fromRoute("harvest-schedule").whenCompleted(3).create();
        NotifyBuilder anyFailure = new NotifyBuilder(context()).fromRoute("harvest-schedule").whenFailed(1).create();

        assertThat(threeTriggers.matches(6, TimeUnit.SECONDS)).isTrue();
        assertThat(anyFailure.matches()).as("no trigger failed").isFalse();
        assertThat(harvest.getReceivedCounter()).isGreaterThanOrEqualTo(3);
    }
}
