package org.holdshelf.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One patron of the library's Libib directory, as mirrored on the compacted topic
 * {@code holdshelf.patrons} under their barcode (a tombstone once they left the directory). Only
 * what notices need is kept: names, addresses, phone and the freeze flag; Libib's postal address,
 * tags and free-text ids are not copied. Personal data: read on the notices path only.
 *
 * @param barcode            the library card, the key Sierra patrons are matched by
 * @param email              Libib's {@code email} (unique in the directory), or null
 * @param notificationEmails Libib's {@code notification_emails} (up to 3); when not empty, notices go there instead of {@code email}
 * @param phone              Libib's {@code phone} as entered, or null
 * @param frozen             Libib's {@code freeze: 1}: the patron cannot borrow; no notice unless configured
 * @param mirroredAt         when the mirror read this patron (ISO-8601)
 * @param mirrorId           the mirror that read it
 *
 * <p>One record of the topic is not a patron: under the key {@value #MIRROR_KEY} (never a barcode),
 * type {@code MIRROR_READ}, the last read that went through the whole directory, written after
 * its patrons. A reader that sees it sees every patron that read recorded.
 */
public record DirectoryPatron(
        String type,
        int schemaVersion,
        String barcode,
        String firstName,
        String lastName,
        String email,
        List<String> notificationEmails,
        String phone,
        boolean frozen,
        String mirroredAt,
        String mirrorId) {

    /** The key of the {@code MIRROR_READ} record: not a barcode. */
    public static final String MIRROR_KEY = "#mirror";

    public DirectoryPatron {
        notificationEmails = notificationEmails == null ? List.of() : List.copyOf(notificationEmails);
    }

    /** The record that says a read of the whole directory ended at {@code at}, after its patrons were recorded. */
    public static DirectoryPatron mirrorRead(String mirrorId, String at) {
        return new DirectoryPatron(EventTypes.MIRROR_READ, EventTypes.SCHEMA_VERSION, MIRROR_KEY, null, null, null, List.of(), null,
                false, at, mirrorId);
    }

    /** True for the {@code MIRROR_READ} record, which is not a patron. */
    @JsonIgnore
    public boolean isMirrorRead() {
        return EventTypes.MIRROR_READ.equals(type);
    }

    /** The addresses a notice goes to: every notification address when there are any, else the email, else none. */
    public List<String> noticeAddresses() {
        if (!notificationEmails.isEmpty()) {
            return notificationEmails;
        }
        return email == null || email.isBlank() ? List.of() : List.of(email);
    }

    /** Never print contact details, even by accident through a record's toString. */
    @Override
    public String toString() {
        return "DirectoryPatron[frozen=" + frozen + ", mirrorId=" + mirrorId + "]";
    }
}
