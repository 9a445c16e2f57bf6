package org.holdshelf.sandbox.settings;

import java.time.DateTimeException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The keys under one prefix of the sandbox's properties ({@code holdshelf.sandbox.sierra.} ...),
 * read strictly: an unknown key, or a value its parser refuses, is an error that names the key.
 * Blank values count as unset. The values of secret keys are never echoed in errors.
 */
public final class SandboxProperties {

    private final String prefix;
    private final Map<String, String> values;
    private final Set<String> secretKeys;

    private SandboxProperties(String prefix, Map<String, String> values, Set<String> secretKeys) {
        this.prefix = prefix;
        this.values = values;
        this.secretKeys = secretKeys;
    }

    /**
     * The keys of {@code properties} under {@code prefix}, without it; {@code what} names the
     * simulator in errors ("sandbox Sierra").
     */
    public static SandboxProperties under(String prefix, String what, Map<String, String> properties, Set<String> knownKeys,
                                          Set<String> secretKeys) {
        Map<String, String> values = new HashMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(prefix) && value != null && !value.isBlank()) {
                values.put(key.substring(prefix.length()), value.strip());
            }
        });
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(knownKeys);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown " + what + " setting(s) " + unknown.stream().map(k -> prefix + k).toList()
                    + "; known keys: " + knownKeys.stream().sorted().toList());
        }
        return new SandboxProperties(prefix, values, secretKeys);
    }

    /** {@link Properties} as a map of strings. */
    public static Map<String, String> asMap(Properties properties) {
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }

    /** The key's value read by {@code parser}, or {@code fallback} when it is not set. */
    public <T> T get(String key, Function<String, T> parser, T fallback) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException | DateTimeException e) { // NumberFormatException, InvalidPathException included
            String shown = secretKeys.contains(key) ? "(hidden)" : "'" + value + "'";
            throw new IllegalArgumentException("bad value " + shown + " for " + prefix + key + ": " + e.getMessage(), e);
        }
    }
}
