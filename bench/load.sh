#!/usr/bin/env bash
# Load: N concurrent gRPC clients with a realistic mix against RiskAssessment, CaseConference and Scheduling, each a
# separate process from the Release build (configured by environment variables, as docker-compose.yml does), on a
# PostgreSQL and a RabbitMQ this script starts for itself and stops on exit. Reports throughput per RPC and in
# total, p50/p95/p99, errors by status (any error: exit 1), the services' memory and CPU, the outbox backlog and
# consumer lag from their /metrics, against a health-check baseline measured in the same run.
#
# Usage: bench/load.sh [--clients N (8)] [--duration S (30)] [--warm-up S (10)] [--baseline S (5)] [--instances 1|2]
#                      [--out FILE (bench/results/load-<time>.json)] [--sample S] [--conference-lead S]
#                      [--shared-servers] [--no-build]
# --shared-servers uses the servers MAPPA_TEST_POSTGRES / MAPPA_TEST_RABBITMQ(_MANAGEMENT) point at (a private
# database set and vhost per run) instead of starting its own. Defaults finish in about a minute.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

shared=0
build=1
args=()
out=""
while (( $# > 0 )); do
  case "$1" in
    --shared-servers) shared=1 ;;
    --no-build) build=0 ;;
    --out) out="$2"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
mkdir -p bench/results
out="${out:-bench/results/load-$(date -u +%Y%m%dT%H%M%SZ).json}"

started=()
cleanup() {
  for server in "${started[@]}"; do scripts/"$server".sh stop >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

if (( shared == 0 )); then
  # Our own servers, in our own directory and on our own ports, so a concurrent ./test.sh keeps its servers.
  export MAPPA_SERVERS_DIR="${MAPPA_LOAD_SERVERS_DIR:-${TMPDIR:-/tmp}/mappa-load-servers-$$}"
  export MAPPA_POSTGRES_PORT="${MAPPA_LOAD_POSTGRES_PORT:-56432}"
  export MAPPA_RABBITMQ_PORT="${MAPPA_LOAD_RABBITMQ_PORT:-56672}"
  export MAPPA_RABBITMQ_MANAGEMENT_PORT="${MAPPA_LOAD_RABBITMQ_MANAGEMENT_PORT:-56673}"
  export MAPPA_RABBITMQ_DIST_PORT="${MAPPA_LOAD_RABBITMQ_DIST_PORT:-56674}"
  export MAPPA_RABBITMQ_EPMD_PORT="${MAPPA_LOAD_RABBITMQ_EPMD_PORT:-56675}"
  unset MAPPA_TEST_POSTGRES MAPPA_TEST_RABBITMQ MAPPA_TEST_RABBITMQ_MANAGEMENT
  if ! command -v /usr/lib/rabbitmq/bin/rabbitmq-server >/dev/null || [[ ! -x /usr/lib/postgresql/15/bin/postgres ]]; then
    scripts/install-deps.sh >&2
  fi
  started+=(postgres)
  eval "$(scripts/postgres.sh start)"
  started+=(rabbitmq)
  eval "$(scripts/rabbitmq.sh start)"
elif [[ -z "${MAPPA_TEST_POSTGRES:-}" || -z "${MAPPA_TEST_RABBITMQ:-}" ]]; then
  echo "--shared-servers needs MAPPA_TEST_POSTGRES and MAPPA_TEST_RABBITMQ (source .tmp/env.sh or run ./test.sh)" >&2
  exit 2
fi

# The services run from their Release build output; the tool itself too (--no-build: use what is built).
if (( build == 1 )); then
  for project in services/RiskAssessment services/CaseConference services/Scheduling bench/Mappa.Load; do
    dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -v quiet >&2
  done
fi

status=0
dotnet bench/Mappa.Load/bin/Release/net10.0/Mappa.Load.dll --repo "$repo" --out "$out" "${args[@]}" || status=$?
exit "$status"
