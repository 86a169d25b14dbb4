package dev.postdate.core.email;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A mailbox: the address and an optional display name. Personal data: never logged.
 */
@Serdeable
public record Address(String email, @Nullable String name) {
}
