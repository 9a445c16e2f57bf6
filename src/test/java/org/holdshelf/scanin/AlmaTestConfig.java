package org.holdshelf.scanin;

import java.util.HashMap;
import java.util.Map;

import org.holdshelf.platform.config.HoldshelfConfig;

/**
 * Settings for tests, resolved the way the application resolves them: the shipped
 * {@code application.properties} defaults plus the test's overrides.
 */
final class AlmaTestConfig {

    static final String API_KEY = "test-alma-key";

    private AlmaTestConfig() {
    }

    static HoldshelfConfig config(Map<String, String> overrides) {
        return HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), overrides);
    }

    /** Enabled, pointed at {@code baseUrl}, fast backoff; {@code overrides} win. */
    static AlmaSettings settings(String baseUrl, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put(AlmaSettings.ENABLED, "true");
        values.put(AlmaSettings.BASE_URL, baseUrl);
        values.put(AlmaSettings.API_KEY, API_KEY);
        values.put(AlmaSettings.LIBRARY, "MAIN");
        values.put(AlmaSettings.INITIAL_BACKOFF, "20ms");
        values.put(AlmaSettings.MAX_BACKOFF, "200ms");
        values.put(AlmaSettings.REQUEST_TIMEOUT, "5s");
        values.putAll(overrides);
        return AlmaSettings.from(config(values));
    }
}
