package org.holdshelf.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.alma.AlmaSimulator;
import org.holdshelf.sandbox.libib.LibibSandboxSettings;
import org.holdshelf.sandbox.libib.LibibSimulator;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SierraSimulator;
import org.holdshelf.sandbox.smtp.SmtpSandboxSettings;
import org.holdshelf.sandbox.smtp.SmtpSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled simulated APIs behind {@code --sandbox}: Sierra with a generated data set, Alma
 * knowing most (not all) of that data set's in-transit item barcodes, a Libib patron directory
 * overlapping that data set's patrons, and an SMTP sink for the pickup notices. Configured by the {@code holdshelf.sandbox.*} settings; {@link #configuration()}
 * points the pipeline at them.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    static final String UNKNOWN_BARCODE_PERCENT = "holdshelf.sandbox.alma.unknown-barcode-percent";
    /** The notices' sender when the settings name none: the sandbox's own library. */
    public static final String DEFAULT_NOTICE_FROM = "Holdshelf Sandbox Library <holds@sandbox.example.org>";
    private static final String NOTICE_FROM = "holdshelf.notices.from";

    private final SierraSimulator sierra;
    private final AlmaSimulator alma;
    /** Null when {@code holdshelf.sandbox.smtp.enabled=false}. */
    private final SmtpSimulator smtp;
    /** Null when {@code holdshelf.sandbox.libib.enabled=false}. */
    private final LibibSimulator libib;
    private final String scanInEnabled;
    private final boolean noticeFromBlank;

    private Sandbox(SierraSimulator sierra, AlmaSimulator alma, SmtpSimulator smtp, LibibSimulator libib, String scanInEnabled,
                    boolean noticeFromBlank) {
        this.sierra = sierra;
        this.alma = alma;
        this.smtp = smtp;
        this.libib = libib;
        this.scanInEnabled = scanInEnabled;
        this.noticeFromBlank = noticeFromBlank;
    }

    /** A relative {@code mail-dir} is inside the reports directory, with the run folders. */
    private static SmtpSandboxSettings inReportsDir(SmtpSandboxSettings smtp, Map<String, String> settings) {
        if (smtp.mailDir() == null || smtp.mailDir().isAbsolute()) {
            return smtp;
        }
        return smtp.toBuilder().mailDir(Path.of(value(settings, "holdshelf.reports.dir", "reports")).resolve(smtp.mailDir())).build();
    }

    /** Starts the simulators configured by the {@code holdshelf.sandbox.*} entries of {@code settings}. */
    public static Sandbox start(Map<String, String> settings) {
        SierraSandboxSettings sierraSettings = SierraSandboxSettings.fromProperties(withPrefix(settings, SierraSandboxSettings.PREFIX));
        // read before anything starts, so a bad SMTP setting leaves nothing running
        boolean smtpEnabled = Boolean.parseBoolean(value(settings, SmtpSandboxSettings.ENABLED, "true"));
        SmtpSandboxSettings smtpSettings = smtpEnabled ? inReportsDir(SmtpSandboxSettings.fromProperties(settings), settings) : null;
        boolean libibEnabled = Boolean.parseBoolean(value(settings, LibibSandboxSettings.ENABLED, "true"));
        LibibSandboxSettings libibSettings = libibEnabled ? LibibSandboxSettings.fromProperties(settings) : null;
        HoldsDataSet data = sierraSettings.newDataSet();
        SierraSimulator sierra = new SierraSimulator(sierraSettings, data);
        AlmaSimulator alma = null;
        SmtpSimulator smtp = null;
        LibibSimulator libib = null;
        sierra.start();
        try {
            int unknownPercent = Integer.parseInt(value(settings, UNKNOWN_BARCODE_PERCENT, "5"));
            List<String> known = almaCatalogue(data, unknownPercent);
            alma = new AlmaSimulator(AlmaSandboxSettings.fromMap(settings), known);
            alma.start(Integer.parseInt(value(settings, "holdshelf.sandbox.alma.port", "0")));
            if (libibEnabled) {
                libib = new LibibSimulator(libibSettings, LibibSimulator.directoryFor(data, libibSettings));
                libib.start(Integer.parseInt(value(settings, LibibSandboxSettings.PREFIX + "port", "0")));
            }
            if (smtpEnabled) {
                smtp = new SmtpSimulator(smtpSettings).start();
            }
            LOG.info("Sandbox started: Sierra {} ({} holds, seed {}), Alma {} ({} in-transit items known), Libib {}, SMTP {}",
                    sierra.baseUrl(), data.size(), data.seed(), alma.baseUrl(), known.size(),
                    libib == null ? "off" : libib.baseUrl() + " (" + libib.directory().size() + " patrons)",
                    smtp == null ? "off" : smtp.address() + (smtpSettings.mailDir() == null ? "" : " (copies in " + smtpSettings.mailDir() + ")"));
            return new Sandbox(sierra, alma, smtp, libib, value(settings, "holdshelf.sandbox.alma.enabled", "true"),
                    value(settings, NOTICE_FROM, "").isEmpty());
        } catch (RuntimeException e) {
            if (libib != null) {
                libib.close();
            }
            if (alma != null) {
                alma.close();
            }
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

    /**
     * The settings that point the pipeline at the simulators. With the SMTP sink on, notices are
     * switched on and sent to it: its host and port, its credentials (empty when it has none, so a
     * deployment's own are not sent to it), no STARTTLS (it has none), and a sender when the
     * settings name none.
     */
    public Map<String, String> configuration() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("holdshelf.sierra.base-url", sierra.baseUrl());
        c.put("holdshelf.sierra.client-key", sierra.settings().clientKey());
        c.put("holdshelf.sierra.client-secret", sierra.settings().clientSecret());
        c.put("holdshelf.alma.base-url", alma.baseUrl());
        c.put("holdshelf.alma.api-key", alma.settings().apiKey());
        c.put("holdshelf.alma.library", alma.settings().library());
        c.put("holdshelf.alma.enabled", scanInEnabled);
        if (libib != null) {
            // the mirror stays as configured (holdshelf.libib.enabled); when on, it reads the sandbox's directory at its pace
            c.put("holdshelf.libib.base-url", libib.baseUrl());
            c.put("holdshelf.libib.api-key", libib.settings().apiKey());
            c.put("holdshelf.libib.api-user", libib.settings().apiUser());
            c.put("holdshelf.libib.api-ultimate", "");
            c.put("holdshelf.libib.min-interval", libib.settings().minIntervalMs() + "ms");
        }
        if (smtp != null) {
            c.put("holdshelf.notices.enabled", "true");
            c.put("holdshelf.notices.smtp.host", smtp.host());
            c.put("holdshelf.notices.smtp.port", Integer.toString(smtp.port()));
            c.put("holdshelf.notices.smtp.username", smtp.settings().username());
            c.put("holdshelf.notices.smtp.password", smtp.settings().password());
            c.put("holdshelf.notices.smtp.starttls", "false");
            if (noticeFromBlank) {
                c.put(NOTICE_FROM, DEFAULT_NOTICE_FROM);
            }
        }
        return c;
    }

    public SierraSimulator sierra() {
        return sierra;
    }

    public AlmaSimulator alma() {
        return alma;
    }

    /** The Libib directory, empty when {@code holdshelf.sandbox.libib.enabled=false}. */
    public Optional<LibibSimulator> libib() {
        return Optional.ofNullable(libib);
    }

    /** The SMTP sink, empty when {@code holdshelf.sandbox.smtp.enabled=false}. */
    public Optional<SmtpSimulator> smtp() {
        return Optional.ofNullable(smtp);
    }

    @Override
    public void close() {
        if (smtp != null) {
            smtp.close();
        }
        if (libib != null) {
            libib.close();
        }
        alma.close();
        sierra.close();
    }
}
