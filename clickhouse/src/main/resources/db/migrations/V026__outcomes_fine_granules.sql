-- A worker's pass reads its range's recorded outcomes and send marks by the range's key bounds, and
-- both tables still had 8,192-row granules: while a burst is sent, its rows all fall into the same
-- seconds, every part holds a granule that may contain some of the range, and the read fetched up
-- to 12 times a range's 5,000 rows (measured on 18.16: median 1,474, p90 49,152, max 62,768 rows
-- per pass; docs/benchmarks.md). V015 gave emails 1,024-row granules for the same reason; these two
-- get them too. index_granularity cannot be altered, so the rows move to new tables.
--
-- outcomes_by_key is a materialized view with an inner table, which 18.16 cannot rename safely: its
-- successor is a table, recorded_outcomes, fed by a view of its own. The view exists before the copy
-- starts; an event the copy and the view both carry, or that a repeated copy carries again, is a
-- duplicate: readers fold it (the state of highest precedence wins) and merges drop it (the whole
-- row is the sorting key; the primary key, held in memory per granule, is its prefix (send_at, seq),
-- which is what a range reads by). An insert that
-- began before the view existed feeds only the old view, maybe after the copy read it: V027 copies
-- the old view once more before it drops it.
CREATE TABLE IF NOT EXISTS ${db}.recorded_outcomes
(
    send_at DateTime('UTC'),
    seq     UInt64,
    tenant  String,
    id      String,
    state   String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(send_at)
ORDER BY (send_at, seq, tenant, id, state)
PRIMARY KEY (send_at, seq)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.recorded_outcomes_feed TO ${db}.recorded_outcomes
AS SELECT send_at, seq, tenant, id, state FROM ${db}.email_events
WHERE state IN ('sent', 'failed', 'cancelled', 'in_doubt') AND send_at != toDateTime(0, 'UTC');

INSERT INTO ${db}.recorded_outcomes (send_at, seq, tenant, id, state)
SELECT send_at, seq, tenant, id, state FROM ${db}.outcomes_by_key;

-- send_marks is written by workers directly: it moves as emails did in V015. Between the first
-- rename and the last a worker's mark cannot be stored, so that worker sends nothing and its range
-- comes back (a mark is stored before each provider call); every step is safe to repeat (V012). A
-- current server's RENAME does not wait for running inserts, as 18.16's does: a mark whose insert
-- began before the rename may land in send_marks_v014 after the copy read it, so V027 copies it once
-- more. Copies fold as the outcomes' do.
RENAME TABLE ${db}.send_marks TO ${db}.send_marks_v014;

CREATE TABLE IF NOT EXISTS ${db}.send_marks_v026
(
    send_at DateTime('UTC'),
    seq     UInt64,
    tenant  String,
    id      String,
    worker  String,
    mark    String,
    version UInt64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(send_at)
ORDER BY (send_at, seq, tenant, id, worker, version, mark)
PRIMARY KEY (send_at, seq)
SETTINGS index_granularity = 1024;

INSERT INTO ${db}.send_marks_v026 (send_at, seq, tenant, id, worker, mark, version)
SELECT send_at, seq, tenant, id, worker, mark, version FROM ${db}.send_marks_v014;

RENAME TABLE ${db}.send_marks_v026 TO ${db}.send_marks;

-- A runner that came after another's last rename created and filled a table of its own: not needed.
DROP TABLE IF EXISTS ${db}.send_marks_v026;
