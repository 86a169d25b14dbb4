# shellcheck shell=bash
# Defaults for every port and endpoint of the local stack. Each one keeps a value already set in
# the environment, so two checkouts (or CI next to a developer stack) can run side by side.
# Sourced by ./postdate, which sets -euo pipefail; this file sets no shell options itself so that
# `source infra/local/env.sh` in an interactive shell (e.g. to run a component from an IDE) is safe.

POSTDATE_HOME="${POSTDATE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
POSTDATE_RUN_DIR="${POSTDATE_RUN_DIR:-$POSTDATE_HOME/.run}"
# H2 and the ClickHouse config need absolute paths; a relative override would resolve differently
# per process working directory.
case "$POSTDATE_RUN_DIR" in
  /*) ;;
  *) POSTDATE_RUN_DIR="$PWD/$POSTDATE_RUN_DIR" ;;
esac
export POSTDATE_HOME POSTDATE_RUN_DIR
# shellcheck disable=SC2034 # used by install.sh and services.sh
ELASTICMQ_LIB="$POSTDATE_HOME/infra/target/elasticmq/lib"
# shellcheck disable=SC2034 # used by install.sh and services.sh
SES_DIR="$POSTDATE_HOME/infra/local/ses"

export CLICKHOUSE_HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-18123}"
export CLICKHOUSE_TCP_PORT="${CLICKHOUSE_TCP_PORT:-19000}"
export CLICKHOUSE_INTERSERVER_PORT="${CLICKHOUSE_INTERSERVER_PORT:-19009}"
# The local cluster (POSTDATE_CLICKHOUSE_CLUSTER set, or --cluster): ZooKeeper and two replicas of one
# shard, each with its own ports and data directory, in place of the single server above.
export POSTDATE_CLICKHOUSE_CLUSTER="${POSTDATE_CLICKHOUSE_CLUSTER:-}"
export ZOOKEEPER_PORT="${ZOOKEEPER_PORT:-12181}"
export CLICKHOUSE_R1_HTTP_PORT="${CLICKHOUSE_R1_HTTP_PORT:-18131}"
export CLICKHOUSE_R1_TCP_PORT="${CLICKHOUSE_R1_TCP_PORT:-19031}"
export CLICKHOUSE_R1_INTERSERVER_PORT="${CLICKHOUSE_R1_INTERSERVER_PORT:-19041}"
export CLICKHOUSE_R2_HTTP_PORT="${CLICKHOUSE_R2_HTTP_PORT:-18132}"
export CLICKHOUSE_R2_TCP_PORT="${CLICKHOUSE_R2_TCP_PORT:-19032}"
export CLICKHOUSE_R2_INTERSERVER_PORT="${CLICKHOUSE_R2_INTERSERVER_PORT:-19042}"
export REDIS_PORT="${REDIS_PORT:-16379}"
export ELASTICMQ_PORT="${ELASTICMQ_PORT:-19324}"
export SES_PORT="${SES_PORT:-18005}"
# PostgreSQL runs only for the peer benchmark (./postdate bench, step peer; infra/local/postgres.sh).
export POSTGRES_PORT="${POSTGRES_PORT:-15432}"

# The demo's SMTP server (./postdate demo --sender smtp): GreenMail, read over HTTP.
export SMTP_SINK_PORT="${SMTP_SINK_PORT:-13025}"
export SMTP_SINK_HTTP_PORT="${SMTP_SINK_HTTP_PORT:-13080}"

# Base public HTTP ports of the components; instance N listens on base + N - 1.
export API_PORT="${API_PORT:-8080}"
export INGEST_CONSUMER_PORT="${INGEST_CONSUMER_PORT:-8181}"
export RANGER_PORT="${RANGER_PORT:-8186}"
export WORKER_PORT="${WORKER_PORT:-8190}"
export CAMPAIGN_EXPANDER_PORT="${CAMPAIGN_EXPANDER_PORT:-8170}"
export FEEDBACK_CONSUMER_PORT="${FEEDBACK_CONSUMER_PORT:-8160}"
export TRACKER_PORT="${TRACKER_PORT:-8150}"
# Base management ports (/health, /prometheus; docs/security.md), numbered the same way.
export API_MANAGEMENT_PORT="${API_MANAGEMENT_PORT:-9080}"
export INGEST_CONSUMER_MANAGEMENT_PORT="${INGEST_CONSUMER_MANAGEMENT_PORT:-9181}"
export RANGER_MANAGEMENT_PORT="${RANGER_MANAGEMENT_PORT:-9186}"
export WORKER_MANAGEMENT_PORT="${WORKER_MANAGEMENT_PORT:-9190}"
export CAMPAIGN_EXPANDER_MANAGEMENT_PORT="${CAMPAIGN_EXPANDER_MANAGEMENT_PORT:-9170}"
export FEEDBACK_CONSUMER_MANAGEMENT_PORT="${FEEDBACK_CONSUMER_MANAGEMENT_PORT:-9160}"
export TRACKER_MANAGEMENT_PORT="${TRACKER_MANAGEMENT_PORT:-9150}"

# How long a stop waits after SIGTERM before SIGKILL: above the components' stop-grace (10 s), which
# they may use in full to finish or hand back their work, plus the closing of their clients.
export POSTDATE_STOP_WAIT="${POSTDATE_STOP_WAIT:-20}"

export ELASTICMQ_JAVA_OPTS="${ELASTICMQ_JAVA_OPTS:--Xms64m -Xmx512m}"
export ZOOKEEPER_JAVA_OPTS="${ZOOKEEPER_JAVA_OPTS:--Xms32m -Xmx256m}"
# shellcheck disable=SC2034 # used by install.sh and services.sh
ZOOKEEPER_JAR=/usr/share/java/zookeeper.jar
export POSTDATE_JAVA_OPTS="${POSTDATE_JAVA_OPTS:-}"

# Component-facing settings: Micronaut maps POSTDATE_CLICKHOUSE_URL to postdate.clickhouse.url etc.
if [[ -n "$POSTDATE_CLICKHOUSE_CLUSTER" ]]; then
  # Every insert waits for both replicas; the workers read from the other replica (components.sh).
  export POSTDATE_CLICKHOUSE_URL="${POSTDATE_CLICKHOUSE_URL:-http://127.0.0.1:$CLICKHOUSE_R1_HTTP_PORT}"
  export POSTDATE_CLICKHOUSE_INSERT_QUORUM="${POSTDATE_CLICKHOUSE_INSERT_QUORUM:-2}"
else
  export POSTDATE_CLICKHOUSE_URL="${POSTDATE_CLICKHOUSE_URL:-http://127.0.0.1:$CLICKHOUSE_HTTP_PORT}"
fi
export POSTDATE_CLICKHOUSE_USER="${POSTDATE_CLICKHOUSE_USER:-default}"
export POSTDATE_CLICKHOUSE_PASSWORD="${POSTDATE_CLICKHOUSE_PASSWORD:-}"
export POSTDATE_CLICKHOUSE_DATABASE="${POSTDATE_CLICKHOUSE_DATABASE:-postdate}"
export POSTDATE_REDIS_URI="${POSTDATE_REDIS_URI:-redis://127.0.0.1:$REDIS_PORT}"
export POSTDATE_SQS_ENDPOINT="${POSTDATE_SQS_ENDPOINT:-http://127.0.0.1:$ELASTICMQ_PORT}"
export POSTDATE_SES_ENDPOINT="${POSTDATE_SES_ENDPOINT:-http://127.0.0.1:$SES_PORT}"
export POSTDATE_AWS_REGION="${POSTDATE_AWS_REGION:-us-east-1}"
# The emulators accept any credentials, but the AWS SDK refuses to sign without some.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"

# Tracking (docs/tracking.md): workers put links to the tracker in emails, in tokens sealed with the
# keys the tracker opens them with. Set POSTDATE_TRACKING_BASE_URL empty to send untracked mail (an
# empty value is kept, hence no ':-').
export POSTDATE_TRACKING_BASE_URL="${POSTDATE_TRACKING_BASE_URL-http://127.0.0.1:$TRACKER_PORT}"
# A key for this checkout alone, made once and kept, so that links in mail already sent still open
# after a restart. Production sets POSTDATE_TRACKING_KEYS from a secret (docs/deploy.md), never from this.
if [[ -z "${POSTDATE_TRACKING_KEYS:-}" ]]; then
  if [[ ! -s "$POSTDATE_RUN_DIR/tracking.key" ]]; then
    mkdir -p "$POSTDATE_RUN_DIR"
    # Written aside, then linked into place: ./postdate commands started at once all read the same key.
    (umask 077 && printf '1:%s' "$(head -c 32 /dev/urandom | base64 -w0)" >"$POSTDATE_RUN_DIR/tracking.key.$$")
    ln "$POSTDATE_RUN_DIR/tracking.key.$$" "$POSTDATE_RUN_DIR/tracking.key" 2>/dev/null || true
    rm -f "$POSTDATE_RUN_DIR/tracking.key.$$"
  fi
  POSTDATE_TRACKING_KEYS="$(<"$POSTDATE_RUN_DIR/tracking.key")"
fi
export POSTDATE_TRACKING_KEYS
