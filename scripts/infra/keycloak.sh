#!/usr/bin/env bash
# `npm run infra:keycloak [-- start|stop|status]`: Keycloak on 127.0.0.1:8180 with the realm
# config/keycloak/contract-bff.json (the identity contract's users, roles and clients).
# The Quarkus distribution comes once from Maven Central (keycloak-pom.xml) into
# .cache/infra/keycloak. It runs in `start-dev` mode — HTTP, in-memory H2, no cluster: a
# development and test IdP, not a production one. The database is in memory and the realm is
# imported at every start, so the realm file is the whole truth. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

HOST=127.0.0.1
PORT="${KEYCLOAK_PORT:-8180}"
REALM=contract-bff
DIR="$CACHE/keycloak"
POM="$ROOT/scripts/infra/keycloak-pom.xml"
VERSION="$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' "$POM")"
HOME_DIR="$DIR/keycloak-$VERSION"
PIDFILE="$DIR/keycloak.pid"
LOG="$DIR/keycloak.log"
ISSUER="http://$HOST:$PORT/realms/$REALM"

# Keycloak 26 needs Java 21+; the machine's default `java` is 17. Take the newest JDK ≥ 21 in the
# system's JVM folder unless KEYCLOAK_JAVA_HOME says otherwise.
find_java_home() {
  if [ -n "${KEYCLOAK_JAVA_HOME:-}" ]; then echo "$KEYCLOAK_JAVA_HOME"; return; fi
  local jdk
  for jdk in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    local v
    v="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "${jdk%/}"; return; fi
  done
  echo "keycloak: no Java 21+ under /usr/lib/jvm (set KEYCLOAK_JAVA_HOME)" >&2
  return 1
}

fetch() {
  [ -x "$HOME_DIR/bin/kc.sh" ] && return 0
  echo "keycloak: fetching keycloak-quarkus-dist $VERSION from Maven Central (once) into $DIR"
  local t0=$SECONDS
  mkdir -p "$DIR"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" -Dmaven.repo.local="$M2" dependency:unpack > "$DIR/fetch.log" 2>&1; then
    cat "$DIR/fetch.log" >&2
    return 1
  fi
  echo "keycloak: fetched in $((SECONDS - t0)) s"
}

realm_answers() {
  curl -fs -o /dev/null --max-time 3 "$ISSUER/.well-known/openid-configuration"
}

start() {
  if realm_answers; then
    echo "keycloak: already running, issuer $ISSUER"
    return 0
  fi
  if port_answers "$HOST" "$PORT"; then
    echo "keycloak: something answers on $HOST:$PORT but not the realm $REALM; stop it first" >&2
    return 1
  fi
  fetch
  local java_home
  java_home="$(find_java_home)"
  # kc.sh imports every realm file in data/import at start (`--import-realm`).
  mkdir -p "$HOME_DIR/data/import"
  rm -f "$HOME_DIR/data/import/"*.json
  cp "$ROOT/config/keycloak/$REALM.json" "$HOME_DIR/data/import/"
  local t0=$SECONDS
  rm -f "$LOG" # readiness problems are read from this log: never a previous run's
  # The admin console's account (master realm) is for development only.
  JAVA_HOME="$java_home" JAVA_OPTS_KC_HEAP="-Xms128m -Xmx768m" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=dev-only-admin \
    setsid "$HOME_DIR/bin/kc.sh" start-dev --import-realm \
      --http-host="$HOST" --http-port="$PORT" --hostname="http://$HOST:$PORT" \
      --db=dev-mem --health-enabled=false --metrics-enabled=false \
      > "$LOG" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  # About 2 minutes here, over 3 when five test runs share the 2 cores: allow 10.
  wait_until keycloak "${KEYCLOAK_START_TIMEOUT:-600}" "$LOG" "$PIDFILE" realm_answers
  echo "keycloak: running, issuer $ISSUER (pid $(cat "$PIDFILE"), Java $("$java_home/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2), ready in $((SECONDS - t0)) s, log $LOG)"
}

status() {
  if realm_answers; then
    echo "keycloak: running, issuer $ISSUER$(pid_alive "$PIDFILE" && echo " (pid $(cat "$PIDFILE"))")"
  else
    echo "keycloak: not running"
    return 1
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop_pid keycloak "$PIDFILE" ;;
  status) status ;;
  fetch) fetch ;;
  *) echo "usage: $0 [start|stop|status|fetch]" >&2; exit 2 ;;
esac
