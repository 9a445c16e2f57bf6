package org.holdshelf.kafka;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.holdshelf.events.EventTypes;

/**
 * Turns {@link OutboundRecord}s into the message list camel-kafka sends in one go (each with
 * its own key, type header and, for dead letters, topic), and reads back where the broker put
 * them. This keeps every Kafka send in the routes batched: never one synchronous send per record.
 */
public class KafkaRecords {

    public List<Message> toMessages(List<OutboundRecord> records, Exchange exchange) {
        List<Message> messages = new ArrayList<>(records.size());
        for (OutboundRecord record : records) {
            Message m = new DefaultMessage(exchange.getContext());
            m.setBody(record.value());
            m.setHeader(KafkaConstants.KEY, record.key());
            m.setHeader(EventTypes.HEADER, record.type());
            if (record.topic() != null) {
                m.setHeader(KafkaConstants.OVERRIDE_TOPIC, record.topic());
            }
            messages.add(m);
        }
        return messages;
    }

    /** The broker acknowledgements of a sent message list (camel-kafka sets the metadata on each message). */
    public List<RecordAck> acks(List<Message> sent) {
        List<RecordAck> acks = new ArrayList<>(sent.size());
        for (Message m : sent) {
            @SuppressWarnings("unchecked")
            List<RecordMetadata> metadata = m.getHeader(KafkaConstants.KAFKA_RECORD_META, List.class);
            if (metadata == null || metadata.isEmpty()) {
                throw new IllegalStateException("No broker acknowledgement for a record with key "
                        + m.getHeader(KafkaConstants.KEY) + "; is recordMetadata disabled on the Kafka endpoint?");
            }
            RecordMetadata md = metadata.get(0);
            acks.add(new RecordAck(md.topic(), m.getHeader(KafkaConstants.KEY, String.class),
                    m.getHeader(EventTypes.HEADER, String.class), md.partition(), md.offset()));
        }
        return acks;
    }
}
