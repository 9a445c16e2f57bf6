package org.holdshelf.reports;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Location codes become file names: letters, digits and {@code _} stay; anything else (even {@code -}, so {@code -incoming} never collides) is hex-escaped. */
final class FileNames {

    private FileNames() {
    }

    static String safe(String code) {
        StringBuilder name = new StringBuilder();
        for (byte b : code.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                name.append(c);
            } else {
                name.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xFF));
            }
        }
        return name.isEmpty() ? "%" : name.toString();
    }
}
