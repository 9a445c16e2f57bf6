package org.holdshelf.platform.kafka;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.holdshelf.events.EventTypes;

/**
 * Turns {@link OutboundRecord}s into the message list camel-kafka sends in one go, each with
 * its own key, type header and, for dead letters, topic. This keeps every Kafka send in the
 * routes batched: never one synchronous send per record. A list send completes only when the
 * broker has acknowledged every record in it (or fails if any record fails).
 */
public class KafkaRecords {

    /** As a bean step: the body's records as messages for the next Kafka send. */
    public List<Message> toMessages(List<OutboundRecord> records, Exchange exchange) {
        return messages(records, exchange.getContext());
    }

    public static List<Message> messages(List<OutboundRecord> records, CamelContext context) {
        List<Message> messages = new ArrayList<>(records.size());
        for (OutboundRecord record : records) {
            Message m = new DefaultMessage(context);
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
}
