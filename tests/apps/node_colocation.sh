#!/usr/bin/env bash
# --ip-colocation-limit: with a limit of 1, a second peer connecting from the
# same IP is refused while the first stays; with 0 both are accepted.
# Usage: node_colocation.sh CWAKU_NODE
set -u
node=$1
fail=0 pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT

for limit in 1 0; do
  "$node" --listen-address=127.0.0.1 --tcp-port=0 --ip-colocation-limit=$limit \
    --log-level=DEBUG >"$tmp/a.out" 2>"$tmp/a.err" &
  a=$!
  for _ in $(seq 100); do grep -q '^Listening on' "$tmp/a.out" && break; sleep 0.05; done
  addr=$(awk '/^Listening on/ {print $3; exit}' "$tmp/a.out")
  for d in b c; do
    "$node" --listen-address=127.0.0.1 --tcp-port=0 --staticnode="$addr" \
      >"$tmp/$d.out" 2>"$tmp/$d.err" &
    eval "$d=\$!"
    sleep 0.5
  done
  sleep 1
  accepted=$(grep -c 'identified' "$tmp/a.err")
  refused=$(grep -c 'refusing a peer' "$tmp/a.err")
  if [ $limit = 1 ]; then
    check "limit 1: one peer identified (got $accepted)" '[ "$accepted" -eq 1 ]'
    check "limit 1: the second peer refused (got $refused)" '[ "$refused" -ge 1 ]'
  else
    check "no limit: both peers identified (got $accepted)" '[ "$accepted" -eq 2 ]'
    check "no limit: nobody refused (got $refused)" '[ "$refused" -eq 0 ]'
  fi
  kill -TERM $b $c $a; wait $b $c $a 2>/dev/null
done
echo "node_colocation: $pass passed, $fail failed"
[ $fail -eq 0 ]
