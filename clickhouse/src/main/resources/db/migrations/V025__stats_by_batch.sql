-- A batch's stats read its feedback and its sent emails. feedback_events is ordered by recipient (the
-- soft-bounce policy counts by it) and email_events by email id, so reading one batch from them read
-- every row of its tenant: a small batch of a tenant with a long history took as long as that whole
-- history. These views keep what the stats count, ordered by batch; ids are their 64-bit CityHash
-- (0: an anonymous open or click), which is all a distinct count needs and no personal data. Only the
-- links' destinations are text: one example per link, kept in one tuple with the hash of the recipient
-- who clicked it (one row's pair), by which an erasure finds and deletes it (docs/security.md).
CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.feedback_by_batch
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(toDateTime(intDiv(at_ms, 1000), 'UTC'))
ORDER BY (tenant, batch_id, type, subtype, email_key, notification_key)
AS SELECT tenant, batch_id, type, subtype, if(email_id = '', toUInt64(0), cityHash64(email_id)) AS email_key,
          cityHash64(notification_id) AS notification_key, at_ms
FROM ${db}.feedback_events
WHERE batch_id != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.feedback_links
ENGINE = ReplacingMergeTree()
ORDER BY (tenant, batch_id, link)
AS SELECT tenant, batch_id, subtype AS link, any((detail, cityHash64(recipient))) AS example
FROM ${db}.feedback_events
WHERE type = 'clicked' AND batch_id != ''
GROUP BY tenant, batch_id, subtype;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.sent_by_batch
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, batch_id, email_key)
AS SELECT tenant, batch_id, cityHash64(id) AS email_key, at
FROM ${db}.email_events
WHERE state = 'sent' AND batch_id != '';

-- The rows of before. A row inserted between a view's creation and its copy here is in both, and a
-- runner that repeats the copy adds every row again: the stats count distinct ids, and the views'
-- ReplacingMergeTree folds the copies when it merges. An insert fixes its views when it starts: one
-- that started before a view existed and committed while the copy below read reaches neither, so
-- the last hour is copied once more after the full copies (an insert gives up within its timeout,
-- 30 s at most, far less than that hour).
INSERT INTO ${db}.feedback_by_batch
SELECT tenant, batch_id, type, subtype, if(email_id = '', toUInt64(0), cityHash64(email_id)) AS email_key,
       cityHash64(notification_id) AS notification_key, at_ms
FROM ${db}.feedback_events
WHERE batch_id != '';

INSERT INTO ${db}.feedback_links
SELECT tenant, batch_id, subtype AS link, any((detail, cityHash64(recipient))) AS example
FROM ${db}.feedback_events
WHERE type = 'clicked' AND batch_id != ''
GROUP BY tenant, batch_id, subtype;

INSERT INTO ${db}.sent_by_batch
SELECT tenant, batch_id, cityHash64(id) AS email_key, at
FROM ${db}.email_events
WHERE state = 'sent' AND batch_id != '';

INSERT INTO ${db}.feedback_by_batch
SELECT tenant, batch_id, type, subtype, if(email_id = '', toUInt64(0), cityHash64(email_id)) AS email_key,
       cityHash64(notification_id) AS notification_key, at_ms
FROM ${db}.feedback_events
WHERE batch_id != '' AND received_ms >= (toUInt64(now()) - 3600) * 1000;

INSERT INTO ${db}.feedback_links
SELECT tenant, batch_id, subtype AS link, any((detail, cityHash64(recipient))) AS example
FROM ${db}.feedback_events
WHERE type = 'clicked' AND batch_id != '' AND received_ms >= (toUInt64(now()) - 3600) * 1000
GROUP BY tenant, batch_id, subtype;

INSERT INTO ${db}.sent_by_batch
SELECT tenant, batch_id, cityHash64(id) AS email_key, at
FROM ${db}.email_events
WHERE state = 'sent' AND batch_id != '' AND at >= now() - 3600;
