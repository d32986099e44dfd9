#!/usr/bin/env bash
# focus.sh WORK_DIR SYSTEM: gives SYSTEM the machine for its steps of a comparison. Every other
# system's servers (pids recorded by start_process in WORK_DIR/pids/) are stopped with SIGSTOP,
# SYSTEM's are continued, and the dirty pages the others left are written back first.
# Otherwise the systems measured last share the 2 cores and the disk with the idle-but-not-quite
# servers measured before them (Raft heartbeats of JetStream's streams, Redis's AOF, writeback).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work_dir="$1" system="$2"
[ -d "$work_dir/pids" ] || { echo "focus.sh: no $work_dir/pids" >&2; exit 1; }
# A row measured on another system's servers (share_servers in lib.sh) focuses on that system.
if [ -f "$work_dir/alias/$system" ]; then system="$(cat "$work_dir/alias/$system")"; fi
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
# Then each readiness URL the system's start recorded (await_ready in lib.sh) must answer 200.
if [ -f "$work_dir/ready/$system" ]; then
  mapfile -t urls <"$work_dir/ready/$system"
  for url in "${urls[@]}"; do
    wait_until "$system ($url)" "${FOCUS_READY_TIMEOUT_S:-60}" http_ok "$url" || exit 1
  done
fi
echo "[sluice-bench] focus on $system: the other systems' servers are stopped (SIGSTOP)" >&2
