package dev.postdate.core.campaign;

import java.util.Arrays;
import java.util.Optional;

/**
 * A campaign's stored state. Only a scheduled campaign expands occurrences; a paused one expands
 * nothing (its occurrences' batches are paused too), a cancelled one never again. "completed" is not
 * stored: it is a scheduled campaign with no occurrence left to plan or send (docs/campaigns.md).
 */
public enum CampaignState {
    DRAFT, SCHEDULED, PAUSED, CANCELLED;

    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<CampaignState> of(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(wireName)).findFirst();
    }
}
