package dev.postdate.api.intake;

import java.util.regex.Pattern;

/** Character rules shared by request validation and the path parameters of the api. */
public final class Tokens {

    /** Batch ids appear in URL paths and Redis keys: unreserved URL characters only. */
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._~-]+");

    private Tokens() {
    }

    public static boolean isBatchId(String value, int maxLength) {
        return value.length() <= maxLength && BATCH_ID.matcher(value).matches();
    }

    /** Visible ASCII, no space: what idempotency keys may hold. */
    static boolean isVisibleAscii(String value) {
        return !value.isEmpty() && value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** RFC 5322 field-name: visible ASCII except ':'. */
    static boolean isHeaderName(String value) {
        return isVisibleAscii(value) && value.indexOf(':') < 0;
    }

    /** CR, LF or NUL: what would let a value break out of its header line. */
    static boolean hasLineBreak(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
    }
}
