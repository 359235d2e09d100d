#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for tests and benchmarks, and prints shell lines exporting its URL:
#
#   eval "$(.ci/start-postgres.sh)"                # sets TEST_DATABASE_URL and PG_TEST_DIR
#   TEST_DATABASE_URL=$TEST_DATABASE_URL npm test   # every test file creates and drops its own database
#   DATABASE_URL=$TEST_DATABASE_URL npm run bench:seed
#   .ci/start-postgres.sh --stop "$PG_TEST_DIR"     # stops that server and deletes its files
#
# The URL looks like postgres://thaid:thaid@127.0.0.1:55432/postgres: role `thaid` (password `thaid`) may
# create databases, and drop them while autovacuum works in them (pg_signal_backend). The server uses Debian's
# PostgreSQL binaries (the postgresql package is installed when they are missing), runs as the postgres OS user,
# keeps its files in a new /tmp/thaid-pg-* directory, listens on 127.0.0.1 only, on the first free port from 55432
# (or from PG_PORT), and trades durability for speed (fsync off). Servers already running on the machine are left
# alone. Needs root.
set -euo pipefail

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Stops the server whose files are in $1 (if it runs) and deletes them; only directories this script made.
stop_server() {
  local dir=$1
  [ -e "$dir" ] || return 0
  if [ ! -f "$dir/.thaid-pg" ]; then
    echo "$dir was not made by $0; leaving it alone" >&2
    return 1
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    runuser -u postgres -- "$(postgres_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

if [ "${1:-}" = "--stop" ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 --stop DIR" >&2; exit 64; }
  stop_server "$2"
  exit
fi
[ $# -eq 0 ] || { echo "usage: $0 [--stop DIR]" >&2; exit 64; }

# Everything but the final export lines goes to stderr, so that stdout can be eval'd.
if [ -z "$(postgres_bin)" ] || ! id postgres >/dev/null 2>&1; then
  echo "Installing PostgreSQL from Debian..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi
bin=$(postgres_bin)

dir=$(mktemp -d /tmp/thaid-pg-XXXXXX)
touch "$dir/.thaid-pg"
chown postgres:postgres "$dir"
chmod 700 "$dir"
trap 'stop_server "$dir"' EXIT # until the server is up and its role exists
cd "$dir" # a directory the postgres user may enter

# Local (Unix socket) connections trust the OS user; TCP connections need the password.
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 >/dev/null
cat >>"$dir/data/postgresql.conf" <<EOF

# Throwaway server for tests ($0)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

port=${PG_PORT:-55432}
started=
for _ in $(seq 1 50); do
  # A port something already answers on (any server, on any interface) is skipped; a lost race fails the start.
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null; then
    started=yes
    break
  fi
  port=$((port + 1))
done
if [ -z "$started" ]; then
  echo "PostgreSQL did not start; its log:" >&2
  tail -n 20 "$dir/server.log" >&2 || true
  exit 1
fi

runuser -u postgres -- "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qX -v ON_ERROR_STOP=1 \
  -c "create role thaid login createdb password 'thaid'" \
  -c "grant pg_signal_backend to thaid" >/dev/null
url="postgres://thaid:thaid@127.0.0.1:$port/postgres"
version=$("$bin/psql" "$url" -qXAtc 'show server_version')
trap - EXIT

echo "PostgreSQL $version at $url (files in $dir)" >&2
echo "export TEST_DATABASE_URL=$url"
echo "export PG_TEST_DIR=$dir"
