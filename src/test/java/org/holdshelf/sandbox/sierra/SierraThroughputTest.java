package org.holdshelf.sandbox.sierra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures how fast the simulator serves full pages at zero latency, so benchmarks of the
 * pipeline know the simulator is not their bottleneck. Prints the rate; asserts only that every
 * page arrived, because machine speed is not a test outcome. The first sweep warms the JIT.
 */
class SierraThroughputTest {

    private static final int HOLDS = 200_000;
    private static final int LIMIT = 2000;

    @Test
    void servesFullPagesOfHolds() throws IOException, InterruptedException {
        try (SierraSimulator simulator = new SierraSimulator(SierraSandboxSettings.builder().holds(HOLDS).build()).start()) {
            String token = new SierraTestClient(simulator).token();
            HttpClient http = HttpClient.newHttpClient();
            sweep(http, simulator, token, HOLDS);

            long start = System.nanoTime();
            long bytes = sweep(http, simulator, token, HOLDS);
            double seconds = (System.nanoTime() - start) / 1e9;

            System.out.printf("Sierra simulator: %,d holds in %.2f s = %,.0f holds/s (%.1f MB/s, pages of %d)%n",
                    HOLDS, seconds, HOLDS / seconds, bytes / seconds / 1e6, LIMIT);
            assertThat(simulator.stats().holdsOffsets()).hasSize(2 * HOLDS / LIMIT);
        }
    }

    /** Fetches pages up to {@code holds}; returns the bytes received. */
    private static long sweep(HttpClient http, SierraSimulator simulator, String token, int holds)
            throws IOException, InterruptedException {
        long bytes = 0;
        for (int offset = 0; offset < holds; offset += LIMIT) {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create(simulator.baseUrl() + "/patrons/holds?limit=" + LIMIT + "&offset=" + offset))
                    .header("Authorization", "Bearer " + token)
                    .build();
            HttpResponse<byte[]> page = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(page.statusCode()).isEqualTo(200);
            bytes += page.body().length;
        }
        return bytes;
    }
}
