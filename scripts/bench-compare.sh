#!/usr/bin/env bash
# Sluice side by side with NATS JetStream and Redis Streams, in one run, on this machine.
#
# Starts every system on 127.0.0.1 (free ports, a temp dir), runs the same workloads through
# each system's Node client (`sluice bench compare`; the peers' drivers are in
# scripts/bench-compare/, not in sluice), prints figures with Sluice / peer ratios and writes
# JSON, a markdown table and SVG charts to bench-results/. Each system has the machine
# to itself for its steps: the others' servers are paused (SIGSTOP, scripts/peers/focus.sh).
# Stops and removes everything it started on exit, whatever happens.
#
#   bash scripts/bench-compare.sh                 # full sizes (1M × 100 B, 250k × 1 KB, paced runs
#                                                 # of 20 s, each 3 times: the median run is the row)
#   bash scripts/bench-compare.sh --scale 0.1 --e2e-seconds 5 --e2e-runs 1    # a quick run
#   BENCH_SYSTEMS="sluice redis-always" bash scripts/bench-compare.sh   # a subset
#   BENCH_SYSTEMS="sluice" BENCH_CPU_PROFILE=1 bash scripts/bench-compare.sh   # + broker CPU profile
#
# Durability of an acknowledged write, per row (the labels say the same):
#   sluice          acks=all, fsync (group commit) before the ack; 1 broker
#   redis-always    AOF with appendfsync always: fsync before the reply
#   redis-everysec  AOF with appendfsync everysec: the last ~1 s of acknowledged writes can be lost
#   jetstream       file storage, default sync: the ack comes before any fsync (weaker than Sluice)
#   jetstream-r3    3 servers, replicas=3: acked by a quorum, default sync (no fsync before the ack)
#   sluice-rf3      3 brokers, RF=3, acks=all: fsynced on a majority (2 of 3) before the ack
#   sluice-interval, sluice-rf3-interval   the same brokers, topics with flush.policy=interval:
#                   written (not fsynced) on a majority before the ack, fsync every 1 s — the
#                   durability of redis-everysec, jetstream and jetstream-r3, which are compared
#                   with these rows (the fsync rows are shown beside them)
#
# Each Sluice run's notes say what every broker did during it (CPU, mean produce, Raft commit and
# persist times from its /metrics: src/cli/bench/server-stats.ts).
#
# Every Sluice run waits, before timing, until each partition of the fresh topic has a leader and
# an acks=all produce to it succeeded (the bench's warm-up), so leader elections are not timed.
set -euo pipefail
source "$(dirname "$0")/peers/lib.sh"
source "$(dirname "$0")/peers/redis.sh"
source "$(dirname "$0")/peers/nats.sh"
source "$(dirname "$0")/peers/sluice.sh"

ALL_SYSTEMS="sluice sluice-interval redis-always redis-everysec jetstream jetstream-r3 sluice-rf3 sluice-rf3-interval"
SYSTEMS="${BENCH_SYSTEMS:-$ALL_SYSTEMS}"
wants() { [[ " $SYSTEMS " == *" $1 "* ]]; }
for system in $SYSTEMS; do
  if [[ " $ALL_SYSTEMS " != *" $system "* ]]; then
    echo "bench-compare: BENCH_SYSTEMS names '$system', which is not one of: $ALL_SYSTEMS" >&2
    exit 2
  fi
done
if [ -z "${SYSTEMS// /}" ]; then echo "bench-compare: BENCH_SYSTEMS is empty: name at least one of: $ALL_SYSTEMS" >&2; exit 2; fi

trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_build
if wants redis-always || wants redis-everysec; then ensure_debian_package redis-server redis-server; fi
if wants jetstream || wants jetstream-r3; then ensure_debian_package nats-server nats-server; fi
ensure_debian_package rsvg-convert librsvg2-bin || true
make_work_dir
log "work dir $WORK_DIR"

TARGETS=()
UNAVAILABLE=()
COMPARE_WITH=()
INTERVAL_CONFIG="flush.policy=interval,flush.interval.ms=1000"
INTERVAL_DURABILITY="acks=all, flush.policy=interval: written (not fsynced) before ack, fsync every 1 s"
if wants sluice || wants sluice-interval; then
  profile_flags=()
  if [ -n "${BENCH_CPU_PROFILE:-}" ]; then
    mkdir -p "$ROOT/bench-results"
    profile_flags=(--cpu-prof --cpu-prof-dir "$ROOT/bench-results/cpu-profile")
  fi
  if start_sluice sluice "${profile_flags[@]}"; then
    if wants sluice; then TARGETS+=(--target "sluice|sluice|$SLUICE_ADDR|acks=all, fsync (group commit) before ack, 1 broker||$SLUICE_HTTP_ADDR"); fi
    if wants sluice-interval; then
      share_servers sluice-interval sluice
      TARGETS+=(--target "sluice-interval|sluice|$SLUICE_ADDR|$INTERVAL_DURABILITY, 1 broker|$INTERVAL_CONFIG|$SLUICE_HTTP_ADDR")
      COMPARE_WITH+=(--compare-with jetstream=sluice-interval --compare-with redis-everysec=sluice-interval)
    fi
  else
    UNAVAILABLE+=(--unavailable "sluice|acks=all, fsync before ack|broker did not start (see its log)")
  fi
fi
if wants redis-always && start_redis redis-always always; then
  TARGETS+=(--target "redis-always|redis|127.0.0.1:$REDIS_PORT|AOF appendfsync always: fsync before reply")
fi
if wants redis-everysec && start_redis redis-everysec everysec; then
  TARGETS+=(--target "redis-everysec|redis|127.0.0.1:$REDIS_PORT|AOF appendfsync everysec: last ~1 s of acked writes may be lost")
fi
if wants jetstream && start_nats jetstream; then
  TARGETS+=(--target "jetstream|nats|$NATS_URL|file storage, default sync: acked before fsync (weaker than Sluice)")
fi
if wants jetstream-r3 && start_nats_cluster jetstream-r3; then
  TARGETS+=(--target "jetstream-r3|nats-r3|$NATS_CLUSTER_URLS|3 servers, replicas=3, quorum ack, default sync (no fsync before ack)")
fi
if wants sluice-rf3 || wants sluice-rf3-interval; then
  rf3_profile_flags=()
  if [ -n "${BENCH_CPU_PROFILE:-}" ]; then
    rf3_profile_flags=(--cpu-prof --cpu-prof-dir "$ROOT/bench-results/cpu-profile-rf3")
  fi
  if start_sluice_cluster sluice-rf3 "${rf3_profile_flags[@]}"; then
    if wants sluice-rf3; then TARGETS+=(--target "sluice-rf3|sluice-rf3|$SLUICE_CLUSTER_ADDRS|3 brokers, RF=3, acks=all: fsynced on a majority (2 of 3) before ack||$SLUICE_CLUSTER_HTTP_ADDRS"); fi
    if wants sluice-rf3-interval; then
      share_servers sluice-rf3-interval sluice-rf3
      TARGETS+=(--target "sluice-rf3-interval|sluice-rf3|$SLUICE_CLUSTER_ADDRS|3 brokers, RF=3, $INTERVAL_DURABILITY on a majority|$INTERVAL_CONFIG|$SLUICE_CLUSTER_HTTP_ADDRS")
      COMPARE_WITH+=(--compare-with jetstream-r3=sluice-rf3-interval)
    fi
  else
    UNAVAILABLE+=(--unavailable "sluice-rf3|3 brokers, RF=3, acks=all|cluster did not start (see its logs)")
  fi
fi

if [ "${#TARGETS[@]}" = 0 ]; then log "no system started"; exit 1; fi
cd "$ROOT"
status=0
PARTIAL=()
[ -n "${BENCH_SYSTEMS:-}" ] && PARTIAL=(--partial)
node dist/src/cli/bench/main.js compare "${TARGETS[@]}" "${UNAVAILABLE[@]}" "${COMPARE_WITH[@]}" --out-dir bench-results --no-progress "${PARTIAL[@]}" \
  --peer-drivers dist/scripts/bench-compare/peer-drivers.js --before-each "bash scripts/peers/focus.sh $WORK_DIR" "$@" || status=$?

if command -v rsvg-convert >/dev/null 2>&1; then
  for svg in bench-results/compare-latest-*.svg; do
    [ -f "$svg" ] && rsvg-convert "$svg" -o "${svg%.svg}.png"
  done
fi
if [ -n "${BENCH_CPU_PROFILE:-}" ]; then
  cleanup   # brokers write their profiles when they exit
  if wants sluice; then
    latest="$(ls -t "$ROOT"/bench-results/cpu-profile/*.cpuprofile 2>/dev/null | head -1 || true)"
    if [ -n "$latest" ]; then
      log "broker CPU profile: $latest"
      node dist/src/cli/bench/main.js profile-summary "$latest" --top 25
    fi
  fi
  if wants sluice-rf3; then
    for i in 1 2 3; do
      latest="$(ls -t "$ROOT"/bench-results/cpu-profile-rf3/node-$i/*.cpuprofile 2>/dev/null | head -1 || true)"
      [ -n "$latest" ] || continue
      log "sluice-rf3 broker $i CPU profile: $latest"
      node dist/src/cli/bench/main.js profile-summary "$latest" --top 15
    done
  fi
fi
exit "$status"
