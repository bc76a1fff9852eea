#!/usr/bin/env bash
# Soak: the load of bench/load.sh held for a bounded time (default 10 minutes), sampling each service's RSS, GC
# heap, open handles (/proc/PID/fd) and threads every 10 s. Reports first/last/max and a least-squares slope per
# minute after a warm-up, and whether each stays flat; exit 1 on any failed call (not on a slope: read the table).
#
# Usage: bench/soak.sh [--minutes M (10)] [--clients N (8)] [--instances 1|2] [--soak-warm-up S (120)] [--out FILE]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes=10
args=()
while (( $# > 0 )); do
  case "$1" in
    --minutes) minutes="$2"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
mkdir -p "$repo/bench/results"
exec "$repo/bench/load.sh" --duration $(( minutes * 60 )) --warm-up 20 --sample 10 \
  --out "$repo/bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ).json" "${args[@]}"
