package org.holdshelf.sandbox.sierra;

import java.util.List;

/**
 * One generated patron record, as served on {@code /patrons}. Lists may be empty (a patron
 * without email or phone gets no notice on that channel).
 *
 * @param names           {@code "Last, First"} forms
 * @param homeLibraryCode a location code
 * @param patronType      Sierra ptype
 * @param expirationDate  {@code YYYY-MM-DD}
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
        String updatedDate) {

    public SimPatron {
        names = List.copyOf(names);
        barcodes = List.copyOf(barcodes);
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
    }

    /** A phone number; Sierra types are {@code t} (telephone), {@code p} (second phone) and {@code o}. */
    public record Phone(String number, String type) {
    }
}
