#!/usr/bin/env bash
# cwaku-node starts, reports its identity, and stops cleanly on SIGINT and
# SIGTERM; bad flags are refused. Usage: node_signals.sh CWAKU_NODE CWAKU_TOOL
set -u
node=$1 tool=$2
key=0000000000000000000000000000000000000000000000000000000000000001
want=$("$tool" keygen --nodekey $key | sed -E 's/.*"peer_id":"([^"]+)".*/\1/')
fail=0 pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

for sig in INT TERM; do
  out=$(mktemp) errf=$(mktemp)
  "$node" --nodekey=$key --cluster-id=1 --shard=0 --shard=3 \
    --listen-address=127.0.0.1 --tcp-port=0 >"$out" 2>"$errf" &
  pid=$!
  for _ in $(seq 100); do grep -q '^Listening on' "$out" && break; sleep 0.05; done
  kill -$sig $pid
  wait $pid; rc=$?
  check "SIG$sig exit status 0 (got $rc)" '[ $rc -eq 0 ]'
  check "SIG$sig prints the peer id $want" 'grep -q "^peer id: $want$" "$out"'
  check "SIG$sig prints cluster and shards" 'grep -q "^cluster: 1$" "$out" && grep -q "^shards: 0,3$" "$out"'
  check "SIG$sig prints its listen address" 'grep -Eq "^Listening on /ip4/127.0.0.1/tcp/[0-9]+/p2p/$want$" "$out"'
  check "SIG$sig logs a clean stop" 'grep -q "stopped" "$errf"'
  rm -f "$out" "$errf"
done

"$node" --cluster-id=70000 >/dev/null 2>&1; rc=$?
check "a bad flag exits with status 2 (got $rc)" '[ $rc -eq 2 ]'
"$node" --version | grep -q '^cwaku-node ' ; rc=$?
check "--version prints the version" '[ $rc -eq 0 ]'

echo "node_signals: $pass passed, $fail failed"
[ $fail -eq 0 ]
