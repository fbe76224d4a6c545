#!/usr/bin/env bash
# Starts N cwaku-node relay nodes on loopback in a random connected
# topology (each node dials one random earlier node, and one more at
# random), prints each node's REST URL and multiaddrs, and keeps them
# running until Ctrl-C. Logs go to a temporary folder.
# usage: scripts/localnet.sh BUILD_DIR N [extra cwaku-node flags...]
set -euo pipefail
build=${1:-build}
n=${2:-5}
shift 2 || true
node="$build/cwaku-node"
[ -x "$node" ] || { echo "localnet: $node is missing (make build)" >&2; exit 2; }
[ "$n" -ge 1 ] 2>/dev/null || { echo "localnet: N must be a number >= 1" >&2; exit 2; }
logs=$(mktemp -d /tmp/cwaku-localnet.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "localnet: stopped; logs in $logs"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

addrs=()
for ((i = 0; i < n; i++)); do
  flags=(--cluster-id=1 --shard=0 --tcp-port=0 --rest=true --rest-port=0
         --listen-address=127.0.0.1 "$@")
  if [ "$i" -gt 0 ]; then
    flags+=("--staticnode=${addrs[$((RANDOM % i))]}")
    [ "$i" -gt 1 ] && flags+=("--staticnode=${addrs[$((RANDOM % i))]}")
  fi
  "$node" "${flags[@]}" >"$logs/node$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q "^REST on" "$logs/node$i.log" 2>/dev/null && break
    kill -0 "${pids[$i]}" 2>/dev/null || { cat "$logs/node$i.log" >&2; exit 1; }
    sleep 0.05
  done
  ma=$(grep -m1 "^Listening on" "$logs/node$i.log" | awk '{print $3}')
  rest=$(grep -m1 "^REST on" "$logs/node$i.log" | awk '{print $3}')
  addrs+=("$ma")
  echo "node $i  REST $rest  $ma"
done
echo "localnet: $n nodes up (pubsub topic /waku/2/rs/1/0); Ctrl-C stops them"
wait
