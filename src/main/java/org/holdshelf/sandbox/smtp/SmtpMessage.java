package org.holdshelf.sandbox.smtp;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message the {@link SmtpSimulator} accepted: its envelope, its bytes exactly as received
 * (dot-stuffing undone, lines ending in CRLF, no trace header added) and its header fields.
 * Only the header section is parsed: {@link #header(String)} unfolds a field and decodes RFC 2047
 * encoded words ({@code =?UTF-8?Q?...?=}), which is enough to check a subject or a Message-ID;
 * the body is left to a MIME parser in the test that needs one.
 */
public final class SmtpMessage {

    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");

    private final long sequence;
    private final String envelopeFrom;
    private final List<String> recipients;
    private final byte[] raw;
    private final Instant received;
    /** Field names as written, in order, each with its unfolded raw value. */
    private final List<Map.Entry<String, String>> fields;

    SmtpMessage(long sequence, String envelopeFrom, List<String> recipients, byte[] raw, Instant received) {
        this.sequence = sequence;
        this.envelopeFrom = envelopeFrom;
        this.recipients = List.copyOf(recipients);
        this.raw = raw;
        this.received = received;
        this.fields = parseHeader(raw);
    }

    /** 1 for the first message the simulator accepted since it was created, then 2, ... */
    public long sequence() {
        return sequence;
    }

    /** The {@code MAIL FROM} address, without angle brackets; empty for the null reverse path {@code <>}. */
    public String envelopeFrom() {
        return envelopeFrom;
    }

    /** The accepted {@code RCPT TO} addresses, without angle brackets, in the order given. */
    public List<String> recipients() {
        return recipients;
    }

    /** The message as received, RFC 5322 header and body (a copy). */
    public byte[] raw() {
        return raw.clone();
    }

    /** {@link #raw()} as text, read as UTF-8 (what an 8BITMIME body most likely is). */
    public String rawText() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** The body after the blank line that ends the header, as UTF-8 text (not MIME-decoded). */
    public String bodyText() {
        String text = rawText();
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? "" : text.substring(end + 4);
    }

    /** Size in bytes of {@link #raw()}. */
    public int size() {
        return raw.length;
    }

    /** When the end of its {@code DATA} arrived. */
    public Instant received() {
        return received;
    }

    /** The header field names in the order they appear, as written (repeated names repeat). */
    public List<String> headerNames() {
        return fields.stream().map(Map.Entry::getKey).toList();
    }

    /** The first field with this name (case-insensitive), unfolded and with encoded words decoded. */
    public Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    /** Every field with this name (case-insensitive), unfolded and with encoded words decoded. */
    public List<String> headers(String name) {
        return fields.stream().filter(field -> field.getKey().equalsIgnoreCase(name))
                .map(field -> decodeWords(field.getValue())).toList();
    }

    public Optional<String> messageId() {
        return header("Message-ID");
    }

    public Optional<String> subject() {
        return header("Subject");
    }

    /** Identifies the message without its addresses: contact details stay out of logs and reports. */
    @Override
    public String toString() {
        return "SmtpMessage[#" + sequence + ", " + recipients.size() + " recipient(s), " + raw.length + " bytes, received "
                + received + ", Message-ID " + messageId().orElse("(none)") + "]";
    }

    // ---- parsing ----------------------------------------------------------------------------

    private static List<Map.Entry<String, String>> parseHeader(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String header = end < 0 ? text : text.substring(0, end);
        List<Map.Entry<String, String>> parsed = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : header.split("\r\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(line); // unfolding removes the CRLF and keeps the white space
                continue;
            }
            if (name != null) {
                parsed.add(Map.entry(name, value.toString().strip()));
            }
            int colon = line.indexOf(':');
            name = colon > 0 ? line.substring(0, colon).strip() : null;
            value.setLength(0);
            if (name != null) {
                value.append(line, colon + 1, line.length());
            }
        }
        if (name != null) {
            parsed.add(Map.entry(name, value.toString().strip()));
        }
        return List.copyOf(parsed);
    }

    /** RFC 2047: white space between two adjacent encoded words is not part of the text. */
    static String decodeWords(String value) {
        Matcher m = ENCODED_WORD.matcher(value);
        StringBuilder out = new StringBuilder();
        int last = 0;
        boolean previousWasEncoded = false;
        while (m.find()) {
            String between = value.substring(last, m.start());
            if (!(previousWasEncoded && between.isBlank())) {
                out.append(between);
            }
            Optional<String> decoded = decodeWord(m.group(1), m.group(2), m.group(3));
            out.append(decoded.orElse(m.group()));
            previousWasEncoded = decoded.isPresent();
            last = m.end();
        }
        return out.append(value.substring(last)).toString();
    }

    private static Optional<String> decodeWord(String charsetName, String encoding, String text) {
        try {
            Charset charset = Charset.forName(charsetName.replaceFirst("\\*.*$", "")); // drop an RFC 2231 language
            byte[] bytes = encoding.toUpperCase(Locale.ROOT).equals("B")
                    ? Base64.getDecoder().decode(text)
                    : decodeQ(text);
            return Optional.of(new String(bytes, charset));
        } catch (IllegalArgumentException unsupportedOrBroken) {
            return Optional.empty(); // left as written, as mail readers do
        }
    }

    private static byte[] decodeQ(String text) {
        byte[] out = new byte[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out[n++] = ' ';
            } else if (c == '=' && i + 2 < text.length()) {
                out[n++] = (byte) Integer.parseInt(text.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
