-- The arrival log: every email's seq and send_at, ordered by seq. The ranger finds late arrivals
-- (due already when they became visible) here with a range on seq instead of scanning the
-- send_at-ordered main table from the start of history. Created before any email is ingested:
-- apply migrations before starting ingest consumers (components wait for the schema).
CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.emails_by_seq
ENGINE = ReplacingMergeTree()
PARTITION BY intDiv(seq, 100000000)
ORDER BY seq
AS SELECT seq, send_at FROM ${db}.emails;
