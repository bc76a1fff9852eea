#!/usr/bin/env bash
# Unary gRPC benchmark: our layer vs bare Kestrel (ceiling), Python grpcio and Node grpc-js, loaded by one
# h2load in one run. Prints a table and rewrites the "grpc-unary" section of docs/performance.md.
#
# Usage: bench/run.sh [--rounds N] [--duration S] [--warm-up S] [--clients N] [--streams N] [--no-pin]
#                     [--only ours,bare,python,node] [--no-doc]
# Needs (installed here if missing, as root): h2load (nghttp2-client), python3-grpcio + python3-grpc-tools
# (Debian's /usr/bin/python3), node with @grpc/grpc-js and @grpc/proto-loader.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

doc_args=(--doc "$repo/docs/performance.md")
bench_args=()
for arg in "$@"; do
  if [[ "$arg" == "--no-doc" ]]; then doc_args=(); else bench_args+=("$arg"); fi
done

python="${MAPPA_TEST_PYTHON:-/usr/bin/python3}"
need_apt=()
command -v h2load >/dev/null || need_apt+=(nghttp2-client)
"$python" -c "import grpc, grpc_tools" 2>/dev/null || need_apt+=(python3-grpcio python3-grpc-tools)
command -v taskset >/dev/null || need_apt+=(util-linux)
if ((${#need_apt[@]})); then
  echo "installing ${need_apt[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${need_apt[@]}" >/dev/null
  python=/usr/bin/python3
fi

node_modules="${MAPPA_TEST_NODE_MODULES:-$repo/artifacts/bench-node/node_modules}"
if [[ ! -d "$node_modules/@grpc/grpc-js" || ! -d "$node_modules/@grpc/proto-loader" ]]; then
  echo "installing @grpc/grpc-js and @grpc/proto-loader into $(dirname "$node_modules")" >&2
  npm install --silent --no-audit --no-fund --prefix "$(dirname "$node_modules")" @grpc/grpc-js @grpc/proto-loader >/dev/null
fi

# Pinning needs two CPUs: servers on CPU 0, h2load on CPU 1.
if (( $(nproc) < 2 )); then bench_args+=(--no-pin); fi

dotnet build bench/Mappa.Bench -c Release -nologo -clp:ErrorsOnly -v quiet >&2
exec dotnet bench/Mappa.Bench/bin/Release/net10.0/Mappa.Bench.dll unary \
  --python "$python" --node-modules "$node_modules" "${doc_args[@]}" "${bench_args[@]}"
