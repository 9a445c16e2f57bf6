package org.holdshelf.sandbox.sms;

/**
 * How a carrier sends a text (api-facts 7.3), as the {@link SmsGatewaySimulator} reports it in
 * Twilio's {@code num_segments}: a text that fits the GSM 03.38 alphabet goes in GSM-7, 160 septets
 * in one segment, else 153 a segment (7 go to the concatenation header), where the extension table
 * ({@code ^ { } \ [ ] ~ | €} and form feed) takes two septets, an escape and the character; one
 * character outside it (a curly quote, an emoji, most accented capitals) sends the whole text in
 * UCS-2, 70 UTF-16 units in one segment, else 67 a segment, an emoji taking two.
 *
 * <p>Split texts are packed as phones and Twilio pack them: an escape and its character, or the two
 * halves of a surrogate pair, never straddle two segments, so a two-unit character at a boundary
 * moves whole to the next segment (152 septets, {@code €} and 152 more are 306 septets but 3
 * segments). An empty text is one segment.
 *
 * @param encoding the encoding the text goes in
 * @param units    its length in that encoding's units: septets for GSM-7, UTF-16 units for UCS-2
 * @param segments the segments it takes
 */
public record SegmentCount(Encoding encoding, int units, int segments) {

    /** The two encodings of a text. */
    public enum Encoding {
        GSM7, UCS2
    }

    /** GSM 03.38 basic table, in its order (0x1B, the escape to the extension table, left out). */
    static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** GSM 03.38 extension table: two septets each. */
    static final String GSM_EXTENSION = "\f^{}\\[~]|€";

    public static final int GSM7_SINGLE = 160;
    public static final int GSM7_PER_PART = 153;
    public static final int UCS2_SINGLE = 70;
    public static final int UCS2_PER_PART = 67;

    /** The encoding, length and segments of {@code text}. */
    public static SegmentCount of(String text) {
        int septets = 0;
        for (int i = 0; i < text.length(); i++) {
            int cost = septets(text.charAt(i));
            if (cost == 0) {
                return ucs2(text);
            }
            septets += cost;
        }
        if (septets <= GSM7_SINGLE) {
            return new SegmentCount(Encoding.GSM7, septets, 1);
        }
        int parts = 1;
        int used = 0;
        for (int i = 0; i < text.length(); i++) {
            int cost = septets(text.charAt(i));
            if (used + cost > GSM7_PER_PART) {
                parts++;
                used = 0;
            }
            used += cost;
        }
        return new SegmentCount(Encoding.GSM7, septets, parts);
    }

    /** Just the segments of {@code text}. */
    public static int segments(String text) {
        return of(text).segments();
    }

    /** Whether every character of {@code text} is in the GSM 03.38 basic or extension table. */
    public static boolean isGsm7(String text) {
        return text.chars().allMatch(c -> septets((char) c) > 0);
    }

    /** 1 for the basic table, 2 for the extension table, 0 for a character GSM-7 cannot send. */
    private static int septets(char c) {
        if (GSM_BASIC.indexOf(c) >= 0) {
            return 1;
        }
        return GSM_EXTENSION.indexOf(c) >= 0 ? 2 : 0;
    }

    private static SegmentCount ucs2(String text) {
        int units = text.length();
        if (units <= UCS2_SINGLE) {
            return new SegmentCount(Encoding.UCS2, units, 1);
        }
        int parts = 1;
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cost = Character.charCount(text.codePointAt(i));
            if (used + cost > UCS2_PER_PART) {
                parts++;
                used = 0;
            }
            used += cost;
            i += cost;
        }
        return new SegmentCount(Encoding.UCS2, units, parts);
    }
}
