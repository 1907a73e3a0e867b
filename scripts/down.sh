#!/usr/bin/env bash
# Stops the processes scripts/up.sh started (SIGTERM: they finish in-flight work first).
set -u
cd "$(dirname "$0")/.."
for f in "${TESSERA_STATE_DIR:-.tessera}"/*.pid; do
  [ -e "$f" ] || continue
  kill "$(cat "$f")" 2>/dev/null && echo "stopped $(basename "$f" .pid)"
  rm -f "$f"
done
