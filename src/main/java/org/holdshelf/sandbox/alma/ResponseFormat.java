package org.holdshelf.sandbox.alma;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.sun.net.httpserver.Headers;

/**
 * The representation a client gets. Alma answers XML unless asked for JSON [CODE]: by
 * {@code format=json} (almapipy) or {@code Accept: application/json} (bibdata, php-alma-client).
 * {@code format} wins over {@code Accept} [INF]. A client that forgets to ask for JSON therefore
 * gets XML here too, as it would from Alma.
 */
enum ResponseFormat {
    JSON("application/json;charset=UTF-8"),
    XML("application/xml;charset=UTF-8");

    private final String contentType;

    ResponseFormat(String contentType) {
        this.contentType = contentType;
    }

    String contentType() {
        return contentType;
    }

    static ResponseFormat negotiate(Map<String, String> query, Headers requestHeaders) {
        String format = query.getOrDefault("format", "").toLowerCase(Locale.ROOT);
        if (format.equals("json")) {
            return JSON;
        }
        if (format.equals("xml")) {
            return XML;
        }
        for (String accept : requestHeaders.getOrDefault("Accept", List.of())) {
            if (accept.toLowerCase(Locale.ROOT).contains("application/json")) {
                return JSON;
            }
        }
        return XML;
    }
}
