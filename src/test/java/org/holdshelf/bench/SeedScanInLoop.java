package org.holdshelf.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed script (shared/seeds/alma-batch-scan-in-python.md), ported as it is: for each barcode,
 * one after the other, GET the item by barcode following the redirect (as Python's requests
 * does), then POST the scan-in. No pacing, no retry: a 429 or any error is a lost scan-in.
 */
final class SeedScanInLoop {

    record Result(int barcodes, int calls, int throttled, int lostScans, double seconds) {
        double callsPerSecond() {
            return calls / seconds;
        }
    }

    private static final Pattern IDS = Pattern.compile(
            "\\\"mms_id\\\"\\s*:\\s*\\\"(\\d+)\\\".*?\\\"holding_id\\\"\\s*:\\s*\\\"(\\d+)\\\".*?\\\"pid\\\"\\s*:\\s*\\\"(\\d+)\\\"", Pattern.DOTALL);

    private SeedScanInLoop() {
    }

    static Result run(String baseUrl, String apiKey, String library, List<String> barcodes) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        int calls = 0;
        int throttled = 0;
        int lost = 0;
        long start = System.nanoTime();
        for (String barcode : barcodes) {
            HttpResponse<String> item = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/items?item_barcode="
                            + URLEncoder.encode(barcode, StandardCharsets.UTF_8)))
                    .header("Accept", "application/json").header("Authorization", "apikey " + apiKey).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            calls += item.previousResponse().isPresent() ? 2 : 1; // the 302 and the item
            Matcher ids = IDS.matcher(item.body());
            if (item.statusCode() == 429) {
                throttled++;
            }
            if (item.statusCode() != 200 || !ids.find()) {
                lost++;
                continue;
            }
            HttpResponse<String> scan = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/bibs/" + ids.group(1)
                            + "/holdings/" + ids.group(2) + "/items/" + ids.group(3) + "?op=scan&library=" + library
                            + "&circ_desk=DEFAULT_CIRC_DESK"))
                    .header("Accept", "application/json").header("Authorization", "apikey " + apiKey)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            calls++;
            if (scan.statusCode() == 429) {
                throttled++;
            }
            if (scan.statusCode() != 200) {
                lost++;
            }
        }
        return new Result(barcodes.size(), calls, throttled, lost, (System.nanoTime() - start) / 1e9);
    }
}
