#!/usr/bin/env bash
# Runs the client compatibility tests (tests/compat): two independent Baserow clients,
# unchanged, against a Tessera brought up like scripts/smoke-up.sh does (debug build, its
# own database, port and state directory), stopped again at the end: the PyPI package
# baserow-client (pytest) and the npm package baserow-client (tests/compat/node, Node's
# test runner).
#   Python packages live in a virtualenv at ${TESSERA_VENV:-~/.cache/tessera/venv}; the
# npm package in tests/compat/node/node_modules (`npm ci`, from its lock file).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${TESSERA_VENV:-$HOME/.cache/tessera/venv}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v npm >/dev/null 2>&1; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
(cd tests/compat/node && npm ci --no-audit --no-fund --silent)
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 ships venv separately.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  baserow-client==0.6.0 pytest requests

state=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db="tessera_compat_$$"
eval "$(scripts/services.sh)"
cleanup() {
  TESSERA_STATE_DIR=$state scripts/down.sh >/dev/null 2>&1 || true
  psql "$DATABASE_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

out=$(TESSERA_PROFILE=dev TESSERA_STATE_DIR=$state TESSERA_BIND=127.0.0.1:$port \
  DATABASE_URL=$DATABASE_SERVER_URL/$db scripts/up.sh)
echo "$out"
url=$(echo "$out" | sed -n 's/^Tessera is running at //p')
[ -n "$url" ] || { echo "up.sh printed no URL"; exit 1; }

export TESSERA_URL=$url
export PYTHONDONTWRITEBYTECODE=1
log=$state/pytest.out
set +e
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/compat 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
node_log=$state/node.out
(cd tests/compat/node && node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs) 2>&1 | tee "$node_log"
node_status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ] || [ "$node_status" -ne 0 ]; then
  # The server's side of a failure, then each runner's summary again.
  echo "--- last lines of the backend log"
  tail -n 40 "$state/logs/tessera-backend.log" || true
  grep -E '^(ℹ )?(pass|fail) ' "$node_log" || true
  tail -n 1 "$log"
  exit 1
fi
