-- The ranger's progress, durable: Redis holds the working copy (and the lease that serializes
-- leaders), this journal the truth a ranger falls back to when Redis lost its state. A row is
-- written when a tick is planned (before any of its ranges is published) and after each published
-- step, so a row never claims more than SQS holds. stage: 0 due from the start, 1 due after the key
-- (after_s, after_q), 2 late arrivals after seq after_q, 3 done. Rows only grow in
-- (tick, stage, after_s, after_q): the newest progress is the greatest key.
CREATE TABLE IF NOT EXISTS ${db}.ranger_progress
(
    tick    UInt64,
    stage   UInt8,
    after_s UInt64,
    after_q UInt64,
    prev_s  UInt64,
    prev_q  UInt64,
    s       UInt64,
    q       UInt64,
    fence   UInt64,
    at_ms   UInt64
)
ENGINE = MergeTree()
ORDER BY (tick, stage, after_s, after_q);
