package org.holdshelf.ops;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.holdshelf.sierra.SierraClient;

/**
 * Turns what a patron tells the help desk (a library card barcode, an email address, a phone
 * number) into their Sierra patron id(s), by asking Sierra ({@code /patrons/find} on the barcode,
 * email or phone variable field). Contact details travel only on the notices path and are never
 * put on a topic, so the search asks Sierra, the one place that has them, and keeps nothing: the
 * value searched for is neither stored nor logged.
 *
 * <p>Sierra matches a variable field exactly, and libraries store phone numbers in many shapes, so
 * a phone number is tried as typed, as digits only, and as {@code 555-123-4567} and
 * {@code (555) 123-4567}.
 */
final class PatronFinder {

    /** What the help desk searches by. */
    enum Kind {
        BARCODE("b"), EMAIL("z"), PHONE("t");

        final String varFieldTag;

        Kind(String varFieldTag) {
            this.varFieldTag = varFieldTag;
        }

        static Optional<Kind> of(String name) {
            if (name == null) {
                return Optional.empty();
            }
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(name.trim())) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** Finds patron ids; in tests, a stand-in for Sierra. */
    @FunctionalInterface
    interface Directory {
        Optional<String> find(String varFieldTag, String content);
    }

    private final Directory directory;

    PatronFinder(Directory directory) {
        this.directory = directory;
    }

    static PatronFinder of(SierraClient sierra) {
        return new PatronFinder(sierra::findPatronId);
    }

    /** The ids of the patrons this value belongs to (usually one, none if Sierra knows no such patron). */
    Set<String> find(Kind kind, String value) {
        Set<String> ids = new LinkedHashSet<>();
        for (String candidate : candidates(kind, value)) {
            directory.find(kind.varFieldTag, candidate).ifPresent(ids::add);
        }
        return ids;
    }

    /** The forms of {@code value} asked for, in order, without repeats. */
    static Set<String> candidates(Kind kind, String value) {
        String v = value == null ? "" : value.trim();
        Set<String> forms = new LinkedHashSet<>();
        if (v.isEmpty()) {
            return forms;
        }
        switch (kind) {
            case BARCODE -> forms.add(v.replaceAll("\\s+", ""));
            case EMAIL -> {
                forms.add(v);
                forms.add(v.toLowerCase(Locale.ROOT));
            }
            case PHONE -> {
                forms.add(v);
                String digits = v.replaceAll("\\D", "");
                if (digits.length() == 11 && digits.startsWith("1")) {
                    digits = digits.substring(1);
                }
                if (!digits.isEmpty()) {
                    forms.add(digits);
                }
                if (digits.length() == 10) {
                    forms.add(digits.substring(0, 3) + "-" + digits.substring(3, 6) + "-" + digits.substring(6));
                    forms.add("(" + digits.substring(0, 3) + ") " + digits.substring(3, 6) + "-" + digits.substring(6));
                } else if (digits.length() == 7) {
                    forms.add(digits.substring(0, 3) + "-" + digits.substring(3));
                }
            }
            default -> throw new IllegalArgumentException("unknown search kind " + kind);
        }
        return forms;
    }
}
