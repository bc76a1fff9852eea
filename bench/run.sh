#!/usr/bin/env bash
# Unary gRPC benchmark: our layer vs bare Kestrel (ceiling), Python grpcio and Node grpc-js, loaded by one
# h2load in one run. Prints a table and rewrites the "grpc-unary" section of docs/performance.md.
#
# Usage: bench/run.sh [--rounds N] [--duration S] [--warm-up S] [--dotnet-warm-up S] [--peer-warm-up S]
#                     [--clients N] [--streams N] [--no-pin]
#                     [--only ours,bare,python,node (diagnostic: routed,protobuf)] [--no-doc]
# Needs h2load (nghttp2-client), python3-grpcio + python3-grpc-tools (Debian's /usr/bin/python3), and node with
# @grpc/grpc-js and @grpc/proto-loader (tools/node): scripts/install-deps.sh installs them if any is missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

doc_args=(--doc "$repo/docs/performance.md")
bench_args=()
for arg in "$@"; do
  if [[ "$arg" == "--no-doc" ]]; then doc_args=(); else bench_args+=("$arg"); fi
done

python="${MAPPA_TEST_PYTHON:-/usr/bin/python3}"
node_modules="${MAPPA_TEST_NODE_MODULES:-$repo/tools/node/node_modules}"
# The same installer ./test.sh uses (Debian packages incl. nghttp2-client, and tools/node); quick when all is there.
if ! command -v h2load >/dev/null || ! command -v taskset >/dev/null || ! "$python" -c "import grpc, grpc_tools" 2>/dev/null \
   || [[ ! -d "$node_modules/@grpc/grpc-js" || ! -d "$node_modules/@grpc/proto-loader" ]]; then
  scripts/install-deps.sh >&2
fi

# Pinning needs two CPUs: servers on CPU 0, h2load on CPU 1.
if (( $(nproc) < 2 )); then bench_args+=(--no-pin); fi

dotnet build bench/Mappa.Bench -c Release -nologo -clp:ErrorsOnly -v quiet >&2
exec dotnet bench/Mappa.Bench/bin/Release/net10.0/Mappa.Bench.dll unary \
  --python "$python" --node-modules "$node_modules" "${doc_args[@]}" "${bench_args[@]}"
