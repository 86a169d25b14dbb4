-- Redis is a cache of durable truth: before sending, a worker asks ClickHouse which emails of its
-- range already have a final or blocking outcome. email_events is ordered by (tenant, id), and 18.16
-- uses no index for an IN set on id, so that question would scan every event ever recorded. Events
-- therefore carry the email's key (send_at, seq), and outcomes_by_key orders the deciding ones by it:
-- a range's outcomes are read with the range's own predicate. A cancel of an email not yet ingested
-- has no seq yet (0); it is found by send_at and its id. Events recorded before this migration have
-- no key (send_at 0) and are not consulted.
ALTER TABLE ${db}.email_events ADD COLUMN send_at DateTime('UTC') DEFAULT toDateTime(0, 'UTC');
ALTER TABLE ${db}.email_events ADD COLUMN seq UInt64 DEFAULT 0;
CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.outcomes_by_key
ENGINE = MergeTree()
PARTITION BY toYYYYMM(send_at)
ORDER BY (send_at, seq)
AS SELECT send_at, seq, tenant, id, state FROM ${db}.email_events
WHERE state IN ('sent', 'failed', 'cancelled', 'in_doubt') AND send_at != toDateTime(0, 'UTC');
