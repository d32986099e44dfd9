# NATS JetStream on loopback: one server, or a 3-server cluster (routes on loopback). File
# storage with the server's default sync policy. Sourced by bench-compare.sh.

# start_nats LABEL: sets NATS_URL.
start_nats() {
  local label="$1"
  local dir="$WORK_DIR/$label" port monitor
  port="$(free_port)"; monitor="$(free_port)"
  mkdir -p "$dir/store"
  cat >"$dir/nats.conf" <<CONF
server_name: $label
listen: 127.0.0.1:$port
http: 127.0.0.1:$monitor
jetstream {
  store_dir: "$dir/store"
}
CONF
  start_process "$label" "$dir/nats.log" nats-server -c "$dir/nats.conf"
  NATS_URL="127.0.0.1:$port"
  await_ready "$label" 20 "http://127.0.0.1:$monitor/healthz?js-enabled-only=true"
}

# start_nats_cluster LABEL: three servers with cluster routes; sets NATS_CLUSTER_URLS (comma-separated).
start_nats_cluster() {
  local label="$1" i j
  local ports=() monitors=() routes=()
  for i in 1 2 3; do ports+=("$(free_port)"); monitors+=("$(free_port)"); routes+=("$(free_port)"); done
  NATS_CLUSTER_URLS=""
  for i in 0 1 2; do
    local dir="$WORK_DIR/$label/n$((i + 1))"
    mkdir -p "$dir/store"
    local route_list=""
    for j in 0 1 2; do
      [ "$j" = "$i" ] && continue
      route_list+="    nats-route://127.0.0.1:${routes[$j]}"$'\n'
    done
    cat >"$dir/nats.conf" <<CONF
server_name: ${label}-n$((i + 1))
listen: 127.0.0.1:${ports[$i]}
http: 127.0.0.1:${monitors[$i]}
jetstream {
  store_dir: "$dir/store"
}
cluster {
  name: $label
  listen: 127.0.0.1:${routes[$i]}
  routes: [
$route_list  ]
}
CONF
    start_process "${label}-n$((i + 1))" "$dir/nats.log" nats-server -c "$dir/nats.conf"
    NATS_CLUSTER_URLS+="${NATS_CLUSTER_URLS:+,}127.0.0.1:${ports[$i]}"
  done
  # Ready when every server reports JetStream healthy (a meta leader has been elected).
  for i in 0 1 2; do
    await_ready "${label}-n$((i + 1))" 30 "http://127.0.0.1:${monitors[$i]}/healthz" || return 1
  done
}
