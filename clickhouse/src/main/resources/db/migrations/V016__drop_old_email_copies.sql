-- The tables left behind by V012 (emails_v001) and V015 (emails_v012) hold every payload they had:
-- neither erasure (DELETE /v1/recipients) nor payload retention reaches them, so they go. A migration
-- of its own, after the one that moved the rows: a current server's RENAME takes the materialized views
-- along to the old table, and it refuses to drop a table views depend on until the migrator has bound
-- them to emails again (ViewSources, after every migration).
DROP TABLE IF EXISTS ${db}.emails_v012;

DROP TABLE IF EXISTS ${db}.emails_v001;
