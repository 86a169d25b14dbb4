-- What V026 moved away: the old outcomes view (and its inner table) and the old send marks. A
-- migration of its own, as V016 is: V026 is safe to repeat only while these still exist. Before the
-- drop, each is copied once more: an outcome insert that began before V026's view existed, and a
-- mark insert that a current server let through V026's rename, may have landed after V026's copy
-- read (duplicates fold). Workers of the previous release read outcomes_by_key; their passes fail
-- once it is gone, and a failed pass sends nothing (its range returns to the queue for a worker of
-- this release).
INSERT INTO ${db}.recorded_outcomes (send_at, seq, tenant, id, state)
SELECT send_at, seq, tenant, id, state FROM ${db}.outcomes_by_key;

INSERT INTO ${db}.send_marks (send_at, seq, tenant, id, worker, mark, version)
SELECT send_at, seq, tenant, id, worker, mark, version FROM ${db}.send_marks_v014;

DROP TABLE IF EXISTS ${db}.outcomes_by_key;

DROP TABLE IF EXISTS ${db}.send_marks_v014;
