package dev.postdate.expander;

import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CatchUp;
import dev.postdate.core.campaign.Overlap;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Which of a campaign's occurrences to work on now: those whose expansion time came (lead before the
 * first recipient is due) and that are not expanded or skipped yet. A new one is skipped, with the
 * reason recorded, when the catch-up policy says it was missed for too long or a later missed one is
 * sent instead, or when the overlap policy is {@code skip} and the previous occurrence still sends.
 */
final class DueOccurrences {

    /** An occurrence to expand (skipReason null) or to record as skipped. */
    record Decision(CampaignSchedule.Occurrence occurrence, @Nullable String skipReason) {
    }

    /** Local delivery reaches UTC-12 up to 26 hours after UTC+14; a day more covers any planned hour. */
    private static final Duration PLANNING_REACH = Duration.ofDays(3);

    private DueOccurrences() {
    }

    /**
     * @param stored       the campaign's recorded occurrences by number
     * @param stillSending whether an occurrence (by number) has emails not yet sent or settled
     */
    /**
     * @param createdAt    when the campaign was created: occurrences whose last recipient was due before
     *                     it predate the campaign and are neither sent nor recorded
     * @param stored       the campaign's recorded occurrences by number
     * @param stillSending whether an occurrence (by number) has recipients whose email is not settled yet
     */
    static List<Decision> decide(CampaignSpec spec, Instant createdAt, Map<Integer, StoredOccurrence> stored, Instant now,
                                 Duration lead, IntPredicate stillSending) {
        List<CampaignSchedule.Occurrence> due = spec.schedule().plannedThrough(now.plus(lead).plus(PLANNING_REACH))
                .stream().filter(o -> !spec.expansionStart(o, lead).isAfter(now))
                .filter(o -> !spec.lastDue(o).isBefore(createdAt)).toList();
        List<Decision> decisions = new ArrayList<>();
        Set<Integer> expanding = new HashSet<>();
        for (int i = 0; i < due.size(); i++) {
            CampaignSchedule.Occurrence occurrence = due.get(i);
            StoredOccurrence known = stored.get(occurrence.number());
            if (known != null) {
                if (known.state() == StoredOccurrence.State.EXPANDING) {
                    decisions.add(new Decision(occurrence, null));
                    expanding.add(occurrence.number());
                }
                continue;
            }
            String reason = skipReason(spec, due, i, now, stored, expanding, stillSending);
            decisions.add(new Decision(occurrence, reason));
            if (reason == null) {
                expanding.add(occurrence.number());
            }
        }
        return decisions;
    }

    /** @param expanding the occurrences this round expands, the previous one's included when it does */
    private static @Nullable String skipReason(CampaignSpec spec, List<CampaignSchedule.Occurrence> due, int index,
                                               Instant now, Map<Integer, StoredOccurrence> stored,
                                               Set<Integer> expanding, IntPredicate stillSending) {
        CampaignSchedule.Occurrence occurrence = due.get(index);
        Instant lastDue = spec.lastDue(occurrence);
        CatchUp catchUp = spec.catchUp();
        if (now.isAfter(lastDue)) {
            if (catchUp.policy() == CatchUp.Policy.SKIP_OLDER_THAN
                    && Duration.between(lastDue, now).compareTo(catchUp.maxAge()) > 0) {
                return "missed: due " + lastDue + ", more than catch_up.max_age " + catchUp.maxAge() + " ago";
            }
            if (catchUp.policy() == CatchUp.Policy.LATEST_ONLY && index + 1 < due.size()
                    && now.isAfter(spec.lastDue(due.get(index + 1)))) {
                return "missed: catch_up latest_only sends a later missed occurrence instead";
            }
        }
        int previous = occurrence.number() - 1;
        if (spec.overlap() == Overlap.SKIP && (expanding.contains(previous) || stored.containsKey(previous)
                && stored.get(previous).state() == StoredOccurrence.State.EXPANDED && stillSending.test(previous))) {
            return "overlap: occurrence " + previous + " was still sending";
        }
        return null;
    }
}
