package org.holdshelf.notices;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;

/**
 * How pickup notices are decided and sent ({@code holdshelf.notices.*}, documented in
 * {@code application.properties}). Validated here, so a bad value stops start-up with its key.
 *
 * @param channels            the channels in use ({@code email}, {@code sms}); a patron is only ever sent on one of these
 * @param preferenceChannels  Sierra's Notice Preference code (fixed field 268) to a channel, or {@code none}
 * @param languages           Sierra's Preferred Language code (fixed field 263) to a template language
 * @param templatesDir        where the templates are ({@code templates/}, editable like the routes)
 * @param sendBatch           notices recorded and sent together: larger batches cost fewer state writes
 * @param contacts            where addresses come from: {@code sierra} (its patron records) or {@code libib} (the directory mirror)
 * @param notifyFrozen        whether a patron frozen in the Libib directory still gets notices
 * @param sms                 the SMS gateway, null unless {@code sms} is a channel in use
 * @param window              when notices may be sent ({@code holdshelf.notices.send-window}), null for any time
 * @param reminderBefore      a reminder this long before a hold's pickup-by date, null for none
 * @param releaseInterval     how often notices waiting (quiet hours, a gateway outage) are looked at
 */
public record NoticesSettings(
        boolean enabled,
        Set<String> channels,
        Set<String> sources,
        boolean dryRun,
        Map<String, String> preferenceChannels,
        Map<String, String> languages,
        String defaultLanguage,
        Path templatesDir,
        String groupId,
        int sendBatch,
        Smtp smtp,
        String contacts,
        boolean notifyFrozen,
        Sms sms,
        SendWindow window,
        Duration reminderBefore,
        Duration releaseInterval) {

    public static final String EMAIL = "email";
    public static final String SMS = "sms";
    public static final String NONE = "none";
    public static final String SIERRA = "sierra";
    public static final String LIBIB = "libib";

    /**
     * The SMTP server and the sender.
     *
     * @param connections SMTP connections used at once, each kept open for many messages
     * @param maxAttempts attempts of one message on a temporary refusal (4xx) or a lost connection
     */
    public record Smtp(String host, int port, String username, String password, boolean starttls, String from,
                       String replyTo, int connections, Duration timeout, int maxAttempts, Duration initialBackoff,
                       Duration maxBackoff) {

        /** Never print the password, even by accident through a record's toString. */
        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + ", starttls=" + starttls + ", from=" + from + ", auth="
                    + (username != null) + "]";
        }
    }

    /**
     * The SMS gateway: {@code webhook} (JSON POST to {@code webhookUrl}, bearer {@code webhookToken}
     * when set) or {@code twilio} (Messages API form to {@code baseUrl}, basic auth with the account
     * SID and token).
     *
     * @param phoneTypes  Sierra phone types in order of preference for texts ({@code o} mobile first by default)
     * @param concurrency texts posted at once
     * @param maxAttempts attempts of one text on a 429, a 5xx or a lost connection
     */
    public record Sms(String provider, String webhookUrl, String webhookToken, String baseUrl, String accountSid,
                      String authToken, String from, String defaultRegion, List<String> phoneTypes, boolean includeTitles,
                      int concurrency, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

        public static final String WEBHOOK = "webhook";
        public static final String TWILIO = "twilio";

        public boolean twilio() {
            return TWILIO.equals(provider);
        }

        /** Where a text is posted. */
        public String endpoint() {
            return twilio() ? baseUrl.replaceAll("/+$", "") + "/2010-04-01/Accounts/" + accountSid + "/Messages.json" : webhookUrl;
        }

        /** Never print the token, even by accident through a record's toString. */
        @Override
        public String toString() {
            return "Sms[provider=" + provider + ", endpoint=" + endpoint() + ", from=" + from + ", region=" + defaultRegion + "]";
        }
    }

    /** The hours notices may be sent in, in the library's zone; {@code start} after {@code end} spans midnight. */
    public record SendWindow(LocalTime start, LocalTime end, ZoneId zone) {

        public boolean contains(ZonedDateTime at) {
            LocalTime t = at.withZoneSameInstant(zone).toLocalTime();
            return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
        }

        /** When the window next opens after {@code at} (the start of the window, in the library's zone). */
        public ZonedDateTime nextOpening(ZonedDateTime at) {
            ZonedDateTime local = at.withZoneSameInstant(zone);
            ZonedDateTime today = local.toLocalDate().atTime(start).atZone(zone);
            return today.isAfter(local) ? today : today.plusDays(1);
        }

        @Override
        public String toString() {
            return start + "-" + end + " " + zone;
        }
    }

    public static NoticesSettings from(HoldshelfConfig config) {
        boolean enabled = config.booleanValue("holdshelf.notices.enabled");
        Set<String> channels = list(config, "holdshelf.notices.channels");
        for (String channel : channels) {
            if (!channel.equals(EMAIL) && !channel.equals(SMS)) {
                throw new ConfigurationException("Setting holdshelf.notices.channels: unknown channel '" + channel
                        + "', expected email and/or sms");
            }
        }
        if (enabled && channels.isEmpty()) {
            throw new ConfigurationException("Setting holdshelf.notices.channels is empty, but notices are enabled");
        }
        String contacts = config.require("holdshelf.notices.contacts").trim().toLowerCase(Locale.ROOT);
        if (!contacts.equals(SIERRA) && !contacts.equals(LIBIB)) {
            throw new ConfigurationException("Setting holdshelf.notices.contacts is '" + contacts + "', expected sierra or libib");
        }
        Map<String, String> preferences = map(config, "holdshelf.notices.preference-channels");
        preferences.forEach((code, channel) -> {
            if (!Set.of(EMAIL, SMS, NONE).contains(channel)) {
                throw new ConfigurationException("Setting holdshelf.notices.preference-channels maps '" + code + "' to '"
                        + channel + "', expected email, sms or none");
            }
        });
        Map<String, String> languages = map(config, "holdshelf.notices.languages");
        Smtp smtp = enabled && channels.contains(EMAIL) ? smtp(config) : null;
        return new NoticesSettings(enabled, channels, list(config, "holdshelf.notices.sources"),
                config.booleanValue("holdshelf.notices.dry-run"), preferences, languages,
                config.require("holdshelf.notices.default-language"), config.path("holdshelf.notices.templates-dir"),
                config.require("holdshelf.notices.group-id"), positive(config, "holdshelf.notices.send-batch"), smtp, contacts,
                config.booleanValue("holdshelf.libib.notify-frozen"),
                enabled && channels.contains(SMS) ? sms(config) : null,
                window(config), reminder(config), config.duration("holdshelf.notices.release-interval"));
    }

    private static Sms sms(HoldshelfConfig config) {
        String provider = config.require("holdshelf.notices.sms.provider").trim().toLowerCase(Locale.ROOT);
        String webhookUrl = null;
        String baseUrl = null;
        String sid = null;
        String token = null;
        if (provider.equals(Sms.WEBHOOK)) {
            webhookUrl = httpUrl(config, "holdshelf.notices.sms.webhook-url");
        } else if (provider.equals(Sms.TWILIO)) {
            baseUrl = httpUrl(config, "holdshelf.notices.sms.base-url");
            sid = config.require("holdshelf.notices.sms.account-sid").trim();
            token = config.require("holdshelf.notices.sms.auth-token");
        } else {
            throw new ConfigurationException("Setting holdshelf.notices.sms.provider is '" + provider + "', expected webhook or twilio");
        }
        String from = config.find("holdshelf.notices.sms.from").map(String::trim).orElse(null);
        if (provider.equals(Sms.TWILIO) && from == null) {
            throw new ConfigurationException("Setting holdshelf.notices.sms.from is required with the twilio provider (a number "
                    + "in E.164, or a Messaging Service SID starting MG)");
        }
        String region = config.require("holdshelf.notices.sms.default-region").trim().toUpperCase(Locale.ROOT);
        if (!com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance().getSupportedRegions().contains(region)) {
            throw new ConfigurationException("Setting holdshelf.notices.sms.default-region is '" + region
                    + "', expected a region code such as US, CA or GB");
        }
        List<String> types = new ArrayList<>();
        for (String type : config.require("holdshelf.notices.sms.phone-types").split(",")) {
            if (!type.isBlank()) {
                types.add(type.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (types.isEmpty()) {
            throw new ConfigurationException("Setting holdshelf.notices.sms.phone-types is empty; expected Sierra phone types "
                    + "such as o,t,p");
        }
        return new Sms(provider, webhookUrl, config.find("holdshelf.notices.sms.webhook-token").orElse(null), baseUrl, sid,
                token, from, region, types, config.booleanValue("holdshelf.notices.sms.include-titles"),
                positive(config, "holdshelf.notices.sms.concurrency"), positive(config, "holdshelf.notices.sms.max-attempts"),
                config.duration("holdshelf.notices.sms.initial-backoff"), config.duration("holdshelf.notices.sms.max-backoff"));
    }

    private static String httpUrl(HoldshelfConfig config, String key) {
        String url = config.require(key).trim();
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw new ConfigurationException("Setting " + key + " is '" + url + "', expected an http(s) URL");
        }
        return url;
    }

    /** {@code HH:mm-HH:mm} in the library's zone ({@code holdshelf.timezone}); empty for any time. */
    private static SendWindow window(HoldshelfConfig config) {
        String value = config.get("holdshelf.notices.send-window", "").trim();
        if (value.isEmpty()) {
            return null;
        }
        String[] parts = value.split("-");
        try {
            if (parts.length != 2) {
                throw new DateTimeParseException("no single '-'", value, 0);
            }
            LocalTime start = LocalTime.parse(parts[0].trim());
            LocalTime end = LocalTime.parse(parts[1].trim());
            if (start.equals(end)) {
                throw new DateTimeParseException("an empty window", value, 0);
            }
            return new SendWindow(start, end, config.zone("holdshelf.timezone"));
        } catch (DateTimeParseException e) {
            throw new ConfigurationException("Setting holdshelf.notices.send-window is '" + value + "', expected HH:mm-HH:mm "
                    + "(e.g. 09:00-20:00, in holdshelf.timezone) or empty for any time");
        }
    }

    private static Duration reminder(HoldshelfConfig config) {
        String value = config.get("holdshelf.notices.reminder-before", "").trim();
        if (value.isEmpty()) {
            return null;
        }
        Duration d = config.duration("holdshelf.notices.reminder-before");
        if (d.isNegative() || d.isZero()) {
            throw new ConfigurationException("Setting holdshelf.notices.reminder-before is '" + value + "', expected a positive "
                    + "duration such as P1D or 1d, or empty for no reminders");
        }
        return d;
    }

    private static Smtp smtp(HoldshelfConfig config) {
        String from = config.require("holdshelf.notices.from");
        if (!from.contains("@")) {
            throw new ConfigurationException("Setting holdshelf.notices.from is not an email address: " + from);
        }
        return new Smtp(config.require("holdshelf.notices.smtp.host"), config.intValue("holdshelf.notices.smtp.port"),
                config.find("holdshelf.notices.smtp.username").orElse(null),
                config.find("holdshelf.notices.smtp.password").orElse(null),
                config.booleanValue("holdshelf.notices.smtp.starttls"), from,
                config.find("holdshelf.notices.reply-to").orElse(null),
                positive(config, "holdshelf.notices.smtp.connections"), config.duration("holdshelf.notices.smtp.timeout"),
                positive(config, "holdshelf.notices.smtp.max-attempts"),
                config.duration("holdshelf.notices.smtp.initial-backoff"), config.duration("holdshelf.notices.smtp.max-backoff"));
    }

    /** Contacts come from the Libib directory mirror ({@code holdshelf.patrons}) rather than Sierra's records. */
    public boolean libibContacts() {
        return LIBIB.equals(contacts);
    }

    /** The channel Sierra's Notice Preference code asks for: {@code email}, {@code sms}, {@code none}, or null when unmapped. */
    public String channelFor(String preferenceCode) {
        return preferenceCode == null ? null : preferenceChannels.get(preferenceCode);
    }

    /** The template language for Sierra's Preferred Language code. */
    public String languageFor(String languageCode) {
        String mapped = languageCode == null ? null : languages.get(languageCode.toLowerCase(Locale.ROOT));
        return mapped == null ? defaultLanguage : mapped;
    }

    /** Every language a notice may be written in: the mapped ones and the default. */
    public Set<String> templateLanguages() {
        Set<String> all = new LinkedHashSet<>(languages.values());
        all.add(defaultLanguage);
        return all;
    }

    private static Set<String> list(HoldshelfConfig config, String key) {
        Set<String> values = new LinkedHashSet<>();
        for (String v : config.get(key, "").split(",")) {
            if (!v.isBlank()) {
                values.add(v.trim().toLowerCase(Locale.ROOT));
            }
        }
        return values;
    }

    /** {@code a=b,c=d} (codes may be {@code -}: Sierra's "none" code). */
    private static Map<String, String> map(HoldshelfConfig config, String key) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : config.get(key, "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 1 || eq == pair.trim().length() - 1) {
                throw new ConfigurationException("Setting " + key + " has '" + pair.trim() + "', expected code=value pairs "
                        + "separated by commas");
            }
            map.put(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), pair.substring(eq + 1).trim().toLowerCase(Locale.ROOT));
        }
        return map;
    }

    private static int positive(HoldshelfConfig config, String key) {
        int value = config.intValue(key);
        if (value < 1) {
            throw new ConfigurationException("Setting " + key + " is " + value + ", expected 1 or more");
        }
        return value;
    }
}
