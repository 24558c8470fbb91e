#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer; start local ones if this machine has them; else say what to do.
set -euo pipefail
cd "$(dirname "$0")/.."

database_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
read -r pg_host pg_port < <(.venv/bin/python -c "
import sys; from urllib.parse import urlsplit
u = urlsplit(sys.argv[1]); print(u.hostname or '127.0.0.1', u.port or 5432)" "$database_url")
read -r redis_host redis_port < <(.venv/bin/python -c "
import sys; from urllib.parse import urlsplit
u = urlsplit(sys.argv[1]); print(u.hostname or '127.0.0.1', u.port or 6379)" "$redis_url")

port_open() {
  .venv/bin/python -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)" "$1" "$2" 2>/dev/null
}

wait_for() {  # name host port
  for _ in $(seq 1 30); do port_open "$2" "$3" && return 0; sleep 0.5; done
  return 1
}

local_host() { [[ "$1" == "127.0.0.1" || "$1" == "localhost" || "$1" == "::1" ]]; }

if ! port_open "$pg_host" "$pg_port"; then
  if local_host "$pg_host" && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Starting the local PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  if ! wait_for PostgreSQL "$pg_host" "$pg_port"; then
    cat >&2 <<MSG
PostgreSQL is not reachable at $pg_host:$pg_port (DATABASE_URL=$database_url).
Start it, for example:
  sudo pg_ctlcluster 15 main start        # Debian/Ubuntu
  docker compose up -d postgres           # with Docker
or point DATABASE_URL at a running server (postgres://USER@HOST:PORT/portal).
MSG
    exit 1
  fi
fi

if ! port_open "$redis_host" "$redis_port"; then
  if local_host "$redis_host" && command -v redis-server >/dev/null; then
    echo "Starting the local Redis…"
    mkdir -p var
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no \
      --dir "$PWD/var" --logfile "$PWD/var/redis.log" || true
  fi
  if ! wait_for Redis "$redis_host" "$redis_port"; then
    cat >&2 <<MSG
Redis is not reachable at $redis_host:$redis_port (REDIS_URL=$redis_url).
Start it, for example:
  sudo apt-get install -y redis-server && redis-server --daemonize yes
  docker compose up -d redis              # with Docker
or point REDIS_URL and CELERY_BROKER_URL at a running server.
MSG
    exit 1
  fi
fi

# PgBouncer: the tests start a private one in front of PostgreSQL (tests/test_pgbouncer.py). Debian's package,
# installed the way scripts/ensure-chromium.sh installs Chromium.
if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
  echo "Installing Debian's pgbouncer for the connection-pooling tests…"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq pgbouncer >/dev/null
fi

# The application database (the test database is created by the test run itself).
.venv/bin/python scripts/ensure_database.py "$database_url"
