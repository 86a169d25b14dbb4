-- Email templates: one row per immutable version. The version number comes from a Redis counter
-- per (tenant, name), so concurrent saves never share one; a retried insert of the same version
-- writes the same key again and the ReplacingMergeTree collapses the copies. Absent parts are ''.
CREATE TABLE IF NOT EXISTS ${db}.templates
(
    tenant     String,
    name       String,
    version    UInt32,
    subject    String,
    html       String,
    text       String,
    created_at DateTime('UTC')
)
ENGINE = ReplacingMergeTree()
ORDER BY (tenant, name, version);
