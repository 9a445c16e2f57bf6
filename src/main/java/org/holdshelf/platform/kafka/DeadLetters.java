package org.holdshelf.platform.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.holdshelf.events.DeadLetter;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a dead letter is made, whatever failed: what failed ({@code source}, the error,
 * a message naming what was wrong) and the original input (topic, partition, offset, key and
 * payload), so that nothing is lost and an operator can fix and replay it. Each dead letter is
 * logged once, on one line, without a stack trace.
 *
 * <p>Each dead letter made here is counted by source ({@code holdshelf_dead_letters_total{source}}).
 *
 * <p>Payloads are kept as text when they are valid UTF-8 and as {@code base64:...} otherwise, so
 * a record that could not be read because its bytes are broken survives byte for byte.
 */
public class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    static final String BASE64_PREFIX = "base64:";

    private final String topic;
    private final Clock clock;
    private final MeterRegistry meters;

    /** @param topic the dead-letter topic ({@link Topic#DLQ}) */
    public DeadLetters(String topic, Clock clock) {
        this(topic, clock, new SimpleMeterRegistry());
    }

    /** @param meters where dead letters are counted by source */
    public DeadLetters(String topic, Clock clock, MeterRegistry meters) {
        this.topic = topic;
        this.clock = clock;
        this.meters = meters;
    }

    /** A consumed record that could not be processed. */
    public OutboundRecord of(String source, String runId, String error, String message, InboundRecord original) {
        String key = original.key() != null ? original.key()
                : original.topic() + "-" + original.partition() + "-" + original.offset();
        return letter(new DeadLetter(EventTypes.DEAD_LETTER, EventTypes.SCHEMA_VERSION, clock.instant().toString(), source,
                runId, error, message, original.topic(), original.partition(), original.offset(), original.key(),
                payload(original.value())), key);
    }

    /** Bad input that did not come from a topic (an API's answer, a run that failed), under {@code key}. */
    public OutboundRecord of(String source, String runId, String error, String message, String key, String payload) {
        return letter(new DeadLetter(EventTypes.DEAD_LETTER, EventTypes.SCHEMA_VERSION, clock.instant().toString(), source,
                runId, error, message, null, null, null, key, payload), key);
    }

    private OutboundRecord letter(DeadLetter letter, String key) {
        LOG.error("Dead letter from {}{}: {}", letter.source(), letter.originalTopic() == null ? ""
                : " (" + letter.originalTopic() + "/" + letter.originalPartition() + "@" + letter.originalOffset() + ")",
                letter.message());
        Counter.builder("holdshelf.dead.letters").description("Dead letters made, by what failed").tag("source",
                letter.source() == null ? "unknown" : letter.source()).register(meters).increment();
        return new OutboundRecord(topic, key, EventTypes.DEAD_LETTER, Json.toBytes(letter));
    }

    /**
     * The dead-letter channel of the routes ({@code routes/error-handling.camel.yaml}): replaces the
     * message of an exchange that failed after its retries with its dead letter, ready for the topic.
     */
    public void toDeadLetter(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        var in = exchange.getMessage();
        Object key = in.getHeader(KafkaConstants.KEY);
        InboundRecord original = new InboundRecord(in.getHeader(KafkaConstants.TOPIC, String.class),
                in.getHeader(KafkaConstants.PARTITION, Integer.class) == null ? -1 : in.getHeader(KafkaConstants.PARTITION, Integer.class),
                in.getHeader(KafkaConstants.OFFSET, Long.class) == null ? -1 : in.getHeader(KafkaConstants.OFFSET, Long.class),
                key == null ? null : key.toString(), in.getHeader(EventTypes.HEADER, String.class), bytes(in.getBody()));
        OutboundRecord letter = original.topic() == null
                ? of(routeId == null ? "unknown" : routeId, null, errorName(error), describe(error),
                        key == null ? exchange.getExchangeId() : key.toString(), payload(original.value()))
                : of(routeId == null ? "unknown" : routeId, null, errorName(error), describe(error), original);
        in.getHeaders().clear();
        in.setHeader(KafkaConstants.KEY, letter.key());
        in.setHeader(EventTypes.HEADER, EventTypes.DEAD_LETTER);
        in.setBody(letter.value());
    }

    private static String errorName(Throwable error) {
        return error == null ? null : error.getClass().getSimpleName();
    }

    private static String describe(Throwable error) {
        if (error == null) {
            return "unknown failure";
        }
        String m = error.getMessage();
        return m == null || m.isBlank() ? error.getClass().getSimpleName() : m;
    }

    private static byte[] bytes(Object body) {
        if (body == null) {
            return null;
        }
        return body instanceof byte[] b ? b : body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The payload as text when it is UTF-8, otherwise base64 (prefixed, so it cannot be mistaken for text). */
    public static String payload(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return BASE64_PREFIX + Base64.getEncoder().encodeToString(bytes);
        }
    }
}
