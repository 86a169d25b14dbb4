package dev.postdate.core.campaign;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Duration;

/**
 * What happens to occurrences missed while no expander ran: {@code skip_older_than} expands those
 * whose last recipient was due at most {@code maxAge} ago; {@code latest_only} expands only the newest
 * missed one. Skipped occurrences are recorded with the reason, never dropped silently.
 */
@Serdeable
public record CatchUp(Policy policy, @Nullable Duration maxAge) {

    @Serdeable
    public enum Policy {
        @JsonProperty("skip_older_than") SKIP_OLDER_THAN,
        @JsonProperty("latest_only") LATEST_ONLY;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    public static CatchUp skipOlderThan(Duration maxAge) {
        return new CatchUp(Policy.SKIP_OLDER_THAN, maxAge);
    }
}
