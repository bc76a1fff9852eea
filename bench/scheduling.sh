#!/usr/bin/env bash
# Scheduling benchmark (issue 5): the milestone sweep of one day with 100,000 and 1,000,000 obligations in PostgreSQL
# (the same 5,000 due that day at both sizes; time, CPU, round trips and statements per sweep, and an empty sweep), and
# conference slot search for 20 agencies over 90 days against baselines measured in the same run.
# Prints the figures and rewrites the "scheduling" section of docs/performance.md.
#
# Usage: bench/scheduling.sh [--sizes 100000,1000000] [--due 5000] [--rounds 3] [--searches 200] [--only sweep|slots]
#                            [--keep] [--no-doc]
# Uses the PostgreSQL MAPPA_TEST_POSTGRES points at (each size in a fresh database, dropped afterwards unless --keep);
# otherwise starts its own with scripts/postgres.sh in its own directory and port, and stops it on exit.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

doc_args=(--doc "$repo/docs/performance.md")
bench_args=()
for arg in "$@"; do
  if [[ "$arg" == "--no-doc" ]]; then doc_args=(); else bench_args+=("$arg"); fi
done

export MAPPA_SERVERS_DIR="${MAPPA_BENCH_SERVERS_DIR:-${TMPDIR:-/tmp}/mappa-scheduling-bench-servers}"
started=()
cleanup() {
  for server in "${started[@]}"; do scripts/"$server".sh stop >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

if [[ -z "${MAPPA_TEST_POSTGRES:-}" ]]; then
  command -v /usr/lib/postgresql/15/bin/initdb >/dev/null || scripts/install-deps.sh
  export MAPPA_POSTGRES_PORT="${MAPPA_POSTGRES_PORT:-55532}"
  eval "$(scripts/postgres.sh start)"
  started+=(postgres)
fi

dotnet build bench/Mappa.SchedulingBench -c Release -nologo -clp:ErrorsOnly -v quiet
dotnet bench/Mappa.SchedulingBench/bin/Release/net10.0/Mappa.SchedulingBench.dll "${bench_args[@]}" "${doc_args[@]}"
