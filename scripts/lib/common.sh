# Helpers shared by the scripts in scripts/ (sourced, not run).

# Where servers started by these scripts keep their data, logs and pid files. Well known, so that a later
# run can find and stop what an earlier one left behind (one per user, so nobody trips over root's files).
if (( EUID == 0 )); then
    MAPPA_SERVERS_DIR="${MAPPA_SERVERS_DIR:-${TMPDIR:-/tmp}/mappa-test-servers}"
else
    MAPPA_SERVERS_DIR="${MAPPA_SERVERS_DIR:-${TMPDIR:-/tmp}/mappa-test-servers-$(id -u)}"
fi

# Our own helper scripts use Debian's python3 (with python3-yaml); the python3 first on PATH may be another.
MAPPA_TOOLS_PYTHON="${MAPPA_TOOLS_PYTHON:-/usr/bin/python3}"

log() { printf '[%s] %s\n' "${MAPPA_LOG_TAG:-mappa}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the first port from $1 upwards that nothing listens on and that is not in the exclusions ($2...).
free_port_from() {
    local port=$1; shift
    local excluded
    while :; do
        excluded=false
        for e in "$@"; do [[ $e == "$port" ]] && excluded=true; done
        if ! $excluded && ! port_in_use "$port"; then echo "$port"; return 0; fi
        port=$((port + 1))
        (( port < 65000 )) || die "no free port found"
    done
}

# True when process $1 is alive and its command line contains $2 (guards against a recycled pid).
process_matches() {
    local pid=$1 pattern=$2
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern"
}

# Servers are started with MAPPA_SERVER_MARK=<their state directory> in their environment, which every child
# inherits (PostgreSQL backends start their own sessions, so process groups do not find them). This kills
# whatever still carries mark $1, e.g. children orphaned by a kill -9 of their server.
kill_marked_processes() {
    local mark=$1 environ pid
    for environ in /proc/[0-9]*/environ; do
        pid=${environ#/proc/}; pid=${pid%/environ}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        if grep -qzxF "MAPPA_SERVER_MARK=$mark" "$environ" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
}

# Waits up to $2 seconds for process $1 to exit.
wait_for_exit() {
    local pid=$1 deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        (( SECONDS < deadline )) || return 1
        sleep 0.2
    done
}
