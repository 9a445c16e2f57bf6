package org.holdshelf.platform.files;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Location codes become file names: letters, digits and {@code _} stay; anything else (even
 * {@code -}, so {@code -incoming} never collides) is hex-escaped as {@code %XX}, reversibly.
 */
public final class FileNames {

    private FileNames() {
    }

    public static String safe(String code) {
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

    /** The location code a {@link #safe} name came from. */
    public static String original(String safeName) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < safeName.length(); i++) {
            char c = safeName.charAt(i);
            if (c == '%' && i + 2 < safeName.length()) {
                bytes.write(Integer.parseInt(safeName.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
