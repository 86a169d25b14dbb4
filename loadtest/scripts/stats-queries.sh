#!/usr/bin/env bash
# The stats SQL of one batch before (d6c8c12: reading the tenant's email_events and feedback_events)
# and after (V025's views ordered by batch), alternating against the same ClickHouse and data:
# docs/benchmarks.md, "Stats by batch".
# Usage: loadtest/scripts/stats-queries.sh TENANT BATCH [CLICKHOUSE_URL] [RUNS]
T="$1"; B="$2"; CH="${3:-http://127.0.0.1:18123/}"; RUNS="${4:-5}"
S="WHERE tenant = '$T' AND batch_id IN ('$B')"
# Before V025 (d6c8c12): sent from email_events and one pass over feedback_events, both ordered by
# something else than the batch, so they read every row of the tenant.
OLD=(
"SELECT (SELECT uniqExact(cityHash64(id)) FROM postdate.emails_by_batch $S), (SELECT uniqExactIf(cityHash64(id), state = 'sent') FROM postdate.email_events $S)"
"SELECT type, u, u_hard, u_soft, total, tupleElement(s, 1), tupleElement(s, 2), tupleElement(s, 3), tupleElement(s, 4) FROM (SELECT type, uniqExactMerge(e) AS u, uniqExactMergeIf(e, subtype = 'permanent') AS u_hard, uniqExactMergeIf(e, subtype != 'permanent') AS u_soft, sum(n) AS total, groupArray((subtype, detail, finalizeAggregation(e), n)) AS g FROM (SELECT type, subtype, any(detail) AS detail, uniqExactStateIf(cityHash64(email_id), email_id != '') AS e, uniqExact(cityHash64(notification_id)) AS n FROM postdate.feedback_events $S GROUP BY type, subtype) GROUP BY type) ARRAY JOIN g AS s")
# V025's views, ordered by batch, ids already hashed; notification sets only for opens and clicks,
# hard and soft sets only for bounces.
NEW=(
"SELECT (SELECT uniqExact(cityHash64(id)) FROM postdate.emails_by_batch $S), (SELECT uniqExact(email_key) FROM postdate.sent_by_batch $S)"
"SELECT type, u, u_hard, u_soft, total, tupleElement(s, 1), tupleElement(s, 2), tupleElement(s, 3) FROM (SELECT type, uniqExactMerge(e) AS u, uniqExactMergeIf(e, type = 'bounced' AND subtype = 'permanent') AS u_hard, uniqExactMergeIf(e, type = 'bounced' AND subtype != 'permanent') AS u_soft, sum(n) AS total, groupArray((subtype, finalizeAggregation(e), n)) AS g FROM (SELECT type, subtype, uniqExactStateIf(email_key, email_key != 0) AS e, uniqExactIf(notification_key, type IN ('opened', 'clicked')) AS n FROM postdate.feedback_by_batch $S GROUP BY type, subtype) GROUP BY type) ARRAY JOIN g AS s"
"SELECT link, any(tupleElement(example, 1)) FROM postdate.feedback_links $S GROUP BY link")
# A failed query ends the run: its time would read as a fast answer.
timed() {
  local s e q
  s=$(date +%s%N)
  for q in "$@"; do
    curl -sSf "$CH" --data-binary "$q" >/dev/null || { echo "query failed: ${q:0:80}..." >&2; exit 1; }
  done
  e=$(date +%s%N)
  echo $(( (e - s) / 1000000 ))
}
for i in $(seq "$RUNS"); do
  old=$(timed "${OLD[@]}") || exit 1
  new=$(timed "${NEW[@]}") || exit 1
  echo "run $i: old $old ms, new $new ms"
done
