package org.holdshelf.sierra;

import java.util.List;

/**
 * The parts of a Sierra patron record that notices use. Contact details are personal data: they
 * travel only on the notices path, never onto {@code holdshelf.entries} or into logs above DEBUG.
 *
 * @param names            Sierra's {@code "Last, First"} forms
 * @param emails           as Sierra holds them (an entry may itself be a comma-separated list)
 * @param phones           number and Sierra phone type ({@code t} primary, {@code p} alternate, {@code o} mobile)
 * @param language         fixed field 263 (Preferred Language), null when blank
 * @param noticePreference fixed field 268 (Notice Preference), null when blank
 * @param deleted          a deleted record: Sierra returns only its id
 */
public record SierraPatron(String id, List<String> names, List<String> emails, List<Phone> phones, List<String> barcodes,
                           String language, String noticePreference, boolean deleted) {

    public SierraPatron {
        names = List.copyOf(names);
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
        barcodes = List.copyOf(barcodes);
    }

    /** A phone number with its Sierra type. */
    public record Phone(String number, String type) {
    }

    /** The fields a patron lookup asks for: the contact details and fixed fields 263 and 268. */
    public static final String FIELDS = "id,names,emails,phones,barcodes,fixedFields,deleted";

    /** Never print contact details by accident through a record's toString. */
    @Override
    public String toString() {
        return "SierraPatron[id=" + id + ", emails=" + emails.size() + ", phones=" + phones.size() + ", language=" + language
                + ", noticePreference=" + noticePreference + ", deleted=" + deleted + "]";
    }
}
