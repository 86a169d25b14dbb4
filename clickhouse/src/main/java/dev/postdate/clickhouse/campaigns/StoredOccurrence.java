package dev.postdate.clickhouse.campaigns;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * An occurrence's expansion as stored ({@code campaign_occurrences}); the highest version is current.
 *
 * @param checkpoint    the last contact id of the last recorded page ("" before the first): every
 *                      recipient up to it was published (or left out: local time passed, too large)
 * @param expanded      emails published so far
 * @param passedSkipped recipients left out because their local time had passed ({@code if_passed: skip})
 * @param reason        why a skipped occurrence was skipped
 * @param paced         under a rate cap, the emails planned so far per starting instant (epoch second)
 */
public record StoredOccurrence(String tenant, String campaignId, int number, long version, State state,
                               Instant planned, int audienceVersion, String checkpoint, long expanded,
                               long passedSkipped, String reason, Instant startedAt, Instant updatedAt,
                               Map<Long, Long> paced) {

    /** An occurrence with nothing paced yet. */
    public StoredOccurrence(String tenant, String campaignId, int number, long version, State state, Instant planned,
                            int audienceVersion, String checkpoint, long expanded, long passedSkipped, String reason,
                            Instant startedAt, Instant updatedAt) {
        this(tenant, campaignId, number, version, state, planned, audienceVersion, checkpoint, expanded, passedSkipped,
                reason, startedAt, updatedAt, Map.of());
    }

    public enum State {
        EXPANDING, EXPANDED, SKIPPED;

        public String wireName() {
            return name().toLowerCase();
        }

        public static Optional<State> of(String wireName) {
            return Arrays.stream(values()).filter(s -> s.wireName().equals(wireName)).findFirst();
        }
    }

    /** The next state, written at {@code at} under a version above this one's. */
    public StoredOccurrence progressed(State newState, String newCheckpoint, long newExpanded, long newPassedSkipped,
                                       Map<Long, Long> newPaced, Instant at) {
        return new StoredOccurrence(tenant, campaignId, number, Math.max(version + 1, at.toEpochMilli()), newState,
                planned, audienceVersion, newCheckpoint, newExpanded, newPassedSkipped, reason, startedAt, at, newPaced);
    }
}
