package dev.postdate.clickhouse.senders;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a sender identity is and what it covers. An identity is a domain ({@code example.org}) or one
 * address ({@code news@example.org}). A domain covers every address at exactly that domain, not its
 * subdomains: a tenant that verified {@code example.org} has not shown control of
 * {@code mail.example.org}, which may be delegated to someone else. Domains compare case-insensitively
 * (DNS does), local parts exactly (RFC 5321 leaves them to the receiving host).
 */
public final class SenderIdentities {

    /** A DNS hostname in ASCII (punycode), at least two labels. */
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** A dot-atom local part (RFC 5322 atext): quoted local parts are not accepted as identities. */
    private static final Pattern LOCAL_PART = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final int MAX_LOCAL_PART = 64;

    private SenderIdentities() {
    }

    /**
     * The stored form of an identity as an operator gives it: the domain lower-cased and in punycode,
     * the local part as given. Empty when it is neither a domain nor a plain address.
     */
    public static Optional<String> normalize(String identity) {
        String trimmed = identity.strip();
        int at = trimmed.lastIndexOf('@');
        Optional<String> domain = domain(trimmed.substring(at + 1));
        if (at < 0) {
            return domain;
        }
        String local = trimmed.substring(0, at);
        if (local.length() > MAX_LOCAL_PART || !LOCAL_PART.matcher(local).matches()) {
            return Optional.empty();
        }
        return domain.map(d -> local + "@" + d);
    }

    /** Whether a tenant with these (normalized) identities may use {@code address} as from or reply_to. */
    public static boolean covers(Set<String> identities, String address) {
        int at = address.lastIndexOf('@');
        if (at < 1 || identities.isEmpty()) {
            return false;
        }
        Optional<String> domain = domain(address.substring(at + 1));
        return domain.isPresent() && (identities.contains(domain.get())
                || identities.contains(address.substring(0, at) + "@" + domain.get()));
    }

    private static Optional<String> domain(String domain) {
        try {
            String ascii = IDN.toASCII(domain).toLowerCase(Locale.ROOT);
            return DOMAIN.matcher(ascii).matches() ? Optional.of(ascii) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
