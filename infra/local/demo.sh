# shellcheck shell=bash
# ./postdate demo: the stack as separate processes (one api, one ingest consumer, an active and a
# standby ranger, W workers on the chosen sender), then the demo client
# (dev.postdate.loadtest.demo.DemoCommand), which schedules, watches and reconciles.
# Uses the helpers of services.sh and components.sh.

DEMO_SINK=smtp-sink
# The heap the issue asks components to stay under; the demo reports each one's peak.
DEMO_JAVA_OPTS="${DEMO_JAVA_OPTS:--Xmx512m}"

loadtest_jar() { echo "$POSTDATE_HOME/loadtest/target/postdate-loadtest.jar"; }

demo_sink_healthy() {
  curl -fsS --max-time 2 "http://127.0.0.1:$SMTP_SINK_HTTP_PORT/health" >/dev/null 2>&1
}

demo_sink_start() {
  local pid log="$POSTDATE_RUN_DIR/logs/$DEMO_SINK.log"
  if pid="$(running_pid "$DEMO_SINK" "SmtpSinkServer")"; then
    printf '%-19s already running (pid %s)\n' "$DEMO_SINK" "$pid"
    return 0
  fi
  local port
  for port in "$SMTP_SINK_PORT" "$SMTP_SINK_HTTP_PORT"; do
    if port_in_use "$port"; then
      echo "postdate: port $port (demo SMTP sink) is in use; set SMTP_SINK_PORT / SMTP_SINK_HTTP_PORT" >&2
      return 1
    fi
  done
  launch "$DEMO_SINK" "$log" java -Xmx1g -cp "$(loadtest_jar)" dev.postdate.loadtest.demo.SmtpSinkServer \
    --smtp-port "$SMTP_SINK_PORT" --http-port "$SMTP_SINK_HTTP_PORT"
  pid="$(<"$(pid_file "$DEMO_SINK")")"
  if ! wait_healthy "$pid" 30 demo_sink_healthy; then
    report_start_failure "$DEMO_SINK" "$log"
    return 1
  fi
  printf '%-19s SMTP on 127.0.0.1:%s, HTTP on %s (pid %s)\n' "$DEMO_SINK" "$SMTP_SINK_PORT" "$SMTP_SINK_HTTP_PORT" "$pid"
}

demo_sink_stop() {
  local pid
  if pid="$(running_pid "$DEMO_SINK" "SmtpSinkServer")"; then
    stop_pid "$DEMO_SINK" "$pid"
    printf '%-19s stopped (pid %s)\n' "$DEMO_SINK" "$pid"
  fi
  return 0
}

# Usage: [DEMO_EXPANDERS=N] demo_stack_start WORKERS SENDER [INGEST_CONSUMERS]
# (Re)starts one api, the ingest consumers, an active and a standby ranger, the workers and N campaign
# expanders (default none), each a separate process. Leaves the client's component options in
# DEMO_CLIENT_ARGS.
demo_stack_start() {
  local workers="$1" sender="$2" ingests="${3:-1}" worker_sender n
  case "$sender" in
    ses-local) worker_sender=ses ;;
    smtp | blackhole) worker_sender="$sender" ;;
  esac
  echo
  echo "postdate: (re)starting the components (sender $sender, $ingests ingest consumer(s), $workers worker(s))"
  components_stop_all >/dev/null
  if [[ "$sender" == smtp ]]; then
    demo_sink_start
  else
    demo_sink_stop
  fi
  DEMO_CLIENT_ARGS=()
  demo_component_start api 1
  for ((n = 1; n <= ingests; n++)); do
    demo_component_start ingest-consumer "$n"
  done
  for n in 1 2; do
    demo_component_start ranger "$n"
    DEMO_CLIENT_ARGS+=(--ranger-url "http://127.0.0.1:$(component_management_port ranger "$n")")
  done
  mkdir -p "$POSTDATE_RUN_DIR"
  echo "$worker_sender" >"$(demo_worker_sender_file)"
  for ((n = 1; n <= workers; n++)); do
    demo_worker_start "$n"
    DEMO_CLIENT_ARGS+=(--worker-url "http://127.0.0.1:$(component_management_port worker "$n")")
  done
  for ((n = 1; n <= ${DEMO_EXPANDERS:-0}; n++)); do
    demo_component_start campaign-expander "$n"
  done
}

# Where the demo's workers' sender (ses, smtp, blackhole) is kept, for ./postdate scale.
demo_worker_sender_file() { echo "$POSTDATE_RUN_DIR/worker-sender"; }

# Usage: demo_worker_start INSTANCE   A worker sending through the last demo's sender (default ses).
demo_worker_start() {
  local sender
  sender="$(cat "$(demo_worker_sender_file)" 2>/dev/null)" || sender=ses
  POSTDATE_WORKER_SENDER="$sender" POSTDATE_SMTP_HOST=127.0.0.1 POSTDATE_SMTP_PORT="$SMTP_SINK_PORT" \
    demo_component_start worker "$1"
}

# Usage: demo_component_start NAME INSTANCE   (with the demo's heap limit; the client reports its peak)
demo_component_start() {
  POSTDATE_JAVA_OPTS="$DEMO_JAVA_OPTS ${POSTDATE_JAVA_OPTS:-}" component_start "$1" "$2" || return
  DEMO_CLIENT_ARGS+=(--component "$1-$2=http://127.0.0.1:$(component_management_port "$1" "$2")")
}

# The domain of the demo emails' from (DemoPlan: news@shop.example), the tenant's sender identity.
DEMO_SENDER_DOMAIN=shop.example

# Usage: demo_client SENDER [DemoCommand options...]   Creates a tenant, its sender identity and key,
# then runs the client.
demo_client() {
  local sender="$1" tenant key
  shift
  tenant="demo-$(date +%s)"
  # Before the key: an api loads identities ahead of keys, so the key works only with them in force.
  clickhouse_cli senders add --tenant "$tenant" "$DEMO_SENDER_DOMAIN" >/dev/null || {
    echo "postdate: could not add the sender identity $DEMO_SENDER_DOMAIN for $tenant" >&2
    return 1
  }
  key="$(clickhouse_cli keys create --tenant "$tenant" | sed -n 's/.*\(pd_[A-Za-z0-9_-]*\).*/\1/p' | head -n 1)"
  [[ -n "$key" ]] || {
    echo "postdate: could not create an API key for $tenant" >&2
    return 1
  }
  echo "postdate: tenant $tenant, API key created (./postdate keys revoke to retire it)"
  echo
  POSTDATE_DEMO_API_KEY="$key" java -Xmx2g --enable-native-access=ALL-UNNAMED -cp "$(loadtest_jar)" dev.postdate.loadtest.demo.DemoCommand \
    --api-url "http://127.0.0.1:$API_PORT" --tenant "$tenant" --sender "$sender" --ses-url "http://127.0.0.1:$SES_PORT" \
    --smtp-sink-url "http://127.0.0.1:$SMTP_SINK_HTTP_PORT" "${DEMO_CLIENT_ARGS[@]}" "$@"
}

# Text only the demo's emails carry (loadtest DemoPlan): every recipient's domain, the hand-written
# bodies, the template's subject. None may reach a log (docs/security.md).
DEMO_PERSONAL_MARKERS=(demo.postdate.test "written by hand" "your picks of the week" "your daily digest")

# Usage: demo_logs_clean [DIR]   Fails, naming the files, when a *.log under DIR (default: .run)
# holds a demo recipient or body marker. Silent when clean: the demo's JSON stays its last line.
demo_logs_clean() {
  local dir="${1:-$POSTDATE_RUN_DIR}" marker args=() leaks
  [[ -d "$dir" ]] || return 0
  for marker in "${DEMO_PERSONAL_MARKERS[@]}"; do
    args+=(-e "$marker")
  done
  leaks="$(grep -rlF --include='*.log' "${args[@]}" "$dir")" || return 0
  echo "postdate: demo recipients or bodies reached these logs (markers: ${DEMO_PERSONAL_MARKERS[*]}):" >&2
  echo "$leaks" >&2
  return 1
}

# Usage: demo_run EMAILS DUE_IN WORKERS SENDER SPREAD [DemoCommand options...]
demo_run() {
  local emails="$1" due_in="$2" workers="$3" sender="$4" spread="$5" rc=0
  shift 5
  services_start
  demo_stack_start "$workers" "$sender"
  demo_client "$sender" --emails "$emails" --due-in "$due_in" --spread "$spread" "$@" || rc=$?
  demo_logs_clean || rc=1
  return "$rc"
}

# The end-to-end step of ./postdate bench: EMAILS due in the same second, blackhole sender, once per
# worker count; the demo's JSON line and peak heaps become RESULT lines. Due late enough for the
# intake to finish first (at 5,000 emails/s, well under what this machine does, plus 15 s for the
# client's start), so the figures measure ranging and sending, not the client. The progress board refreshes every 5 s instead of every
# second: its ClickHouse counts and metric scrapes would otherwise take part of the CPU being measured.
# Usage: bench_e2e EMAILS "WORKER_COUNTS" RESULTS_FILE
bench_e2e() {
  local emails="$1" counts="$2" results="$3" workers rc=0 log due_in
  due_in=$((emails / 5000 + 15))
  for workers in $counts; do
    log="$POSTDATE_RUN_DIR/bench/logs/e2e-$workers.log"
    echo "== e2e: $emails emails due at once, blackhole, $workers worker(s) (log: $log)"
    demo_run "$emails" "$due_in" "$workers" blackhole 1 --progress-every 5 >"$log" 2>&1 || rc=1
    {
      echo "RESULT e2e workers=$workers emails=$emails $(tail -n 1 "$log")"
      grep '^peak heap' "$log" | sed "s/^/RESULT e2e workers=$workers /"
    } | tee -a "$results"
  done
  components_stop_all >/dev/null
  return "$rc"
}

# The peer comparison of ./postdate bench: Postdate's end-to-end rate with one worker process over
# db-scheduler's executions/s, both read from this run's RESULT lines.
# Usage: bench_ratio RESULTS_FILE
bench_ratio() {
  local results="$1" ours theirs
  ours="$(sed -n 's/^RESULT e2e workers=1 .*"emails_per_s":\([0-9.]*\).*/\1/p' "$results" | tail -n 1)"
  theirs="$(sed -n 's/^RESULT peer .* = \([0-9,]*\) executions\/s$/\1/p' "$results" | tail -n 1 | tr -d ,)"
  if [[ -z "$ours" || -z "$theirs" || "$theirs" == 0 ]]; then
    echo "RESULT ratio: not computed (needs this run's e2e 1-worker and peer figures)" | tee -a "$results"
    return 0
  fi
  awk -v ours="$ours" -v theirs="$theirs" 'BEGIN {
    printf "RESULT ratio postdate/db-scheduler = %.0f / %.0f = %.1f (goal: at least 5)\n", ours, theirs, ours / theirs }' \
    | tee -a "$results"
}
