#!/usr/bin/env bash
# --staticnode: a node dials another by /dns4 over TCP and by /dns over
# WebSocket, identifies it over both connections, and keeps redialing a
# peer that is down until it comes up. Usage: node_staticnode.sh CWAKU_NODE
set -u
node=$1
fail=0 pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
key=0000000000000000000000000000000000000000000000000000000000000002

"$node" --nodekey=$key --listen-address=127.0.0.1 --tcp-port=0 --websocket-support \
  --websocket-port=0 >"$tmp/a.out" 2>"$tmp/a.err" &
a=$!
for _ in $(seq 100); do [ "$(grep -c '^Listening on' "$tmp/a.out")" -ge 2 ] && break; sleep 0.05; done
tcp=$(grep '^Listening on' "$tmp/a.out" | grep -v /ws/ | awk '{print $3}' | sed 's#/ip4/127.0.0.1#/dns4/localhost#')
ws=$(grep '^Listening on' "$tmp/a.out" | grep /ws/ | awk '{print $3}' | sed 's#/ip4/127.0.0.1#/dns/localhost#')
id=${tcp##*/p2p/}
"$node" --listen-address=127.0.0.1 --tcp-port=0 --staticnode="$tcp" --staticnode="$ws" \
  >"$tmp/b.out" 2>"$tmp/b.err" &
b=$!
for _ in $(seq 60); do [ "$(grep -c "identified $id" "$tmp/b.err")" -ge 2 ] && break; sleep 0.1; done
check "identified over /dns4 TCP and /dns WebSocket" '[ "$(grep -c "identified $id" "$tmp/b.err")" -eq 2 ]'
check "connected outbound" 'grep -q "connected $id (outbound) via" "$tmp/b.err"'

# Redial: A goes down, comes back on the same port, B reconnects.
port=$(echo "$tcp" | sed -E 's#.*/tcp/([0-9]+)/.*#\1#')
kill -TERM $a; wait $a
"$node" --nodekey=$key --listen-address=127.0.0.1 --tcp-port="$port" \
  >"$tmp/a2.out" 2>"$tmp/a2.err" &
a=$!
for _ in $(seq 100); do [ "$(grep -c "identified $id" "$tmp/b.err")" -ge 3 ] && break; sleep 0.1; done
check "reconnected after the peer came back" '[ "$(grep -c "identified $id" "$tmp/b.err")" -ge 3 ]'
kill -TERM $a $b; wait $a $b
echo "node_staticnode: $pass passed, $fail failed"
[ $fail -eq 0 ]
