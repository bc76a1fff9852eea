#!/usr/bin/env bash
# An isolated RabbitMQ (with the management API) for the tests and for debugging: its own node name, ports,
# Erlang cookie, epmd and data under $MAPPA_SERVERS_DIR, never the machine's own broker.
#
#   scripts/rabbitmq.sh start    start a fresh broker (stopping what an earlier run left) and print its exports,
#                                so `eval "$(scripts/rabbitmq.sh start)"` sets MAPPA_TEST_RABBITMQ(_MANAGEMENT)
#   scripts/rabbitmq.sh stop     stop it and delete its data
#   scripts/rabbitmq.sh status   exit 0 when it runs
#   scripts/rabbitmq.sh env      print the exports of the running broker
#   scripts/rabbitmq.sh ctl ...  run rabbitmqctl against it, e.g. `scripts/rabbitmq.sh ctl list_queues`
#
# Settings: MAPPA_SERVERS_DIR; ports MAPPA_RABBITMQ_PORT (AMQP, default 55672), MAPPA_RABBITMQ_MANAGEMENT_PORT
# (55673), MAPPA_RABBITMQ_DIST_PORT (55674), MAPPA_RABBITMQ_EPMD_PORT (55675), each moved to the next free
# port when taken; MAPPA_RABBITMQ_USER / MAPPA_RABBITMQ_PASSWORD; RABBITMQ_BIN (default /usr/lib/rabbitmq/bin).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
MAPPA_LOG_TAG=rabbitmq

dir="$MAPPA_SERVERS_DIR/rabbitmq"
pid_file="$dir/rabbit.pid"
ports_file="$dir/ports"
env_file="$dir/env"
user="${MAPPA_RABBITMQ_USER:-mappa}"
password="${MAPPA_RABBITMQ_PASSWORD:-mappa-test}"
# The /usr/sbin wrappers switch to the rabbitmq user and its cookie; the plain scripts run as us.
bin="${RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}"
[[ -x $bin/rabbitmq-server ]] || die "RabbitMQ is not installed (apt-get install rabbitmq-server, or run scripts/install-deps.sh)"

amqp_port= management_port= dist_port= epmd_port=
[[ -f $ports_file ]] && source "$ports_file"

# Runs a RabbitMQ or Erlang tool with this broker's environment only (never /etc/rabbitmq).
with_broker_env() {
    env HOME="$dir/home" \
        MAPPA_SERVER_MARK="$dir" \
        RABBITMQ_NODENAME="mappa-test-$amqp_port@localhost" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$amqp_port" \
        RABBITMQ_DIST_PORT="$dist_port" \
        ERL_EPMD_PORT="$epmd_port" \
        ERL_EPMD_ADDRESS=127.0.0.1 \
        RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
        RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
        RABBITMQ_MNESIA_BASE="$dir/mnesia" \
        RABBITMQ_LOG_BASE="$dir/log" \
        RABBITMQ_PID_FILE="$pid_file" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
        "$@"
}

ctl() { with_broker_env "$bin/rabbitmqctl" "$@"; }

is_running() {
    [[ -f $pid_file ]] && process_matches "$(<"$pid_file")" "-home $dir/home"
}

stop_server() {
    if [[ -n $amqp_port ]]; then
        # The data is thrown away, so a graceful `rabbitmqctl stop` (over 8 s, most of it the management
        # plugin winding down its statistics) buys nothing: kill the node, then its private epmd.
        if is_running; then
            local pid
            pid=$(<"$pid_file")
            kill -KILL "$pid" 2>/dev/null || true
            wait_for_exit "$pid" 10 || log "node $pid did not exit"
        fi
        with_broker_env epmd -kill >/dev/null 2>&1 || true
    fi
    # Whatever else a node left behind (erl_child_setup, inet_gethost, epmd).
    kill_marked_processes "$dir"
    rm -rf "$dir/mnesia" "$dir/home" "$pid_file" "$env_file" "$ports_file"
}

start_server() {
    stop_server
    amqp_port=$(free_port_from "${MAPPA_RABBITMQ_PORT:-55672}")
    management_port=$(free_port_from "${MAPPA_RABBITMQ_MANAGEMENT_PORT:-55673}" "$amqp_port")
    dist_port=$(free_port_from "${MAPPA_RABBITMQ_DIST_PORT:-55674}" "$amqp_port" "$management_port")
    epmd_port=$(free_port_from "${MAPPA_RABBITMQ_EPMD_PORT:-55675}" "$amqp_port" "$management_port" "$dist_port")

    mkdir -p "$dir/home" "$dir/log"
    rm -f "$dir"/log/*
    # A private cookie: only this broker and our CLI calls share it.
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$dir/home/.erlang.cookie")
    chmod 400 "$dir/home/.erlang.cookie"
    : >"$dir/rabbitmq-env.conf"
    # Enabling offline is writing this file; the plugin's dependencies are resolved at boot.
    echo '[rabbitmq_management].' >"$dir/enabled_plugins"
    cat >"$dir/rabbitmq.conf" <<CONF
management.tcp.ip = 127.0.0.1
management.tcp.port = $management_port
default_user = $user
default_pass = $password
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
loopback_users = none
CONF
    printf 'amqp_port=%s\nmanagement_port=%s\ndist_port=%s\nepmd_port=%s\n' \
        "$amqp_port" "$management_port" "$dist_port" "$epmd_port" >"$ports_file"

    with_broker_env "$bin/rabbitmq-server" -detached >"$dir/log/start.out" 2>&1 \
        || { cat "$dir/log/start.out" >&2; die "rabbitmq-server did not start"; }
    # `rabbitmq-diagnostics ping` answers before the broker accepts clients; `wait` blocks until it is booted.
    if ! ctl -q wait --timeout 120 "$pid_file" >"$dir/log/wait.out" 2>&1; then
        cat "$dir/log/wait.out" >&2
        tail -n 30 "$dir"/log/*.log >&2 2>/dev/null || true
        die "RabbitMQ did not become ready (logs: $dir/log)"
    fi
    local deadline=$((SECONDS + 30))
    until port_in_use "$management_port"; do
        (( SECONDS < deadline )) || die "the management API did not open port $management_port (logs: $dir/log)"
        sleep 0.2
    done

    cat >"$env_file" <<ENV
export MAPPA_TEST_RABBITMQ='amqp://$user:$password@127.0.0.1:$amqp_port/'
export MAPPA_TEST_RABBITMQ_MANAGEMENT='http://$user:$password@127.0.0.1:$management_port'
ENV
    log "running: AMQP 127.0.0.1:$amqp_port, management 127.0.0.1:$management_port (pid $(<"$pid_file"), data $dir)"
    cat "$env_file"
}

case "${1:-}" in
    start) start_server ;;
    stop) stop_server; log "stopped" ;;
    status) if is_running; then log "running (pid $(<"$pid_file"))"; else log "not running"; exit 1; fi ;;
    env) is_running || die "not running: start it with scripts/rabbitmq.sh start"; cat "$env_file" ;;
    ctl) shift; is_running || die "not running"; ctl "$@" ;;
    *) echo "usage: $0 start|stop|status|env|ctl ARGS..." >&2; exit 2 ;;
esac
