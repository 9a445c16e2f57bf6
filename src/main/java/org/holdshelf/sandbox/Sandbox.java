package org.holdshelf.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.alma.AlmaSimulator;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SierraSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled simulated APIs behind {@code --sandbox}: Sierra with a generated data set, and Alma
 * knowing most (not all) of that data set's in-transit item barcodes. Configured by the
 * {@code holdshelf.sandbox.*} settings; {@link #configuration()} points the pipeline at them.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    static final String UNKNOWN_BARCODE_PERCENT = "holdshelf.sandbox.alma.unknown-barcode-percent";

    private final SierraSimulator sierra;
    private final AlmaSimulator alma;
    private final String scanInEnabled;

    private Sandbox(SierraSimulator sierra, AlmaSimulator alma, String scanInEnabled) {
        this.sierra = sierra;
        this.alma = alma;
        this.scanInEnabled = scanInEnabled;
    }

    /** Starts the simulators configured by the {@code holdshelf.sandbox.*} entries of {@code settings}. */
    public static Sandbox start(Map<String, String> settings) {
        SierraSandboxSettings sierraSettings = SierraSandboxSettings.fromProperties(withPrefix(settings, SierraSandboxSettings.PREFIX));
        HoldsDataSet data = sierraSettings.newDataSet();
        SierraSimulator sierra = new SierraSimulator(sierraSettings, data);
        sierra.start();
        try {
            int unknownPercent = Integer.parseInt(value(settings, UNKNOWN_BARCODE_PERCENT, "5"));
            List<String> known = almaCatalogue(data, unknownPercent);
            AlmaSimulator alma = new AlmaSimulator(AlmaSandboxSettings.fromMap(settings), known);
            alma.start(Integer.parseInt(value(settings, "holdshelf.sandbox.alma.port", "0")));
            LOG.info("Sandbox started: Sierra {} ({} holds, seed {}), Alma {} ({} in-transit items known)",
                    sierra.baseUrl(), data.size(), data.seed(), alma.baseUrl(), known.size());
            return new Sandbox(sierra, alma, value(settings, "holdshelf.sandbox.alma.enabled", "true"));
        } catch (RuntimeException e) {
            sierra.close();
            throw e;
        }
    }

    /** In-transit item barcodes of the data set, minus a deterministic share Alma does not know. */
    public static List<String> almaCatalogue(HoldsDataSet data, int unknownPercent) {
        List<String> known = new ArrayList<>();
        data.holds().filter(h -> h.isInTransit() && "i".equals(h.recordType()))
                .forEach(h -> data.item(h.recordId()).ifPresent(item -> {
                    String barcode = item.barcode();
                    if (barcode != null && Math.floorMod(barcode.hashCode(), 100) >= unknownPercent) {
                        known.add(barcode);
                    }
                }));
        return known;
    }

    private static String value(Map<String, String> settings, String key, String fallback) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static Map<String, String> withPrefix(Map<String, String> all, String prefix) {
        Map<String, String> selected = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix) && !k.equals(UNKNOWN_BARCODE_PERCENT) && !k.equals("holdshelf.sandbox.alma.enabled")) {
                selected.put(k, v);
            }
        });
        return selected;
    }

    /** The settings that point the pipeline at the simulators. */
    public Map<String, String> configuration() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("holdshelf.sierra.base-url", sierra.baseUrl());
        c.put("holdshelf.sierra.client-key", sierra.settings().clientKey());
        c.put("holdshelf.sierra.client-secret", sierra.settings().clientSecret());
        c.put("holdshelf.alma.base-url", alma.baseUrl());
        c.put("holdshelf.alma.api-key", alma.settings().apiKey());
        c.put("holdshelf.alma.library", alma.settings().library());
        c.put("holdshelf.alma.enabled", scanInEnabled);
        return c;
    }

    public SierraSimulator sierra() {
        return sierra;
    }

    public AlmaSimulator alma() {
        return alma;
    }

    @Override
    public void close() {
        alma.close();
        sierra.close();
    }
}
