#!/usr/bin/env bash
# `npm run infra:kafka [-- start|stop|status]`: a single-node Apache Kafka (broker + KRaft
# controller in one process) on 127.0.0.1:9092 for development, tests and CI.
# The jars come once from Maven Central (kafka-pom.xml) into .cache/infra/kafka/libs; the storage
# is formatted once; the process runs in the background and outlives this script. Idempotent.
# A second broker beside the shared one (a test's own, e.g. a fresh broker just started):
# KAFKA_PORT, KAFKA_CONTROLLER_PORT and KAFKA_DATA_DIR (its data, pid file, log and properties).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
LIBS="$CACHE/kafka/libs"
DIR="${KAFKA_DATA_DIR:-$CACHE/kafka}"
DATA="$DIR/data"
PIDFILE="$DIR/kafka.pid"
LOG="$DIR/kafka.log"
PROPS="$DIR/server.properties"

fetch() {
  # The marker holds the pom's checksum: a new version in the pom means a new download.
  local want
  want="$(sha256sum "$ROOT/scripts/infra/kafka-pom.xml" | cut -d' ' -f1)"
  [ "$(cat "$LIBS/.complete" 2>/dev/null)" = "$want" ] && return 0
  echo "kafka: fetching the broker's jars from Maven Central (once) into $LIBS"
  local t0=$SECONDS
  rm -rf "$LIBS"
  mkdir -p "$CACHE/kafka"
  if ! mvn -q -B -Dstyle.color=never -f "$ROOT/scripts/infra/kafka-pom.xml" -Dmaven.repo.local="$M2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" > "$CACHE/kafka/fetch.log" 2>&1; then
    cat "$CACHE/kafka/fetch.log" >&2
    return 1
  fi
  echo "$want" > "$LIBS/.complete"
  echo "kafka: fetched in $((SECONDS - t0)) s"
}

write_config() {
  mkdir -p "$DATA"
  cat > "$PROPS" <<PROPS
# Written by scripts/infra/kafka.sh: one node that is both broker and controller (KRaft).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
# One node: every internal topic has one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Consumers join a group without the default 3 s wait, so tests and restarts are quick.
group.initial.rebalance.delay.ms=0
# Topics are created by the services with the partition count from their config, never by a
# typo in a topic name.
auto.create.topics.enable=false
# Dev/test: keep a day of events, in small segments.
log.retention.hours=24
log.segment.bytes=16777216
PROPS
  cat > "$DIR/log4j2.properties" <<'L4J'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = out
# "Kafka Server started" is how a reader of the log sees that it is up.
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = info
L4J
}

JAVA_OPTS=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true "-Dlog4j2.configurationFile=$DIR/log4j2.properties" -cp "$LIBS/*")

format_storage() {
  [ -f "$DATA/meta.properties" ] && return 0
  local cluster
  cluster="$(java "${JAVA_OPTS[@]}" kafka.tools.StorageTool random-uuid)"
  java "${JAVA_OPTS[@]}" kafka.tools.StorageTool format -t "$cluster" -c "$PROPS" >/dev/null
  echo "kafka: storage formatted (cluster $cluster)"
}

start() {
  if port_answers "$HOST" "$PORT"; then
    echo "kafka: already running on $HOST:$PORT"
    return 0
  fi
  fetch
  write_config
  format_storage
  local t0=$SECONDS
  # setsid: the broker gets its own session and survives this script and the caller's terminal.
  rm -f "$LOG" # readiness is read from this log: never from a previous run's
  setsid java "${JAVA_OPTS[@]}" kafka.Kafka "$PROPS" > "$LOG" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  # Listening is not serving: wait for the line the broker logs once it is started.
  wait_until kafka "${KAFKA_START_TIMEOUT:-300}" "$LOG" "$PIDFILE" grep -qs 'Kafka Server started' "$LOG"
  echo "kafka: running on $HOST:$PORT (pid $(cat "$PIDFILE"), ready in $((SECONDS - t0)) s, log $LOG)"
}

status() {
  if port_answers "$HOST" "$PORT"; then
    echo "kafka: running on $HOST:$PORT$(pid_alive "$PIDFILE" && echo " (pid $(cat "$PIDFILE"))")"
  else
    echo "kafka: not running"
    return 1
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop_pid kafka "$PIDFILE" ;;
  status) status ;;
  fetch) fetch ;;
  # Every topic, offset and group gone (e.g. topics left by interrupted test runs).
  reset) stop_pid kafka "$PIDFILE" && rm -rf "$DATA" && start ;;
  *) echo "usage: $0 [start|stop|status|fetch|reset]" >&2; exit 2 ;;
esac
