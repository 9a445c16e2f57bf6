package org.holdshelf.notices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the webhook provider posts is what {@code docs/sms-webhook.yaml} documents, and nothing else. */
class SmsWebhookContractTest {

    @Test
    void shouldPostTheDocumentedTextAndNothingElse() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs/sms-webhook.yaml").toFile());
        ObjectNode root = doc.deepCopy();
        root.put("$ref", "#/components/schemas/Text");
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root);

        SmsGateway gateway = new SmsGateway(new NoticesSettings.Sms("webhook", "http://gw/sms", "t0ken", null, null, null, null, "US",
                List.of("o"), false, 1, 1, Duration.ofMillis(1), Duration.ofMillis(1)));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setHeader("kafka.KEY", "a header of the pipeline's");
            exchange.getMessage().setBody(new SmsGateway.Text("20261201T090000Z-1a2b-main-100042", "+15135550123",
                    "Cityville: your hold is ready at Main Library. Pick up by December 5, 2026."));
            gateway.request(exchange);

            JsonNode posted = new ObjectMapper().readTree(exchange.getMessage().getBody(byte[].class));
            Set<ValidationMessage> problems = schema.validate(posted);
            assertThat(problems).as("%s", posted).isEmpty();
            assertThat(schema.validate(new ObjectMapper().readTree("{\"to\":\"5135550123\",\"body\":\"x\",\"noticeId\":\"n\"}")))
                    .as("the schema does reject a number that is not E.164").isNotEmpty();
            assertThat(exchange.getMessage().getHeaders().keySet()).as("only the request's own headers")
                    .containsExactlyInAnyOrder(Exchange.HTTP_METHOD, Exchange.CONTENT_TYPE, "Authorization");
            assertThat(exchange.getMessage().getHeader("Authorization")).isEqualTo("Bearer t0ken");
        }
    }
}
