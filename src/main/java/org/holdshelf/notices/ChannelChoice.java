package org.holdshelf.notices;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.holdshelf.sierra.SierraPatron;

/**
 * Which channel and address a patron's notice goes to, from Sierra's Notice Preference (fixed field
 * 268) through {@code holdshelf.notices.preference-channels}: the preferred channel when it is in
 * use and the patron has a usable address on it, otherwise another channel in use that has one; a
 * "none" preference suppresses the notice; no usable address anywhere is NO_CONTACT. Always a
 * decision with a reason, never silence.
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

    private final NoticesSettings settings;

    ChannelChoice(NoticesSettings settings) {
        this.settings = settings;
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
        Optional<String> email = settings.channels().contains(NoticesSettings.EMAIL) ? firstUsableEmail(patron)
                : Optional.empty();
        if (preferred == null || NoticesSettings.EMAIL.equals(preferred)) {
            if (email.isPresent()) {
                return Decision.send(NoticesSettings.EMAIL, email.get(), preferred == null
                        ? "notice preference " + (code == null ? "not set" : "'" + code + "' not mapped") + "; sent by email"
                        : null);
            }
            return Decision.notSent(NoticeOutcomes.NO_CONTACT, "no usable email address"
                    + (patron.emails().isEmpty() ? "" : " (" + patron.emails().size() + " unusable)"));
        }
        // prefers a channel that is not in use (texts, this version): the other channel in use
        if (email.isPresent()) {
            return Decision.send(NoticesSettings.EMAIL, email.get(),
                    "prefers " + preferred + " (notice preference '" + code + "'), which is not in use; sent by email");
        }
        return Decision.notSent(NoticeOutcomes.NO_CONTACT, "prefers " + preferred + ", which is not in use, and has no usable "
                + "email address");
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
