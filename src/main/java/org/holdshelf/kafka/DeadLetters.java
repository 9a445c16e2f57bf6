package org.holdshelf.kafka;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the dead-letter record for an exchange that failed after its retries: what failed
 * (route, error, message) and the original record (topic, partition, offset, key, payload), so
 * nothing is lost and an operator can replay it. Logs one line, without a stack trace.
 */
public class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private final Clock clock;

    public DeadLetters(Clock clock) {
        this.clock = clock;
    }

    public void toDeadLetter(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        String topic = exchange.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Integer partition = exchange.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = exchange.getMessage().getHeader(KafkaConstants.OFFSET, Long.class);
        Object key = exchange.getMessage().getHeader(KafkaConstants.KEY);
        String message = error == null ? "unknown failure" : describe(error);

        DeadLetter letter = new DeadLetter(EventTypes.DEAD_LETTER, EventTypes.SCHEMA_VERSION, clock.instant().toString(),
                routeId == null ? "unknown" : routeId, null, error == null ? null : error.getClass().getSimpleName(),
                message, topic, partition, offset, key == null ? null : key.toString(), payload(exchange.getMessage().getBody()));
        LOG.error("Dead letter from route {}{}: {}", letter.source(),
                topic == null ? "" : " (" + topic + "/" + partition + "@" + offset + ")", message);

        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(KafkaConstants.KEY, key == null ? exchange.getExchangeId() : key.toString());
        exchange.getMessage().setHeader(EventTypes.HEADER, EventTypes.DEAD_LETTER);
        exchange.getMessage().setBody(Json.toBytes(letter));
    }

    private static String describe(Throwable error) {
        String m = error.getMessage();
        return m == null || m.isBlank() ? error.getClass().getSimpleName() : m;
    }

    /** The original payload as text when it is UTF-8, otherwise base64 (prefixed so it cannot be mistaken). */
    static String payload(Object body) {
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                return "base64:" + Base64.getEncoder().encodeToString(bytes);
            }
        }
        return body.toString();
    }
}
