# Shared helpers of scripts/bench-compare.sh and scripts/peers/*.sh (sourced, not run).
# Everything listens on 127.0.0.1 only; every process started is recorded and stopped on exit.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STARTED_PIDS=()
WORK_DIR=""

log() { printf '[sluice-bench] %s\n' "$*" >&2; }

# Installs Debian packages that are missing (`ensure_debian_package nats-server nats-server`:
# command to look for, package that ships it). Says so when Debian has no such package.
ensure_debian_package() {
  local command_name="$1" package="$2"
  command -v "$command_name" >/dev/null 2>&1 && return 0
  log "$command_name missing: installing Debian package $package"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null 2>&1 || true; APT_UPDATED=1; fi
  # Read the policy whole before matching: `apt-cache policy | grep -q` under pipefail fails when
  # grep exits at the match and apt-cache, still writing, dies of SIGPIPE.
  local policy
  policy="$(apt-cache policy "$package" 2>/dev/null || true)"
  if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
    log "Debian has no package $package: install $command_name another way"
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
}

# Builds dist/ when it is missing or older than a TypeScript source.
ensure_build() {
  cd "$ROOT"
  if [ ! -d node_modules ]; then npm ci --no-audit --no-fund >/dev/null; fi
  local stamp=dist/src/cli/bench/command.js
  if [ ! -f "$stamp" ] || [ ! -f dist/scripts/bench-compare/peer-drivers.js ] || [ -n "$(find src scripts -name '*.ts' -newer "$stamp" -print -quit)" ]; then
    log "building (tsc)"
    npx tsc -p tsconfig.json >&2 || log "tsc reported errors (see above); running what was emitted"
  fi
}

# Prints a free TCP port on 127.0.0.1.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

make_work_dir() {
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")"
}

# start_process NAME LOGFILE COMMAND...: runs it in the background and records its pid, also in
# $WORK_DIR/pids/<system> (NAME without a -nN node suffix) for scripts/peers/focus.sh.
# Each server gets a session of its own (setsid): focus.sh keeps servers stopped with SIGSTOP, and
# when the shell that started the comparison exits (a logout, a nohup'd run whose terminal goes),
# the kernel sends SIGHUP to a process group left with stopped members, which killed a stopped
# 3-broker cluster (Node dies on SIGHUP) in a run on 2026-12-06. (A script has no job control, so
# setsid execs in place and $! is the server's pid.)
start_process() {
  local name="$1" logfile="$2"; shift 2
  setsid "$@" >"$logfile" 2>&1 </dev/null &
  local pid=$!
  STARTED_PIDS+=("$pid")
  record_for_system pids "$name" "$pid"
  log "started $name (pid $pid)"
}

# record_for_system KIND NAME LINE: appends LINE to $WORK_DIR/KIND/<system>, the system being
# NAME without a -nN node suffix (what scripts/peers/focus.sh reads).
record_for_system() {
  mkdir -p "$WORK_DIR/$1"
  echo "$3" >>"$WORK_DIR/$1/${2%-n[0-9]*}"
}

# share_servers NAME SYSTEM: NAME is measured on SYSTEM's servers (the same brokers, other topic
# configs), so focusing on NAME (scripts/peers/focus.sh) focuses on SYSTEM.
share_servers() {
  mkdir -p "$WORK_DIR/alias"
  echo "$2" >"$WORK_DIR/alias/$1"
}

# await_ready NAME SECONDS URL: waits until URL answers 200 and records it, so that focus.sh waits
# for it again after continuing NAME's system. Servers stopped for minutes can need longer than
# the settle time: in one run a JetStream cluster answered every request with 503 after it, and
# all its rows went unmeasured.
await_ready() {
  wait_until "$1" "$2" http_ok "$3" || return 1
  record_for_system ready "$1" "$3"
}

# Stops every recorded process: SIGTERM, up to 10 s, then SIGKILL. Removes the work dir.
cleanup() {
  local pid
  # A stopped process (focus.sh) would not act on SIGTERM before it is continued.
  for pid in "${STARTED_PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in "${STARTED_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${STARTED_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  STARTED_PIDS=()
  if [ -n "$WORK_DIR" ] && [ -z "${KEEP_WORK_DIR:-}" ]; then rm -rf "$WORK_DIR"; fi
}

# wait_until DESCRIPTION SECONDS COMMAND...: polls COMMAND every 0.2 s, at most SECONDS.
wait_until() {
  local what="$1" seconds="$2"; shift 2
  local tries=$((seconds * 5))
  for _ in $(seq 1 "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  log "$what not ready after ${seconds}s"
  return 1
}

http_ok() { node -e "require('http').get(process.argv[1],r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))" "$1"; }
