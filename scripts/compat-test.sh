#!/usr/bin/env bash
# Runs the client compatibility tests (tests/compat): the PyPI package baserow-client,
# unchanged, against a Tessera brought up like scripts/smoke-up.sh does (debug build, its
# own database, port and state directory), stopped again at the end.
#   Python packages live in a virtualenv at ${TESSERA_VENV:-~/.cache/tessera/venv}.
# The last line printed is pytest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${TESSERA_VENV:-$HOME/.cache/tessera/venv}
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 ships venv separately.
    as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
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
set -e
if [ "$status" -ne 0 ]; then
  # The server's side of a failure, then pytest's summary again as the last line.
  echo "--- last lines of the backend log"
  tail -n 40 "$state/logs/tessera-backend.log" || true
  tail -n 1 "$log"
fi
exit "$status"
