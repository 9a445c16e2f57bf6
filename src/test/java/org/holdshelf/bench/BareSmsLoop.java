package org.holdshelf.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.holdshelf.events.Json;

/**
 * A bare HTTP loop: the JDK's {@link HttpClient} posting texts to the SMS gateway's webhook as the
 * pipeline does ({@code {"to","body","noticeId"}}, {@code application/json}), the requests built
 * before the clock starts, from {@code threads} threads, one request at a time each. Nothing else:
 * no template, no Camel, no Kafka, no state, no retry. The baseline of the SMS path.
 */
final class BareSmsLoop {

    /** One text as the gateway received it from the pipeline. */
    record Text(String to, String body) {
    }

    /** Requests posted, answered 202 (accepted), answered otherwise, and the loop's seconds. */
    record Result(int posted, int accepted, int other, double seconds) {
    }

    private BareSmsLoop() {
    }

    /**
     * Posts every text once; the notice ids are {@code idPrefix} and the text's index, so that the
     * gateway counts each as new (it answers a repeated notice id as a duplicate).
     */
    static Result run(String webhookUrl, List<Text> texts, String idPrefix, int threads) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create(webhookUrl);
        List<HttpRequest> requests = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            Map<String, String> json = new LinkedHashMap<>();
            json.put("to", texts.get(i).to());
            json.put("body", texts.get(i).body());
            json.put("noticeId", idPrefix + i);
            requests.add(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.toBytes(json))).build());
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                loops.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
                        HttpResponse<byte[]> answer = http.send(requests.get(i), HttpResponse.BodyHandlers.ofByteArray());
                        (answer.statusCode() == 202 ? accepted : other).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get();
            }
            return new Result(requests.size(), accepted.get(), other.get(), (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
