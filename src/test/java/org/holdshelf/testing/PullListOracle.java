package org.holdshelf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SimHold;
import org.holdshelf.sandbox.sierra.SimItem;

/**
 * The pull lists a data set should produce, computed the way the seed script computed its report
 * (`holds_ready.sort(pickupByDate, reverse)`, then a stable sort by patron record number as text,
 * then by location), plus the added columns; and a reader for the files that uses Jackson's CSV
 * parser, not the pipeline's writer.
 */
public final class PullListOracle {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private PullListOracle() {
    }

    /** Expected rows (cells as strings, empty for absent) per file name ({@code <code>.csv}, {@code <code>-incoming.csv}). */
    public static Map<String, List<List<String>>> expectedFiles(HoldsDataSet data, ZoneId zone) {
        List<SimHold> ready = new ArrayList<>(data.holds().filter(SimHold::isReady).toList());
        List<SimHold> incoming = new ArrayList<>(data.holds().filter(SimHold::isInTransit).toList());
        Map<String, List<List<String>>> files = new LinkedHashMap<>();
        seedSort(ready).forEach(h -> files.computeIfAbsent(h.pickupLocationCode() + ".csv", k -> new ArrayList<>()).add(row(data, h, zone)));
        seedSort(incoming).forEach(h -> files.computeIfAbsent(h.pickupLocationCode() + "-incoming.csv", k -> new ArrayList<>()).add(row(data, h, zone)));
        return files;
    }

    /** Three stable sorts, in the seed's order: pickup-by newest first, then patron (text), then location. */
    private static List<SimHold> seedSort(List<SimHold> holds) {
        holds.sort(Comparator.comparing((SimHold h) -> h.pickupByDate() == null ? "" : h.pickupByDate()).reversed());
        holds.sort(Comparator.comparing(h -> String.valueOf(h.patronId())));
        holds.sort(Comparator.comparing(SimHold::pickupLocationName));
        return holds;
    }

    private static List<String> row(HoldsDataSet data, SimHold h, ZoneId zone) {
        String barcode = "";
        Long bibId = null;
        if (h.recordType().equals("i")) {
            SimItem item = data.item(h.recordId()).orElseThrow();
            barcode = item.barcode() == null ? "" : item.barcode();
            bibId = item.bibId();
        } else if (h.recordType().equals("b")) {
            bibId = h.recordId();
        }
        String title = bibId == null ? "" : neutralised(data.bib(bibId).orElseThrow().title());
        return List.of(
                String.valueOf(h.holdId()),
                neutralised(h.pickupLocationName()),
                String.valueOf(h.patronId()),
                h.pickupByDate() == null ? "" : LOCAL.format(Instant.parse(h.pickupByDate()).atZone(zone)),
                String.valueOf(h.recordId()),
                h.pickupLocationCode(),
                h.recordType(),
                barcode,
                title,
                h.statusCode(),
                h.placed());
    }

    /** OWASP's rule as the README states it, written out independently of the pipeline's code. */
    public static String neutralised(String cell) {
        if (cell == null || cell.isEmpty()) {
            return "";
        }
        return "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }

    /** The rows of a CSV file read with Jackson's parser: header first. */
    public static List<List<String>> read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            CsvMapper mapper = new CsvMapper();
            mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            List<List<String>> rows = new ArrayList<>();
            try (MappingIterator<String[]> it = mapper.readerFor(String[].class).readValues(text)) {
                while (it.hasNext()) {
                    rows.add(Arrays.asList(it.next()));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
