#!/usr/bin/env bash
# Runs every test of the suite: on a fresh Debian 12 machine that has only the .NET SDK, or again, quickly, on
# a warm one.
#   1. installs what the tests need (scripts/install-deps.sh: Debian packages, buf and grpc-js from npm)
#   2. starts an isolated PostgreSQL and RabbitMQ (scripts/postgres.sh, scripts/rabbitmq.sh); stops them on exit
#   3. checks the contracts (buf lint, buf breaking) and docker-compose.yml with its Dockerfiles
#   4. builds Mappa.sln (Release) and runs every test project (TRX files in artifacts/test-results)
# and ends with the line CI reads: "N passed, N failed[, N skipped]" (the tests plus the checks above).
#
#   ./test.sh [--filter EXPR] [--no-servers] [--no-install]
#     --filter EXPR   passed to `dotnet test --filter` (e.g. FullyQualifiedName~Interop)
#     --no-servers    start no servers: use MAPPA_TEST_* as exported, or the servers started by
#                     scripts/postgres.sh and scripts/rabbitmq.sh
#     --no-install    skip step 1
# A test that hangs fails after MAPPA_TEST_HANG_TIMEOUT (default 5m) instead of holding up CI.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$repo_root"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
MAPPA_LOG_TAG=test.sh

filter=
start_servers=true
install=true
while (( $# > 0 )); do
    case $1 in
        --filter) [[ $# -ge 2 ]] || die "--filter needs an expression"; filter=$2; shift 2 ;;
        --filter=*) filter=${1#--filter=}; shift ;;
        --no-servers) start_servers=false; shift ;;
        --no-install) install=false; shift ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see ./test.sh --help)" ;;
    esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
run_started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - run_started))" >&2; }

checks_passed=0 checks_failed=0 checks_skipped=0
failed_checks=()
# Runs a check to completion whatever happens to the others, and counts it; exit status 3 means "skipped".
check() {
    local name=$1 status=0
    shift
    "$@" || status=$?
    case $status in
        0) checks_passed=$((checks_passed + 1)) ;;
        3) checks_skipped=$((checks_skipped + 1)) ;;
        *) checks_failed=$((checks_failed + 1)); failed_checks+=("$name"); log "FAILED: $name" ;;
    esac
}

# Records this run as the owner of $MAPPA_SERVERS_DIR unless a live ./test.sh already is.
claim_servers_dir() {
    local owner_file="$MAPPA_SERVERS_DIR.owner" owner
    (
        flock -x 8
        if [[ -f $owner_file ]]; then
            owner=$(<"$owner_file")
            if [[ $owner != "$$" ]] && process_matches "$owner" test.sh; then exit 1; fi
        fi
        echo "$$" >"$owner_file"
    ) 8>"$MAPPA_SERVERS_DIR.lock"
}

servers_started=false
# Stops what this run started; runs once, before the summary, or on any early exit.
finish() {
    if $servers_started; then
        servers_started=false
        step "stopping the servers"
        scripts/rabbitmq.sh stop || true
        scripts/postgres.sh stop || true
        if [[ $MAPPA_SERVERS_DIR == *-$$ ]]; then
            rm -rf "$MAPPA_SERVERS_DIR"
        elif [[ -f $MAPPA_SERVERS_DIR.owner && $(<"$MAPPA_SERVERS_DIR.owner") == "$$" ]]; then
            rm -f "$MAPPA_SERVERS_DIR.owner"
        fi
    fi
    # A fresh CI machine has nobody else's builds: leave no compiler or MSBuild servers running after us.
    if [[ ${CI:-} == true ]]; then dotnet build-server shutdown >/dev/null 2>&1 || true; fi
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    finish
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if $install; then
    step "installing what the tests need"
    scripts/install-deps.sh
fi

if $start_servers; then
    step "starting PostgreSQL and RabbitMQ"
    # One run at a time owns the well-known server directory (and stops what an earlier run left there);
    # a run that starts while another is going gets its own directory and free ports instead. The owner is
    # recorded by pid, not by holding a lock, which the servers and build servers would inherit and keep.
    if ! claim_servers_dir; then
        log "another ./test.sh (pid $(<"$MAPPA_SERVERS_DIR.owner")) is running; this one uses its own servers"
        MAPPA_SERVERS_DIR="$MAPPA_SERVERS_DIR-$$"
    fi
    export MAPPA_SERVERS_DIR
    servers_started=true
    scripts/postgres.sh start >/dev/null
    scripts/rabbitmq.sh start >/dev/null
    source "$MAPPA_SERVERS_DIR/postgres/env"
    source "$MAPPA_SERVERS_DIR/rabbitmq/env"
else
    # Servers a developer started with the scripts, unless the environment already names others.
    if [[ -z ${MAPPA_TEST_POSTGRES:-} ]] && scripts/postgres.sh status 2>/dev/null; then
        eval "$(scripts/postgres.sh env)"
    fi
    if [[ -z ${MAPPA_TEST_RABBITMQ:-} ]] && scripts/rabbitmq.sh status 2>/dev/null; then
        eval "$(scripts/rabbitmq.sh env)"
    fi
fi
export MAPPA_TEST_PYTHON="${MAPPA_TEST_PYTHON:-/usr/bin/python3}"
export MAPPA_TEST_NODE_MODULES="${MAPPA_TEST_NODE_MODULES:-$repo_root/tools/node/node_modules}"
for name in MAPPA_TEST_POSTGRES MAPPA_TEST_RABBITMQ MAPPA_TEST_RABBITMQ_MANAGEMENT MAPPA_TEST_PYTHON MAPPA_TEST_NODE_MODULES; do
    log "$name=${!name:-(not set)}"
done

step "checking the contracts"
check "buf lint" scripts/lint-protos.sh lint
check "buf breaking" scripts/lint-protos.sh breaking

step "checking docker-compose.yml and the Dockerfiles"
check "docker-compose.yml" "$MAPPA_TOOLS_PYTHON" scripts/check-compose.py
if [[ -n ${MAPPA_TEST_POSTGRES:-} ]]; then
    check "compose postgres init script" scripts/check-postgres-init.sh
fi

results="$repo_root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
tests_status=0
step "building Mappa.sln (Release)"
build_status=0
dotnet build Mappa.sln -c Release -nologo -clp:ErrorsOnly -v:minimal || build_status=$?
if (( build_status == 0 )); then
    checks_passed=$((checks_passed + 1))
    step "running the tests"
    test_args=(--no-build -c Release -nologo --results-directory "$results" --logger trx
        --blame-hang-timeout "${MAPPA_TEST_HANG_TIMEOUT:-5m}" --blame-hang-dump-type none)
    [[ -n $filter ]] && test_args+=(--filter "$filter")
    dotnet test Mappa.sln "${test_args[@]}" || tests_status=$?
else
    checks_failed=$((checks_failed + 1)); failed_checks+=("dotnet build")
    log "FAILED: dotnet build; no tests ran"
fi

finish
step "summary"
(( tests_status == 0 )) || log "dotnet test exited with status $tests_status"
(( ${#failed_checks[@]} == 0 )) || log "failed checks: ${failed_checks[*]}"
runner_failed=()
(( tests_status == 0 )) || runner_failed=(--runner-failed)
"$MAPPA_TOOLS_PYTHON" scripts/summarize-tests.py "$results" "${runner_failed[@]}" --checks "$checks_passed" "$checks_failed" "$checks_skipped"
(( tests_status == 0 && checks_failed == 0 ))
