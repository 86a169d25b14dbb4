-- What V026 moved away: the old outcomes view (and its inner table) and the old send marks. A
-- migration of its own, as V016 is: V026 is safe to repeat only while these still exist. Workers of
-- the previous release read outcomes_by_key; their passes fail until they are replaced, and a failed
-- pass sends nothing (its range returns to the queue for a worker of this release).
DROP TABLE IF EXISTS ${db}.outcomes_by_key;

DROP TABLE IF EXISTS ${db}.send_marks_v014;
