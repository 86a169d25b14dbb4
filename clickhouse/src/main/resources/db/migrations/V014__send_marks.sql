-- Redis is a cache of durable truth, and "this email's provider call may have begun" is truth: a
-- worker appends a 'sending' row here, and waits until it is stored, before it claims an email and
-- calls the provider; a 'released' row when that worker then surely made no call. When Redis lost the
-- email's guard, a later pass finds here that a send may have happened and records the email in doubt
-- instead of sending it again (docs/worker.md). Rows are keyed like outcomes_by_key, so a range reads
-- its marks with its own predicate. version orders one worker's rows (a worker may mark, release and
-- mark again); rows of different workers are never compared.
CREATE TABLE IF NOT EXISTS ${db}.send_marks
(
    send_at DateTime('UTC'),
    seq     UInt64,
    tenant  String,
    id      String,
    worker  String,
    mark    String,
    version UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(send_at)
ORDER BY (send_at, seq);
