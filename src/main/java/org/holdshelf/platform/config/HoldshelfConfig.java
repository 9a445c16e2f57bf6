package org.holdshelf.platform.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The pipeline's configuration, resolved once at start-up from (lowest to highest precedence):
 * <ol>
 *   <li>{@code application.properties} on the class path (the documented defaults),</li>
 *   <li>an external properties file ({@code --config FILE} or {@code HOLDSHELF_CONFIG_FILE}),</li>
 *   <li>environment variables: the key in upper case with {@code .} and {@code -} as {@code _}
 *       ({@code holdshelf.sierra.base-url} is {@code HOLDSHELF_SIERRA_BASE_URL}),</li>
 *   <li>JVM system properties ({@code -Dholdshelf.timezone=...}),</li>
 *   <li>overrides made by the launcher itself (the sandbox, the embedded broker).</li>
 * </ol>
 * The resolved values are handed to Camel as override properties, so route placeholders and
 * Java code always see the same value. An empty value counts as unset.
 */
public final class HoldshelfConfig {

    /** Keys that every deployment may set even though they have no default. */
    public static final Set<String> KEYS_WITHOUT_DEFAULT = Set.of("camel.component.kafka.brokers");

    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|api-key|apikey|token|jaas).*");

    private final Map<String, String> values;
    private final List<String> warnings;

    private HoldshelfConfig(Map<String, String> values, List<String> warnings) {
        this.values = Collections.unmodifiableMap(values);
        this.warnings = List.copyOf(warnings);
    }

    /** Loads the configuration the way the application does at start-up. */
    public static HoldshelfConfig load(Path externalFile) {
        Properties system = System.getProperties();
        Map<String, String> sys = new LinkedHashMap<>();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("holdshelf.") || name.startsWith("camel.")) {
                sys.put(name, system.getProperty(name));
            }
        }
        return resolve(classpathDefaults(), externalFile, System.getenv(), sys);
    }

    /** Resolution with every source explicit, for tests and for {@link #load(Path)}. */
    public static HoldshelfConfig resolve(Map<String, String> defaults, Path externalFile,
                                          Map<String, String> environment, Map<String, String> systemProperties) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        if (externalFile != null) {
            merged.putAll(readProperties(externalFile));
        }
        Set<String> known = new TreeSet<>(merged.keySet());
        known.addAll(KEYS_WITHOUT_DEFAULT);
        known.addAll(systemProperties.keySet());

        Set<String> usedEnv = new TreeSet<>();
        for (String key : known) {
            String fromEnv = environment.get(envName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
                usedEnv.add(envName(key));
            }
        }
        merged.putAll(systemProperties);

        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(environment.keySet())) {
            if (name.startsWith("HOLDSHELF_") && !name.equals("HOLDSHELF_CONFIG_FILE") && !usedEnv.contains(name)) {
                warnings.add("Environment variable " + name + " does not match any holdshelf setting and is ignored");
            }
        }
        merged.replaceAll((k, v) -> v == null ? "" : v.trim());
        return new HoldshelfConfig(merged, warnings);
    }

    /** The defaults shipped in {@code application.properties}. */
    public static Map<String, String> classpathDefaults() {
        try (InputStream in = HoldshelfConfig.class.getResourceAsStream("/application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is missing from the class path");
            }
            Properties props = new Properties();
            props.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return toMap(props);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read application.properties", e);
        }
    }

    private static Map<String, String> readProperties(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("Configuration file " + file + " does not exist or is not a file");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties props = new Properties();
            props.load(reader);
            return toMap(props);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read configuration file " + file + ": " + e.getMessage());
        }
    }

    private static Map<String, String> toMap(Properties props) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : new TreeSet<>(props.stringPropertyNames())) {
            map.put(name, props.getProperty(name));
        }
        return map;
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A copy with some values replaced (launcher overrides: sandbox URLs, embedded broker). */
    public HoldshelfConfig with(Map<String, String> overrides) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.putAll(overrides);
        return new HoldshelfConfig(copy, warnings);
    }

    public HoldshelfConfig with(String key, String value) {
        return with(Map.of(key, value));
    }

    /** Problems found while resolving (unknown HOLDSHELF_* variables), for the start-up log. */
    public List<String> warnings() {
        return warnings;
    }

    public Optional<String> find(String key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public boolean isSet(String key) {
        return find(key).isPresent();
    }

    public String require(String key) {
        return find(key).orElseThrow(() -> new ConfigurationException(
                "Missing required setting " + key + " (environment variable " + envName(key) + ")"));
    }

    public String get(String key, String fallback) {
        return find(key).orElse(fallback);
    }

    public int intValue(String key) {
        String raw = require(key);
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "a whole number");
        }
    }

    public long longValue(String key) {
        String raw = require(key);
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "a whole number");
        }
    }

    public boolean booleanValue(String key) {
        String raw = require(key).toLowerCase(Locale.ROOT);
        return switch (raw) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw invalid(key, raw, "true or false");
        };
    }

    public Duration duration(String key) {
        String raw = require(key);
        try {
            return Durations.parse(raw);
        } catch (IllegalArgumentException e) {
            throw invalid(key, raw, "a duration such as 500ms, 10s, 5m or PT10S");
        }
    }

    public ZoneId zone(String key) {
        String raw = require(key);
        try {
            return ZoneId.of(raw);
        } catch (RuntimeException e) {
            throw invalid(key, raw, "a time-zone id such as America/New_York or UTC");
        }
    }

    public Path path(String key) {
        return Path.of(require(key));
    }

    private ConfigurationException invalid(String key, String raw, String expected) {
        String shown = isSecret(key) ? "(hidden)" : "'" + raw + "'";
        return new ConfigurationException("Setting " + key + " (environment variable " + envName(key) + ") is "
                + shown + ", expected " + expected);
    }

    /** True for keys whose values must never be printed. */
    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** Every resolved value, for Camel's property placeholders. */
    public Properties toProperties() {
        Properties props = new Properties();
        values.forEach((k, v) -> {
            if (!v.isEmpty()) {
                props.setProperty(k, v);
            }
        });
        return props;
    }

    public Map<String, String> asMap() {
        return values;
    }
}
