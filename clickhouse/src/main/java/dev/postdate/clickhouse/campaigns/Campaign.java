package dev.postdate.clickhouse.campaigns;

import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CampaignState;

import java.time.Instant;

/** A campaign's state as stored; {@code version} orders its writes (the highest is current). */
public record Campaign(String tenant, String id, long version, CampaignState state, CampaignSpec spec,
                       Instant createdAt, Instant updatedAt) {

    /** The next state, written at {@code at} under a version above this one's. */
    public Campaign with(CampaignState newState, CampaignSpec newSpec, Instant at) {
        return new Campaign(tenant, id, Math.max(version + 1, at.toEpochMilli()), newState, newSpec, createdAt, at);
    }
}
