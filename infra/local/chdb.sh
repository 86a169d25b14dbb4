#!/usr/bin/env bash
# A current ClickHouse engine for the test suite: chdb (npm) embeds it, and infra/local/chdb/server.js
# answers ClickHouse's HTTP interface with it. `./postdate test` runs the ClickHouse-facing modules a
# second time against it (docs/clickhouse.md). Sourced by ./postdate after env.sh and services.sh.

CHDB_DIR="$POSTDATE_HOME/infra/local/chdb"
export CHDB_HTTP_PORT="${CHDB_HTTP_PORT:-18124}"
# The modules whose tests `./postdate test` runs a second time on it.
CURRENT_CLICKHOUSE_MODULES="${CURRENT_CLICKHOUSE_MODULES:-clickhouse,ingest-consumer,ranger,worker,janitor,api,campaign-expander,feedback-consumer}"

install_chdb() {
  [[ -d "$CHDB_DIR/node_modules/chdb" ]] && return 0
  echo "postdate: installing chdb, a current ClickHouse engine for the tests (npm, about 550 MB)"
  # Not `npm ci`: the lock can hold only the engine of this platform (the registry here serves no other
  # of chdb's optional engines), and `npm ci` refuses a lock without them. `npm install` follows the
  # lock's versions and integrity hashes all the same.
  npm install --prefix "$CHDB_DIR" --no-save --no-audit --no-fund --loglevel=error >/dev/null
}

chdb_healthy() {
  curl -sf --max-time 2 "http://127.0.0.1:$CHDB_HTTP_PORT/ping" >/dev/null
}

# Starts the engine on a fresh data directory: the tests create their own databases anyway.
chdb_start() {
  local data="$POSTDATE_RUN_DIR/chdb" log="$POSTDATE_RUN_DIR/logs/chdb.log" pid
  if port_in_use "$CHDB_HTTP_PORT"; then
    echo "postdate: port $CHDB_HTTP_PORT (chdb) is in use by another process; set CHDB_HTTP_PORT to a free port" >&2
    return 1
  fi
  rm -rf "$data"
  launch chdb "$log" node "$CHDB_DIR/server.js" "$CHDB_HTTP_PORT" "$data"
  pid="$(cat "$(pid_file chdb)")"
  if ! wait_healthy "$pid" 60 chdb_healthy; then
    echo "postdate: chdb did not answer on 127.0.0.1:$CHDB_HTTP_PORT; see $log" >&2
    return 1
  fi
  printf '%-11s started on 127.0.0.1:%s (%s)\n' chdb "$CHDB_HTTP_PORT" "$(head -1 "$log")"
}

chdb_stop() {
  local pid
  pid="$(running_pid chdb "chdb/server.js")" || return 0
  stop_pid chdb "$pid"
  rm -f "$(pid_file chdb)"
}
