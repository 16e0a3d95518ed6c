#!/usr/bin/env bash
# Local Apache Kafka 3.9.1 (KRaft, no ZooKeeper, no Docker) for `make run`, `make test` and CI.
# Jars come from Maven via pom.xml next to this script; see README.md for commands and variables.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
KAFKA_VERSION=3.9.1

absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }  # Kafka's log.dirs must not be relative

CACHE=$(absolute "${NEWSWATCH_KAFKA_CACHE:-$REPO/.cache/kafka-$KAFKA_VERSION}")
LIB=$CACHE/lib
DATA=$(absolute "${NEWSWATCH_KAFKA_DATA:-$REPO/var/kafka}")
CLUSTER_DATA=$(absolute "${NEWSWATCH_KAFKA_CLUSTER_DATA:-$REPO/var/kafka-cluster}")
HOST=${NEWSWATCH_KAFKA_HOST:-127.0.0.1}
PORT=${NEWSWATCH_KAFKA_PORT:-9092}
CONTROLLER_PORT=${NEWSWATCH_KAFKA_CONTROLLER_PORT:-9093}
HEAP_OPTS=${NEWSWATCH_KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}
START_TIMEOUT=${NEWSWATCH_KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=${NEWSWATCH_KAFKA_STOP_TIMEOUT:-60}
LOG_LEVEL=${NEWSWATCH_KAFKA_LOG_LEVEL:-WARN}
EXTRA_CONFIG=${NEWSWATCH_KAFKA_EXTRA_CONFIG:-}
PYTHON=${NEWSWATCH_PYTHON:-$REPO/.venv/bin/python}
MVN=${NEWSWATCH_MVN:-mvn}
JAVA=${NEWSWATCH_JAVA:-java}
MARKER=$CACHE/.complete

say() { printf 'kafka.sh: %s\n' "$*"; }
die() { printf 'kafka.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<EOF
usage: deploy/kafka/kafka.sh COMMAND

single node (broker+controller on $HOST:$PORT, controller $CONTROLLER_PORT, data $DATA):
  fetch            resolve the Kafka $KAFKA_VERSION jars into $LIB (once)
  start            fetch if needed, format storage once, start in the background, wait until ready
  stop             SIGTERM, wait up to ${STOP_TIMEOUT}s, then SIGKILL
  status           print state; exit 0 when running and answering, 3 when stopped
  logs [-f] [N]    last N (default 100) lines of the server log
  reset            stop and delete the data folder
  bootstrap        print the bootstrap address (for NEWSWATCH_KAFKA__BOOTSTRAP_SERVERS)
  smoke [ARGS]     create a topic, produce and consume with kafka-python and aiokafka (venv Python)
  run-class CLASS [ARGS...]  run a Kafka tool class with the cached classpath (e.g. org.apache.kafka.tools.ProducerPerformance)

KRaft cluster for fault tests (node K listens on K9092, controller K9093, data $CLUSTER_DATA/nodeK):
  cluster-start [N]   start N nodes (default 3, at most 5) and wait until all are ready
  cluster-stop        stop every node
  cluster-status      state of every node
  cluster-reset       stop every node and delete the cluster data
  cluster-bootstrap   print the bootstrap address list
  cluster-smoke       smoke check against the cluster (replication 3, min.insync.replicas 2)
  node-stop K | node-start K | node-logs K [-f] [N]   one node of the cluster
EOF
}

# ---------------------------------------------------------------- prerequisites and jars

need_java() {
    command -v "$JAVA" >/dev/null 2>&1 || die "java not found on PATH (Kafka $KAFKA_VERSION needs a JDK/JRE 17, 11 at least).
  Install one (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless), or run Kafka in a container
  instead: docker compose -f deploy/kafka/docker-compose.yml up -d (see deploy/kafka/README.md)."
    local major
    major=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n1)
    if [[ -n "$major" && "$major" -lt 11 ]]; then
        die "java $major is too old for Kafka $KAFKA_VERSION (need 11+, 17 recommended); set NEWSWATCH_JAVA or use docker compose (deploy/kafka/README.md)."
    fi
}

need_mvn() {
    command -v "$MVN" >/dev/null 2>&1 || die "mvn (Apache Maven 3.6+) not found on PATH; it is needed once to download the Kafka jars into $LIB.
  Install it (Debian/Ubuntu: apt-get install -y maven), or run Kafka in a container instead:
  docker compose -f deploy/kafka/docker-compose.yml up -d (see deploy/kafka/README.md)."
}

pom_digest() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$SCRIPT_DIR/pom.xml"; else shasum -a 256 "$SCRIPT_DIR/pom.xml"; fi | cut -d' ' -f1
}

jars_complete() { [[ -f "$MARKER" && "$(cat "$MARKER")" == "$(pom_digest)" && -d "$LIB" ]]; }

cmd_fetch() {
    if jars_complete; then
        return 0
    fi
    need_java
    need_mvn
    mkdir -p "$CACHE"
    # Serialise concurrent fetches (parallel CI jobs, make -j); the loser finds the marker and returns.
    exec 8>"$CACHE/.lock"
    if command -v flock >/dev/null 2>&1; then flock 8; fi
    if jars_complete; then
        exec 8>&-
        return 0
    fi
    local tmp=$CACHE/lib.partial.$$ started=$SECONDS
    rm -rf "$tmp"
    say "resolving Kafka $KAFKA_VERSION jars with Maven into $LIB (first run only) ..."
    # shellcheck disable=SC2086  # NEWSWATCH_MVN_ARGS is a list of extra Maven flags (e.g. -o, -s settings.xml)
    if ! "$MVN" -q -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" ${NEWSWATCH_MVN_ARGS:-} >"$CACHE/mvn.log" 2>&1; then
        cat "$CACHE/mvn.log" >&2
        rm -rf "$tmp" "$SCRIPT_DIR/target"
        die "Maven could not resolve the jars in $SCRIPT_DIR/pom.xml (offline? proxy? see the output above).
  Alternative without Maven: docker compose -f deploy/kafka/docker-compose.yml up -d (deploy/kafka/README.md)."
    fi
    rm -rf "$SCRIPT_DIR/target"
    ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar "$tmp"/slf4j-reload4j-*.jar "$tmp"/reload4j-*.jar >/dev/null 2>&1 \
        || { rm -rf "$tmp"; die "Maven finished but the broker or logging jars are missing in $tmp"; }
    rm -rf "$LIB"
    mv "$tmp" "$LIB"
    pom_digest >"$MARKER"
    say "$(find "$LIB" -name '*.jar' | wc -l) jars ($(du -sh "$LIB" | cut -f1)) in $LIB after $((SECONDS - started)) s"
    exec 8>&-
}

# ---------------------------------------------------------------- one node, parametrised by its data folder
# Each node folder holds: server.properties, log4j.properties, cluster.id, kafka.pid, logs/ (Kafka data), log/ (logs).

port_open() {  # HOST PORT -> 0 when something accepts TCP connections there
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

node_pid() {  # DIR -> prints the pid when the pid file names a live broker started from DIR
    local dir=$1 pid cmdline
    [[ -f "$dir/kafka.pid" ]] || return 1
    pid=$(cat "$dir/kafka.pid")
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against a recycled pid: the process must be our broker for this very folder.
    if [[ -r "/proc/$pid/cmdline" ]]; then
        cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    else
        cmdline=$(ps -p "$pid" -o command= 2>/dev/null || true)
    fi
    [[ "$cmdline" == *kafka.Kafka*"$dir/server.properties"* ]] || return 1
    echo "$pid"
}

new_cluster_id() {  # base64url of 16 random bytes, no padding; Kafka avoids a leading '-'
    local id
    while :; do
        id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
        [[ "$id" == -* || "$id" == AAAAAAAAAAAAAAAAAAAAAA || "$id" == AAAAAAAAAAAAAAAAAAAAAQ ]] || break
    done
    echo "$id"
}

node_configure() {  # DIR NODE_ID PORT CONTROLLER_PORT VOTERS REPLICATION MIN_ISR CLUSTER_ID
    local dir=$1 id=$2 port=$3 cport=$4 voters=$5 rf=$6 isr=$7 cluster_id=$8
    mkdir -p "$dir/logs" "$dir/log"
    sed -e "s|@NODE_ID@|$id|g" -e "s|@HOST@|$HOST|g" -e "s|@PORT@|$port|g" \
        -e "s|@CONTROLLER_PORT@|$cport|g" -e "s|@VOTERS@|$voters|g" -e "s|@LOG_DIRS@|$dir/logs|g" \
        -e "s|@REPLICATION@|$rf|g" -e "s|@MIN_ISR@|$isr|g" \
        "$SCRIPT_DIR/server.properties.template" >"$dir/server.properties.new"
    if [[ -n "$EXTRA_CONFIG" ]]; then
        printf '\n# From NEWSWATCH_KAFKA_EXTRA_CONFIG\n%s\n' "$EXTRA_CONFIG" >>"$dir/server.properties.new"
    fi
    mv "$dir/server.properties.new" "$dir/server.properties"
    cp "$SCRIPT_DIR/log4j.properties" "$dir/log4j.properties"
    [[ -f "$dir/cluster.id" ]] || echo "$cluster_id" >"$dir/cluster.id"
    if [[ ! -f "$dir/logs/meta.properties" ]]; then
        "$JAVA" -Xmx256m -cp "$LIB/*" -Dlog4j.configuration="file:$dir/log4j.properties" \
            -Dkafka.logs.dir="$dir/log" -Dnewswatch.kafka.log.level=WARN \
            kafka.tools.StorageTool format -t "$(cat "$dir/cluster.id")" -c "$dir/server.properties" -g \
            >"$dir/log/format.out" 2>&1 \
            || { cat "$dir/log/format.out" >&2; die "formatting KRaft storage in $dir/logs failed"; }
    fi
}

node_launch() {  # DIR -> starts the JVM detached (own session, no stdin), writes kafka.pid
    local dir=$1
    : >"$dir/log/kafka.out"
    # Remember where this run's part of the (appended) server log begins, for the readiness check.
    if [[ -f "$dir/log/server.log" ]]; then wc -c <"$dir/log/server.log" >"$dir/log/start.offset"; else echo 0 >"$dir/log/start.offset"; fi
    # Own session (setsid) so that Ctrl-C in the caller's terminal or a test runner's process-group kill
    # does not take the broker down; `stop` is the way to end it.
    local detach=(nohup)
    if command -v setsid >/dev/null 2>&1; then detach=(setsid nohup); fi
    # shellcheck disable=SC2086  # HEAP_OPTS is a list of JVM flags
    "${detach[@]}" "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true -Dkafka.logs.dir="$dir/log" -Dnewswatch.kafka.log.level="$LOG_LEVEL" \
        -Dlog4j.configuration="file:$dir/log4j.properties" \
        -cp "$LIB/*" kafka.Kafka "$dir/server.properties" \
        </dev/null >>"$dir/log/kafka.out" 2>&1 8>&- 9>&- &
    echo $! >"$dir/kafka.pid"
}

log_tail() {  # DIR [N]
    local dir=$1 n=${2:-40} f
    for f in "$dir/log/server.log" "$dir/log/kafka.out"; do
        if [[ -s "$f" ]]; then
            printf -- '----- last %s lines of %s\n' "$n" "$f" >&2
            tail -n "$n" "$f" >&2
        fi
    done
}

client_ready() {  # ADDRESS NODE_ID CLUSTER_ID -> 0 when the broker there serves metadata of our cluster listing itself
    local rc=0
    [[ -x "$PYTHON" ]] || return 0  # no venv: the open port plus the log line have to do
    "$PYTHON" - "$1" "$2" "$3" <<'PY' || rc=$?
import logging
import sys

logging.disable(logging.CRITICAL)
try:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError
except ImportError:
    sys.exit(0)  # no kafka-python: the open port plus the log line have to do

address, node_id, cluster_id = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    admin = KafkaAdminClient(bootstrap_servers=address, request_timeout_ms=5000)
    try:
        cluster = admin.describe_cluster()
    finally:
        admin.close()
except (KafkaError, OSError):
    sys.exit(1)  # not serving yet
except Exception as exc:  # a client API change must not hide a working broker
    print(f"kafka.sh: readiness check skipped ({type(exc).__name__}: {exc})", file=sys.stderr)
    sys.exit(3)
try:
    ours = cluster["cluster_id"] == cluster_id
    listed = any(b["broker_id"] == node_id for b in cluster["brokers"])
except (KeyError, TypeError) as exc:
    print(f"kafka.sh: readiness check skipped (unexpected metadata: {exc!r})", file=sys.stderr)
    sys.exit(3)
if not ours:
    print(f"{address} belongs to cluster {cluster['cluster_id']}, not {cluster_id}", file=sys.stderr)
    sys.exit(2)
sys.exit(0 if listed else 1)
PY
    case $rc in
        0 | 3) return 0 ;;
        2) die "another Kafka cluster answers on $1; stop it or choose other ports" ;;
        *) return 1 ;;
    esac
}

started_logged() {  # DIR -> 0 when this run's server log says the node has started
    local off
    off=$(cat "$1/log/start.offset" 2>/dev/null || echo 0)
    [[ -f "$1/log/server.log" ]] || return 1
    # A log rolled since launch is shorter than the offset; then read it whole.
    (($(wc -c <"$1/log/server.log") >= off)) || off=0
    # Process substitution, not a pipe: with pipefail an early `grep -q` exit would fail the pipe (SIGPIPE).
    grep -q -e 'Kafka Server started' -e 'Transition from STARTING to STARTED' \
        < <(tail -c +"$((off + 1))" "$1/log/server.log")
}

node_wait() {  # DIR PORT NODE_ID TIMEOUT -> waits for a started node; prints the log tail on failure
    local dir=$1 port=$2 id=$3 limit=$4 start=$SECONDS pid
    pid=$(cat "$dir/kafka.pid")
    while :; do
        # Plain liveness here: right after launch the process is still bash/nohup, not yet java.
        if ! kill -0 "$pid" 2>/dev/null; then
            log_tail "$dir"
            rm -f "$dir/kafka.pid"
            die "broker in $dir exited during start-up (logs above)"
        fi
        if port_open "$HOST" "$port" \
            && started_logged "$dir" \
            && client_ready "$HOST:$port" "$id" "$(cat "$dir/cluster.id")"; then
            return 0
        fi
        if ((SECONDS - start >= limit)); then
            log_tail "$dir" 60
            node_stop "$dir" "unready node (pid $pid)" >&2
            die "broker in $dir not ready on $HOST:$port after ${limit}s (logs above); stopped it"
        fi
        sleep 0.5
    done
}

node_stop() {  # DIR LABEL [TIMEOUT] -> SIGTERM, wait up to TIMEOUT (default STOP_TIMEOUT) seconds, then SIGKILL
    local dir=$1 label=$2 limit=${3:-$STOP_TIMEOUT} pid waited=0
    if ! pid=$(node_pid "$dir"); then
        rm -f "$dir/kafka.pid"
        say "$label not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((waited < limit * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$label (pid $pid) still alive after ${limit}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$dir/kafka.pid"
    say "$label stopped (pid $pid, $((waited / 10)).$((waited % 10)) s)"
}

node_start() {  # DIR NODE_ID PORT CONTROLLER_PORT VOTERS REPLICATION MIN_ISR CLUSTER_ID LABEL [nowait]
    local dir=$1 id=$2 port=$3 cport=$4 label=$9 wait=${10:-wait} pid
    # One start at a time per folder (parallel test workers): a second caller waits, then finds it running.
    mkdir -p "$dir"
    exec 9>"$dir/.start.lock"
    if command -v flock >/dev/null 2>&1; then
        flock -w $((START_TIMEOUT + 60)) 9 || die "another kafka.sh start for $dir is still busy"
    fi
    if pid=$(node_pid "$dir"); then
        local running_port
        running_port=$(configured_port "$dir" "$port")
        if [[ "$running_port" != "$port" ]]; then
            die "$label already running (pid $pid) on $HOST:$running_port, not $port; stop it first"
        fi
        if port_open "$HOST" "$port"; then
            say "$label already running (pid $pid) on $HOST:$port"
            return 0
        fi
        say "$label process $pid is alive but $HOST:$port does not answer yet; waiting"
        [[ "$wait" == wait ]] && node_wait "$dir" "$port" "$id" "$START_TIMEOUT"
        return 0
    fi
    rm -f "$dir/kafka.pid"
    local p
    for p in "$port" "$cport"; do
        if port_open "$HOST" "$p"; then
            die "$HOST:$p is already in use by another process (a broker from another data folder?); stop it or choose other ports with NEWSWATCH_KAFKA_PORT / NEWSWATCH_KAFKA_CONTROLLER_PORT"
        fi
    done
    cmd_fetch
    need_java
    node_configure "$@"
    node_launch "$dir"
    if [[ "$wait" == wait ]]; then
        local started=$SECONDS
        node_wait "$dir" "$port" "$id" "$START_TIMEOUT"
        say "$label ready on $HOST:$port (pid $(cat "$dir/kafka.pid"), $((SECONDS - started)) s, data $dir)"
    fi
}

configured_port() {  # DIR DEFAULT -> the client port in DIR/server.properties (what a running node really uses)
    local port
    port=$(sed -n 's|^listeners=PLAINTEXT://[^,]*:\([0-9]*\),.*|\1|p' "$1/server.properties" 2>/dev/null || true)
    echo "${port:-$2}"
}

node_status() {  # DIR PORT LABEL -> 0 running and answering, 1 running but not answering, 3 stopped
    local dir=$1 port=$2 label=$3 pid
    if pid=$(node_pid "$dir"); then
        port=$(configured_port "$dir" "$port")
        if port_open "$HOST" "$port"; then
            say "$label running (pid $pid) on $HOST:$port, data $dir"
            return 0
        fi
        say "$label process $pid alive but $HOST:$port not answering (starting or stuck; see logs)"
        return 1
    fi
    say "$label stopped (data $dir)"
    return 3
}

# ---------------------------------------------------------------- single node

single_start() {
    local cid
    cid=$(cat "$DATA/cluster.id" 2>/dev/null || new_cluster_id)
    node_start "$DATA" 1 "$PORT" "$CONTROLLER_PORT" "1@$HOST:$CONTROLLER_PORT" 1 1 "$cid" "broker"
}

safe_to_delete() {  # DIR -> refuses obviously wrong folders
    local dir
    dir=$(cd "$1" 2>/dev/null && pwd -P) || return 0  # nothing there to delete
    [[ -n "$dir" && "$dir" != / && "$dir" != "$(cd "$REPO" && pwd -P)" && "$dir" != "$(cd ~ && pwd -P)" ]] \
        || die "refusing to delete $1"
}

cmd_reset() {
    node_stop "$DATA" "broker"
    safe_to_delete "$DATA"
    rm -rf "$DATA"
    say "deleted $DATA"
}

cmd_logs() {  # DIR [-f] [N]
    local dir=$1 follow=0 n=100
    shift
    while (($#)); do
        case $1 in
            -f) follow=1 ;;
            *) n=$1 ;;
        esac
        shift
    done
    [[ -f "$dir/log/server.log" ]] || die "no log yet at $dir/log/server.log"
    if ((follow)); then
        exec tail -n "$n" -F "$dir/log/server.log"
    fi
    tail -n "$n" "$dir/log/server.log"
}

# ---------------------------------------------------------------- cluster (node K: ports K9092 / K9093)

cluster_size() {
    [[ -f "$CLUSTER_DATA/nodes" ]] || die "no cluster in $CLUSTER_DATA; run cluster-start first"
    cat "$CLUSTER_DATA/nodes"
}

cluster_voters() {  # N
    local k voters=""
    for ((k = 1; k <= $1; k++)); do voters+="${voters:+,}$k@$HOST:${k}9093"; done
    echo "$voters"
}

cluster_node_start() {  # K N [nowait]
    local k=$1 n=$2 rf=$(($2 < 3 ? $2 : 3)) isr=$(($2 < 2 ? 1 : 2))
    node_start "$CLUSTER_DATA/node$k" "$k" "${k}9092" "${k}9093" "$(cluster_voters "$n")" "$rf" "$isr" \
        "$(cat "$CLUSTER_DATA/cluster.id")" "node $k" "${3:-wait}"
}

cmd_cluster_start() {
    local n=${1:-3} k started=$SECONDS
    [[ "$n" =~ ^[1-5]$ ]] || die "cluster size must be 1..5 (ports K9092 must stay below 65536), got '$n'"
    mkdir -p "$CLUSTER_DATA"
    if [[ -f "$CLUSTER_DATA/nodes" && "$(cat "$CLUSTER_DATA/nodes")" != "$n" ]]; then
        die "$CLUSTER_DATA holds a $(cat "$CLUSTER_DATA/nodes")-node cluster; run cluster-reset to change its size"
    fi
    echo "$n" >"$CLUSTER_DATA/nodes"
    [[ -f "$CLUSTER_DATA/cluster.id" ]] || new_cluster_id >"$CLUSTER_DATA/cluster.id"
    cmd_fetch
    # Launch every node before waiting: a combined node only finishes start-up once a controller quorum exists.
    for ((k = 1; k <= n; k++)); do cluster_node_start "$k" "$n" nowait; done
    for ((k = 1; k <= n; k++)); do
        if ! (node_wait "$CLUSTER_DATA/node$k" "${k}9092" "$k" "$START_TIMEOUT"); then
            cmd_cluster_stop >&2
            die "cluster did not start; stopped every node"
        fi
    done
    say "cluster of $n ready in $((SECONDS - started)) s; bootstrap $(cluster_bootstrap "$n")"
}

cluster_bootstrap() {  # N
    local k out=""
    for ((k = 1; k <= $1; k++)); do out+="${out:+,}$HOST:${k}9092"; done
    echo "$out"
}

# A combined node shuts its broker down first, and that needs an acknowledgement from the active
# controller; once most nodes have exited there is no controller quorum left and the remaining
# brokers would wait minutes for it. So: SIGTERM every node at once, and when the quorum is gone
# give the stragglers QUORUM_LOST_GRACE seconds before SIGKILL (their data is on disk either way;
# the next start only runs log recovery).
QUORUM_LOST_GRACE=${NEWSWATCH_KAFKA_QUORUM_LOST_GRACE:-10}

cmd_cluster_stop() {
    [[ -f "$CLUSTER_DATA/nodes" ]] || { say "no cluster in $CLUSTER_DATA"; return 0; }
    local n k pid majority alive waited=0 lost_at=-1
    local -a pids=()
    n=$(cluster_size)
    majority=$((n / 2 + 1))
    for ((k = 1; k <= n; k++)); do
        if pid=$(node_pid "$CLUSTER_DATA/node$k"); then
            pids[k]=$pid
            kill -TERM "$pid" 2>/dev/null || true
        else
            rm -f "$CLUSTER_DATA/node$k/kafka.pid"
            say "node $k not running"
        fi
    done
    while :; do
        alive=0
        for k in "${!pids[@]}"; do
            if kill -0 "${pids[k]}" 2>/dev/null; then
                alive=$((alive + 1))
            else
                say "node $k stopped (pid ${pids[k]}, $((waited / 10)).$((waited % 10)) s)"
                rm -f "$CLUSTER_DATA/node$k/kafka.pid"
                unset "pids[k]"
            fi
        done
        ((alive > 0)) || break
        ((alive >= majority || lost_at >= 0)) || lost_at=$waited
        if ((waited >= STOP_TIMEOUT * 10 || (lost_at >= 0 && waited - lost_at >= QUORUM_LOST_GRACE * 10))); then
            for k in "${!pids[@]}"; do
                say "node $k (pid ${pids[k]}) cannot finish a controlled shutdown without a controller quorum; sending SIGKILL"
                kill -KILL "${pids[k]}" 2>/dev/null || true
            done
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

cluster_node_stop() {  # K -> when the other live nodes cannot form a quorum, a controlled shutdown cannot finish
    local k=$1 n others=0 j limit=$STOP_TIMEOUT
    n=$(cluster_size)
    for ((j = 1; j <= n; j++)); do
        if ((j != k)) && node_pid "$CLUSTER_DATA/node$j" >/dev/null; then others=$((others + 1)); fi
    done
    if ((others + 1 < n / 2 + 1)); then
        say "node $k: no controller quorum left (only $others other node(s) up); waiting at most ${QUORUM_LOST_GRACE}s"
        limit=$QUORUM_LOST_GRACE
    fi
    node_stop "$CLUSTER_DATA/node$k" "node $k" "$limit"
}

cmd_cluster_status() {
    local n k rc=0
    n=$(cluster_size)
    for ((k = 1; k <= n; k++)); do node_status "$CLUSTER_DATA/node$k" "${k}9092" "node $k" || rc=$?; done
    return "$rc"
}

node_arg() {  # K -> validates K against the cluster size
    local n
    n=$(cluster_size)
    [[ "${1:-}" =~ ^[0-9]+$ && "$1" -ge 1 && "$1" -le "$n" ]] || die "node number must be 1..$n, got '${1:-}'"
}

# ---------------------------------------------------------------- dispatch

main() {
    local cmd=${1:-help}
    shift || true
    case $cmd in
        fetch) cmd_fetch; say "jars ready in $LIB" ;;
        start) single_start ;;
        stop) node_stop "$DATA" "broker" ;;
        status) node_status "$DATA" "$PORT" "broker" ;;
        logs) cmd_logs "$DATA" "$@" ;;
        reset) cmd_reset ;;
        bootstrap) echo "$HOST:$PORT" ;;
        smoke)
            [[ -x "$PYTHON" ]] || die "no Python at $PYTHON (set NEWSWATCH_PYTHON); smoke needs kafka-python and aiokafka"
            exec "$PYTHON" "$SCRIPT_DIR/smoke.py" --bootstrap "$HOST:$PORT" "$@"
            ;;
        cluster-smoke)
            [[ -x "$PYTHON" ]] || die "no Python at $PYTHON (set NEWSWATCH_PYTHON); smoke needs kafka-python and aiokafka"
            exec "$PYTHON" "$SCRIPT_DIR/smoke.py" --bootstrap "$(cluster_bootstrap "$(cluster_size)")" \
                --replication "$(($(cluster_size) < 3 ? $(cluster_size) : 3))" --min-isr "$(($(cluster_size) < 2 ? 1 : 2))" "$@"
            ;;
        run-class)
            [[ $# -ge 1 ]] || die "usage: run-class CLASS [ARGS...]"
            cmd_fetch
            need_java
            exec "$JAVA" -Xmx512m -Dlog4j.configuration="file:$SCRIPT_DIR/tools-log4j.properties" \
                -cp "$LIB/*" "$@"
            ;;
        cluster-start) cmd_cluster_start "$@" ;;
        cluster-stop) cmd_cluster_stop ;;
        cluster-status) cmd_cluster_status ;;
        cluster-reset)
            cmd_cluster_stop
            safe_to_delete "$CLUSTER_DATA"
            rm -rf "$CLUSTER_DATA"
            say "deleted $CLUSTER_DATA"
            ;;
        cluster-bootstrap) cluster_bootstrap "$(cluster_size)" ;;
        node-stop) node_arg "${1:-}"; cluster_node_stop "$1" ;;
        node-start) node_arg "${1:-}"; cluster_node_start "$1" "$(cluster_size)" ;;
        node-logs) node_arg "${1:-}"; cmd_logs "$CLUSTER_DATA/node$1" "${@:2}" ;;
        help | -h | --help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
