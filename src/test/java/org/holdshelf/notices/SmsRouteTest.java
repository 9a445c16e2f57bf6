package org.holdshelf.notices;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.holdshelf.sandbox.sms.SmsGatewaySimulator;
import org.holdshelf.sandbox.sms.SmsSandboxSettings;
import org.holdshelf.sandbox.sms.SmsText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped {@code routes/sms.camel.yaml} against the SMS gateway simulator over HTTP, with the
 * webhook provider (and Twilio's in {@link SmsTwilioRouteTest}): the request each provider
 * expects, the answers read right, and no retry of camel-http's own behind the sender's back.
 */
class SmsRouteTest extends CamelMainTestSupport {

    static SmsGatewaySimulator gateway;
    SmsGateway smsGateway;

    @BeforeAll
    static void startGateway() {
        gateway = new SmsGatewaySimulator(SmsSandboxSettings.builder().latencyMs(1).jitterMs(0).build()).start(0);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @BeforeEach
    void freshGateway() {
        gateway.reset();
    }

    String provider() {
        return NoticesSettings.Sms.WEBHOOK;
    }

    NoticesSettings.Sms sms() {
        return new NoticesSettings.Sms(provider(), gateway.webhookUrl(), null, gateway.baseUrl(),
                gateway.settings().accountSid(), gateway.settings().authToken(), "+15135550100", "US", List.of("o", "t", "p"),
                false, 1, 1, Duration.ofMillis(1), Duration.ofMillis(1));
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/sms.camel.yaml");
    }

    @Override
    public void configureContext(CamelContextConfiguration camelContextConfiguration) {
        super.configureContext(camelContextConfiguration);
        Properties p = new Properties();
        p.setProperty("holdshelf.notices.sms.endpoint", sms().endpoint());
        p.setProperty("camel.component.kafka.brokers", "127.0.0.1:9"); // no Kafka endpoint in this route
        camelContextConfiguration.withUseOverridePropertiesWithPropertiesComponent(p);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        smsGateway = new SmsGateway(sms());
        registry.bind("smsGateway", smsGateway);
    }

    SmsGateway.Reply post(String noticeId, String to, String body) {
        return template.requestBodyAndHeader("direct:sms-gateway", new SmsGateway.Text(noticeId, to, body),
                "kafka.KEY", "a header of the pipeline's", SmsGateway.Reply.class);
    }

    @Test
    void shouldPostTheTextAndReadTheAnswer() {
        SmsGateway.Reply reply = post("run-main-42", "+15135550142", "Cityville: your hold is ready at Main Library.");
        assertThat(smsGateway.verdict(reply).kind()).isEqualTo(SmsGateway.Kind.SENT);
        assertThat(gateway.delivered()).singleElement().satisfies(t -> {
            assertThat(t.provider()).isEqualTo(provider());
            assertThat(t.to()).isEqualTo("+15135550142");
            assertThat(t.body()).isEqualTo("Cityville: your hold is ready at Main Library.");
            checkProviderFields(t);
        });
    }

    void checkProviderFields(SmsText t) {
        assertThat(t.noticeId()).isEqualTo("run-main-42");
    }

    @Test
    void shouldAnswerAnOptedOutNumberAndARefusedOne() {
        gateway.optOut("+15135550143");
        gateway.addLandline("+15135550144");
        assertThat(smsGateway.verdict(post("n1", "+15135550143", "hi")).kind()).isEqualTo(SmsGateway.Kind.OPTED_OUT);
        SmsGateway.Verdict landline = smsGateway.verdict(post("n2", "+15135550144", "hi"));
        assertThat(landline.kind()).isEqualTo(SmsGateway.Kind.REFUSED);
        assertThat(landline.said()).doesNotContain("5550144");
        assertThat(gateway.count()).isZero();
    }

    @Test
    void shouldNotRetryA503OrA429BehindTheSendersBack() {
        gateway.failNext(1, 503);
        SmsGateway.Reply unavailable = post("n3", "+15135550145", "hi");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(smsGateway.verdict(unavailable).kind()).isEqualTo(SmsGateway.Kind.RETRY);
        assertThat(gateway.requests()).as("one request: camel-http's HttpClient did not ask again").isEqualTo(1);

        gateway.setRequestsPerSecond(1);
        try {
            post("n4", "+15135550146", "hi");
            SmsGateway.Reply throttled = post("n5", "+15135550147", "hi");
            assertThat(throttled.status()).isEqualTo(429);
            assertThat(throttled.retryAfter()).isEqualTo("1");
            assertThat(gateway.requests()).isEqualTo(3);
        } finally {
            gateway.setRequestsPerSecond(0);
        }
    }
}
