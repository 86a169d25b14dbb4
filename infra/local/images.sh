# shellcheck shell=bash
# The components' OCI images without a registry or a Docker engine (docs/deploy.md, "Images").
# Production builds them with `mvn jib:build` on Temurin's JRE pinned by digest; here no registry is
# reachable, so `./postdate test` builds them (mvn -Pimages) on a base made from the local JDK, then
# unpacks each image and starts its entrypoint in a chroot as the image's user against the local
# servers, until /health answers UP. Sourced by ./postdate after services.sh and components.sh.

IMAGE_COMPONENTS=(api ingest-consumer ranger worker campaign-expander feedback-consumer tracker janitor)
IMAGE_BASE_TAR="$POSTDATE_RUN_DIR/images/offline-base.tar"
IMAGE_HEALTH_TIMEOUT=90
# The JDK modules the components need at run time (Micronaut's HTTP server uses jdk.jfr events; Netty
# jdk.unsupported), plus DNS and PKCS#11 for TLS. Production's base is a whole JRE.
IMAGE_JRE_MODULES="java.se,jdk.unsupported,jdk.jfr,jdk.management,jdk.crypto.cryptoki,jdk.naming.dns,jdk.zipfs,jdk.net"

# A Docker-archive base image: a jlinked JRE in /opt/java, the shared libraries it links, and /tmp.
image_base_build() {
  local work="$POSTDATE_RUN_DIR/images/base" lib digest
  rm -rf "$work" && mkdir -p "$work/rootfs/opt" "$work/rootfs/tmp"
  chmod 1777 "$work/rootfs/tmp"
  "$JAVA_HOME/bin/jlink" --add-modules "$IMAGE_JRE_MODULES" --strip-debug --no-header-files \
    --no-man-pages --output "$work/rootfs/opt/java" || {
    echo "postdate: jlink could not build a JRE from $JAVA_HOME (a JDK >= 24, or one with jmods, can)" >&2
    return 1
  }
  while read -r lib; do
    mkdir -p "$work/rootfs$(dirname "$lib")"
    cp -L "$lib" "$work/rootfs$lib"
  done < <(find "$work/rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/lib/ && $2 ~ /^\(/ { print $1 }' | grep -v "^$work" | sort -u)
  tar -C "$work/rootfs" --owner=0 --group=0 --numeric-owner -cf "$work/layer.tar" .
  digest="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$digest" >"$work/config.json"
  printf '[{"Config":"config.json","RepoTags":["postdate-offline-base:local"],"Layers":["layer.tar"]}]' \
    >"$work/manifest.json"
  tar -C "$work" -cf "$IMAGE_BASE_TAR" manifest.json config.json layer.tar
  rm -rf "$work"
}

# Unpacks the layers of image archive $1 into directory $2 and prints, one per line: the image's
# user, its management port (label dev.postdate.management-port), its exposed ports (space-separated),
# its environment (NAME=VALUE;...), then its entrypoint and arguments, each on a line.
image_unpack() {
  local tar="$1" rootfs="$2" unpacked layers layer
  unpacked="$(dirname "$rootfs")/archive"
  rm -rf "$unpacked" "$rootfs" && mkdir -p "$unpacked" "$rootfs"
  tar -C "$unpacked" -xf "$tar"
  node -e '
    const fs = require("fs"), path = require("path"), dir = process.argv[1];
    const [manifest] = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json")));
    const config = JSON.parse(fs.readFileSync(path.join(dir, manifest.Config))).config;
    console.log(manifest.Layers.map((l) => path.join(dir, l)).join(";"));
    console.log(config.User || "");
    console.log((config.Labels || {})["dev.postdate.management-port"] || "");
    console.log(Object.keys(config.ExposedPorts || {}).join(" "));
    console.log((config.Env || []).join(";"));
    for (const arg of [...(config.Entrypoint || []), ...(config.Cmd || [])]) console.log(arg);
  ' "$unpacked" >"$unpacked/described" || return 1
  IFS=';' read -ra layers < <(head -1 "$unpacked/described")
  for layer in "${layers[@]}"; do
    tar -C "$rootfs" --warning=no-unknown-keyword -xf "$layer" || return 1
  done
  sed 1d "$unpacked/described"
}

# Usage: image_smoke COMPONENT — checks the image's definition, then runs it until /health is UP.
image_smoke() {
  local name="$1" dir="$POSTDATE_RUN_DIR/images/$1" described user mport ports env envs=() endpoints=() entrypoint=() pid
  local tar="$POSTDATE_HOME/$1/target/jib-image.tar" log="$POSTDATE_RUN_DIR/logs/image-$1.log"
  [[ -f "$tar" ]] || {
    echo "postdate: $tar is missing (built by mvn -Pimages package)" >&2
    return 1
  }
  described="$(image_unpack "$tar" "$dir/rootfs")" || return 1
  { read -r user; read -r mport; read -r ports; read -r env; mapfile -t entrypoint; } <<<"$described"
  [[ "$user" =~ ^[1-9][0-9]*:[0-9]+$ ]] || {
    echo "postdate: image $name runs as '$user', not as a numeric non-root user" >&2
    return 1
  }
  [[ " ${entrypoint[*]} " == *" -XX:MaxRAMPercentage="* ]] || {
    echo "postdate: image $name does not size its heap from the container's memory" >&2
    return 1
  }
  [[ -n "$mport" && " $ports " == *" $mport/tcp "* ]] || {
    echo "postdate: image $name does not expose its management port '$mport' (exposes: $ports)" >&2
    return 1
  }
  if port_in_use "$mport"; then
    echo "postdate: port $mport is in use; stop the stack (./postdate down) before the image check" >&2
    return 1
  fi
  IFS=';' read -ra envs <<<"$env"
  # The image's own environment, plus the local endpoints and the tracking keys, without which the
  # tracker does not start (production's chart sets the same variables).
  mapfile -t endpoints < <(env | grep -E '^(POSTDATE_(CLICKHOUSE|REDIS|SQS|SES|AWS|TRACKING)_[A-Z_]*|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)=')
  # A private mount namespace: /proc and /dev are bound into the image for the JVM (as a container
  # runtime would) and vanish with the process, so removing the directory later cannot reach the host.
  # shellcheck disable=SC2016 # expanded by the inner shell
  launch "image-$name" "$log" unshare --mount --fork sh -c '
    rootfs="$1"; shift
    mkdir -p "$rootfs/proc" "$rootfs/dev" && mount --bind /proc "$rootfs/proc" &&
      mount --bind /dev "$rootfs/dev" && exec "$@"' sh "$dir/rootfs" \
    env -i "${envs[@]}" "${endpoints[@]}" \
    "$(command -v chroot)" --userspec="$user" "$dir/rootfs" "${entrypoint[@]}"
  pid="$(<"$(pid_file "image-$name")")"
  if ! wait_healthy "$pid" "$IMAGE_HEALTH_TIMEOUT" component_healthy "$mport"; then
    stop_pid "image-$name" "$pid"
    report_start_failure "image $name" "$log"
    return 1
  fi
  stop_pid "image-$name" "$pid"
  printf '%-19s image runs as %s; /health UP on port %s\n' "$name" "$user" "$mport"
  rm -rf "$dir"
}

images_smoke() {
  local name
  for name in "${IMAGE_COMPONENTS[@]}"; do
    image_smoke "$name" || return 1
  done
}
