# shellcheck shell=bash
# Installs what the local stack needs and is missing. Idempotent and quick when all is there, so
# every `./postdate up` / `./postdate test` (and CI on a fresh machine) can call it.

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  # Waits for a dpkg lock held by another apt run instead of failing at once.
  echo "postdate: installing $*"
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >/dev/null
}

# A Debian postinst may start system-wide instances (on other machines with a working init). They
# would only compete for memory and CPU: the stack runs its own servers on its own ports.
stop_distro_services() {
  local service
  for service in clickhouse-server redis-server; do
    if command -v service >/dev/null && service "$service" status >/dev/null 2>&1; then
      service "$service" stop >/dev/null 2>&1 || true
    fi
  done
}

install_system_packages() {
  local packages=()
  command -v clickhouse-server >/dev/null || packages+=(clickhouse-server)
  command -v clickhouse-client >/dev/null || packages+=(clickhouse-client)
  command -v redis-server >/dev/null || packages+=(redis-server)
  command -v npm >/dev/null || packages+=(nodejs npm)
  command -v curl >/dev/null || packages+=(curl)
  # For the local cluster (docs/clickhouse.md), which `./postdate test` runs too.
  [[ -f "$ZOOKEEPER_JAR" ]] || packages+=(zookeeper)
  ((${#packages[@]} == 0)) && return 0
  apt_install "${packages[@]}"
  stop_distro_services
}

install_ses() {
  [[ -d "$SES_DIR/node_modules" ]] && return 0
  echo "postdate: installing aws-ses-v2-local (npm ci)"
  npm ci --prefix "$SES_DIR" --no-audit --no-fund --loglevel=error >/dev/null
}

# Builds the parent pom too (-am): the infra module cannot resolve its parent otherwise.
build_elasticmq() {
  echo "postdate: building the ElasticMQ classpath (infra/target/elasticmq/lib)"
  (cd "$POSTDATE_HOME" && mvn -B -q -pl infra -am package -DskipTests)
}

install_missing() {
  install_system_packages
  install_ses
  [[ -d "$ELASTICMQ_LIB" ]] || build_elasticmq
}
