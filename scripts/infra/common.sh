# Shared by kafka.sh and keycloak.sh: where the cache lives and how to tell that a port answers.
# Everything downloaded or written at run time stays under .cache/infra (ignored by git).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# INFRA_CACHE: another checkout's cache (a git worktree reuses the jars already fetched there).
CACHE="${INFRA_CACHE:-$ROOT/.cache/infra}"
# Maven's own repository under the cache too: a fresh clone needs nothing from ~/.m2.
M2="$CACHE/m2"
mkdir -p "$CACHE"
for tool in java mvn curl; do
  command -v "$tool" >/dev/null || { echo "scripts/infra needs $tool (Java 17+, Maven 3.8+: the java-maven-svc machine kind)" >&2; exit 1; }
done

port_answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1
}

# pid_alive pidfile: true when the file names a live process.
pid_alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# group_alive pid: true while any process of the group `pid` leads is alive (setsid made it a
# group leader; Keycloak's kc.sh is a shell whose java child may outlive it for a moment).
group_alive() {
  kill -0 -- "-$1" 2>/dev/null || kill -0 "$1" 2>/dev/null
}

# stop_pid name pidfile: SIGTERM to the process group, wait up to 30 s for all of it to end, then
# SIGKILL. Only the processes this script started (their pid is in the file).
stop_pid() {
  local name="$1" pidfile="$2"
  if ! pid_alive "$pidfile"; then
    echo "$name: not running (no live process started by this script)"
    rm -f "$pidfile"
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
  for _ in $(seq 1 60); do
    group_alive "$pid" || break
    sleep 0.5
  done
  if group_alive "$pid"; then
    echo "$name: still running after 30 s; SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  echo "$name: stopped (pid $pid)"
}

# wait_until name seconds logfile pidfile command...: polls the command once a second.
wait_until() {
  local name="$1" seconds="$2" log="$3" pidfile="$4"
  shift 4
  local started=$SECONDS
  while ! "$@"; do
    if ! pid_alive "$pidfile"; then
      echo "$name: the process exited before it was ready; last lines of $log:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    if (( SECONDS - started >= seconds )); then
      echo "$name: not ready after ${seconds} s; last lines of $log:" >&2
      tail -n 40 "$log" >&2
      stop_pid "$name" "$pidfile" >&2 # nothing half-started stays behind
      return 1
    fi
    sleep 1
  done
}
