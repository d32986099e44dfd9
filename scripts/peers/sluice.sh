# start_sluice LABEL [NODE_FLAGS...]: one Sluice broker on loopback with its defaults
# (acks=all answers after fsync). Sets SLUICE_ADDR. Sourced by bench-compare.sh.
start_sluice() {
  local label="$1"; shift
  local dir="$WORK_DIR/$label" grpc http
  grpc="$(free_port)"; http="$(free_port)"
  mkdir -p "$dir"
  if [ ! -f "$ROOT/dist/src/cli/main.js" ] || [ ! -f "$ROOT/dist/src/broker/main.js" ]; then
    log "the Sluice broker is not built (dist/src/broker/main.js missing)"
    return 1
  fi
  start_process "$label" "$dir/broker.log" node "$@" "$ROOT/dist/src/cli/main.js" broker \
    --data-dir "$dir/data" --grpc-port "$grpc" --http-port "$http"
  SLUICE_ADDR="127.0.0.1:$grpc"
  SLUICE_LOG="$dir/broker.log"
  wait_until "$label" 30 http_ok "http://127.0.0.1:$http/readyz"
}
