# shellcheck shell=bash
# PostgreSQL for the peer benchmark (db-scheduler, `./postdate bench` step peer) and nothing else, so
# it is installed and started only there. Debian's `postgresql` package provides the binaries; its
# system-wide cluster is never used. Ours lives in $POSTGRES_DIR, listens on 127.0.0.1:$POSTGRES_PORT
# only, trusts every local connection and is started and stopped with pg_ctl. PostgreSQL refuses to
# run as root, so a root shell runs it as the OS user the package creates.
# Uses apt_install (install.sh), port_in_use and report_start_failure (services.sh).

POSTGRES_DIR="$POSTDATE_RUN_DIR/postgres"
POSTGRES_DATA="$POSTGRES_DIR/data"
POSTGRES_LOG="$POSTGRES_DIR/postgres.log"
POSTGRES_OS_USER=postgres
# The cluster's superuser, whichever OS user runs the server: what the benchmark connects as.
POSTGRES_USER="${POSTGRES_USER:-postdate}"
# Given on every start rather than written into the cluster, so a changed value applies at once.
# 256 MB of shared buffers hold a 1M-row scheduled_tasks table and its indexes; the connection
# limit leaves room for a scheduler pool as large as its thread count.
POSTGRES_SERVER_OPTS="${POSTGRES_SERVER_OPTS:--c shared_buffers=256MB -c max_connections=300}"

# Runs a command as the OS user that owns the cluster: postgres when we are root, else ourselves.
postgres_owner_run() {
  if ((EUID == 0)); then
    runuser -u "$POSTGRES_OS_USER" -- "$@"
  else
    "$@"
  fi
}

# The server binaries for our cluster: those of the release that created it (a newer one cannot
# open it), else the newest installed. Debian keeps them out of PATH, in /usr/lib/postgresql/N/bin.
postgres_bindir() {
  local pg_ctl
  if [[ -f "$POSTGRES_DATA/PG_VERSION" ]]; then
    pg_ctl="/usr/lib/postgresql/$(<"$POSTGRES_DATA/PG_VERSION")/bin/pg_ctl"
  else
    pg_ctl="$(printf '%s\n' /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)"
  fi
  [[ -x "$pg_ctl" ]] || return 1
  dirname "$pg_ctl"
}

postgres_install() {
  compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null && return 0
  apt_install postgresql || {
    echo "postdate: could not install postgresql (apt-get failed; see its output above)" >&2
    return 1
  }
  # The package creates a system-wide cluster on port 5432 and may start it: it would only take
  # memory and CPU from the benchmark.
  if command -v service >/dev/null && service postgresql status >/dev/null 2>&1; then
    service postgresql stop >/dev/null 2>&1 || true
  fi
}

postgres_init() {
  [[ -f "$POSTGRES_DATA/PG_VERSION" ]] && return 0
  local bindir
  bindir="$(postgres_bindir)" || {
    echo "postdate: no PostgreSQL server found in /usr/lib/postgresql/*/bin" >&2
    return 1
  }
  mkdir -p "$POSTGRES_DIR" || return 1
  if ((EUID == 0)); then
    chown "$POSTGRES_OS_USER:" "$POSTGRES_DIR" || return 1
  fi
  postgres_owner_run test -w "$POSTGRES_DIR" || {
    echo "postdate: OS user $(postgres_owner_run id -un) cannot write $POSTGRES_DIR (a parent directory closed to it?); set POSTDATE_RUN_DIR elsewhere" >&2
    return 1
  }
  echo "postdate: creating a PostgreSQL cluster in $POSTGRES_DATA"
  postgres_owner_run "$bindir/initdb" -D "$POSTGRES_DATA" --username="$POSTGRES_USER" --auth=trust \
    --encoding=UTF8 --locale=C >"$POSTGRES_DIR/initdb.log" 2>&1 || {
    echo "postdate: initdb failed; see $POSTGRES_DIR/initdb.log" >&2
    return 1
  }
}

postgres_is_running() {
  local bindir
  [[ -f "$POSTGRES_DATA/postmaster.pid" ]] || return 1
  bindir="$(postgres_bindir)" || return 1
  postgres_owner_run "$bindir/pg_ctl" status -D "$POSTGRES_DATA" >/dev/null 2>&1
}

postgres_jdbc_url() {
  echo "jdbc:postgresql://127.0.0.1:$POSTGRES_PORT/postgres"
}

# Installs PostgreSQL and creates the cluster if needed, then starts it unless it is running.
postgres_start() {
  local bindir
  postgres_install || return 1
  postgres_init || return 1
  bindir="$(postgres_bindir)" || {
    echo "postdate: the server of PostgreSQL $(<"$POSTGRES_DATA/PG_VERSION") that created $POSTGRES_DATA is not installed; delete $POSTGRES_DIR to start afresh" >&2
    return 1
  }
  if postgres_is_running; then
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" || {
      echo "postdate: the PostgreSQL cluster in $POSTGRES_DATA runs but does not answer on 127.0.0.1:$POSTGRES_PORT (started with another POSTGRES_PORT?)" >&2
      return 1
    }
    printf '%-11s already running on 127.0.0.1:%s\n' postgres "$POSTGRES_PORT"
    return 0
  fi
  if port_in_use "$POSTGRES_PORT"; then
    echo "postdate: port $POSTGRES_PORT (postgres) is in use by another process; set POSTGRES_PORT to a free port" >&2
    return 1
  fi
  postgres_owner_run "$bindir/pg_ctl" start -w -t 60 -D "$POSTGRES_DATA" -l "$POSTGRES_LOG" -o \
    "-c listen_addresses=127.0.0.1 -c port=$POSTGRES_PORT -c unix_socket_directories='$POSTGRES_DIR' $POSTGRES_SERVER_OPTS" \
    >/dev/null || {
    report_start_failure postgres "$POSTGRES_LOG"
    return 1
  }
  printf '%-11s started on 127.0.0.1:%s (%s)\n' postgres "$POSTGRES_PORT" "$POSTGRES_DATA"
}

postgres_stop() {
  local bindir
  if ! postgres_is_running; then
    printf '%-11s not running\n' postgres
    return 0
  fi
  bindir="$(postgres_bindir)" || return 1
  # Fast mode ends open sessions instead of waiting for them to close, as smart mode would.
  postgres_owner_run "$bindir/pg_ctl" stop -m fast -w -t 60 -D "$POSTGRES_DATA" >/dev/null || {
    echo "postdate: PostgreSQL did not stop within 60 s; see $POSTGRES_LOG" >&2
    return 1
  }
  printf '%-11s stopped\n' postgres
}
