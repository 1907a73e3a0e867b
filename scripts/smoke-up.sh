#!/usr/bin/env bash
# Proves the README's first command: runs scripts/up.sh (debug build, its own database,
# port and state directory, reaching PostgreSQL as up.sh does by default), checks that all
# three processes run and the API answers, then stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db="tessera_smoke_$$"
eval "$(scripts/services.sh)"
cleanup() {
  TESSERA_STATE_DIR=$state scripts/down.sh >/dev/null 2>&1 || true
  psql "$DATABASE_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

out=$(TESSERA_PROFILE=dev TESSERA_STATE_DIR=$state TESSERA_BIND=127.0.0.1:$port \
  DATABASE_URL=$DATABASE_LOCAL_URL/$db scripts/up.sh)
echo "$out"
url=$(echo "$out" | sed -n 's/^Tessera is running at //p')
[ -n "$url" ] || { echo "up.sh printed no URL"; exit 1; }
curl -fsS "$url/api/settings/" | grep -q '"allow_new_signups"' || { echo "settings did not answer"; exit 1; }
for proc in tessera-backend tessera-worker tessera-export-worker; do
  kill -0 "$(cat "$state/$proc.pid")" || { echo "$proc is not running"; cat "$state/logs/$proc.log"; exit 1; }
done
echo "smoke: 1 passed, 0 failed"
