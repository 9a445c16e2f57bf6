package org.holdshelf.sandbox.sierra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One generated patron record, as served on {@code /patrons}. Lists may be empty (a patron
 * without email or phone gets no notice on that channel). Contact values are stored as a library's
 * records hold them, not cleaned: an email may lack its {@code @} or hold a comma-separated list,
 * and phone numbers come with or without dashes, parentheses or an area code.
 *
 * <p>A <b>deleted</b> patron keeps the values it had here, but the API serves only its
 * {@code id}, {@code deletedDate} and {@code deleted}: check {@link #deleted()} before building
 * an expected answer from the other values.
 *
 * @param names            {@code "Last, First"} forms
 * @param homeLibraryCode  a location code
 * @param patronType       Sierra ptype
 * @param expirationDate   {@code YYYY-MM-DD}
 * @param language         fixed field 263 "Preferred Language" as served: a Sierra language code
 *                         ({@code eng}, {@code spa}, {@code chi}, ...) or three spaces when unset
 * @param noticePreference fixed field 268 "Notice Preference": {@code z} email, {@code p} phone,
 *                         {@code t} text (a site-defined code), {@code a} mail, {@code -} none
 * @param deletedDate      {@code YYYY-MM-DD} when the patron was deleted, else null
 */
public record SimPatron(
        long id,
        List<String> names,
        List<String> barcodes,
        List<String> emails,
        List<Phone> phones,
        String homeLibraryCode,
        int patronType,
        String expirationDate,
        String createdDate,
        String updatedDate,
        String language,
        String noticePreference,
        String deletedDate) {

    /** Fixed field 263's value when the patron has no preferred language (Sierra's default applies). */
    public static final String NO_LANGUAGE = "   ";
    public static final String NOTICE_EMAIL = "z";
    public static final String NOTICE_PHONE = "p";
    /** Not a Sierra standard code: some sites define {@code t} for text messages. */
    public static final String NOTICE_TEXT = "t";
    public static final String NOTICE_MAIL = "a";
    public static final String NOTICE_NONE = "-";

    public SimPatron {
        names = List.copyOf(names);
        barcodes = List.copyOf(barcodes);
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
        if (language == null || noticePreference == null) {
            throw new IllegalArgumentException("language and notice preference are required (blank language: \"   \")");
        }
    }

    /** The record as it was before notice fields existed: no language, email notices, not deleted. */
    public SimPatron(long id, List<String> names, List<String> barcodes, List<String> emails, List<Phone> phones,
            String homeLibraryCode, int patronType, String expirationDate, String createdDate, String updatedDate) {
        this(id, names, barcodes, emails, phones, homeLibraryCode, patronType, expirationDate, createdDate,
                updatedDate, NO_LANGUAGE, NOTICE_EMAIL, null);
    }

    /** Whether the record is deleted: the API then serves only {@code id}, {@code deletedDate} and {@code deleted}. */
    public boolean deleted() {
        return deletedDate != null;
    }

    /** The preferred language code, empty when fixed field 263 is blank. */
    public Optional<String> preferredLanguage() {
        return language.isBlank() ? Optional.empty() : Optional.of(language);
    }

    /**
     * The fixed fields served under {@code fixedFields}, keyed by field number in Sierra's order:
     * 43 Expiration Date, 47 Patron Type, 53 Home Library (value blank-padded to 5 characters, with
     * a {@code display}), 263 Preferred Language and 268 Notice Preference.
     */
    public Map<String, FixedField> fixedFields() {
        Map<String, FixedField> fields = new LinkedHashMap<>();
        fields.put("43", new FixedField("Expiration Date", expirationDate + "T08:00:00Z", null));
        fields.put("47", new FixedField("Patron Type", Integer.toString(patronType), null));
        fields.put("53", new FixedField("Home Library", String.format("%-5s", homeLibraryCode),
                Vocabulary.locationName(homeLibraryCode).orElse(null)));
        fields.put("263", new FixedField("Preferred Language", language, null));
        fields.put("268", new FixedField("Notice Preference", noticePreference, null));
        return fields;
    }

    /** A phone number; Sierra types are {@code t} (telephone), {@code p} (second phone) and {@code o} (mobile). */
    public record Phone(String number, String type) {

        public static final String TELEPHONE = "t";
        public static final String ALTERNATE = "p";
        public static final String MOBILE = "o";

        public boolean isMobile() {
            return MOBILE.equals(type);
        }
    }

    /**
     * One entry of Sierra's {@code fixedFields} object.
     *
     * @param display the value's display text, null when Sierra gives none
     */
    public record FixedField(String label, String value, String display) {
    }
}
