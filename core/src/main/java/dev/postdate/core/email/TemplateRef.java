package dev.postdate.core.email;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A stored template by name; the api pins the version current at acceptance when the client gives
 * none, so a later edit of the template cannot change mail already scheduled.
 */
@Serdeable
public record TemplateRef(String name, @Nullable Integer version) {
}
