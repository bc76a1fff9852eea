#!/usr/bin/env bash
# CPU profile of one benchmark server under the benchmark's load, to see where a call's time goes.
#
# Usage: bench/profile.sh [ours|bare|routed|protobuf] [SECONDS_OF_WARM_UP]   (default: ours 45)
#        bench/profile.sh outbox [WARM_UP_ROUNDS]   (default 4): the outbox benchmark's outbox path (writers' saves,
#        relay, bus, consumer) against the servers MAPPA_TEST_POSTGRES / MAPPA_TEST_RABBITMQ* point at.
# Needs perf (Debian: linux-perf) and h2load (nghttp2-client). Writes artifacts/profile/<server>.data and prints the
# layer's hot frames (inclusive) and the hottest functions (exclusive). Managed frames are named through the
# runtime's perf map (DOTNET_PerfMapEnabled=1); W^X is off so perf can attribute JIT code to it.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server=${1:-ours}
warm_up=${2:-45}
out="$repo/artifacts/profile"
mkdir -p "$out"
command -v perf >/dev/null || { echo "perf is missing: apt-get install -y linux-perf" >&2; exit 2; }

if [[ $server == outbox ]]; then
  warm_up=${2:-4}
  : "${MAPPA_TEST_POSTGRES:?set MAPPA_TEST_POSTGRES and MAPPA_TEST_RABBITMQ* (source .tmp/env.sh, or run under ./test.sh)}"
  dotnet build "$repo/bench/Mappa.OutboxBench" -c Release -nologo -clp:ErrorsOnly -v quiet >&2
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 dotnet "$repo/bench/Mappa.OutboxBench/bin/Release/net10.0/Mappa.OutboxBench.dll" \
    --paths outbox --warmup "$warm_up" --rounds 12 > "$out/outbox.log" 2>&1 &
  bench_pid=$!
  trap 'kill $bench_pid 2>/dev/null || true' EXIT
  # Record once the warm-up rounds are over (the first counted round has started).
  for _ in $(seq 600); do grep -q ' outbox-1 ' "$out/outbox.log" 2>/dev/null && break; sleep 0.5; done
  perf record -F 999 -g -p "$bench_pid" -o "$out/outbox.data" -- sleep 8 2>&1 | tail -1
  wait $bench_pid || true
  grep -v warmup "$out/outbox.log"
  echo; echo "== where the samples go (by binary)"
  perf report -i "$out/outbox.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' | head -8
  echo; echo "== outbox write, relay, bus and EF Core frames, inclusive (JIT tiers of one method summed)"
  perf report -i "$out/outbox.data" --children --sort sym --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | grep -E 'Mappa\.Messaging|MassTransitBus::|SystemTextJsonMessageSerializer::|StateManager::SaveChangesAsync\(bool|NpgsqlCommand::ExecuteReaderAsync|Program\+' \
    | grep -v AsyncStateMachineBox \
    | sed -E 's/^ +([0-9.]+)% +[0-9.]+% +\[.\] (.*)\[[A-Za-z0-9]+\]$/\1\t\2/' \
    | awk -F'\t' '{ total[$2] += $1 } END { for (name in total) printf "%7.2f%%  %s\n", total[name], name }' \
    | sort -rn | head -25 | cut -c1-200
  exit 0
fi
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install -y nghttp2-client" >&2; exit 2; }

dotnet build "$repo/bench/Mappa.Bench" -c Release -nologo -clp:ErrorsOnly -v quiet >&2
bench="$repo/bench/Mappa.Bench/bin/Release/net10.0/Mappa.Bench.dll"

DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 taskset -c 0 dotnet "$bench" serve "$server" --port 0 > "$out/$server.server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^listening ' "$out/$server.server.log" 2>/dev/null && break; sleep 0.2; done
port=$(awk '/^listening /{print $2}' "$out/$server.server.log")
[[ -n $port ]] || { echo "server did not start:" >&2; cat "$out/$server.server.log" >&2; exit 1; }
dotnet "$bench" check --port "$port"

# The benchmark's own request body and load shape.
body="$out/echo-request.bin"
dotnet "$bench" write-body "$body"
url="http://127.0.0.1:$port/mappa.interop.v1.InteropTestService/Echo"
load=(taskset -c 1 h2load -c 4 -m 16 -t 1 -d "$body" -H 'content-type: application/grpc' -H 'te: trailers')

echo "warming up for ${warm_up}s (tiered compilation)" >&2
"${load[@]}" -D "$warm_up" "$url" > /dev/null
"${load[@]}" -D 12 "$url" | grep '^finished' &
load_pid=$!
sleep 2
perf record -F 999 -g -p "$server_pid" -o "$out/$server.data" -- sleep 8 2>&1 | tail -1
wait $load_pid

echo; echo "== where the server's samples go (by binary)"
perf report -i "$out/$server.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' | head -8
echo; echo "== our layer and routing, inclusive (share of all server samples; JIT tiers of one method summed)"
# A method shows up once per code version (QuickJitted, InstrumentedTier, OptimizedTier1...): add them up.
perf report -i "$out/$server.data" --children --sort sym --stdio -g none 2>/dev/null \
  | grep -E '^ +[0-9.]+%' | grep -E 'Mappa\.Grpc|EndpointRoutingMiddleware::Invoke\(' \
  | sed -E 's/^ +([0-9.]+)% +[0-9.]+% +\[.\] (.*)\[[A-Za-z0-9]+\]$/\1\t\2/' \
  | awk -F'\t' '{ total[$2] += $1 } END { for (name in total) printf "%7.2f%%  %s\n", total[name], name }' \
  | sort -rn | head -25 | cut -c1-200
echo; echo "== hottest functions, exclusive"
perf report -i "$out/$server.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9.]+%' | head -25 | cut -c1-200
