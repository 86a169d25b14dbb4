-- Every statement must be safe to run twice: two components may start against an empty database at
-- once, and ClickHouse has no transaction to make "apply and record" atomic.

-- One row per accepted email. The sort key (send_at, seq) serves the ranger: "ready emails between
-- two keys" is a range bounded on both sides of it, which 18.16 can read without sorting the table.
-- A redelivered intake message writes the same (send_at, seq) again; readers collapse such copies
-- and merges drop them.
CREATE TABLE IF NOT EXISTS ${db}.emails
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
PARTITION BY toYYYYMMDD(send_at)
ORDER BY (send_at, seq);
