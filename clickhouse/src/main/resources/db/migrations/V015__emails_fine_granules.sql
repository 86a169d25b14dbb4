-- A worker reads a range of emails (about 5,000 rows, a few MB of payloads) by its key bounds, and
-- ClickHouse reads whole granules of index_granularity rows from every part that may hold some of
-- them. While a burst is being ingested, emails has many small parts whose rows all fall into the
-- same seconds: with the default of 8,192 rows a granule is a whole part, and a range read fetched
-- up to 60 times the rows it wanted (measured on 18.16: 300,000 rows and their payloads read for
-- 5,000 of 60 unmerged parts; 61,440 rows with 1,024-row granules; docs/benchmarks.md). The index
-- grows eightfold: about 1,000 marks and 12 KB of primary key per million rows. index_granularity
-- cannot be altered: the rows move to a new table, as in V012 (every step is safe to repeat, after
-- an interruption or in several components at once; see V012 for why each one is).
RENAME TABLE ${db}.emails TO ${db}.emails_v012;

CREATE TABLE IF NOT EXISTS ${db}.emails_v015
(
    send_at     DateTime('UTC'),
    seq         UInt64,
    id          String,
    tenant      String,
    batch_id    String,
    accepted_at DateTime('UTC'),
    payload     String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(send_at)
ORDER BY (send_at, seq)
SETTINGS index_granularity = 1024;

INSERT INTO ${db}.emails_v015 (send_at, seq, id, tenant, batch_id, accepted_at, payload)
SELECT send_at, seq, id, tenant, batch_id, accepted_at, payload FROM ${db}.emails_v012;

RENAME TABLE ${db}.emails_v015 TO ${db}.emails;

DROP TABLE IF EXISTS ${db}.emails_v015;
