package org.holdshelf.platform.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.holdshelf.events.EventTypes;

/**
 * For Kafka consumers in batching mode: the polled records as plain {@link InboundRecord}s, and
 * the commit after the batch is processed. camel-kafka's own batch commit commits only the
 * partition of the batch's last record; this commits the last record of every partition.
 */
public class KafkaBatches {

    public List<InboundRecord> records(List<Exchange> batch) {
        List<InboundRecord> records = new ArrayList<>(batch.size());
        for (Exchange e : batch) {
            Message m = e.getMessage();
            records.add(new InboundRecord(m.getHeader(KafkaConstants.TOPIC, String.class),
                    m.getHeader(KafkaConstants.PARTITION, Integer.class), m.getHeader(KafkaConstants.OFFSET, Long.class),
                    m.getHeader(KafkaConstants.KEY, String.class), m.getHeader(EventTypes.HEADER, String.class),
                    m.getBody(byte[].class)));
        }
        return records;
    }

    /** Commits, synchronously, the offset after the last record of each partition in the batch. */
    public void commit(List<Exchange> batch) {
        Map<Integer, KafkaManualCommit> lastPerPartition = new LinkedHashMap<>();
        for (Exchange e : batch) {
            KafkaManualCommit commit = e.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("The Kafka consumer must set allowManualCommit=true to commit its batches");
            }
            lastPerPartition.put(e.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class), commit);
        }
        lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }
}
