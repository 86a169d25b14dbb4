package dev.postdate.core.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** A campaign's audience: a pinned version, or (version null) the latest one when each occurrence expands. */
@Serdeable
public record AudienceRef(String id, @Nullable Integer version) {
}
