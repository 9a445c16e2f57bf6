package org.holdshelf.notices;

import java.util.List;
import java.util.Optional;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import org.holdshelf.sierra.SierraPatron;

/**
 * Patrons' phone numbers as a gateway needs them: E.164 ({@code +15135550123}), parsed with
 * libphonenumber in {@code holdshelf.notices.sms.default-region} when Sierra holds them without a
 * country code (it holds what staff typed: {@code 513-555-0123}, {@code (513) 555 0123}). Which
 * number is texted follows {@code holdshelf.notices.sms.phone-types}, Sierra phone types in order
 * of preference ({@code o} mobile first by default, then {@code t} primary and {@code p}
 * alternate). libphonenumber cannot tell a US landline from a mobile: the gateway's refusal
 * (Twilio 21614) says so, and the notice is FAILED with it.
 */
final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private final String defaultRegion;
    private final List<String> typeOrder;

    PhoneNumbers(String defaultRegion, List<String> typeOrder) {
        this.defaultRegion = defaultRegion;
        this.typeOrder = List.copyOf(typeOrder);
    }

    /** The number in E.164, or empty when it is not a valid number. */
    Optional<String> e164(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            Phonenumber.PhoneNumber number = UTIL.parse(raw.trim(), defaultRegion);
            return UTIL.isValidNumber(number) ? Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164))
                    : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** What choosing a number to text found: the number, or why there is none. */
    record Choice(String e164, String missing) {
        boolean found() {
            return e164 != null;
        }
    }

    /** The patron's number to text: the first valid number of the most preferred type that has one. */
    Choice choose(List<SierraPatron.Phone> phones) {
        int invalid = 0;
        int otherTypes = 0;
        for (String type : typeOrder) {
            for (SierraPatron.Phone phone : phones) {
                if (type.equals(phone.type())) {
                    Optional<String> number = e164(phone.number());
                    if (number.isPresent()) {
                        return new Choice(number.get(), null);
                    }
                    invalid++;
                }
            }
        }
        for (SierraPatron.Phone phone : phones) {
            if (!typeOrder.contains(phone.type())) {
                otherTypes++;
            }
        }
        if (phones.isEmpty()) {
            return new Choice(null, "no phone number");
        }
        StringBuilder why = new StringBuilder("no valid phone number of type " + String.join("/", typeOrder));
        if (invalid > 0) {
            why.append(" (").append(invalid).append(" invalid)");
        }
        if (otherTypes > 0) {
            why.append(" (").append(otherTypes).append(" of other types)");
        }
        return new Choice(null, why.toString());
    }
}
