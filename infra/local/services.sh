# shellcheck shell=bash
# Starts, stops and reports the local servers the components and tests talk to: ClickHouse (or,
# in cluster mode, two replicas and ZooKeeper), Redis, ElasticMQ (SQS) and aws-ses-v2-local (SES). Every server is a plain child process with
# a pid file under $POSTDATE_RUN_DIR/pids; nothing relies on systemd or system-wide instances.
# The process helpers here are shared with components.sh.

# The local cluster's servers, which stand in for clickhouse in cluster mode.
CLUSTER_SERVICES=(zookeeper clickhouse-r1 clickhouse-r2)
if [[ -n "$POSTDATE_CLICKHOUSE_CLUSTER" ]]; then
  POSTDATE_SERVICES=("${CLUSTER_SERVICES[@]}" redis elasticmq ses)
else
  POSTDATE_SERVICES=(clickhouse redis elasticmq ses)
fi
LOCAL_DIR="$POSTDATE_HOME/infra/local"

# ---- process helpers ---------------------------------------------------------------------------

pid_file() { echo "$POSTDATE_RUN_DIR/pids/$1.pid"; }

# A process that has exited but was not reaped yet (its parent is gone or busy) still answers
# kill -0 and pgrep; it counts as dead.
# shellcheck disable=SC2009 # pgrep cannot leave out zombies
session_alive() {
  ps -o stat= -s "$1" 2>/dev/null | grep -qv '^Z'
}

# Prints the pid recorded for NAME if that process is alive and its command line contains MARKER
# (a recycled pid must never be signalled); forgets a stale pid file.
running_pid() {
  local name="$1" marker="$2" file pid
  file="$(pid_file "$name")"
  [[ -f "$file" ]] || return 1
  pid="$(<"$file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && session_alive "$pid" \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"; then
    echo "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Runs a command detached in its own session (so Ctrl-C or a closed terminal does not reach it and
# stopping can signal everything it spawned), appending its output to LOG. Usage: launch NAME LOG CMD...
launch() {
  local name="$1" log="$2"
  shift 2
  mkdir -p "$POSTDATE_RUN_DIR/pids" "$(dirname "$log")"
  setsid "$@" >>"$log" 2>&1 </dev/null &
  echo "$!" >"$(pid_file "$name")"
  # Detached for good: the shell must not report it as its job when it is killed (./postdate chaos).
  disown "$!"
}

# Usage: wait_healthy PID TIMEOUT_S CHECK_CMD...  Fails early when the process exits.
wait_healthy() {
  local pid="$1" timeout="$2" deadline
  shift 2
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    "$@" && return 0
    session_alive "$pid" || return 1
    sleep 0.5
  done
  "$@"
}

# TERM to the whole session, up to POSTDATE_STOP_WAIT seconds to exit, then KILL.
stop_pid() {
  local name="$1" pid="$2" deadline
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + POSTDATE_STOP_WAIT))
  while session_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if session_alive "$pid"; then
    echo "postdate: $name did not stop within $POSTDATE_STOP_WAIT s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    while session_alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$(pid_file "$name")"
}

report_start_failure() {
  local name="$1" log="$2"
  echo "postdate: $name failed to start; see $log" >&2
  [[ -f "$log" ]] && tail -n 5 "$log" >&2
  return 1
}

# ---- service definitions -----------------------------------------------------------------------

service_port() {
  case "$1" in
    clickhouse) echo "$CLICKHOUSE_HTTP_PORT" ;;
    clickhouse-r1) echo "$CLICKHOUSE_R1_HTTP_PORT" ;;
    clickhouse-r2) echo "$CLICKHOUSE_R2_HTTP_PORT" ;;
    zookeeper) echo "$ZOOKEEPER_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    elasticmq) echo "$ELASTICMQ_PORT" ;;
    ses) echo "$SES_PORT" ;;
  esac
}

# Every port a service binds, as VARIABLE=PORT, so a clash can name the variable to change.
service_port_vars() {
  case "$1" in
    clickhouse)
      echo "CLICKHOUSE_HTTP_PORT=$CLICKHOUSE_HTTP_PORT"
      echo "CLICKHOUSE_TCP_PORT=$CLICKHOUSE_TCP_PORT"
      echo "CLICKHOUSE_INTERSERVER_PORT=$CLICKHOUSE_INTERSERVER_PORT"
      ;;
    clickhouse-r[12])
      local r="CLICKHOUSE_R${1#clickhouse-r}"
      echo "${r}_HTTP_PORT=$(printenv "${r}_HTTP_PORT")"
      echo "${r}_TCP_PORT=$(printenv "${r}_TCP_PORT")"
      echo "${r}_INTERSERVER_PORT=$(printenv "${r}_INTERSERVER_PORT")"
      ;;
    zookeeper) echo "ZOOKEEPER_PORT=$ZOOKEEPER_PORT" ;;
    redis) echo "REDIS_PORT=$REDIS_PORT" ;;
    elasticmq) echo "ELASTICMQ_PORT=$ELASTICMQ_PORT" ;;
    ses) echo "SES_PORT=$SES_PORT" ;;
  esac
}

# A fragment of the command line that identifies our process (redis-server rewrites its title).
service_marker() {
  case "$1" in
    clickhouse | clickhouse-r[12]) echo "$POSTDATE_RUN_DIR/$1/config.xml" ;;
    zookeeper) echo "$POSTDATE_RUN_DIR/zookeeper/zoo.cfg" ;;
    redis) echo "redis-server 127.0.0.1:$REDIS_PORT" ;;
    elasticmq) echo "org.elasticmq.server.Main" ;;
    ses) echo "$SES_DIR/journaled.js" ;;
  esac
}

service_log() {
  case "$1" in
    clickhouse | clickhouse-r[12]) echo "$POSTDATE_RUN_DIR/$1/log/clickhouse-server.log" ;;
    *) echo "$POSTDATE_RUN_DIR/logs/$1.log" ;;
  esac
}

service_timeout() {
  case "$1" in
    clickhouse | clickhouse-r[12]) echo 60 ;;
    # Redis answers only once it has replayed its append-only file: a few GB of keys take minutes.
    # A Redis that fails exits, and wait_healthy stops waiting at once.
    redis) echo 300 ;;
    *) echo 30 ;;
  esac
}

service_healthy() {
  local port
  port="$(service_port "$1")"
  case "$1" in
    clickhouse | clickhouse-r[12]) [[ "$(curl -fsS --max-time 2 "http://127.0.0.1:$port/ping" 2>/dev/null)" == "Ok." ]] ;;
    zookeeper) [[ "$(zookeeper_command srvr | head -c 17)" == "Zookeeper version" ]] ;;
    redis) [[ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]] ;;
    elasticmq)
      [[ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' \
        "http://127.0.0.1:$port/?Action=ListQueues" 2>/dev/null)" == "200" ]]
      ;;
    ses) curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/health-check" 2>/dev/null ;;
  esac
}

# ZooKeeper's four-letter commands over its client port (srvr is on its default allow list).
zookeeper_command() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$ZOOKEEPER_PORT; printf %s '$1' >&3; cat <&3" 2>/dev/null
}

# Usage: render_clickhouse_config NAME HTTP_PORT TCP_PORT INTERSERVER_PORT [REPLICA]
# With REPLICA, the server is that replica of the local cluster.
render_clickhouse_config() {
  local name="$1" http="$2" tcp="$3" interserver="$4" replica="${5:-}" dir="$POSTDATE_RUN_DIR/$1"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/log"
  sed -e "s|@DIR@|$dir|g" \
    -e "s|@HTTP_PORT@|$http|g" \
    -e "s|@TCP_PORT@|$tcp|g" \
    -e "s|@INTERSERVER_PORT@|$interserver|g" \
    "$LOCAL_DIR/clickhouse/config.xml" >"$dir/config.xml"
  cp "$LOCAL_DIR/clickhouse/users.xml" "$dir/users.xml"
  [[ -n "$replica" ]] || return 0
  mkdir -p "$dir/config.d"
  sed -e "s|@ZOOKEEPER_PORT@|$ZOOKEEPER_PORT|g" \
    -e "s|@CLUSTER@|$POSTDATE_CLICKHOUSE_CLUSTER|g" \
    -e "s|@R1_TCP_PORT@|$CLICKHOUSE_R1_TCP_PORT|g" \
    -e "s|@R2_TCP_PORT@|$CLICKHOUSE_R2_TCP_PORT|g" \
    -e "s|@REPLICA@|$replica|g" \
    "$LOCAL_DIR/clickhouse/cluster.xml" >"$dir/config.d/cluster.xml"
}

render_zookeeper_config() {
  local dir="$POSTDATE_RUN_DIR/zookeeper"
  mkdir -p "$dir/data"
  cat >"$dir/zoo.cfg" <<ZOO
tickTime=2000
dataDir=$dir/data
clientPort=$ZOOKEEPER_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
maxClientCnxns=200
# Local only: an fsync per write stalls ZooKeeper for seconds while both replicas merge on one disk;
# nothing here survives a machine crash anyway. Production keeps ZooKeeper's default.
forceSync=no
ZOO
}

service_launch() {
  local name="$1" log
  log="$(service_log "$name")"
  case "$name" in
    clickhouse)
      render_clickhouse_config clickhouse "$CLICKHOUSE_HTTP_PORT" "$CLICKHOUSE_TCP_PORT" "$CLICKHOUSE_INTERSERVER_PORT"
      launch clickhouse "$log" clickhouse-server --config-file="$POSTDATE_RUN_DIR/clickhouse/config.xml"
      ;;
    clickhouse-r[12])
      local r="CLICKHOUSE_R${name#clickhouse-r}"
      render_clickhouse_config "$name" "$(printenv "${r}_HTTP_PORT")" "$(printenv "${r}_TCP_PORT")" \
        "$(printenv "${r}_INTERSERVER_PORT")" "${name#clickhouse-}"
      launch "$name" "$log" clickhouse-server --config-file="$POSTDATE_RUN_DIR/$name/config.xml"
      ;;
    zookeeper)
      render_zookeeper_config
      # shellcheck disable=SC2086 # ZOOKEEPER_JAVA_OPTS holds several options
      launch zookeeper "$log" java $ZOOKEEPER_JAVA_OPTS -Dzookeeper.log.dir="$POSTDATE_RUN_DIR/zookeeper" \
        -cp "/etc/zookeeper/conf:$ZOOKEEPER_JAR" org.apache.zookeeper.server.ZooKeeperServerMain \
        "$POSTDATE_RUN_DIR/zookeeper/zoo.cfg"
      ;;
    redis)
      mkdir -p "$POSTDATE_RUN_DIR/redis"
      launch redis "$log" redis-server "$LOCAL_DIR/redis.conf" --port "$REDIS_PORT" \
        --dir "$POSTDATE_RUN_DIR/redis"
      ;;
    elasticmq)
      [[ -d "$ELASTICMQ_LIB" ]] || {
        echo "postdate: $ELASTICMQ_LIB is missing; run ./postdate up or mvn -pl infra -am package" >&2
        return 1
      }
      mkdir -p "$POSTDATE_RUN_DIR/elasticmq"
      # shellcheck disable=SC2086 # ELASTICMQ_JAVA_OPTS holds several options
      launch elasticmq "$log" java $ELASTICMQ_JAVA_OPTS -Dconfig.file="$LOCAL_DIR/elasticmq.conf" \
        -cp "$ELASTICMQ_LIB/*" org.elasticmq.server.Main
      ;;
    ses)
      launch ses "$log" node "$SES_DIR/journaled.js" \
        --host 127.0.0.1 --port "$SES_PORT" --journal "$POSTDATE_RUN_DIR/ses/mail.ndjson"
      ;;
  esac
}

# ---- commands ----------------------------------------------------------------------------------

require_known_services() {
  local name
  for name in "$@"; do
    case " ${POSTDATE_SERVICES[*]} ${CLUSTER_SERVICES[*]} " in
      *" $name "*) ;;
      *)
        echo "postdate: unknown service '$name' (known: ${POSTDATE_SERVICES[*]})" >&2
        return 1
        ;;
    esac
  done
}

service_is_running() {
  running_pid "$1" "$(service_marker "$1")" >/dev/null && service_healthy "$1"
}

service_start() {
  local name="$1" pid port log pair
  port="$(service_port "$name")"
  log="$(service_log "$name")"
  if pid="$(running_pid "$name" "$(service_marker "$name")")"; then
    if wait_healthy "$pid" "$(service_timeout "$name")" service_healthy "$name"; then
      printf '%-13s already running on 127.0.0.1:%s (pid %s)\n' "$name" "$port" "$pid"
      return 0
    fi
    report_start_failure "$name" "$log"
    return 1
  fi
  for pair in $(service_port_vars "$name"); do
    if port_in_use "${pair#*=}"; then
      echo "postdate: port ${pair#*=} ($name) is in use by another process; set ${pair%%=*} to a free port" >&2
      return 1
    fi
  done
  service_launch "$name"
  pid="$(<"$(pid_file "$name")")"
  if ! wait_healthy "$pid" "$(service_timeout "$name")" service_healthy "$name"; then
    stop_pid "$name" "$pid"
    report_start_failure "$name" "$log"
    return 1
  fi
  printf '%-13s started on 127.0.0.1:%s (pid %s)\n' "$name" "$port" "$pid"
}

services_start() {
  local names=("$@") name
  ((${#names[@]} > 0)) || names=("${POSTDATE_SERVICES[@]}")
  require_known_services "${names[@]}"
  for name in "${names[@]}"; do
    service_start "$name"
  done
}

services_stop() {
  local names=("$@") name pid i
  if ((${#names[@]} == 0)); then
    # Reverse start order: clients of the data stores go first.
    for ((i = ${#POSTDATE_SERVICES[@]} - 1; i >= 0; i--)); do
      names+=("${POSTDATE_SERVICES[i]}")
    done
  fi
  require_known_services "${names[@]}"
  for name in "${names[@]}"; do
    if pid="$(running_pid "$name" "$(service_marker "$name")")"; then
      stop_pid "$name" "$pid"
      printf '%-13s stopped (pid %s)\n' "$name" "$pid"
    else
      printf '%-13s not running\n' "$name"
    fi
  done
}

services_status() {
  local name pid state
  printf '%-13s %-6s %-8s %-8s %s\n' SERVICE PORT STATE PID LOG
  for name in "${POSTDATE_SERVICES[@]}"; do
    pid="$(running_pid "$name" "$(service_marker "$name")")" || pid="-"
    state=down
    service_healthy "$name" && state=healthy
    printf '%-13s %-6s %-8s %-8s %s\n' "$name" "$(service_port "$name")" "$state" "$pid" "$(service_log "$name")"
  done
}
