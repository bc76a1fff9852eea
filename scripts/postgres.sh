#!/usr/bin/env bash
# An isolated PostgreSQL for the tests and for debugging: its own data directory, port and socket under
# $MAPPA_SERVERS_DIR, never the machine's own cluster.
#
#   scripts/postgres.sh start    start a fresh server (stopping what an earlier run left) and print its exports,
#                                so `eval "$(scripts/postgres.sh start)"` sets MAPPA_TEST_POSTGRES
#   scripts/postgres.sh stop     stop it and delete its data
#   scripts/postgres.sh status   exit 0 when it runs
#   scripts/postgres.sh env      print the exports of the running server
#
# Settings: MAPPA_SERVERS_DIR, MAPPA_POSTGRES_PORT (default 55432; the next free port is used when taken),
# MAPPA_POSTGRES_PASSWORD, MAPPA_POSTGRES_BIN (default /usr/lib/postgresql/15/bin).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
MAPPA_LOG_TAG=postgres

dir="$MAPPA_SERVERS_DIR/postgres"
data="$dir/data"
pid_file="$dir/server.pid" # the postmaster's pid, kept outside the data directory so it survives a crash
env_file="$dir/env"
preferred_port="${MAPPA_POSTGRES_PORT:-55432}"
password="${MAPPA_POSTGRES_PASSWORD:-mappa-test}"

pg_bin() {
    if [[ -n ${MAPPA_POSTGRES_BIN:-} ]]; then echo "$MAPPA_POSTGRES_BIN"; return; fi
    if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then echo /usr/lib/postgresql/15/bin; return; fi
    local newest
    newest=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -V | tail -n 1)
    [[ -n $newest ]] || die "PostgreSQL is not installed (apt-get install postgresql, or run scripts/install-deps.sh)"
    echo "$newest/bin"
}

# The server refuses to run as root: as root run it as the postgres user, otherwise as whoever we are.
as_server_user() {
    if (( EUID == 0 )); then runuser -u postgres -- "$@"; else "$@"; fi
}

is_running() {
    [[ -f $pid_file ]] && process_matches "$(<"$pid_file")" "$data"
}

stop_server() {
    local bin pid
    bin=$(pg_bin)
    if [[ -f $pid_file ]]; then
        pid=$(<"$pid_file")
        if process_matches "$pid" "$data"; then
            as_server_user "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
            wait_for_exit "$pid" 10 || true
        fi
        rm -f "$pid_file"
    fi
    # Backends orphaned by a kill -9 of the postmaster still hold its shared memory.
    kill_marked_processes "$dir"
    rm -rf "$data" "$env_file"
}

start_server() {
    local bin port pid
    bin=$(pg_bin)
    stop_server
    port=$(free_port_from "$preferred_port")
    [[ $port == "$preferred_port" ]] || log "port $preferred_port is taken by another program; using $port"

    mkdir -p "$dir"
    (( EUID == 0 )) && chown postgres: "$dir"
    local pwfile="$dir/pwfile"
    (umask 077; printf '%s\n' "$password" >"$pwfile")
    (( EUID == 0 )) && chown postgres: "$pwfile"
    # Trust on the private socket (for psql while debugging); passwords over TCP, as a real deployment has.
    if ! as_server_user "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
        rm -f "$pwfile"
        cat "$dir/initdb.log" >&2
        die "initdb failed"
    fi
    rm -f "$pwfile"

    # Test data is disposable: durability settings off for speed.
    if ! as_server_user env MAPPA_SERVER_MARK="$dir" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -o "-p $port -k $dir \
        -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c max_connections=300" start >/dev/null; then
        tail -n 30 "$dir/server.log" >&2 || true
        die "PostgreSQL did not start (log: $dir/server.log)"
    fi
    pid=$(head -n 1 "$data/postmaster.pid")
    echo "$pid" >"$pid_file"

    cat >"$env_file" <<ENV
export MAPPA_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres'
ENV
    log "running on 127.0.0.1:$port (pid $pid, data $data)"
    cat "$env_file"
}

case "${1:-}" in
    start) start_server ;;
    stop) stop_server; log "stopped" ;;
    status) if is_running; then log "running (pid $(<"$pid_file"))"; else log "not running"; exit 1; fi ;;
    env) is_running || die "not running: start it with scripts/postgres.sh start"; cat "$env_file" ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
