package dev.postdate.clickhouse.contacts;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * A tenant's contact as written: its whole state (an upsert replaces the previous one).
 *
 * @param version orders writes of one contact: the highest is the contact
 */
public record Contact(String id, String email, @Nullable String name, @Nullable String timezone, @Nullable String locale,
                      ContactStatus status, Map<String, AttributeValue> attributes, Map<String, Consent> consent,
                      long version) {
}
