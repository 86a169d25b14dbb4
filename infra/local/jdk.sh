# shellcheck shell=bash
# Locates a JDK >= 21 (the components rely on virtual threads). The machine's default java may be
# older, so JAVA_HOME and PATH are pointed at the best JDK found.

POSTDATE_JVM_DIR="${POSTDATE_JVM_DIR:-/usr/lib/jvm}"
POSTDATE_MIN_JAVA=21

# Prints the feature release of a java binary ("1.8.0_x" -> 8, "21.0.2" -> 21, "25" -> 25).
java_major() {
  local version
  version="$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)"
  case "$version" in
    1.*) version="${version#1.}" ;;
  esac
  version="${version%%[.+-]*}"
  [[ "$version" =~ ^[0-9]+$ ]] || return 1
  echo "$version"
}

use_jdk() {
  export JAVA_HOME="$1"
  case ":$PATH:" in
    *":$JAVA_HOME/bin:"*) ;;
    *) PATH="$JAVA_HOME/bin:$PATH" ;;
  esac
  export PATH
}

find_jdk() {
  local major found=()
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && major="$(java_major "$JAVA_HOME/bin/java")"; then
    if ((major >= POSTDATE_MIN_JAVA)); then
      use_jdk "$JAVA_HOME"
      return 0
    fi
    found+=("JAVA_HOME=$JAVA_HOME ($major)")
  fi

  local candidate best="" best_major=0
  for candidate in "$POSTDATE_JVM_DIR"/*; do
    # Debian keeps alias symlinks (java-1.17.0-openjdk-amd64 -> java-17-openjdk-amd64).
    [[ -L "$candidate" || ! -x "$candidate/bin/java" ]] && continue
    major="$(java_major "$candidate/bin/java")" || continue
    found+=("$(basename "$candidate") ($major)")
    if ((major >= POSTDATE_MIN_JAVA && major > best_major)); then
      best="$candidate"
      best_major="$major"
    fi
  done

  if [[ -z "$best" ]]; then
    local path_java
    if path_java="$(command -v java)" && major="$(java_major "$path_java")"; then
      found+=("$path_java ($major)")
    fi
    local list="none"
    if ((${#found[@]} > 0)); then
      list="$(printf '%s, ' "${found[@]}")"
      list="${list%, }"
    fi
    echo "postdate: needs a JDK $POSTDATE_MIN_JAVA or newer (found: $list); install one, e.g. apt-get install openjdk-21-jdk-headless or set JAVA_HOME" >&2
    return 1
  fi
  use_jdk "$best"
}
