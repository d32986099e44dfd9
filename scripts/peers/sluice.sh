# broker_node_flags: the V8 flags a broker starts with (src/common/broker-node-flags.ts), one per line.
broker_node_flags() {
  node -e "for (const f of require('$ROOT/dist/src/common/broker-node-flags.js').BROKER_NODE_FLAGS) console.log(f)"
}

# start_sluice LABEL [NODE_FLAGS...]: one Sluice broker on loopback with its defaults
# (acks=all answers after fsync). Sets SLUICE_ADDR and SLUICE_HTTP_ADDR. Sourced by bench-compare.sh.
start_sluice() {
  local label="$1"; shift
  local dir="$WORK_DIR/$label" grpc http
  grpc="$(free_port)"; http="$(free_port)"
  mkdir -p "$dir"
  if [ ! -f "$ROOT/dist/src/cli/main.js" ] || [ ! -f "$ROOT/dist/src/broker/main.js" ]; then
    log "the Sluice broker is not built (dist/src/broker/main.js missing)"
    return 1
  fi
  local heap_flags
  mapfile -t heap_flags < <(broker_node_flags)
  start_process "$label" "$dir/broker.log" node "${heap_flags[@]}" "$@" "$ROOT/dist/src/cli/main.js" broker \
    --data-dir "$dir/data" --grpc-port "$grpc" --http-port "$http"
  SLUICE_ADDR="127.0.0.1:$grpc"
  SLUICE_HTTP_ADDR="127.0.0.1:$http"
  SLUICE_LOG="$dir/broker.log"
  await_ready "$label" 30 "http://127.0.0.1:$http/readyz"
}

# start_sluice_cluster LABEL [NODE_FLAGS...]: three Sluice brokers of one cluster on loopback
# (cluster file written to the work dir, free ports, racks a/b/c). Waits for /readyz on each and
# then for a metadata leader (DescribeCluster controllerId != 0), both bounded. Sets
# SLUICE_CLUSTER_ADDRS and SLUICE_CLUSTER_HTTP_ADDRS (comma-separated) and SLUICE_CLUSTER_DIR. With NODE_FLAGS containing
# --cpu-prof-dir DIR, each broker writes its profile to DIR/node-N.
start_sluice_cluster() {
  local label="$1"; shift
  local dir="$WORK_DIR/$label" i
  if [ ! -f "$ROOT/dist/src/cli/main.js" ] || [ ! -f "$ROOT/dist/src/broker/main.js" ]; then
    log "the Sluice broker is not built (dist/src/broker/main.js missing)"
    return 1
  fi
  mkdir -p "$dir"
  local ports=()
  while [ "${#ports[@]}" -lt 6 ]; do   # 3 gRPC + 3 HTTP, all distinct
    local p; p="$(free_port)"
    [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
  done
  local racks=(a b c) brokers_json=""
  SLUICE_CLUSTER_ADDRS=""
  SLUICE_CLUSTER_HTTP_ADDRS=""
  for i in 0 1 2; do
    brokers_json+="${brokers_json:+,}"$'\n'"    { \"id\": $((i + 1)), \"host\": \"127.0.0.1\", \"grpcPort\": ${ports[$i]}, \"httpPort\": ${ports[$((i + 3))]}, \"rack\": \"${racks[$i]}\" }"
    SLUICE_CLUSTER_ADDRS+="${SLUICE_CLUSTER_ADDRS:+,}127.0.0.1:${ports[$i]}"
    SLUICE_CLUSTER_HTTP_ADDRS+="${SLUICE_CLUSTER_HTTP_ADDRS:+,}127.0.0.1:${ports[$((i + 3))]}"
  done
  printf '{\n  "clusterId": "bench-%s",\n  "brokers": [%s\n  ]\n}\n' "$label" "$brokers_json" >"$dir/cluster.json"
  SLUICE_CLUSTER_DIR="$dir"
  local heap_flags
  mapfile -t heap_flags < <(broker_node_flags)
  for i in 1 2 3; do
    local flags=("${heap_flags[@]}" "$@") k
    for k in "${!flags[@]}"; do   # one profile directory per broker
      if [ "${flags[$k]}" = "--cpu-prof-dir" ]; then flags[$((k + 1))]="${flags[$((k + 1))]}/node-$i"; fi
    done
    start_process "${label}-n$i" "$dir/node-$i.log" node "${flags[@]}" "$ROOT/dist/src/cli/main.js" broker \
      --cluster "$dir/cluster.json" --node-id "$i" --data-dir "$dir/node-$i"
  done
  for i in 0 1 2; do
    if ! await_ready "${label}-n$((i + 1))" 30 "http://127.0.0.1:${ports[$((i + 3))]}/readyz"; then
      tail -n 20 "$dir/node-$((i + 1)).log" >&2 || true
      return 1
    fi
  done
  if ! wait_until "$label metadata leader" 30 sluice_has_controller "$SLUICE_CLUSTER_ADDRS"; then
    for i in 1 2 3; do tail -n 5 "$dir/node-$i.log" >&2 || true; done
    return 1
  fi
  log "$label: metadata leader elected ($SLUICE_CLUSTER_ADDRS)"
}

# sluice_has_controller ADDRS: succeeds when DescribeCluster reports a controller (id != 0).
sluice_has_controller() {
  node -e "
    const { SluiceClient } = require(process.argv[1]);
    const client = new SluiceClient({ brokers: process.argv[2].split(','), clientId: 'bench-compare' });
    const give = (ok) => client.close().catch(() => {}).finally(() => process.exit(ok ? 0 : 1));
    setTimeout(() => process.exit(1), 3000).unref();
    client.admin().describeCluster().then((c) => give(c.controllerId !== 0), () => give(false));
  " "$ROOT/dist/src/client/index.js" "$1"
}
