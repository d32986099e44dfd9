#!/usr/bin/env bash
# Start, stop and disturb a local Sluice cluster described by a cluster/*.json file.
#
#   scripts/cluster.sh up|down|status [definition]
#   scripts/cluster.sh kill|restart|pause|resume|join N [definition]
#
# definition defaults to cluster/three-node.json. Each broker runs as
#   bin/sluice broker --cluster <definition> --node-id N --data-dir .cluster/<id>/node-N
# logging to .cluster/<id>/node-N.log, its pid in .cluster/<id>/node-N.pid, where <id> is the
# definition's clusterId (so a larger definition of the same cluster finds its brokers). Loopback only.
#   up       build if dist/ is missing, start every broker not running, wait for each /readyz
#   down     SIGTERM every broker, kill -9 what is left after SLUICE_STOP_WAIT_S (default 15) seconds
#   status   per broker: pid alive?, /readyz; then `sluice cluster status` if a broker answers
#   kill N   kill -9 broker N (a crash)       restart N  stop broker N (SIGTERM) and start it again
#   pause N  SIGSTOP broker N (a hung node)   resume N   SIGCONT broker N
#   join N   start broker N, listed in this definition, as a broker added to the running cluster
#            (e.g. join 4 cluster/three-node-plus-one.json), then move replicas with sluice cluster
# Env: SLUICE_READY_WAIT_S (default 30) bounds the wait for /readyz.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

die() { echo "cluster.sh: $*" >&2; exit 1; }

command="${1:-}"
[[ -n "$command" ]] || usage
shift
node_id=""
case "$command" in
  kill|restart|pause|resume|join)
    node_id="${1:-}"
    [[ "$node_id" =~ ^[1-9][0-9]*$ ]] || die "$command needs a broker id (an integer >= 1), got '${node_id}'"
    shift ;;
  up|down|status) ;;
  -h|--help|help) usage ;;
  *) die "unknown command '$command': use up, down, status, kill N, restart N, pause N, resume N or join N" ;;
esac
definition="${1:-cluster/three-node.json}"
[[ $# -le 1 ]] || die "too many arguments: $*"
[[ -f "$definition" ]] || die "cluster definition '$definition' does not exist (see cluster/*.json)"

# id grpcPort httpPort host, one broker per line, from the definition (validated by node).
brokers="$(node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!Array.isArray(d.brokers) || d.brokers.length === 0) { console.error("no brokers in " + process.argv[1]); process.exit(1); }
  for (const b of d.brokers) {
    if (!Number.isInteger(b.id) || !Number.isInteger(b.grpcPort) || !Number.isInteger(b.httpPort)) { console.error("broker needs integer id, grpcPort, httpPort: " + JSON.stringify(b)); process.exit(1); }
    if (b.host !== "127.0.0.1" && b.host !== "localhost") { console.error("cluster.sh runs loopback clusters only; broker " + b.id + " has host " + b.host); process.exit(1); }
    console.log(b.id, b.grpcPort, b.httpPort, b.host);
  }' "$definition")" || die "cannot use cluster definition '$definition'"
name="$(node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(String(d.clusterId ?? "sluice").replace(/[^A-Za-z0-9._-]/g, "_"))' "$definition")"
state_dir=".cluster/$name"
mkdir -p "$state_dir"

broker_line() {
  local line
  line="$(awk -v id="$1" '$1 == id' <<<"$brokers")"
  [[ -n "$line" ]] || die "broker $1 is not in $definition (brokers: $(awk '{print $1}' <<<"$brokers" | paste -sd, -))"
  echo "$line"
}
pid_file() { echo "$state_dir/node-$1.pid"; }
log_file() { echo "$state_dir/node-$1.log"; }

# Prints the pid of broker $1 when it is running; removes a stale pid file.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  rm -f "$file"
  return 1
}

ready() {
  local http_port="$1"
  curl -fsS --max-time 2 "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1
}

ensure_built() {
  [[ -f dist/src/cli/main.js ]] && return 0
  echo "building (dist/ is missing)..."
  npx tsc -p tsconfig.json || [[ -f dist/src/cli/main.js ]] || die "build failed"
}

start_broker() {
  local id="$1" extra="${2:-}" pid
  if pid="$(running_pid "$id")"; then echo "broker $id already running (pid $pid)"; return 0; fi
  mkdir -p "$state_dir/node-$id"
  # A session of its own (setsid), not nohup: Node resets SIGHUP to its default at start-up, so
  # nohup does not keep it alive; setsid keeps the terminal's hangup from reaching it at all.
  # (A script has no job control, so setsid execs in place and $! is node's pid.)
  # shellcheck disable=SC2086 # $extra is empty or one flag
  setsid bin/sluice broker --cluster "$definition" --node-id "$id" --data-dir "$state_dir/node-$id" $extra \
    >>"$(log_file "$id")" 2>&1 </dev/null &
  echo $! >"$(pid_file "$id")"
  echo "broker $id starting (pid $!, log $(log_file "$id"))"
}

wait_ready() {
  local id="$1" http_port="$2" wait_s="${SLUICE_READY_WAIT_S:-30}" waited=0
  until ready "$http_port"; do
    if ! running_pid "$id" >/dev/null; then
      echo "cluster.sh: broker $id exited during start; last lines of $(log_file "$id"):" >&2
      tail -n 20 "$(log_file "$id")" >&2 || true
      return 1
    fi
    if (( waited >= wait_s * 10 )); then
      echo "cluster.sh: broker $id not ready on http://127.0.0.1:$http_port/readyz after ${wait_s}s; last lines of $(log_file "$id"):" >&2
      tail -n 20 "$(log_file "$id")" >&2 || true
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "broker $id ready"
}

stop_broker() {
  local id="$1" pid wait_s="${SLUICE_STOP_WAIT_S:-15}" waited=0
  pid="$(running_pid "$id")" || { echo "broker $id not running"; return 0; }
  kill -CONT "$pid" 2>/dev/null || true   # a paused broker cannot handle SIGTERM
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= wait_s * 10 )); then
      echo "broker $id (pid $pid) still running after ${wait_s}s: kill -9"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$(pid_file "$id")"
  echo "broker $id stopped"
}

signal_broker() {
  local id="$1" signal="$2" pid
  broker_line "$id" >/dev/null
  pid="$(running_pid "$id")" || die "broker $id is not running"
  kill "-$signal" "$pid"
  if [[ "$signal" == KILL ]]; then rm -f "$(pid_file "$id")"; fi
  echo "broker $id (pid $pid): SIG$signal"
}

case "$command" in
  up)
    ensure_built
    while read -r id _grpc _http _host; do start_broker "$id"; done <<<"$brokers"
    failed=0
    while read -r id _grpc http _host; do wait_ready "$id" "$http" || failed=1; done <<<"$brokers"
    (( failed == 0 )) || die "cluster '$name' did not come up (scripts/cluster.sh down $definition stops what started)"
    echo "cluster '$name' is up: bin/sluice --brokers $(awk '{printf "%s127.0.0.1:%s", (NR>1?",":""), $2}' <<<"$brokers") cluster status"
    ;;
  down)
    while read -r id _rest; do stop_broker "$id"; done <<<"$brokers"
    ;;
  status)
    addresses=""
    while read -r id grpc http _host; do
      if pid="$(running_pid "$id")"; then
        state="$(ps -o state= -p "$pid" 2>/dev/null | tr -d ' ')"
        alive="running (pid $pid)"; [[ "$state" == T* ]] && alive="paused (pid $pid)"
      else
        alive="not running"
      fi
      if ready "$http"; then readiness="ready"; else readiness="not ready"; fi
      printf 'broker %s  127.0.0.1:%s  http %s  %s  %s\n' "$id" "$grpc" "$http" "$alive" "$readiness"
      addresses+="${addresses:+,}127.0.0.1:$grpc"
    done <<<"$brokers"
    if [[ -f dist/src/cli/main.js ]] && ls "$state_dir"/node-*.pid >/dev/null 2>&1; then
      echo
      SLUICE_LOG_LEVEL=silent timeout 20 node dist/src/cli/main.js --brokers "$addresses" cluster status || echo "(sluice cluster status: no broker answered)"
    fi
    ;;
  join)
    line="$(broker_line "$node_id")"
    ensure_built
    start_broker "$node_id" --join
    wait_ready "$node_id" "$(awk '{print $3}' <<<"$line")" || die "broker $node_id did not start"
    echo "broker $node_id joined cluster '$name': move replicas onto it with bin/sluice cluster reassign, or drain another broker"
    ;;
  kill) signal_broker "$node_id" KILL ;;
  pause) signal_broker "$node_id" STOP ;;
  resume) signal_broker "$node_id" CONT ;;
  restart)
    line="$(broker_line "$node_id")"
    ensure_built
    stop_broker "$node_id"
    start_broker "$node_id"
    wait_ready "$node_id" "$(awk '{print $3}' <<<"$line")" || die "broker $node_id did not come back"
    ;;
esac
