#!/usr/bin/env bash
# Outbox benchmark: commit-to-consumer throughput of the transactional outbox against raw MassTransit
# publish -> consume (and commit-then-publish, and the relay draining one committed transaction) through the same
# RabbitMQ, in one run, interleaved rounds; prints the machine, per-round ratios and their medians, CPU per event.
# Prints the table and rewrites the "outbox" section of docs/performance.md.
#
# Usage: bench/outbox.sh [--events N] [--rounds R] [--warmup W] [--writers W] [--subjects S] [--database postgres|sqlite]
#                        [--paths raw,dualwrite,outbox,drain] [--no-doc]   (defaults: 5000 events, 7 rounds, 2 warm-up rounds)
# Uses the servers MAPPA_TEST_POSTGRES / MAPPA_TEST_RABBITMQ / MAPPA_TEST_RABBITMQ_MANAGEMENT point at; otherwise
# starts its own with scripts/postgres.sh and scripts/rabbitmq.sh (in their own directory, so a concurrent ./test.sh
# keeps its servers) and stops them on exit.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

doc_args=(--doc "$repo/docs/performance.md")
bench_args=()
for arg in "$@"; do
  if [[ "$arg" == "--no-doc" ]]; then doc_args=(); else bench_args+=("$arg"); fi
done

export MAPPA_SERVERS_DIR="${MAPPA_BENCH_SERVERS_DIR:-${TMPDIR:-/tmp}/mappa-outbox-bench-servers}"
started=()
cleanup() {
  for server in "${started[@]}"; do scripts/"$server".sh stop >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

if [[ -z "${MAPPA_TEST_POSTGRES:-}" || -z "${MAPPA_TEST_RABBITMQ:-}" || -z "${MAPPA_TEST_RABBITMQ_MANAGEMENT:-}" ]]; then
  scripts/install-deps.sh
fi
if [[ -z "${MAPPA_TEST_POSTGRES:-}" ]]; then
  eval "$(scripts/postgres.sh start)"
  started+=(postgres)
fi
if [[ -z "${MAPPA_TEST_RABBITMQ:-}" || -z "${MAPPA_TEST_RABBITMQ_MANAGEMENT:-}" ]]; then
  eval "$(scripts/rabbitmq.sh start)"
  started+=(rabbitmq)
fi

dotnet build bench/Mappa.OutboxBench -c Release -nologo -clp:ErrorsOnly -v quiet
dotnet bench/Mappa.OutboxBench/bin/Release/net10.0/Mappa.OutboxBench.dll "${bench_args[@]}" "${doc_args[@]}"
