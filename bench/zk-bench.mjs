// The reference implementations of bench/zk.sh, measured in one Node.js
// process: zerokit (@waku/zerokit-rln-wasm, the Rust RLN library compiled
// to WebAssembly, as js-waku runs it) and snarkjs (single-threaded) with
// circomlibjs. Prints one JSON object of microsecond figures.
//   node zk-bench.mjs SHARED_DIR
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import * as zerokit from "@waku/zerokit-rln-wasm";
import { buildPoseidon } from "circomlibjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const SHARED = process.argv[2] || join(HERE, "..", "..", "shared");
const RLN = join(SHARED, "rln");
const le32 = (x) => { x = BigInt(x); const b = new Uint8Array(32); for (let i = 0; i < 32; i++) { b[i] = Number(x & 255n); x >>= 8n; } return b; };
const hex = (h) => new Uint8Array(Buffer.from(h, "hex"));
const now = () => Number(process.hrtime.bigint()) / 1e3;

// best of `runs` averages of `inner` calls, in microseconds
async function time(fn, inner = 1, runs = 5) {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = now();
    for (let i = 0; i < inner; i++) await fn(i);
    best = Math.min(best, (now() - t0) / inner);
  }
  return +best.toFixed(2);
}

const out = {};
const c0 = JSON.parse(readFileSync(join(RLN, "vectors", "rln_cases.json"))).cases[0];
const wit0 = JSON.parse(readFileSync(join(RLN, "vectors", "rln_witness.json"))).witnesses["0"];
const zkey = new Uint8Array(readFileSync(join(RLN, "rln_final.zkey")));
const vk = JSON.parse(readFileSync(join(RLN, "verification_key.json")));

// ---- zerokit
zerokit.initSync({ module: readFileSync(join(HERE, "node_modules", "@waku", "zerokit-rln-wasm", "rln_wasm_bg.wasm")) });
const ctx = zerokit.newRLN(zkey);
const two = new Uint8Array(8 + 64);
new DataView(two.buffer).setBigUint64(0, 2n, true);
two.set(le32(1), 8); two.set(le32(2), 40);
out.zerokit_poseidon2_us = await time(() => zerokit.poseidonHash(two), 2000);
const witness = wit0.map(BigInt);
const serialized = hex(c0.zerokit_witness_hex);
out.zerokit_prove_us = await time(() => zerokit.generateRLNProofWithWitness(ctx, witness, serialized), 1, 5);
const signal = hex(c0.signal_hex);
const len = new Uint8Array(8);
new DataView(len.buffer).setBigUint64(0, BigInt(signal.length), true);
const vin = new Uint8Array([...hex(c0.zerokit_output_288_hex), ...len, ...signal]);
const roots = le32(c0.root);
if (zerokit.verifyWithRoots(ctx, vin, roots) !== true) throw new Error("zerokit refused the vector proof");
out.zerokit_verify_us = await time(() => zerokit.verifyWithRoots(ctx, vin, roots), 20);

// ---- snarkjs (one thread) and circomlibjs
const poseidon = await buildPoseidon();
out.circomlibjs_poseidon2_us = await time(() => poseidon([1n, 2n]), 2000);
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const w = Buffer.alloc(12 + 12 + 40 + 12 + wit0.length * 32);
{
  let o = 0;
  w.write("wtns", 0); o += 4; w.writeUInt32LE(2, o); o += 4; w.writeUInt32LE(2, o); o += 4;
  w.writeUInt32LE(1, o); o += 4; w.writeBigUInt64LE(40n, o); o += 8;
  w.writeUInt32LE(32, o); o += 4; w.set(le32(R), o); o += 32; w.writeUInt32LE(wit0.length, o); o += 4;
  w.writeUInt32LE(2, o); o += 4; w.writeBigUInt64LE(BigInt(wit0.length * 32), o); o += 8;
  for (const v of wit0) { w.set(le32(v), o); o += 32; }
}
const wtns = new Uint8Array(w);
let proof, pub;
out.snarkjs_prove_us = await time(async () => {
  ({ proof, publicSignals: pub } = await snarkjs.groth16.prove(zkey, wtns, undefined, { singleThread: true }));
}, 1, 3);
if (!(await snarkjs.groth16.verify(vk, pub, proof))) throw new Error("snarkjs refused its proof");
out.snarkjs_verify_us = await time(() => snarkjs.groth16.verify(vk, pub, proof), 5, 3);
const curve = await snarkjs.curves.getCurveFromName("bn128", { singleThread: true });
out.snarkjs_pairing_us = await time(() => curve.pairing(curve.G1.g, curve.G2.g), 20);
console.log(JSON.stringify(out));
process.exit(0);
