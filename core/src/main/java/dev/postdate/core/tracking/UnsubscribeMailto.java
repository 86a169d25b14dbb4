package dev.postdate.core.tracking;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code mailto:} form of {@code List-Unsubscribe} (RFC 2369): a mail to the deployment's
 * unsubscribe mailbox whose subject carries the sealed unsubscribe token. The worker writes it, the
 * feedback consumer reads the token back from the mail that arrives; the token, not the sender,
 * says who unsubscribes, exactly as for the one-click URL.
 */
public final class UnsubscribeMailto {

    private static final String SUBJECT_PREFIX = "unsubscribe:";
    /** Anywhere in the subject: mail clients may add "Re:" or "Fwd:" around it. */
    private static final Pattern TOKEN = Pattern.compile(Pattern.quote(SUBJECT_PREFIX) + "([A-Za-z0-9_-]+)");

    private UnsubscribeMailto() {
    }

    /** {@code mailto:<address>?subject=unsubscribe:<token>}: a token is base64url, safe in a URI as it is. */
    public static String uri(String address, String token) {
        return "mailto:" + address + "?subject=" + SUBJECT_PREFIX + token;
    }

    /** The token a received unsubscribe mail's subject carries, if any. */
    public static Optional<String> tokenOf(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        Matcher matcher = TOKEN.matcher(subject);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
