-- Campaigns (docs/campaigns.md): one row per written state of a campaign, the highest version being
-- its state. spec is what it sends, to whom and when, as the api checked it (core's CampaignSpec JSON).
CREATE TABLE IF NOT EXISTS ${db}.campaigns
(
    tenant      String,
    campaign_id String,
    version     UInt64,
    state       String,
    spec        String,
    created_ms  UInt64,
    updated_ms  UInt64
)
ENGINE = MergeTree()
ORDER BY (tenant, campaign_id, version);

-- Occurrences of campaigns, one row per written state, the highest version being current. The expander
-- writes an occurrence before it publishes its first email (fixing the audience version it expands) and
-- again after each chunk of recipients is on the intake queue: checkpoint is the last contact id
-- published, expanded the emails published so far, passed_skipped the recipients whose local time had
-- passed under if_passed = skip. A skipped occurrence (catch-up, overlap) has state skipped and a reason.
CREATE TABLE IF NOT EXISTS ${db}.campaign_occurrences
(
    tenant           String,
    campaign_id      String,
    occurrence       UInt32,
    version          UInt64,
    state            String,
    planned_ms       Int64,
    audience_version UInt32,
    checkpoint       String,
    expanded         UInt64,
    passed_skipped   UInt64,
    reason           String,
    started_ms       UInt64,
    updated_ms       UInt64
)
ENGINE = MergeTree()
ORDER BY (tenant, campaign_id, occurrence, version);

-- The ledger of an occurrence: one row per email the expander (or a resend) made, written once the
-- email is on the intake queue. resend_of is the email a resend replaces ('' for the occurrence's own):
-- a recipient's current email is the one no resend replaced. Rows written twice (a page published
-- again) fold.
CREATE TABLE IF NOT EXISTS ${db}.campaign_recipients
(
    tenant      String,
    campaign_id String,
    occurrence  UInt32,
    email_id    String,
    contact_id  String,
    resend_of   String
)
ENGINE = ReplacingMergeTree()
ORDER BY (tenant, campaign_id, occurrence, email_id);
