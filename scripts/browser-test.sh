#!/usr/bin/env bash
# Browser tests of the pages: installs Debian's Chromium and the tests' npm packages when
# missing, starts tessera-backend, tessera-worker and tessera-export-worker (debug builds,
# as scripts/up.sh) on a fresh database, Redis prefix and free port, runs
# frontend/tests/browser with node --test, and stops everything.
# Screenshots land in test-artifacts/browser/. Extra arguments go to node --test
# (e.g. scripts/browser-test.sh tests/auth.test.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
(cd frontend/tests/browser && npm ci --no-audit --no-fund --silent)

eval "$(scripts/services.sh)"
state=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db="tessera_browser_$$"
# The tests run from frontend/tests/browser, so the clean-up names scripts by absolute path.
cleanup() {
  if [ -s "$state/smtp-sink.process" ]; then kill "$(cat "$state/smtp-sink.process")" 2>/dev/null || true; fi
  TESSERA_STATE_DIR=$state "$root/scripts/down.sh" >/dev/null 2>&1 || true
  psql "$DATABASE_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

# Emails go to a small SMTP sink that writes them to files the tests read.
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$state/mail"
node frontend/tests/browser/smtp-sink.mjs "$smtp_port" "$state/mail" &
# (not a .pid file: up.sh stops every process those name before it starts)
echo $! > "$state/smtp-sink.process"

# Webhook tests call an address on this machine (allowed by name); other private
# addresses stay refused, as on a real server.
out=$(TESSERA_PROFILE=dev TESSERA_STATE_DIR=$state TESSERA_BIND=127.0.0.1:$port \
  TESSERA_REDIS_PREFIX="tessera-browser-$$:" TESSERA_FRONTEND_DIR="$root/frontend" \
  TESSERA_SMTP_URL="smtp://127.0.0.1:$smtp_port" TESSERA_OUTBOUND_ALLOWED_ADDRESSES="127.0.0.1,::1" \
  TESSERA_SIGNUPS_PER_IP_PER_HOUR=0 TESSERA_LOGIN_FAILURES_PER_IP=0 \
  DATABASE_URL=$DATABASE_SERVER_URL/$db scripts/up.sh)
url=$(echo "$out" | sed -n 's/^Tessera is running at //p')
[ -n "$url" ] || { echo "up.sh printed no URL"; exit 1; }

mkdir -p test-artifacts/browser
export TESSERA_TEST_URL=$url
export TESSERA_TEST_DATABASE_URL=$DATABASE_SERVER_URL/$db
export TESSERA_TEST_MAIL_DIR=$state/mail
cd frontend/tests/browser
set +e
if [ $# -gt 0 ]; then
  node --test --test-concurrency=1 "$@"
else
  node --test --test-concurrency=1 tests/*.test.mjs
fi
status=$?
set -e
if [ "$status" -ne 0 ]; then
  for log in "$state"/logs/*.log; do echo "== $log"; tail -n 40 "$log"; done
fi
exit "$status"
