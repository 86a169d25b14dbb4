-- Tables behind the api's reads and the ingest consumer's deduplication. Idempotent, as every
-- migration must be.

-- API keys: only a SHA-256 of the secret is stored. A revocation writes a newer version of the row.
CREATE TABLE IF NOT EXISTS ${db}.api_keys
(
    key_id     String,
    tenant     String,
    key_hash   String,
    created_at DateTime('UTC'),
    revoked_at DateTime('UTC') DEFAULT toDateTime(0, 'UTC'),
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY key_id;

-- Lookups of one email by id (status, cancel) without scanning the send_at-ordered main table.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.emails_by_id
ENGINE = ReplacingMergeTree()
ORDER BY (tenant, id)
AS SELECT tenant, id, batch_id, send_at, seq, accepted_at FROM ${db}.emails;

-- Per-batch counts and lists.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.emails_by_batch
ENGINE = ReplacingMergeTree()
ORDER BY (tenant, batch_id, id)
AS SELECT tenant, batch_id, id, send_at FROM ${db}.emails WHERE batch_id != '';

-- What happened to each email after it was stored: queued (in a range), sent, failed, cancelled,
-- in_doubt. Append-only; an email's state is its latest event by precedence.
CREATE TABLE IF NOT EXISTS ${db}.email_events
(
    tenant   String,
    id       String,
    batch_id String,
    state    String,
    at       DateTime('UTC'),
    detail   String
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, id, at);

-- Batch controls (pause, resume, cancel) as an audit trail; the send-time decision reads Redis.
CREATE TABLE IF NOT EXISTS ${db}.batch_controls
(
    tenant   String,
    batch_id String,
    action   String,
    at       DateTime('UTC')
)
ENGINE = MergeTree()
ORDER BY (tenant, batch_id, at);
