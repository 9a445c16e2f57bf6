package org.holdshelf.notices;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param channels            the channels in use ({@code email}); a patron is only ever sent on one of these
 * @param preferenceChannels  Sierra's Notice Preference code (fixed field 268) to a channel, or {@code none}
 * @param languages           Sierra's Preferred Language code (fixed field 263) to a template language
 * @param templatesDir        where the templates are ({@code templates/}, editable like the routes)
 * @param sendBatch           notices recorded and sent together: larger batches cost fewer state writes
 * @param contacts            where addresses come from: {@code sierra} (its patron records) or {@code libib} (the directory mirror)
 * @param notifyFrozen        whether a patron frozen in the Libib directory still gets notices
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
        boolean notifyFrozen) {

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

    public static NoticesSettings from(HoldshelfConfig config) {
        boolean enabled = config.booleanValue("holdshelf.notices.enabled");
        Set<String> channels = list(config, "holdshelf.notices.channels");
        for (String channel : channels) {
            if (channel.equals(SMS)) {
                throw new ConfigurationException("Setting holdshelf.notices.channels names sms, which this version cannot "
                        + "send yet; use email (patrons who prefer texts get an email when they have an address)");
            }
            if (!channel.equals(EMAIL)) {
                throw new ConfigurationException("Setting holdshelf.notices.channels: unknown channel '" + channel
                        + "', expected email");
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
                config.booleanValue("holdshelf.libib.notify-frozen"));
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
