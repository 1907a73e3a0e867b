#!/usr/bin/env bash
# Installs (from Debian's packages, if missing) and starts PostgreSQL and Redis, then
# prints the DATABASE_SERVER_URL, DATABASE_LOCAL_URL and REDIS_URL to use as shell
# assignments. DATABASE_LOCAL_URL reaches the same server through its Unix socket when
# that lets the same role in, and is DATABASE_SERVER_URL otherwise.
# Idempotent: services that already run are used as they are.
set -euo pipefail

log() { echo "[services] $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
need_pkg() {
  # need_pkg <command-or-file> <package...>
  local probe=$1; shift
  if command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ]; then return 0; fi
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}

# A cluster this script installs gets a quarter of the RAM (at most 8 GB) as
# shared_buffers: with the stock 128 MB little of a large table stays in PostgreSQL's own
# cache (docs/configuration.md). A server that was already there is left as it is.
tune_new_cluster() {
  local version=$1 mb
  mb=$(awk '/^MemTotal:/ { print int($2 / 1024 / 4) }' /proc/meminfo)
  [ "$mb" -gt 8192 ] && mb=8192
  [ "$mb" -gt 128 ] || return 0
  log "setting shared_buffers = ${mb}MB"
  as_root mkdir -p "/etc/postgresql/$version/main/conf.d"
  echo "shared_buffers = ${mb}MB" | as_root tee "/etc/postgresql/$version/main/conf.d/tessera.conf" >/dev/null
  # The package may have started the cluster already; a stopped one starts below.
  if pg_isready -h "$PG_HOST" -p "$PG_PORT" -q 2>/dev/null; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main restart >&2 || true
  fi
}

# --- PostgreSQL -------------------------------------------------------------
if ! pg_isready -h "$PG_HOST" -p "$PG_PORT" -q 2>/dev/null; then
  fresh=0
  command -v pg_ctlcluster >/dev/null 2>&1 || fresh=1
  need_pkg pg_ctlcluster postgresql
  need_pkg pg_isready postgresql-client
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  [ "$fresh" -eq 0 ] || tune_new_cluster "$version"
  if ! pg_isready -h "$PG_HOST" -p "$PG_PORT" -q 2>/dev/null; then
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  fi
  for _ in $(seq 1 60); do pg_isready -h "$PG_HOST" -p "$PG_PORT" -q && break; sleep 0.5; done
fi
pg_isready -h "$PG_HOST" -p "$PG_PORT" -q || { log "PostgreSQL did not start"; exit 1; }

# Trust auth (as on development machines) needs no password; a stock Debian install asks
# for one over TCP, so give the postgres role a local development password then.
PG_URL="postgres://postgres@$PG_HOST:$PG_PORT"
if ! psql "$PG_URL/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1; then
  if ! psql "postgres://postgres:postgres@$PG_HOST:$PG_PORT/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    log "setting a development password for the postgres role"
    as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres';\"" >&2
  fi
  PG_URL="postgres://postgres:postgres@$PG_HOST:$PG_PORT"
fi

# Over TCP, a statement larger than the client's 16 KB write buffer waits ~40 ms for
# PostgreSQL's delayed acknowledgement (sqlx 0.9.0 leaves Nagle's algorithm on); a 200-row
# batch pays it. The Unix socket has neither, so local deployments use it.
PG_SOCKET_DIR=${PG_SOCKET_DIR:-/var/run/postgresql}
LOCAL_URL=$PG_URL
if [ -S "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT" ] &&
  psql "host=$PG_SOCKET_DIR port=$PG_PORT user=postgres dbname=postgres" -Atqc 'SELECT 1' >/dev/null 2>&1; then
  LOCAL_URL="postgres://postgres@${PG_SOCKET_DIR//\//%2F}:$PG_PORT"
fi

# --- Redis ------------------------------------------------------------------
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  need_pkg redis-server redis-server
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "starting Redis"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/tessera.log >&2
  fi
  for _ in $(seq 1 40); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.25; done
fi
redis-cli -p "$REDIS_PORT" ping >/dev/null || { log "Redis did not start"; exit 1; }

echo "DATABASE_SERVER_URL=$PG_URL"
echo "DATABASE_LOCAL_URL=$LOCAL_URL"
echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
