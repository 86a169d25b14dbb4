package dev.postdate.core.tracking;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.net.URI;

/**
 * postdate.tracking (docs/tracking.md): where the tracker answers and what is tracked by default.
 *
 * @param baseUrl     the tracker's public URL (https in production); none: no email is tracked and
 *                    none carries {@code List-Unsubscribe}
 * @param keys        the token keys, {@code id:base64,...}, the first sealing ({@link TrackingKeys})
 * @param opens       default of {@code tracking.opens}
 * @param clicks      default of {@code tracking.clicks}
 * @param anonymous   default of {@code tracking.anonymous}
 * @param unsubscribe default of {@code tracking.unsubscribe} for emails outside campaigns
 */
@ConfigurationProperties("postdate.tracking")
public record TrackingSettings(@Nullable URI baseUrl, @Nullable String keys, boolean opens, boolean clicks,
                               boolean anonymous, boolean unsubscribe) {

    public boolean enabled() {
        return baseUrl != null && !baseUrl.toString().isBlank();
    }

    /** The base URL without a trailing slash, for appending {@code /c/<token>}. */
    public String base() {
        String url = baseUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
