#!/usr/bin/env bash
# Stops the processes scripts/up.sh started. SIGTERM first: they finish in-flight work;
# whatever is still running after TESSERA_STOP_TIMEOUT seconds (default 30) gets SIGKILL.
set -u
cd "$(dirname "$0")/.."
timeout=${TESSERA_STOP_TIMEOUT:-30}
pids=()
for f in "${TESSERA_STATE_DIR:-.tessera}"/*.pid; do
  [ -e "$f" ] || continue
  pid=$(cat "$f")
  rm -f "$f"
  kill "$pid" 2>/dev/null || continue
  echo "stopping $(basename "$f" .pid)"
  pids+=("$pid")
done
for _ in $(seq 1 $((timeout * 10))); do
  alive=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  [ ${#alive[@]} -eq 0 ] && exit 0
  pids=("${alive[@]}")
  sleep 0.1
done
for pid in "${pids[@]}"; do
  echo "process $pid did not stop within ${timeout}s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null
done
exit 0
