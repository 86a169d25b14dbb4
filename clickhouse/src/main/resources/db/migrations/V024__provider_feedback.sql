-- The provider's feedback (docs/tracking.md): SES reports bounces, complaints and deliveries by its own
-- message id, which the worker recorded as the detail of the email's 'sent' event. sent_by_provider_id
-- finds the email (tenant, id) of a provider message id without scanning email_events, which is ordered
-- by (tenant, id). Only emails sent after this migration are in it.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.sent_by_provider_id
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY provider_id
AS SELECT detail AS provider_id, tenant, id, batch_id, at FROM ${db}.email_events
WHERE state = 'sent' AND detail != '';

-- Each event the provider reported, per recipient. A notification delivered twice (SQS is at least
-- once) has the same notification_id and folds into one row; reads use FINAL or uniq(). Ordered by
-- recipient, which the soft-bounce policy counts by.
CREATE TABLE IF NOT EXISTS ${db}.feedback_events
(
    tenant          String,
    recipient       String,
    type            String,
    notification_id String,
    email_id        String,
    batch_id        String,
    provider_id     String,
    subtype         String,
    detail          String,
    at_ms           UInt64,
    received_ms     UInt64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(toDateTime(intDiv(at_ms, 1000), 'UTC'))
ORDER BY (tenant, recipient, type, notification_id);
