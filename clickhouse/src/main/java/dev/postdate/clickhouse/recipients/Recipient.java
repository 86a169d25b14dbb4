package dev.postdate.clickhouse.recipients;

import io.micronaut.core.annotation.Nullable;

import java.util.Locale;

/**
 * Who an email goes to, as the send-time check sees it.
 *
 * @param address lower-case, its domain in punycode (as the API stores addresses)
 * @param topic   the consent the email needs, or null
 */
public record Recipient(String tenant, String address, @Nullable String topic) {

    public static Recipient of(String tenant, String address, @Nullable String topic) {
        return new Recipient(tenant, address.toLowerCase(Locale.ROOT), topic);
    }

    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
