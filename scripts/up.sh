#!/usr/bin/env bash
# Brings everything up: PostgreSQL and Redis (installed from Debian if missing), the
# database and its migrations, then builds and starts tessera-backend, tessera-worker and
# tessera-export-worker in the background, and prints the URL.
#   Stop them with: scripts/down.sh      Logs: .tessera/logs/
# TESSERA_PROFILE=dev builds without optimisations (faster to build); TESSERA_STATE_DIR
# moves .tessera/ (pids, logs, secret key, media) elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
state=${TESSERA_STATE_DIR:-$root/.tessera}
mkdir -p "$state/logs" "$state/media"

eval "$(scripts/services.sh)"
export DATABASE_URL=${DATABASE_URL:-$DATABASE_LOCAL_URL/tessera}
export REDIS_URL
export TESSERA_BIND=${TESSERA_BIND:-127.0.0.1:8000}
export TESSERA_PUBLIC_URL=${TESSERA_PUBLIC_URL:-http://$TESSERA_BIND}
export TESSERA_MEDIA_DIR=${TESSERA_MEDIA_DIR:-$state/media}
if [ -z "${TESSERA_SECRET_KEY:-}" ]; then
  [ -s "$state/secret_key" ] || head -c 48 /dev/urandom | base64 | tr -d '\n' > "$state/secret_key"
  TESSERA_SECRET_KEY=$(cat "$state/secret_key")
  export TESSERA_SECRET_KEY
fi

profile=${TESSERA_PROFILE:-release}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/tessera/target}
echo "[up] building ($profile)…" >&2
# The job queue's crate checks its SQL at compile time: against DATABASE_URL when that is
# set (here it may name a database that does not exist yet), else against the query data
# it ships. The build always uses the shipped data.
build() { env -u DATABASE_URL SQLX_OFFLINE=true cargo build "$@" --workspace --bins >&2; }
if [ "$profile" = release ]; then
  build --release; bin="$CARGO_TARGET_DIR/release"
else
  build; bin="$CARGO_TARGET_DIR/debug"
fi

TESSERA_STATE_DIR=$state scripts/down.sh >/dev/null 2>&1 || true
"$bin/tessera-backend" migrate >>"$state/logs/backend.log" 2>&1
for proc in tessera-backend tessera-worker tessera-export-worker; do
  nohup "$bin/$proc" >>"$state/logs/$proc.log" 2>&1 &
  echo $! > "$state/$proc.pid"
done

for _ in $(seq 1 120); do
  curl -fsS "http://$TESSERA_BIND/api/_health/" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://$TESSERA_BIND/api/_health/" >/dev/null || { echo "[up] backend did not answer; see $state/logs/" >&2; exit 1; }
echo "Tessera is running at $TESSERA_PUBLIC_URL"
