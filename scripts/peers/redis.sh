# start_redis LABEL APPENDFSYNC: a Redis with AOF on (appendonly yes) and the given fsync policy,
# otherwise Redis's defaults. Sets REDIS_PORT. Sourced by bench-compare.sh.
start_redis() {
  local label="$1" fsync="$2"
  REDIS_PORT="$(free_port)"
  local dir="$WORK_DIR/$label"
  mkdir -p "$dir"
  start_process "$label" "$dir/redis.log" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" \
    --appendonly yes --appendfsync "$fsync" --protected-mode yes --daemonize no --logfile ''
  wait_until "$label" 20 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
}
