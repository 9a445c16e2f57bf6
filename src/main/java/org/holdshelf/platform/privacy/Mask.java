package org.holdshelf.platform.privacy;

/**
 * Contact details as files, logs and audit records show them: enough for staff to recognise an
 * address a patron reads out ({@code p***@example.org}, {@code ***-***-1234}), not enough to use it.
 */
public final class Mask {

    private Mask() {
    }

    /** {@code patron42@example.org} as {@code p***@example.org}; something that is not an address as {@code ***}. */
    public static String email(String address) {
        if (address == null || address.isBlank()) {
            return "";
        }
        String a = address.trim();
        int at = a.lastIndexOf('@');
        if (at < 1 || at == a.length() - 1) {
            return "***";
        }
        return a.charAt(0) + "***" + a.substring(at);
    }

    /** A comma-separated list of addresses, each masked: {@code a***@example.org, b***@example.org}. */
    public static String emails(String addresses) {
        if (addresses == null || addresses.isBlank()) {
            return "";
        }
        return java.util.Arrays.stream(addresses.split(",")).map(String::strip).filter(a -> !a.isEmpty()).map(Mask::email)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Any phone number as {@code ***-***-} and its last four digits. */
    public static String phone(String number) {
        if (number == null) {
            return "";
        }
        String digits = number.replaceAll("\\D", "");
        return digits.length() < 4 ? "***" : "***-***-" + digits.substring(digits.length() - 4);
    }
}
