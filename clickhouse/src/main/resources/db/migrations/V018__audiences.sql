-- Audiences: one row per immutable version of a tenant's rule (docs/audiences.md). The version number
-- comes from a Redis counter per (tenant, audience) floored at the highest stored one, as for templates;
-- a retried insert of the same version writes the same key and the ReplacingMergeTree folds the copies.
CREATE TABLE IF NOT EXISTS ${db}.audiences
(
    tenant      String,
    audience_id String,
    version     UInt32,
    name        String,
    rule        String,
    created_at  DateTime('UTC')
)
ENGINE = ReplacingMergeTree()
ORDER BY (tenant, audience_id, version);
