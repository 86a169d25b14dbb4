package dev.postdate.clickhouse.contacts;

import java.time.Instant;

/** A contact as read back, with when it was first and last written. */
public record StoredContact(Contact contact, Instant createdAt, Instant updatedAt) {
}
