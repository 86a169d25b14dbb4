package dev.postdate.tracker;

import dev.postdate.core.tracking.TrackingKeys;
import dev.postdate.core.tracking.TrackingSettings;
import dev.postdate.core.tracking.TrackingTokens;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The tracker opens tokens with {@code postdate.tracking.keys}; it does not start without them. */
@Factory
class TrackingTokensFactory {

    @Singleton
    TrackingTokens tokens(TrackingSettings settings) {
        return new TrackingTokens(TrackingKeys.parse(settings.keys()));
    }
}
