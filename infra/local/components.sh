# shellcheck shell=bash
# Starts, stops and reports the Postdate components (the Micronaut services built by Maven).
# Uses the process helpers of services.sh. An instance is NAME-N; instance N of a component
# listens on its base port + N - 1 (ingest-consumer-2 on 8182, ranger-2 on 8187, worker-2 on 8191), and
# serves /health and /prometheus on its management base port + N - 1 (ranger-2 on 9187).

POSTDATE_COMPONENTS=(api ingest-consumer ranger worker campaign-expander feedback-consumer tracker)
COMPONENT_HEALTH_TIMEOUT=60

component_base_port_var() {
  case "$1" in
    api) echo API_PORT ;;
    ingest-consumer) echo INGEST_CONSUMER_PORT ;;
    ranger) echo RANGER_PORT ;;
    worker) echo WORKER_PORT ;;
    campaign-expander) echo CAMPAIGN_EXPANDER_PORT ;;
    feedback-consumer) echo FEEDBACK_CONSUMER_PORT ;;
    tracker) echo TRACKER_PORT ;;
    *)
      echo "postdate: unknown component '$1' (known: ${POSTDATE_COMPONENTS[*]})" >&2
      return 1
      ;;
  esac
}

component_port() {
  local var
  var="$(component_base_port_var "$1")"
  echo $((${!var} + $2 - 1))
}

# The management port of instance $2 of component $1.
component_management_port() {
  local var
  var="$(component_base_port_var "$1")"
  var="${var%_PORT}_MANAGEMENT_PORT"
  echo $((${!var} + $2 - 1))
}

component_jar() { echo "$POSTDATE_HOME/$1/target/postdate-$1.jar"; }
component_log() { echo "$POSTDATE_RUN_DIR/logs/$1-$2.log"; }

# Usage: component_healthy MANAGEMENT_PORT
component_healthy() {
  curl -fsS --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null | grep -q '"status" *: *"UP"'
}

# Usage: component_start NAME [INSTANCE]   (INSTANCE defaults to 1)
component_start() {
  local name="$1" instance="${2:-1}" port mport jar log pid var
  var="$(component_base_port_var "$name")"
  [[ "$instance" =~ ^[1-9][0-9]*$ ]] || {
    echo "postdate: instance must be a positive number, got '$instance'" >&2
    return 1
  }
  port="$(component_port "$name" "$instance")"
  mport="$(component_management_port "$name" "$instance")"
  jar="$(component_jar "$name")"
  log="$(component_log "$name" "$instance")"
  if pid="$(running_pid "$name-$instance" "$jar")"; then
    if wait_healthy "$pid" "$COMPONENT_HEALTH_TIMEOUT" component_healthy "$mport"; then
      printf '%-19s already running on 127.0.0.1:%s (pid %s)\n' "$name-$instance" "$port" "$pid"
      return 0
    fi
    report_start_failure "$name-$instance" "$log"
    return 1
  fi
  [[ -f "$jar" ]] || {
    echo "postdate: $jar is missing; build it with ./postdate up or mvn -DskipTests install" >&2
    return 1
  }
  if port_in_use "$port"; then
    echo "postdate: port $port ($name-$instance) is in use by another process; set $var to a free port" >&2
    return 1
  fi
  if port_in_use "$mport"; then
    echo "postdate: management port $mport ($name-$instance) is in use by another process; set ${var%_PORT}_MANAGEMENT_PORT to a free port" >&2
    return 1
  fi
  # shellcheck disable=SC2086 # POSTDATE_JAVA_OPTS holds several options
  MICRONAUT_SERVER_PORT="$port" ENDPOINTS_ALL_PORT="$mport" POSTDATE_CLICKHOUSE_URL="$(component_clickhouse_url "$name")" \
    launch "$name-$instance" "$log" java $POSTDATE_JAVA_OPTS -jar "$jar"
  pid="$(<"$(pid_file "$name-$instance")")"
  if ! wait_healthy "$pid" "$COMPONENT_HEALTH_TIMEOUT" component_healthy "$mport"; then
    stop_pid "$name-$instance" "$pid"
    report_start_failure "$name-$instance" "$log"
    return 1
  fi
  printf '%-19s started on 127.0.0.1:%s (pid %s)\n' "$name-$instance" "$port" "$pid"
}

# On the local cluster the workers read and write through the second replica and everything else
# through the first, so that a worker's reads meet the lag of a replica that did not take the insert.
component_clickhouse_url() {
  if [[ -n "$POSTDATE_CLICKHOUSE_CLUSTER" && "$1" == worker ]]; then
    echo "http://127.0.0.1:$CLICKHOUSE_R2_HTTP_PORT"
  else
    echo "$POSTDATE_CLICKHOUSE_URL"
  fi
}

# Instances that have a pid file, as NAME INSTANCE lines.
component_instances() {
  local file base
  for file in "$POSTDATE_RUN_DIR"/pids/*.pid; do
    [[ -e "$file" ]] || continue
    base="$(basename "$file" .pid)"
    [[ "$base" =~ ^(.+)-([0-9]+)$ ]] || continue
    component_base_port_var "${BASH_REMATCH[1]}" >/dev/null 2>&1 || continue
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
  done
}

# Usage: component_stop NAME [INSTANCE]   (without INSTANCE: every instance of NAME)
component_stop() {
  local name="$1" instance="${2:-}" pid n found stopped=0
  component_base_port_var "$name" >/dev/null
  while read -r n found; do
    [[ "$n" == "$name" ]] || continue
    [[ -z "$instance" || "$instance" == "$found" ]] || continue
    if pid="$(running_pid "$name-$found" "$(component_jar "$name")")"; then
      stop_pid "$name-$found" "$pid"
      printf '%-19s stopped (pid %s)\n' "$name-$found" "$pid"
      stopped=1
    fi
  done < <(component_instances)
  ((stopped)) || printf '%-19s not running\n' "$name${instance:+-$instance}"
}

components_stop_all() {
  local name
  for name in "${POSTDATE_COMPONENTS[@]}"; do
    component_stop "$name"
  done
}

components_status() {
  local name n instance seen
  printf '%-18s %-8s %-6s %-6s %-8s %-6s %s\n' COMPONENT INSTANCE PORT MGMT PID HEALTH LOG
  for name in "${POSTDATE_COMPONENTS[@]}"; do
    seen=0
    while read -r n instance; do
      [[ "$n" == "$name" ]] || continue
      seen=1
      components_status_row "$name" "$instance"
    done < <(component_instances | sort -k2,2n)
    ((seen)) || components_status_row "$name" 1
  done
  ranger_status
}

# The figure operators watch first: how far behind the due times the ranger is, from the leader.
ranger_status() {
  local n instance metrics lag
  while read -r n instance; do
    [[ "$n" == "ranger" ]] || continue
    metrics="$(curl -fsS --max-time 2 "http://127.0.0.1:$(component_management_port ranger "$instance")/prometheus" 2>/dev/null)" \
      || continue
    grep -q '^postdate_ranger_leader 1' <<<"$metrics" || continue
    lag="$(awk '/^postdate_ranger_range_lag_seconds /{print $2}' <<<"$metrics")"
    echo
    echo "range lag: ${lag:-?} s (ranger-$instance leads)"
  done < <(component_instances)
}

components_status_row() {
  local name="$1" instance="$2" pid port mport health=DOWN
  port="$(component_port "$name" "$instance")"
  mport="$(component_management_port "$name" "$instance")"
  pid="$(running_pid "$name-$instance" "$(component_jar "$name")")" || pid="-"
  component_healthy "$mport" && health=UP
  printf '%-18s %-8s %-6s %-6s %-8s %-6s %s\n' "$name" "$instance" "$port" "$mport" "$pid" "$health" \
    "$(component_log "$name" "$instance")"
}
