#!/usr/bin/env bash
# Runs every check and test: services first (as scripts/up.sh), then formatting, lints,
# and the whole test suite against real PostgreSQL, Redis and an in-process SMTP server.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/services.sh)"
# Test-only packages from Debian: the SMTP server used by tests links the system OpenSSL,
# the Redis-restart test starts redis-server processes of its own, the browser client
# library's test runs in Node (20.10 or newer, for its WebSocket), and the deployment test
# puts two backends behind nginx.
missing=()
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev pkg-config)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
# The deployment test runs deploy/nginx/tessera.conf in Debian's nginx.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
# The fault test (backend/tests/processes/faults.rs) runs a PostgreSQL server of its own,
# initdb into a temporary directory, so it can kill and restart it; so do the TLS tests of
# external-database imports (backend/tests/api/external_imports_tls.rs), with a MariaDB
# server of their own and certificates made with the openssl command.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# MariaDB is also the source server of the other external-database import tests, unless
# TEST_MYSQL_URL names another.
if ! command -v mariadbd >/dev/null 2>&1 || ! command -v mariadb-install-db >/dev/null 2>&1; then
  missing+=(mariadb-server)
fi
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ${#missing[@]} -gt 0 ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
if [ -z "${TEST_MYSQL_URL:-}" ]; then
  mysql_ok() { mariadb -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' >/dev/null 2>&1; }
  if ! mysql_ok; then
    # Started without systemd, as on CI machines; then root may log in over TCP from
    # 127.0.0.1 without a password (Debian's root uses the unix socket only).
    if ! as_root mariadb-admin ping >/dev/null 2>&1; then
      as_root /etc/init.d/mariadb start >/dev/null 2>&1 || as_root service mariadb start >/dev/null 2>&1 || true
      for _ in $(seq 1 60); do as_root mariadb-admin ping >/dev/null 2>&1 && break; sleep 0.5; done
    fi
    as_root mariadb -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
    mysql_ok || { echo "MariaDB did not start" >&2; exit 1; }
  fi
fi

export TEST_DATABASE_SERVER_URL=$DATABASE_SERVER_URL
export TEST_REDIS_URL=$REDIS_URL
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/tessera/target}
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== scripts/up.sh smoke test"
scripts/smoke-up.sh
echo "== Baserow client compatibility"
scripts/compat-test.sh
echo "== browser tests"
browser_log=$(mktemp)
scripts/browser-test.sh 2>&1 | tee "$browser_log"
echo "== cargo test"
log=$(mktemp)
set +e
cargo test --workspace --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary, node --test one
# summary for the browser tests).
passed=$(grep -Eo '^test result: .* ([0-9]+) passed' "$log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed;' "$log" | awk '{s+=$1} END {print s+0}')
browser_passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$browser_log" | tail -n1)
rm -f "$log" "$browser_log"
echo "total: $((passed + ${browser_passed:-0})) passed, $failed failed (${browser_passed:-0} of them in Chromium)"
exit "$status"
