#!/usr/bin/env bash
# The stats SQL of one batch before (88092dc: a per-state join for the counts, two passes over the
# feedback events) and after (sent counted without the join, one pass over the events), alternating
# against the same ClickHouse and data: docs/benchmarks.md, "Stats of a 1M-recipient occurrence".
# Usage: loadtest/scripts/stats-queries.sh TENANT BATCH [CLICKHOUSE_URL] [RUNS]
T="$1"; B="$2"; CH="${3:-http://127.0.0.1:18123/}"; RUNS="${4:-5}"
S="WHERE tenant = '$T' AND batch_id IN ('$B')"
P="transform(state, ['scheduled','queued','in_doubt','cancelled','suppressed','expired','failed','sent'], [0,1,2,3,4,5,6,7], 0)"
OLD=(
"SELECT p, count() FROM (SELECT id, p FROM (SELECT DISTINCT id FROM postdate.emails_by_batch $S) AS batch_emails ANY LEFT JOIN (SELECT id, max($P) AS p FROM postdate.email_events $S GROUP BY id) AS batch_states USING id) GROUP BY p"
"SELECT uniqExactIf(email_id, type = 'delivered'), uniqExactIf(email_id, type = 'bounced'), uniqExactIf(email_id, type = 'bounced' AND subtype = 'permanent'), uniqExactIf(email_id, type = 'bounced' AND subtype != 'permanent'), uniqExactIf(email_id, type = 'complained'), uniqExactIf(email_id, type = 'rejected'), uniqExactIf(email_id, type = 'delayed'), uniqExactIf(email_id, type = 'opened' AND email_id != ''), uniqExactIf(notification_id, type = 'opened'), uniqExactIf(email_id, type = 'clicked' AND email_id != ''), uniqExactIf(notification_id, type = 'clicked'), uniqExactIf(email_id, type = 'unsubscribed') FROM postdate.feedback_events $S"
"SELECT subtype, any(detail), uniqExactIf(email_id, email_id != ''), uniqExact(notification_id) FROM postdate.feedback_events $S AND type = 'clicked' GROUP BY subtype ORDER BY toUInt32OrZero(subtype)")
NEW=(
"SELECT (SELECT uniqExact(cityHash64(id)) FROM postdate.emails_by_batch $S), (SELECT uniqExactIf(cityHash64(id), state = 'sent') FROM postdate.email_events $S)"
"SELECT type, u, u_hard, u_soft, total, tupleElement(s, 1), tupleElement(s, 2), tupleElement(s, 3), tupleElement(s, 4) FROM (SELECT type, uniqExactMerge(e) AS u, uniqExactMergeIf(e, subtype = 'permanent') AS u_hard, uniqExactMergeIf(e, subtype != 'permanent') AS u_soft, sum(n) AS total, groupArray((subtype, detail, finalizeAggregation(e), n)) AS g FROM (SELECT type, subtype, any(detail) AS detail, uniqExactStateIf(cityHash64(email_id), email_id != '') AS e, uniqExact(cityHash64(notification_id)) AS n FROM postdate.feedback_events $S GROUP BY type, subtype) GROUP BY type) ARRAY JOIN g AS s")
timed() { local s e; s=$(date +%s%N); for q in "$@"; do curl -sf "$CH" --data-binary "$q" >/dev/null || echo "query failed" >&2; done; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
for i in $(seq "$RUNS"); do echo "run $i: old $(timed "${OLD[@]}") ms, new $(timed "${NEW[@]}") ms"; done
