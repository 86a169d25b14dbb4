# shellcheck shell=bash
# ./postdate chaos: the demo's stack and client (ses-local sender) while faults are injected:
# SIGKILLed workers, rangers and an ingest consumer (with --campaign: the campaign expander too,
# mid-occurrence); ClickHouse (on the local cluster: its second
# replica, for 30 s) and ElasticMQ restarted; Redis
# SIGKILLed (its AOF loses up to a second) and replaced by an empty instance, mid-run and once more
# after every email has its outcome; the SES emulator stopped for a while. Each fault is a line in the faults file, which the client folds
# into its closing JSON line once the last line ("# done") is there. Uses services.sh,
# components.sh and demo.sh.

CHAOS_INGESTS=2
# How long SES is unreachable; the workers' unreachable-max-wait (2m) rides it out.
CHAOS_SES_OUTAGE_S="${CHAOS_SES_OUTAGE_S:-30}"
# On the local cluster (--cluster), how long the second ClickHouse replica is down.
CHAOS_REPLICA_OUTAGE_S="${CHAOS_REPLICA_OUTAGE_S:-30}"
# Pause between two worker kills (plus the restart, which waits for the new worker's health).
CHAOS_WORKER_KILL_EVERY_S="${CHAOS_WORKER_KILL_EVERY_S:-6}"
# After Redis is emptied once every email has its outcome: how long the stack runs on before the
# check, long enough for the arrival barrier (65 s) and the ranger and workers to act on the loss.
CHAOS_AFTER_SENT_WAIT_S="${CHAOS_AFTER_SENT_WAIT_S:-90}"
# --campaign: the occurrence's due time after it is scheduled; the expander is killed once it has
# published this many emails; its claim lapses after this long (2m outside chaos), so that the restarted
# expander continues the occurrence well before it is due.
CHAOS_CAMPAIGN_DUE_IN_S="${CHAOS_CAMPAIGN_DUE_IN_S:-75}"
CHAOS_EXPANDER_KILL_AFTER="${CHAOS_EXPANDER_KILL_AFTER:-30000}"
CHAOS_EXPANDER_CLAIM_TTL="${CHAOS_EXPANDER_CLAIM_TTL:-20s}"

chaos_log() {
  local line
  line="$(printf '+%ss %s' "$((SECONDS - CHAOS_STARTED))" "$*")"
  echo "$line" >>"$CHAOS_FAULTS"
  echo "chaos: $line" >>"$CHAOS_LOG"
}

# Sends of one worker instance whose send mark is stored and whose outcome is not (0 when it does
# not answer): a kill, or a loss of Redis's data, can leave at most these in doubt (docs/worker.md).
chaos_worker_unrecorded_sends() {
  curl -fsS --max-time 5 "http://127.0.0.1:$(component_management_port worker "$1")/prometheus" 2>/dev/null \
    | awk '/^postdate_worker_sends_unrecorded / { n = $2 } END { printf "%d", n + 0 }'
}

# Adds to the in-doubt bound: the unrecorded sends of the given worker instances right now.
chaos_add_in_doubt_bound() {
  local instance sends total=0
  for instance in "$@"; do
    sends="$(chaos_worker_unrecorded_sends "$instance")"
    total=$((total + sends))
  done
  flock "$CHAOS_BOUND" bash -c 'echo $(( $(cat "$1") + $2 )) >"$1"' _ "$CHAOS_BOUND" "$total"
  echo "$total"
}

# SIGKILL one component instance and start it again (the start waits until it is healthy).
chaos_kill_component() {
  local name="$1" instance="$2" why="$3" pid in_flight=""
  pid="$(running_pid "$name-$instance" "$(component_jar "$name")")" || {
    chaos_log "$name-$instance was not running; started it"
    demo_component_start "$name" "$instance" >>"$CHAOS_LOG" 2>&1 || true
    return 0
  }
  if [[ "$name" == worker ]]; then
    in_flight=" with $(chaos_add_in_doubt_bound "$instance") sends without a stored outcome"
  fi
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  while session_alive "$pid"; do sleep 0.1; done
  # The JVM's main thread is reaped before its other threads have let go of the listening socket.
  local port mport deadline=$((SECONDS + 10))
  port="$(component_port "$name" "$instance")"
  mport="$(component_management_port "$name" "$instance")"
  while { port_in_use "$port" || port_in_use "$mport"; } && ((SECONDS < deadline)); do sleep 0.1; done
  rm -f "$(pid_file "$name-$instance")"
  chaos_log "SIGKILL $name-$instance (pid $pid)$in_flight $why"
  if demo_component_start "$name" "$instance" >>"$CHAOS_LOG" 2>&1; then
    chaos_log "$name-$instance restarted"
  else
    chaos_log "$name-$instance FAILED to restart (see its log)"
  fi
}

# The instance of the ranger that holds the lease (postdate_ranger_leader 1), or nothing.
chaos_ranger_leader() {
  local n
  for n in 1 2; do
    if curl -fsS --max-time 2 "http://127.0.0.1:$(component_management_port ranger "$n")/prometheus" 2>/dev/null \
      | grep -q '^postdate_ranger_leader 1'; then
      echo "$n"
      return 0
    fi
  done
  return 1
}

chaos_kill_leader() {
  local leader
  if leader="$(chaos_ranger_leader)"; then
    chaos_kill_component ranger "$leader" "(the active ranger; the standby takes over)"
  else
    chaos_log "no ranger leads at the moment; none killed"
  fi
}

# Usage: chaos_restart_service NAME [DOWN_SECONDS]
chaos_restart_service() {
  local name="$1" down="${2:-0}"
  chaos_log "stopping $name"
  services_stop "$name" >>"$CHAOS_LOG" 2>&1
  if ((down > 0)); then
    chaos_log "$name stopped; down for $down s"
    sleep "$down"
  fi
  if services_start "$name" >>"$CHAOS_LOG" 2>&1; then
    chaos_log "$name started again"
  else
    chaos_log "$name FAILED to start again"
  fi
}

# SIGKILLs Redis and starts it again. With "empty", its data directory goes too: a new instance,
# or a failover to a replica that had nothing. Either way the run_id changes, and with AOF everysec
# a kill alone can lose the last second of writes.
chaos_kill_redis() {
  local how="$1" workers="$2" pid in_flight
  in_flight="$(chaos_add_in_doubt_bound $(seq 1 "$workers"))"
  pid="$(running_pid redis "$(service_marker redis)")" || pid=""
  if [[ -n "$pid" ]]; then
    # A forked AOF rewrite or snapshot child inherits the listening socket: it dies with its parent,
    # or the new instance finds the port taken (it did, twice, in the runs of 2026-12-04).
    local children
    children="$(pgrep -P "$pid" || true)"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" $children 2>/dev/null || true
    while session_alive "$pid"; do sleep 0.1; done
    local tries=0
    while port_in_use "$REDIS_PORT" && ((tries++ < 300)); do sleep 0.1; done
    rm -f "$(pid_file redis)"
  fi
  if [[ "$how" == empty ]]; then
    rm -rf "${POSTDATE_RUN_DIR:?}/redis"
    chaos_log "SIGKILL redis (pid $pid) and remove its data ($in_flight sends without a stored outcome)"
  else
    chaos_log "SIGKILL redis (pid $pid), AOF everysec ($in_flight sends without a stored outcome)"
  fi
  if services_start redis >>"$CHAOS_LOG" 2>&1; then
    chaos_log "redis started again${how:+ ($how)}"
  else
    chaos_log "redis FAILED to start again"
  fi
}

# Kills a random worker every few seconds until the stop file appears.
chaos_worker_killer() {
  local workers="$1" stop_file="$2"
  while [[ ! -e "$stop_file" ]]; do
    chaos_kill_component worker "$((RANDOM % workers + 1))" ""
    sleep "$CHAOS_WORKER_KILL_EVERY_S"
  done
}

# Sleeps until the given mark (seconds since the chaos started); fails when the client has ended.
chaos_at() {
  while (($1 > SECONDS - CHAOS_STARTED)); do
    kill -0 "$CHAOS_CLIENT" 2>/dev/null || return 1
    sleep 1
  done
  kill -0 "$CHAOS_CLIENT" 2>/dev/null
}

# The REST intake is running a few seconds after the client starts (template, key refresh).
chaos_intake_faults() {
  chaos_at 8 || return 1
  chaos_kill_component ingest-consumer 1 "while intake is running"
}

# Emails the campaign expander published since it started (0 when it does not answer).
chaos_expander_published() {
  curl -sf "http://127.0.0.1:$(component_management_port campaign-expander 1)/prometheus" 2>/dev/null |
    awk '/^postdate_expander_emails_published_total/ { n += $2 } END { printf "%d\n", n }'
}

# ./postdate chaos --campaign: once the expander has published its first pages, it is SIGKILLed in the
# middle of the occurrence (the restarted one continues from the checkpoint once the claim lapses:
# CHAOS_EXPANDER_CLAIM_TTL), and an ingest consumer while the pages arrive.
chaos_expansion_faults() {
  local published
  until published="$(chaos_expander_published)" && ((published >= CHAOS_EXPANDER_KILL_AFTER)); do
    kill -0 "$CHAOS_CLIENT" 2>/dev/null || return 1
    sleep 0.2
  done
  chaos_kill_component campaign-expander 1 "mid-occurrence, after $published emails published"
  chaos_kill_component ingest-consumer 1 "while the occurrence's pages arrive"
}

# Usage: chaos_schedule DUE_IN SPREAD WORKERS INTAKE_FAULTS   The timed faults, relative to the client's
# start; INTAKE_FAULTS is the function that hits the intake (REST or campaign expansion).
chaos_schedule() {
  local due_in="$1" spread="$2" workers="$3" intake_faults="$4" window_start
  "$intake_faults" || return 0
  # The send window: the due times are spread over [due_in - spread/2, due_in + spread/2].
  window_start=$((due_in - spread / 2))
  chaos_at $((window_start + spread / 10)) || return 0
  chaos_kill_leader
  chaos_at $((window_start + spread * 2 / 10)) || return 0
  if [[ -n "$POSTDATE_CLICKHOUSE_CLUSTER" ]]; then
    # The workers' replica, down for a while: with a quorum of both, every insert waits for it.
    chaos_restart_service clickhouse-r2 "$CHAOS_REPLICA_OUTAGE_S"
  else
    chaos_restart_service clickhouse
  fi
  chaos_at $((window_start + spread * 3 / 10)) || return 0
  chaos_kill_redis "" "$workers"
  chaos_at $((window_start + spread * 45 / 100)) || return 0
  chaos_kill_leader
  chaos_at $((window_start + spread * 55 / 100)) || return 0
  chaos_kill_redis empty "$workers"
  chaos_at $((window_start + spread * 65 / 100)) || return 0
  chaos_restart_service elasticmq
  chaos_at $((window_start + spread * 75 / 100)) || return 0
  chaos_restart_service ses "$CHAOS_SES_OUTAGE_S"
  chaos_at $((window_start + spread)) || return 0
}

# Once the client saw every outcome: Redis emptied, and the stack left running, so that a resend of
# delivered mail would reach the emulator before the client counts the receipts.
chaos_after_sent() {
  local workers="$1" marker="$2"
  while [[ ! -e "$marker" ]]; do
    kill -0 "$CHAOS_CLIENT" 2>/dev/null || return 0
    sleep 1
  done
  chaos_kill_redis empty "$workers"
  chaos_log "every email has its outcome; Redis emptied; watching for $CHAOS_AFTER_SENT_WAIT_S s"
  sleep "$CHAOS_AFTER_SENT_WAIT_S"
}

# Usage: chaos_inject DUE_IN SPREAD WORKERS INTAKE_FAULTS   Timed faults, and worker kills throughout
# the send window.
chaos_inject() {
  local due_in="$1" spread="$2" workers="$3" intake_faults="$4" stop_file="$CHAOS_DIR/stop-killer" killer
  rm -f "$stop_file"
  { chaos_at $((due_in - spread / 2)) && chaos_worker_killer "$workers" "$stop_file"; } &
  killer=$!
  chaos_schedule "$due_in" "$spread" "$workers" "$intake_faults"
  touch "$stop_file"
  wait "$killer" || true
  chaos_after_sent "$workers" "$CHAOS_DIR/outcomes"
  echo "in_doubt_bound=$(cat "$CHAOS_BOUND")" >>"$CHAOS_FAULTS"
  echo "# done" >>"$CHAOS_FAULTS"
}

# Usage: chaos_run EMAILS MINUTES WORKERS [--campaign]
chaos_run() {
  local emails="$1" minutes="$2" workers="$3" campaign="${4:-}" spread due_in client_due_in timeout rc=0
  local client_args=() intake_faults=chaos_intake_faults expanders=0
  if [[ "$campaign" == --campaign ]]; then
    # Every email of the occurrence is due at one instant and goes out at the SES emulator's pace (~900
    # mails/s here, less under faults): that is the send window the faults land in. The occurrence is due
    # CHAOS_CAMPAIGN_DUE_IN_S after it is scheduled, which follows the client's start (JVM, contacts
    # import) by about 15 s.
    spread=$((emails / 900 + 10))
    client_due_in="$CHAOS_CAMPAIGN_DUE_IN_S"
    due_in=$((client_due_in + 15 + spread / 2))
    client_args=(--campaign)
    intake_faults=chaos_expansion_faults
    expanders=1
  else
    spread=$((minutes * 60))
    # Late enough for intake to finish at a third of this machine's rate, so faults hit sending.
    due_in=$((emails / 3000 + 20 + spread / 2))
    client_due_in="$due_in"
  fi
  # Sending waits out every fault; the SES emulator does ~700 mails/s here, less while faults land.
  timeout=$((due_in + spread / 2 + 600 + emails / 200 + CHAOS_AFTER_SENT_WAIT_S))
  # ElasticMQ's H2 store, once its persistence failed (a duplicate id when earlier runs' ranges moved to
  # a dead-letter queue), restored only part of the queue after the run's restart: that run lost 52,869
  # emails inside the emulator (docs/reliability.md). Faults are injected into a store of this run only.
  services_stop elasticmq >/dev/null
  rm -rf "${POSTDATE_RUN_DIR:?}/elasticmq"
  services_start
  # Every expander this run starts, the restarted one included.
  local -x POSTDATE_EXPANDER_CLAIM_TTL="$CHAOS_EXPANDER_CLAIM_TTL"
  DEMO_EXPANDERS="$expanders" demo_stack_start "$workers" ses-local "$CHAOS_INGESTS"
  CHAOS_DIR="$POSTDATE_RUN_DIR/chaos/$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$CHAOS_DIR"
  CHAOS_FAULTS="$CHAOS_DIR/faults.txt"
  CHAOS_LOG="$CHAOS_DIR/chaos.log"
  CHAOS_BOUND="$CHAOS_DIR/in-doubt-bound"
  : >"$CHAOS_FAULTS"
  echo 0 >"$CHAOS_BOUND"
  echo "postdate: chaos: $emails emails${campaign:+ of a campaign occurrence}, sent over about $spread s from" \
    "$((due_in - spread / 2)) s on; faults: $CHAOS_FAULTS, what the fault injector did: $CHAOS_LOG"
  CHAOS_STARTED=$SECONDS
  demo_client ses-local --emails "$emails" --due-in "$client_due_in" --spread "$spread" --timeout "$timeout" \
    --retry-for 300 --faults "$CHAOS_FAULTS" --in-doubt-file "$CHAOS_DIR/in-doubt.txt" \
    --outcomes-marker "$CHAOS_DIR/outcomes" "${client_args[@]}" &
  CHAOS_CLIENT=$!
  chaos_inject "$due_in" "$spread" "$workers" "$intake_faults"
  wait "$CHAOS_CLIENT" || rc=$?
  echo "postdate: chaos: faults injected are in $CHAOS_FAULTS; emails in doubt in $CHAOS_DIR/in-doubt.txt"
  demo_logs_clean || rc=1
  return "$rc"
}
