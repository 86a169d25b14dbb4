-- emails was partitioned by day (V001). Current ClickHouse refuses an insert block that touches more
-- than max_partitions_per_insert_block (100) partitions, so a batch whose send times span more than
-- 100 days failed every time. By month, a batch within the 400-day scheduling horizon touches at most
-- 15 partitions, and a range on send_at still reads only the months it covers. A partition key
-- cannot be altered: the rows move to a new table, which then takes the name emails.
--
-- Every step is safe to repeat, after an interruption or in several components at once (the
-- migrator counts a RENAME whose target exists as done):
-- 1. The old table leaves the name emails. RENAME waits for the inserts already running into it;
--    afterwards nothing is named emails, so every read and write of emails fails and is retried by
--    its caller until step 4, and no reader sees the table half copied.
RENAME TABLE ${db}.emails TO ${db}.emails_v001;

-- 2. and 3. The rows are copied into the new table. A runner that repeats the copy into the same
--    table adds copies under the same key (send_at, seq), which readers collapse and merges drop.
--    The materialized views (emails_by_id, emails_by_batch, emails_by_seq) read inserts into the
--    table named emails, so the copy does not reach them again: they already hold these rows.
CREATE TABLE IF NOT EXISTS ${db}.emails_v008
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
ORDER BY (send_at, seq);

INSERT INTO ${db}.emails_v008 (send_at, seq, id, tenant, batch_id, accepted_at, payload)
SELECT send_at, seq, id, tenant, batch_id, accepted_at, payload FROM ${db}.emails_v001;

-- 4. The full copy takes the name; from now on inserts reach it and, through it, the views. Only a
--    runner that finished its own copy gets here, and RENAME waits for a copy still running into it.
RENAME TABLE ${db}.emails_v008 TO ${db}.emails;

-- 5. A runner that came after another's step 4 created and filled a table of its own: not needed.
DROP TABLE IF EXISTS ${db}.emails_v008;
