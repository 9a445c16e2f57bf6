package org.holdshelf.notices;

/**
 * How many SMS segments a text takes (api-facts 7.3): a text that fits the GSM 03.38 alphabet is
 * sent in GSM-7, 160 characters in one segment or 153 a segment when split, where the extension
 * characters ({@code ^ { } \ [ ] ~ | €} and form feed) take two; one character outside it (a curly
 * quote, an emoji, most accented capitals) sends the whole text in UCS-2, 70 in one segment or 67 a
 * segment, counted in UTF-16 units (an emoji takes two).
 */
final class SmsSegments {

    private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM_EXTENSION = "^{}\\[~]|€\f";

    private SmsSegments() {
    }

    /** A text's encoding, its length in that encoding's units, and its segments. */
    record Count(boolean gsm7, int units, int segments) {
    }

    static Count count(String text) {
        boolean gsm = true;
        for (int i = 0; i < text.length() && gsm; i++) {
            char c = text.charAt(i);
            gsm = GSM_BASIC.indexOf(c) >= 0 || GSM_EXTENSION.indexOf(c) >= 0;
        }
        int units = 0;
        for (int i = 0; i < text.length(); i++) {
            units += unitsOf(text, i, gsm);
        }
        int single = gsm ? 160 : 70;
        if (units <= single) {
            return new Count(gsm, units, 1);
        }
        // split: a character is never cut between two parts (an escaped GSM-7 character, a UTF-16
        // surrogate pair), so a part may carry one unit less than its room
        int perPart = gsm ? 153 : 67;
        int parts = 1;
        int inPart = 0;
        for (int i = 0; i < text.length(); i++) {
            int u = unitsOf(text, i, gsm);
            if (!gsm && Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()) {
                u = 2;
                i++;
            }
            if (inPart + u > perPart) {
                parts++;
                inPart = 0;
            }
            inPart += u;
        }
        return new Count(gsm, units, parts);
    }

    private static int unitsOf(String text, int i, boolean gsm) {
        return gsm && GSM_EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
    }

    /**
     * The text cut to at most {@code maxSegments} segments, on a word boundary where there is one,
     * ending in {@code ...} (three dots: an ellipsis character would force UCS-2); the text itself
     * when it fits.
     */
    static String fit(String text, int maxSegments) {
        if (count(text).segments() <= maxSegments) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty()) {
            int space = cut.lastIndexOf(' ', cut.length() - 2);
            cut = space > 0 ? cut.substring(0, space) : cut.substring(0, cut.length() - 1);
            String candidate = cut.stripTrailing() + "...";
            if (count(candidate).segments() <= maxSegments) {
                return candidate;
            }
        }
        return "";
    }
}
