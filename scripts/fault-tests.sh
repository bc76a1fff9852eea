#!/usr/bin/env bash
# Fault-injection and scale-out tests (tests/Mappa.Reliability.Tests): their own PostgreSQL and RabbitMQ (started
# through scripts/postgres.sh and scripts/rabbitmq.sh in a private MAPPA_SERVERS_DIR, so the tests may stop and
# restart them) and two processes of each service from their Release build, behind a client-side round robin.
#
#   scripts/fault-tests.sh           the long form: broker down 120 s, 8 clients, 100 records around each fault
#   scripts/fault-tests.sh --short   the form ./test.sh runs in CI (broker down 30 s, 4 clients)
#   scripts/fault-tests.sh --repeat N [--short]   run the whole set N times (flakiness hunting)
#   any other arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~BrokerOutage)
#
# Needs PostgreSQL and RabbitMQ installed (scripts/install-deps.sh); never touches the servers ./test.sh shares.
# Each test prints its figures (events, duplicates, statuses seen, recovery times); see docs/deployment.md.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

long=1 repeat=1 extra=()
while (( $# > 0 )); do
    case $1 in
        --short) long=0; shift ;;
        --repeat) [[ $# -ge 2 ]] || { echo "--repeat needs a count" >&2; exit 2; }; repeat=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) extra+=("$1"); shift ;;
    esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export MAPPA_FAULT_LONG=$long
dotnet build tests/Mappa.Reliability.Tests -c Release -nologo -clp:ErrorsOnly
status=0
for (( run = 1; run <= repeat; run++ )); do
    echo "== fault tests, run $run of $repeat ($([[ $long == 1 ]] && echo long || echo short) form)" >&2
    dotnet test tests/Mappa.Reliability.Tests -c Release --no-build \
        --logger "console;verbosity=detailed" "${extra[@]}" || status=1
done
exit $status
