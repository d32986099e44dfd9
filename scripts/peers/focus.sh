#!/usr/bin/env bash
# focus.sh WORK_DIR SYSTEM: gives SYSTEM the machine for its steps of a comparison. Every other
# system's servers (pids recorded by start_process in WORK_DIR/pids/) are stopped with SIGSTOP,
# SYSTEM's are continued, and the dirty pages the others left are written back first.
# Otherwise the systems measured last share the 2 cores and the disk with the idle-but-not-quite
# servers measured before them (Raft heartbeats of JetStream's streams, Redis's AOF, writeback).
set -euo pipefail
work_dir="$1" system="$2"
[ -d "$work_dir/pids" ] || { echo "focus.sh: no $work_dir/pids" >&2; exit 1; }
for file in "$work_dir"/pids/*; do
  name="$(basename "$file")"
  [ "$name" = "$system" ] && continue
  while read -r pid; do kill -STOP "$pid" 2>/dev/null || true; done <"$file"
done
sync
if [ -f "$work_dir/pids/$system" ]; then
  stopped=0
  while read -r pid; do
    if [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ]; then stopped=1; fi
    kill -CONT "$pid" 2>/dev/null || true
  done <"$work_dir/pids/$system"
  # Servers that were stopped find their peers silent for as long: let their heartbeats and
  # any election settle before the driver creates its topic or stream.
  if [ "$stopped" = 1 ]; then sleep "${FOCUS_SETTLE_S:-5}"; fi
fi
# Then every readiness URL the system's start recorded (record_ready_url in lib.sh) must answer 200.
if [ -f "$work_dir/ready/$system" ]; then
  deadline=$((SECONDS + ${FOCUS_READY_TIMEOUT_S:-60}))
  while read -r url; do
    until node -e "require('http').get(process.argv[1],r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))" "$url" </dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "focus.sh: $system is not ready after ${FOCUS_READY_TIMEOUT_S:-60} s ($url does not answer 200)" >&2
        exit 1
      fi
      sleep 0.5
    done
  done <"$work_dir/ready/$system"
fi
echo "[sluice-bench] focus on $system: the other systems' servers are stopped (SIGSTOP)" >&2
