package org.holdshelf.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.holdshelf.sandbox.alma.AlmaSandboxSettings;
import org.holdshelf.sandbox.alma.AlmaSimulator;
import org.holdshelf.sandbox.hoopla.HooplaSandboxSettings;
import org.holdshelf.sandbox.hoopla.HooplaSimulator;
import org.holdshelf.sandbox.libib.LibibSandboxSettings;
import org.holdshelf.sandbox.libib.LibibSimulator;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.sandbox.sierra.SierraSimulator;
import org.holdshelf.sandbox.smtp.SmtpSandboxSettings;
import org.holdshelf.sandbox.smtp.SmtpSimulator;
import org.holdshelf.sandbox.sms.SmsGatewaySimulator;
import org.holdshelf.sandbox.sms.SmsSandboxSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled simulated APIs behind {@code --sandbox}: Sierra with a generated data set, Alma
 * knowing most (not all) of that data set's in-transit item barcodes, a Libib patron directory
 * overlapping that data set's patrons, an SMTP sink and an SMS gateway (webhook and Twilio) for the
 * pickup notices. Configured by the {@code holdshelf.sandbox.*} settings; {@link #configuration()}
 * points the pipeline at them.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    static final String UNKNOWN_BARCODE_PERCENT = "holdshelf.sandbox.alma.unknown-barcode-percent";
    /** The notices' sender when the settings name none: the sandbox's own library. */
    public static final String DEFAULT_NOTICE_FROM = "Holdshelf Sandbox Library <holds@sandbox.example.org>";
    private static final String NOTICE_FROM = "holdshelf.notices.from";
    /** The sending number of the texts when the settings name none: a fictional Cincinnati number. */
    public static final String DEFAULT_SMS_FROM = "+15135550100";
    private static final String SMS_FROM = "holdshelf.notices.sms.from";
    private static final String SMS_PROVIDER = "holdshelf.notices.sms.provider";
    /**
     * Shares of numbers the sandbox's gateway treats as opted out and as landlines when the
     * settings leave them empty, so a sandbox run shows OPTED_OUT and FAILED texts too.
     */
    static final String SMS_OPTED_OUT_PERCENT = SmsSandboxSettings.PREFIX + "opted-out-percent";
    static final String SMS_LANDLINE_PERCENT = SmsSandboxSettings.PREFIX + "landline-percent";
    static final String DEFAULT_SMS_OPTED_OUT_PERCENT = "2";
    static final String DEFAULT_SMS_LANDLINE_PERCENT = "3";

    private final SierraSimulator sierra;
    private final AlmaSimulator alma;
    /** Null when {@code holdshelf.sandbox.smtp.enabled=false}. */
    private final SmtpSimulator smtp;
    /** Null when {@code holdshelf.sandbox.libib.enabled=false}. */
    private final LibibSimulator libib;
    /** Null when {@code holdshelf.sandbox.sms.enabled=false}. */
    private final SmsGatewaySimulator sms;
    /** Null when {@code holdshelf.sandbox.hoopla.enabled=false}. */
    private final HooplaSimulator hoopla;
    private final String scanInEnabled;
    private final boolean noticeFromBlank;
    private final boolean smsFromBlank;
    private final String smsProvider;
    private final String noticeChannels;
    private final String sendWindow;

    private Sandbox(SierraSimulator sierra, AlmaSimulator alma, SmtpSimulator smtp, LibibSimulator libib, SmsGatewaySimulator sms,
                    HooplaSimulator hoopla, String scanInEnabled, Map<String, String> settings) {
        this.sierra = sierra;
        this.alma = alma;
        this.smtp = smtp;
        this.libib = libib;
        this.sms = sms;
        this.hoopla = hoopla;
        this.scanInEnabled = scanInEnabled;
        this.noticeFromBlank = value(settings, NOTICE_FROM, "").isEmpty();
        this.smsFromBlank = value(settings, SMS_FROM, "").isEmpty();
        // the gateway serves both shapes: a configured twilio is kept, anything else posts to the webhook
        this.smsProvider = SmsGatewaySimulator.TWILIO.equals(value(settings, SMS_PROVIDER, "")) ? SmsGatewaySimulator.TWILIO
                : SmsGatewaySimulator.WEBHOOK;
        // the sandbox's own notice policy: both channels (texts only while the gateway runs), any hour
        String channels = value(settings, "holdshelf.sandbox.notices.channels", "email,sms");
        this.noticeChannels = sms != null ? channels
                : String.join(",", java.util.Arrays.stream(channels.split(",")).map(String::trim)
                        .filter(ch -> !ch.equalsIgnoreCase("sms") && !ch.isEmpty()).toList());
        this.sendWindow = value(settings, "holdshelf.sandbox.notices.send-window", "");
    }

    /** A relative {@code mail-dir} is inside the reports directory, with the run folders. */
    private static SmtpSandboxSettings inReportsDir(SmtpSandboxSettings smtp, Map<String, String> settings) {
        if (smtp.mailDir() == null || smtp.mailDir().isAbsolute()) {
            return smtp;
        }
        return smtp.toBuilder().mailDir(Path.of(value(settings, "holdshelf.reports.dir", "reports")).resolve(smtp.mailDir())).build();
    }

    /**
     * The gateway's settings, with the sandbox's shares of opted-out numbers and landlines where the
     * settings leave them empty, and a relative {@code message-dir} inside the reports directory.
     */
    private static SmsSandboxSettings smsSettings(Map<String, String> settings) {
        Map<String, String> withDefaults = new LinkedHashMap<>(settings);
        if (value(settings, SMS_OPTED_OUT_PERCENT, "").isEmpty()) {
            withDefaults.put(SMS_OPTED_OUT_PERCENT, DEFAULT_SMS_OPTED_OUT_PERCENT);
        }
        if (value(settings, SMS_LANDLINE_PERCENT, "").isEmpty()) {
            withDefaults.put(SMS_LANDLINE_PERCENT, DEFAULT_SMS_LANDLINE_PERCENT);
        }
        SmsSandboxSettings sms = SmsSandboxSettings.fromProperties(withDefaults);
        if (sms.messageDir() == null || sms.messageDir().isAbsolute()) {
            return sms;
        }
        return sms.toBuilder().messageDir(Path.of(value(settings, "holdshelf.reports.dir", "reports")).resolve(sms.messageDir())).build();
    }

    /** Starts the simulators configured by the {@code holdshelf.sandbox.*} entries of {@code settings}. */
    public static Sandbox start(Map<String, String> settings) {
        SierraSandboxSettings sierraSettings = SierraSandboxSettings.fromProperties(withPrefix(settings, SierraSandboxSettings.PREFIX));
        // read before anything starts, so a bad SMTP setting leaves nothing running
        boolean smtpEnabled = Boolean.parseBoolean(value(settings, SmtpSandboxSettings.ENABLED, "true"));
        SmtpSandboxSettings smtpSettings = smtpEnabled ? inReportsDir(SmtpSandboxSettings.fromProperties(settings), settings) : null;
        boolean libibEnabled = Boolean.parseBoolean(value(settings, LibibSandboxSettings.ENABLED, "true"));
        LibibSandboxSettings libibSettings = libibEnabled ? LibibSandboxSettings.fromProperties(settings) : null;
        boolean smsEnabled = Boolean.parseBoolean(value(settings, SmsSandboxSettings.ENABLED, "true"));
        SmsSandboxSettings smsSettings = smsEnabled ? smsSettings(settings) : null;
        // started only for a pipeline that polls Hoopla: its directory costs a walk of every patron at start-up
        boolean hooplaEnabled = Boolean.parseBoolean(value(settings, HooplaSandboxSettings.ENABLED, "true"))
                && Boolean.parseBoolean(value(settings, "holdshelf.hoopla.enabled", "false"));
        HooplaSandboxSettings hooplaSettings = hooplaEnabled ? HooplaSandboxSettings.fromProperties(settings) : null;
        HoldsDataSet data = sierraSettings.newDataSet();
        SierraSimulator sierra = new SierraSimulator(sierraSettings, data);
        AlmaSimulator alma = null;
        SmtpSimulator smtp = null;
        LibibSimulator libib = null;
        SmsGatewaySimulator sms = null;
        HooplaSimulator hoopla = null;
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
            if (smsEnabled) {
                sms = new SmsGatewaySimulator(smsSettings).start();
            }
            if (hooplaEnabled) {
                hoopla = new HooplaSimulator(hooplaSettings, HooplaSimulator.directoryFor(data, hooplaSettings)).start();
            }
            LOG.info("Sandbox started: Sierra {} ({} holds, seed {}), Alma {} ({} in-transit items known), Libib {}, SMTP {}, SMS {}, Hoopla {}",
                    sierra.baseUrl(), data.size(), data.seed(), alma.baseUrl(), known.size(),
                    libib == null ? "off" : libib.baseUrl() + " (" + libib.directory().size() + " patrons)",
                    smtp == null ? "off" : smtp.address() + (smtpSettings.mailDir() == null ? "" : " (copies in " + smtpSettings.mailDir() + ")"),
                    sms == null ? "off" : sms.baseUrl() + " (webhook " + SmsGatewaySimulator.WEBHOOK_PATH + " and Twilio; "
                            + smsSettings.optedOutPercent() + "% opted out, " + smsSettings.landlinePercent() + "% landlines"
                            + (smsSettings.messageDir() == null ? "" : "; copies in " + smsSettings.messageDir()) + ")",
                    hoopla == null ? "off" : hoopla.baseUrl() + " (" + hoopla.cards().size() + " cards, "
                            + hoopla.cardsWithHolds().size() + " with holds; library " + hooplaSettings.libraryId() + ")");
            return new Sandbox(sierra, alma, smtp, libib, sms, hoopla, value(settings, "holdshelf.sandbox.alma.enabled", "true"), settings);
        } catch (RuntimeException e) {
            if (hoopla != null) {
                hoopla.close();
            }
            if (sms != null) {
                sms.close();
            }
            if (smtp != null) {
                smtp.close();
            }
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
     * settings name none. With the SMS gateway on, notices are switched on too and texts go to it:
     * the webhook URL and its token (empty when it has none), Twilio's base URL and account, and a
     * sending number when the settings name none; the provider is {@code webhook} unless the
     * settings chose {@code twilio} (the gateway serves both). With either on, the channels and the
     * send window are the sandbox's ({@code holdshelf.sandbox.notices.channels}, default
     * {@code email,sms} with texts only while the gateway runs, and
     * {@code holdshelf.sandbox.notices.send-window}, default any hour), so a run at night sends too.
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
        if ((smtp != null || sms != null) && !noticeChannels.isEmpty()) {
            c.put("holdshelf.notices.channels", noticeChannels);
            c.put("holdshelf.notices.send-window", sendWindow);
        }
        if (sms != null) {
            c.put("holdshelf.notices.enabled", "true");
            c.put(SMS_PROVIDER, smsProvider);
            c.put("holdshelf.notices.sms.webhook-url", sms.webhookUrl());
            c.put("holdshelf.notices.sms.webhook-token", sms.settings().webhookToken());
            c.put("holdshelf.notices.sms.base-url", sms.baseUrl());
            c.put("holdshelf.notices.sms.account-sid", sms.settings().accountSid());
            c.put("holdshelf.notices.sms.auth-token", sms.settings().authToken());
            if (smsFromBlank) {
                c.put(SMS_FROM, DEFAULT_SMS_FROM);
            }
        }
        if (hoopla != null) {
            // the poll stays as configured (holdshelf.hoopla.enabled); when on, it reads the sandbox's cards
            // at 90% of the simulator's pace (100 a minute by default: the pipeline's own default of 90)
            c.put("holdshelf.hoopla.base-url", hoopla.baseUrl());
            c.put("holdshelf.hoopla.username", hoopla.settings().username());
            c.put("holdshelf.hoopla.password", hoopla.settings().password());
            c.put("holdshelf.hoopla.library-id", Long.toString(hoopla.settings().libraryId()));
            int perMinute = hoopla.settings().requestsPerMinute();
            if (perMinute > 0) {
                c.put("holdshelf.hoopla.requests-per-minute", Integer.toString(Math.max(1, perMinute * 9 / 10)));
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

    /** The SMS gateway, empty when {@code holdshelf.sandbox.sms.enabled=false}. */
    public Optional<SmsGatewaySimulator> sms() {
        return Optional.ofNullable(sms);
    }

    /** The Hoopla partner API, empty when {@code holdshelf.sandbox.hoopla.enabled=false}. */
    public Optional<HooplaSimulator> hoopla() {
        return Optional.ofNullable(hoopla);
    }

    @Override
    public void close() {
        if (hoopla != null) {
            hoopla.close();
        }
        if (sms != null) {
            sms.close();
        }
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
