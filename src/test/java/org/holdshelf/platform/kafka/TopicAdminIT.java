package org.holdshelf.platform.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.testing.SharedKafka;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Instances starting together all create the topics they need: the one that loses a race to create a topic starts anyway. */
class TopicAdminIT {

    @Test
    void shouldStartEveryInstanceWhenSeveralCreateTheSameTopicsAtOnce() throws Exception {
        String prefix = SharedKafka.uniquePrefix("topic-race");
        Map<String, String> names = new java.util.HashMap<>();
        for (Topic topic : Topic.values()) {
            names.put(topic.setting(), prefix + "." + topic.setting().substring("holdshelf.topic.".length()));
        }
        HoldshelfConfig config = HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of()).with(names);
        Properties client = new Properties();
        client.put("bootstrap.servers", SharedKafka.bootstrapServers());
        Set<Topic> topics = Set.of(Topic.ENTRIES, Topic.RUNS, Topic.HARVEST_SLOTS, Topic.NOTICES_STATE, Topic.DLQ);
        int instances = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                starts.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    TopicAdmin.ensureTopics(config, topics, client);
                }, pool));
            }
            go.countDown();
            for (CompletableFuture<Void> start : starts) {
                start.get(120, TimeUnit.SECONDS); // throws if an instance failed: TopicExistsException before the fix
            }
        } finally {
            pool.shutdownNow();
        }
        try (Admin admin = Admin.create(client)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(topics.stream().map(t -> t.name(config)).toList());
        }
    }
}
