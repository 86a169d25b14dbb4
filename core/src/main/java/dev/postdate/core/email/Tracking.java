package dev.postdate.core.email;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * An email's or a campaign's tracking switches (docs/tracking.md); each one left null falls back to
 * the campaign's, then the tenant's, then the deployment's default.
 *
 * @param opens       a 1x1 pixel counts opens
 * @param clicks      links in the HTML body go through the tracker's redirect
 * @param anonymous   opens and clicks are counted without naming the email or the recipient
 * @param unsubscribe {@code List-Unsubscribe} headers; campaign emails always carry them
 */
@Serdeable
public record Tracking(@Nullable Boolean opens, @Nullable Boolean clicks, @Nullable Boolean anonymous,
                       @Nullable Boolean unsubscribe) {

    public static final Tracking UNSET = new Tracking(null, null, null, null);

    /** These switches where set, else {@code fallback}'s. */
    public Tracking over(@Nullable Tracking fallback) {
        if (fallback == null) {
            return this;
        }
        return new Tracking(opens != null ? opens : fallback.opens, clicks != null ? clicks : fallback.clicks,
                anonymous != null ? anonymous : fallback.anonymous,
                unsubscribe != null ? unsubscribe : fallback.unsubscribe);
    }
}
