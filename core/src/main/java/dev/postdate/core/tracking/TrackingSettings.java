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
 * @param unsubscribeMailto an address whose mailbox the feedback consumer reads: List-Unsubscribe then
 *                    also offers {@code mailto:} ({@link UnsubscribeMailto}); none: https only
 * @param textClicks  links in plain-text bodies go through the redirect too, where clicks are tracked
 */
@ConfigurationProperties("postdate.tracking")
public record TrackingSettings(@Nullable URI baseUrl, @Nullable String keys, boolean opens, boolean clicks,
                               boolean anonymous, boolean unsubscribe, @Nullable String unsubscribeMailto,
                               boolean textClicks) {

    public boolean enabled() {
        return baseUrl != null && !baseUrl.toString().isBlank();
    }

    public boolean offersMailto() {
        return unsubscribeMailto != null && !unsubscribeMailto.isBlank();
    }

    /** The base URL without a trailing slash, for appending {@code /c/<token>}. */
    public String base() {
        String url = baseUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
