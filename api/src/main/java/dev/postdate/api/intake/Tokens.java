package dev.postdate.api.intake;

import com.google.common.base.CharMatcher;
import com.google.common.base.Utf8;

import java.util.regex.Pattern;

/** Character rules shared by request validation and the path parameters of the api. */
public final class Tokens {

    /** Batch ids appear in URL paths and Redis keys: unreserved URL characters only. */
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._~-]+");
    /** JSON can escape half a surrogate pair, which no email can carry: UTF-8 has no encoding for it. */
    static final String UNPAIRED_SURROGATE = "must be valid Unicode: it holds half a surrogate pair";
    private static final CharMatcher VISIBLE_ASCII = CharMatcher.inRange('!', '~');

    private Tokens() {
    }

    public static boolean isBatchId(String value, int maxLength) {
        return value.length() <= maxLength && BATCH_ID.matcher(value).matches();
    }

    /** Visible ASCII, no space: what idempotency keys may hold. */
    static boolean isVisibleAscii(String value) {
        return !value.isEmpty() && VISIBLE_ASCII.matchesAllOf(value);
    }

    /** RFC 5322 field-name: visible ASCII except ':'. */
    static boolean isHeaderName(String value) {
        return isVisibleAscii(value) && value.indexOf(':') < 0;
    }

    /** No unpaired surrogate: text that UTF-8 can encode. */
    static boolean isWellFormedUnicode(String value) {
        try {
            Utf8.encodedLength(value);
            return true;
        } catch (IllegalArgumentException unpairedSurrogate) {
            return false;
        }
    }

    /** CR, LF or NUL: what would let a value break out of its header line. */
    static boolean hasLineBreak(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
    }
}
