package org.holdshelf.notices;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.sierra.SierraPatron;

/**
 * Which channel and address a patron's notice goes to, from Sierra's Notice Preference (fixed field
 * 268) through {@code holdshelf.notices.preference-channels}: the preferred channel when it is in
 * use and the patron has a usable address on it, otherwise another channel in use that has one; a
 * "none" preference suppresses the notice; no usable address anywhere is NO_CONTACT. Always a
 * decision with a reason, never silence.
 *
 * <p>Addresses come from Sierra's record, or with {@code holdshelf.notices.contacts=libib} from the
 * Libib directory mirror, matched by the Sierra patron's barcodes: every usable address of Libib's
 * {@code notification_emails} when it has any, else its {@code email}; a barcode the directory does
 * not know is NO_CONTACT, a frozen patron SUPPRESSED unless {@code holdshelf.libib.notify-frozen}.
 */
final class ChannelChoice {

    /** A syntactically plausible address: something@domain.tld, no spaces or angle brackets. */
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s<>,;\"]+@[^@\\s<>,;\"]+\\.[A-Za-z]{2,}$");

    /** Where to send, or why not. Exactly one of {@code channel} and {@code outcome} is set. */
    record Decision(String channel, String address, String outcome, String reason) {

        static Decision send(String channel, String address, String reason) {
            return new Decision(channel, address, null, reason);
        }

        static Decision notSent(String outcome, String reason) {
            return new Decision(null, null, outcome, reason);
        }

        boolean sends() {
            return channel != null;
        }
    }

    /** The Libib directory mirror, read locally: never the API per notice. */
    interface Directory {
        Optional<DirectoryPatron> find(String barcode);

        /** Reads what the mirror recorded since the last look. */
        void refresh();

        /** True once a read of the whole directory has been recorded: every patron it read is in the mirror. */
        boolean read();
    }

    /** The addresses on the patron's record, or why there is none; or a decision already (frozen, unknown). */
    private record Emails(List<String> usable, String missing, Decision instead) {
    }

    private final NoticesSettings settings;
    /** Null: contacts from Sierra. */
    private final Directory directory;

    ChannelChoice(NoticesSettings settings) {
        this(settings, null);
    }

    ChannelChoice(NoticesSettings settings, Directory directory) {
        if (settings.libibContacts() && directory == null) {
            throw new IllegalArgumentException("contacts from libib need the directory mirror");
        }
        this.settings = settings;
        this.directory = settings.libibContacts() ? directory : null;
    }

    /**
     * Why contacts cannot be read now, or null when they can: the Libib directory mirror has not
     * read the whole directory yet, and deciding now would leave patrons NO_CONTACT for good.
     */
    String notReady() {
        if (directory != null && !directory.read()) {
            return "the Libib directory mirror (holdshelf.patrons) has not read the whole directory yet; notices are "
                    + "addressed once it has";
        }
        return null;
    }

    /** Brings the directory mirror up to date, when contacts come from it. */
    void refresh() {
        if (directory != null) {
            directory.refresh();
        }
    }

    Decision decide(Optional<SierraPatron> found) {
        if (found.isEmpty()) {
            return Decision.notSent(NoticeOutcomes.NO_CONTACT, "patron record not found in Sierra");
        }
        SierraPatron patron = found.get();
        if (patron.deleted()) {
            return Decision.notSent(NoticeOutcomes.NO_CONTACT, "patron record is deleted in Sierra");
        }
        String code = patron.noticePreference();
        String preferred = settings.channelFor(code);
        if (NoticesSettings.NONE.equals(preferred)) {
            return Decision.notSent(NoticeOutcomes.SUPPRESSED, "notice preference '" + code + "' means no notices");
        }
        Emails emails = directory == null ? fromSierra(patron) : fromDirectory(patron);
        if (emails.instead() != null) {
            return emails.instead();
        }
        Optional<String> email = settings.channels().contains(NoticesSettings.EMAIL) && !emails.usable().isEmpty()
                ? Optional.of(String.join(", ", emails.usable())) : Optional.empty();
        if (preferred == null || NoticesSettings.EMAIL.equals(preferred)) {
            if (email.isPresent()) {
                return Decision.send(NoticesSettings.EMAIL, email.get(), preferred == null
                        ? "notice preference " + (code == null ? "not set" : "'" + code + "' not mapped") + "; sent by email"
                        : null);
            }
            return Decision.notSent(NoticeOutcomes.NO_CONTACT, emails.missing());
        }
        // prefers a channel that is not in use (texts, this version): the other channel in use
        if (email.isPresent()) {
            return Decision.send(NoticesSettings.EMAIL, email.get(),
                    "prefers " + preferred + " (notice preference '" + code + "'), which is not in use; sent by email");
        }
        return Decision.notSent(NoticeOutcomes.NO_CONTACT, "prefers " + preferred + ", which is not in use, and has "
                + emails.missing());
    }

    private static Emails fromSierra(SierraPatron patron) {
        List<String> usable = firstUsableEmail(patron).map(List::of).orElse(List.of());
        return new Emails(usable, "no usable email address" + (patron.emails().isEmpty() ? ""
                : " (" + patron.emails().size() + " unusable)"), null);
    }

    private Emails fromDirectory(SierraPatron patron) {
        if (patron.barcodes().isEmpty()) {
            return new Emails(List.of(), null, Decision.notSent(NoticeOutcomes.NO_CONTACT,
                    "no barcode in Sierra to find the patron in the Libib directory"));
        }
        Optional<DirectoryPatron> found = Optional.empty();
        for (String barcode : patron.barcodes()) {
            found = directory.find(barcode.trim());
            if (found.isPresent()) {
                break;
            }
        }
        if (found.isEmpty()) {
            return new Emails(List.of(), null, Decision.notSent(NoticeOutcomes.NO_CONTACT,
                    "patron barcode not in the Libib directory"));
        }
        DirectoryPatron contact = found.get();
        if (contact.frozen() && !settings.notifyFrozen()) {
            return new Emails(List.of(), null, Decision.notSent(NoticeOutcomes.SUPPRESSED,
                    "frozen in the Libib directory (holdshelf.libib.notify-frozen=false)"));
        }
        List<String> addresses = contact.noticeAddresses();
        List<String> usable = usableEmails(addresses);
        return new Emails(usable, "no usable email address in the Libib directory"
                + (addresses.isEmpty() ? "" : " (" + addresses.size() + " unusable)"), null);
    }

    /** The first usable address: Sierra may hold several, and one entry may itself be a list. */
    static Optional<String> firstUsableEmail(SierraPatron patron) {
        return usableEmails(patron.emails()).stream().findFirst();
    }

    static List<String> usableEmails(List<String> entries) {
        List<String> usable = new ArrayList<>();
        for (String entry : entries) {
            for (String part : entry.split("[,;]")) {
                String address = part.trim();
                if (EMAIL.matcher(address).matches()) {
                    usable.add(address);
                }
            }
        }
        return usable;
    }
}
