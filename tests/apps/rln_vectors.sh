#!/usr/bin/env bash
# Every RLN v2 vector file of ../shared/rln/vectors runs clean through
# `cwaku-tool rln vectors`: exit status 0, a "0 failed" summary as the last
# line on stderr and in the JSON result. Usage: rln_vectors.sh CWAKU_TOOL
set -u
tool=$1
dir=${CWAKU_SHARED:-$(dirname "$0")/../../../shared}/rln/vectors
fail=0 pass=0 files=0
for f in "$dir"/*.json; do
  [ -e "$f" ] || continue
  files=$((files+1))
  name=$(basename "$f" .json)
  errf=$(mktemp)
  out=$("$tool" rln vectors "$f" 2>"$errf"); rc=$?
  summary=$(tail -n 1 "$errf")
  if [ $rc -eq 0 ] && [[ "$summary" =~ ^[0-9]+\ passed,\ 0\ failed$ ]] &&
     [[ "$out" == *"\"summary\":\"$summary\"}" ]]; then
    pass=$((pass+1))
    echo "$name: $summary"
  else
    fail=$((fail+1))
    echo "FAIL: $name (exit status $rc): ${summary:-no summary}"
    echo "$out" | head -c 4000; echo
  fi
  rm -f "$errf"
done
if [ $files -ne 6 ]; then
  echo "FAIL: $files vector files in $dir, 6 expected"
  fail=$((fail+1))
fi
echo "rln_vectors: $pass passed, $fail failed"
[ $fail -eq 0 ]
