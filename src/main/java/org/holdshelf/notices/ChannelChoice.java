package org.holdshelf.notices;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.platform.privacy.Mask;
import org.holdshelf.sierra.SierraPatron;

/**
 * Which channel and address a patron's notice goes to, from Sierra's Notice Preference (fixed field
 * 268) through {@code holdshelf.notices.preference-channels}: the preferred channel when it is in
 * use and the patron has a usable address on it, otherwise another channel in use that has one; a
 * "none" preference suppresses the notice; no usable address anywhere is NO_CONTACT. Always a
 * decision with a reason, never silence. A number on the opt-out list is OPTED_OUT, without a
 * call to the gateway.
 *
 * <p>Texts go to a number in E.164 ({@link PhoneNumbers}): Sierra's phones in the order of
 * {@code holdshelf.notices.sms.phone-types}, or the directory's {@code phone} when contacts come from
 * Libib. An unparseable number is no number.
 *
 * <p>Addresses come from Sierra's record, or with {@code holdshelf.notices.contacts=libib} from the
 * Libib directory mirror, matched by the Sierra patron's barcodes: every usable address of Libib's
 * {@code notification_emails} when it has any, else its {@code email}; a barcode the directory does
 * not know is NO_CONTACT, a frozen patron SUPPRESSED unless {@code holdshelf.libib.notify-frozen}.
 */
final class ChannelChoice {

    /** A syntactically plausible address: something@domain.tld, no spaces or angle brackets. */
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s<>,;\"]+@[^@\\s<>,;\"]+\\.[A-Za-z]{2,}$");

    /**
     * Where to send, or why not: {@code outcome} is null when it sends. A notice not sent to an
     * opted-out number still names its channel and number (masked in the audit).
     */
    record Decision(String channel, String address, String outcome, String reason) {

        static Decision send(String channel, String address, String reason) {
            return new Decision(channel, address, null, reason);
        }

        static Decision notSent(String outcome, String reason) {
            return new Decision(null, null, outcome, reason);
        }

        boolean sends() {
            return outcome == null;
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

    /** The numbers that opted out of texts. */
    interface OptOuts {
        /** Since when the number (E.164) opted out, or empty. */
        Optional<String> since(String e164);
    }

    /** The addresses on the patron's record, or why there is none; or a decision already (frozen, unknown). */
    private record Emails(List<String> usable, String missing, Decision instead, PhoneNumbers.Choice phone) {
    }

    private final NoticesSettings settings;
    /** Null: contacts from Sierra. */
    private final Directory directory;
    /** Null unless texts are in use. */
    private final PhoneNumbers phones;
    private final OptOuts optOuts;

    ChannelChoice(NoticesSettings settings) {
        this(settings, null, number -> Optional.empty());
    }

    ChannelChoice(NoticesSettings settings, Directory directory, OptOuts optOuts) {
        if (settings.libibContacts() && directory == null) {
            throw new IllegalArgumentException("contacts from libib need the directory mirror");
        }
        this.settings = settings;
        this.directory = settings.libibContacts() ? directory : null;
        this.phones = settings.sms() == null ? null : new PhoneNumbers(settings.sms().defaultRegion(), settings.sms().phoneTypes());
        this.optOuts = optOuts;
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
        Emails contact = directory == null ? fromSierra(patron) : fromDirectory(patron);
        if (contact.instead() != null) {
            return contact.instead();
        }
        boolean emailInUse = settings.channels().contains(NoticesSettings.EMAIL);
        boolean smsInUse = phones != null;
        Optional<String> email = emailInUse && !contact.usable().isEmpty()
                ? Optional.of(String.join(", ", contact.usable())) : Optional.empty();
        Optional<String> number = smsInUse && contact.phone().found() ? Optional.of(contact.phone().e164()) : Optional.empty();
        String first = NoticesSettings.SMS.equals(preferred) ? NoticesSettings.SMS : NoticesSettings.EMAIL;
        String second = first.equals(NoticesSettings.SMS) ? NoticesSettings.EMAIL : NoticesSettings.SMS;
        String why = null; // why the preferred channel was not used
        for (String channel : List.of(first, second)) {
            boolean inUse = channel.equals(NoticesSettings.EMAIL) ? emailInUse : smsInUse;
            Optional<String> address = channel.equals(NoticesSettings.EMAIL) ? email : number;
            if (address.isPresent()) {
                if (channel.equals(NoticesSettings.SMS)) {
                    Optional<String> since = optOuts.since(address.get());
                    if (since.isPresent()) {
                        return new Decision(NoticesSettings.SMS, address.get(), NoticeOutcomes.OPTED_OUT, "the number "
                                + Mask.phone(address.get()) + " opted out of texts (" + since.get() + "); not texted again");
                    }
                }
                String reason;
                if (channel.equals(first) && preferred != null) {
                    reason = null;
                } else if (preferred == null) {
                    reason = "notice preference " + (code == null ? "not set" : "'" + code + "' not mapped") + "; sent by "
                            + channelName(channel) + (why == null ? "" : " (" + why + ")");
                } else {
                    reason = "prefers " + preferred + " (notice preference '" + code + "'), " + why + "; sent by " + channelName(channel);
                }
                return Decision.send(channel, address.get(), reason);
            }
            String missing = !inUse ? "which is not in use"
                    : channel.equals(NoticesSettings.EMAIL) ? "has " + contact.missing() : "has " + contact.phone().missing();
            why = why == null ? missing : why;
            if (channel.equals(first) && preferred == null && !inUse) {
                why = null;
            }
        }
        return Decision.notSent(NoticeOutcomes.NO_CONTACT, noContact(preferred, emailInUse, smsInUse, contact));
    }

    /** Why no channel in use could be used: the missing addresses of the channels in use. */
    private static String noContact(String preferred, boolean emailInUse, boolean smsInUse, Emails contact) {
        List<String> missing = new ArrayList<>();
        if (emailInUse) {
            missing.add(contact.missing());
        }
        if (smsInUse) {
            missing.add(contact.phone().missing());
        }
        String prefix = preferred != null && !(NoticesSettings.EMAIL.equals(preferred) ? emailInUse : smsInUse)
                ? "prefers " + preferred + ", which is not in use, and has " : "";
        return prefix + String.join(" and ", missing);
    }

    private static String channelName(String channel) {
        return channel.equals(NoticesSettings.EMAIL) ? "email" : "text";
    }

    private Emails fromSierra(SierraPatron patron) {
        List<String> usable = firstUsableEmail(patron).map(List::of).orElse(List.of());
        return new Emails(usable, "no usable email address" + (patron.emails().isEmpty() ? ""
                : " (" + patron.emails().size() + " unusable)"), null, phones == null ? null : phones.choose(patron.phones()));
    }

    private Emails fromDirectory(SierraPatron patron) {
        if (patron.barcodes().isEmpty()) {
            return new Emails(List.of(), null, Decision.notSent(NoticeOutcomes.NO_CONTACT,
                    "no barcode in Sierra to find the patron in the Libib directory"), null);
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
                    "patron barcode not in the Libib directory"), null);
        }
        DirectoryPatron contact = found.get();
        if (contact.frozen() && !settings.notifyFrozen()) {
            return new Emails(List.of(), null, Decision.notSent(NoticeOutcomes.SUPPRESSED,
                    "frozen in the Libib directory (holdshelf.libib.notify-frozen=false)"), null);
        }
        List<String> addresses = contact.noticeAddresses();
        List<String> usable = usableEmails(addresses);
        PhoneNumbers.Choice phone = phones == null ? null : contact.phone() == null || contact.phone().isBlank()
                ? new PhoneNumbers.Choice(null, "no phone number in the Libib directory")
                : phones.e164(contact.phone()).map(n -> new PhoneNumbers.Choice(n, null))
                        .orElse(new PhoneNumbers.Choice(null, "no valid phone number in the Libib directory"));
        return new Emails(usable, "no usable email address in the Libib directory"
                + (addresses.isEmpty() ? "" : " (" + addresses.size() + " unusable)"), null, phone);
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
