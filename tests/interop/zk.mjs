// interop-zk: RLN v2 Groth16 proofs between cwaku, snarkjs and zerokit.
//
// usage: run.sh zk /path/to/cwaku-tool
// env:   CWAKU_SHARED (default ../shared beside the checkout),
//        CWAKU_ZK_PROOFS (cwaku proofs checked by snarkjs and zerokit, default 200),
//        CWAKU_ZK_SNARKJS_PROOFS (snarkjs proofs checked by cwaku, default 200;
//        snarkjs takes about 2 s a proof here), CWAKU_INTEROP_SEED.
//
//  1. cwaku proves N random memberships with the official key
//     (`cwaku-tool rln prove`); every proof verifies with snarkjs
//     (groth16.verify, official verification_key.json) and with zerokit
//     (@waku/zerokit-rln-wasm verifyWithRoots, its own x from the signal);
//     the public signals match the RLN formulas (computed here with
//     circomlibjs' Poseidon); and a proof with a changed signal is refused
//     by both.
//  2. snarkjs proves from the official witnesses of the vector cases (each
//     proof fresh randomness); every proof verifies in cwaku
//     (`cwaku-tool rln verify`), in arkworks bytes and as snarkjs JSON.
//  3. `cwaku-tool zk setup` makes our own key; cwaku's proofs with it verify
//     in snarkjs with the exported verification key, snarkjs' proofs with it
//     verify in cwaku, and neither key accepts the other's proofs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import * as zerokit from "@waku/zerokit-rln-wasm";
import { buildPoseidon } from "circomlibjs";
import { parseArgs, Rng, Results, toHex, runBatch } from "./lib.mjs";

const NAME = "zk";
const { tool, seed } = parseArgs(NAME);
const rng = new Rng(seed);
const res = new Results(NAME);
const sanitized = !!process.env.CWAKU_SANITIZE;
const envN = (k, d) => (process.env[k] ? Number(process.env[k]) : d);
const N_CWAKU = envN("CWAKU_ZK_PROOFS", sanitized ? 20 : 200);
const N_SNARKJS = envN("CWAKU_ZK_SNARKJS_PROOFS", 200);
const HERE = dirname(fileURLToPath(import.meta.url));
const SHARED = process.env.CWAKU_SHARED || join(HERE, "..", "..", "..", "shared");
const ZKEY = join(SHARED, "rln", "rln_final.zkey");
const VK_PATH = join(SHARED, "rln", "verification_key.json");
const VK = JSON.parse(readFileSync(VK_PATH, "utf8"));
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const tmp = mkdtempSync(join(tmpdir(), "cwaku-zk-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

const poseidon = await buildPoseidon();
const H = (...xs) => poseidon.F.toObject(poseidon(xs));
const le32 = (x) => { const b = new Uint8Array(32); for (let i = 0; i < 32; i++) { b[i] = Number(x & 255n); x >>= 8n; } return b; };
const fromLe = (b) => { let x = 0n; for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]); return x; };
const randField = () => { let x = 0n; for (let i = 0; i < 8; i++) x = (x << 32n) | BigInt(rng.u32()); return x % R; };
const randBytes = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = rng.u32() & 255; return b; };

// zerokit: the proving key as its context, x = its hash of the signal
zerokit.initSync({ module: readFileSync(join(HERE, "node_modules", "@waku", "zerokit-rln-wasm", "rln_wasm_bg.wasm")) });
const zk = zerokit.newRLN(new Uint8Array(readFileSync(ZKEY)));

// ------------------------------------------------------------ 1. cwaku proves

function randomMember() {
  const secret = randField();
  const limit = 1n + BigInt(rng.u32() % 65535);
  const id = BigInt(rng.u32()) % limit;
  const signal = randBytes(1 + (rng.u32() % 200));
  const x = fromLe(zerokit.hash(signal));
  const ext = randField();
  const pathElements = Array.from({ length: 20 }, randField);
  const pathIndex = Array.from({ length: 20 }, () => rng.u32() & 1);
  // expected public signals, by the RLN v2 formulas
  let node = H(H(secret), limit);
  for (let i = 0; i < 20; i++) node = pathIndex[i] ? H(pathElements[i], node) : H(node, pathElements[i]);
  const a1 = H(secret, ext, id);
  const expected = [(secret + x * a1) % R, node, H(a1), x, ext].map(String);
  const inputs = {
    identitySecret: String(secret), userMessageLimit: String(limit), messageId: String(id),
    pathElements: pathElements.map(String), identityPathIndex: pathIndex, x: String(x),
    externalNullifier: String(ext),
  };
  return { inputs, expected, signal };
}

const members = Array.from({ length: N_CWAKU }, randomMember);
let t0 = Date.now();
const proved = runBatch(tool, members.map((m) => ["rln", "prove", "--zkey", ZKEY, "--inputs", JSON.stringify(m.inputs)]), res, "rln prove");
console.log(`${NAME}: cwaku made ${N_CWAKU} proofs in ${((Date.now() - t0) / 1000).toFixed(1)} s (official key)`);

// zerokit's verify input: proof ‖ root ‖ external nullifier ‖ x ‖ y ‖ nullifier ‖ u64 LE signal length ‖ signal
function zerokitInput(proofHex, pub, signal) {
  const [y, root, nullifier, x, ext] = pub.map(BigInt);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(signal.length), true);
  return Buffer.concat([Buffer.from(proofHex, "hex"), le32(root), le32(ext), le32(x), le32(y), le32(nullifier), len, signal]);
}

for (let i = 0; i < N_CWAKU; i++) {
  const m = members[i], p = proved[i];
  if (p.kind !== "ok") { res.fail(`rln prove #${i} failed`, { result: p.raw, inputs: m.inputs }); continue; }
  const { proof_ark_hex: ark, proof_snarkjs: sj, public_signals: pub } = p.obj;
  res.check(JSON.stringify(pub) === JSON.stringify(m.expected), `proof #${i}: public signals follow the RLN formulas`, { got: pub, want: m.expected });
  res.check(await snarkjs.groth16.verify(VK, pub, sj), `proof #${i}: snarkjs accepts it`, { pub });
  const roots = le32(BigInt(pub[1]));
  res.check(zerokit.verifyWithRoots(zk, zerokitInput(ark, pub, m.signal), roots) === true, `proof #${i}: zerokit accepts it`, { pub });
  if (i < 10) {
    // a changed signal (so another x) is refused by both
    const other = Uint8Array.from(m.signal, (b, k) => (k === 0 ? b ^ 1 : b));
    res.check(zerokit.verifyWithRoots(zk, zerokitInput(ark, pub, other), roots) === false, `proof #${i}: zerokit refuses it for another signal`);
    const pub2 = [...pub];
    pub2[3] = String((BigInt(pub[3]) + 1n) % R);
    res.check(!(await snarkjs.groth16.verify(VK, pub2, sj)), `proof #${i}: snarkjs refuses it for another x`);
  }
}

// ------------------------------------------------------ 2. snarkjs proves

function wtns(values) {
  const n = values.length;
  const b = Buffer.alloc(12 + 12 + 40 + 12 + n * 32);
  let o = 0;
  b.write("wtns", 0); o += 4;
  b.writeUInt32LE(2, o); o += 4; b.writeUInt32LE(2, o); o += 4;
  b.writeUInt32LE(1, o); o += 4; b.writeBigUInt64LE(40n, o); o += 8;
  b.writeUInt32LE(32, o); o += 4; b.set(le32(R), o); o += 32; b.writeUInt32LE(n, o); o += 4;
  b.writeUInt32LE(2, o); o += 4; b.writeBigUInt64LE(BigInt(n * 32), o); o += 8;
  for (const v of values) { b.set(le32(BigInt(v)), o); o += 32; }
  return new Uint8Array(b);
}

// arkworks compressed form (../shared/rln/README.md "Proofs")
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const half = (P - 1n) / 2n;
function g1Bytes(pt) {
  const [x, y] = pt.slice(0, 2).map(BigInt);
  const b = le32(x);
  if (y > half) b[31] |= 0x80;
  return b;
}
function g2Bytes(pt) {
  const [x0, x1] = pt[0].map(BigInt), [y0, y1] = pt[1].map(BigInt);
  const b = new Uint8Array(64);
  b.set(le32(x0), 0); b.set(le32(x1), 32);
  if (y1 !== 0n ? y1 > half : y0 > half) b[63] |= 0x80;
  return b;
}
const arkHex = (p) => toHex(Buffer.concat([g1Bytes(p.pi_a), g2Bytes(p.pi_b), g1Bytes(p.pi_c)]));

const zkeyBuf = new Uint8Array(readFileSync(ZKEY));
const witnesses = JSON.parse(readFileSync(join(SHARED, "rln", "vectors", "rln_witness.json"), "utf8")).witnesses;
const wtnsBufs = Object.values(witnesses).map(wtns);
t0 = Date.now();
const sjProofs = [];
for (let i = 0; i < N_SNARKJS; i++) {
  const { proof, publicSignals } = await snarkjs.groth16.prove(zkeyBuf, wtnsBufs[i % wtnsBufs.length]);
  sjProofs.push({ proof, publicSignals });
}
console.log(`${NAME}: snarkjs made ${N_SNARKJS} proofs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const verifyCmds = [];
for (const { proof, publicSignals } of sjProofs) {
  verifyCmds.push(["rln", "verify", "--vk", VK_PATH, "--proof", arkHex(proof), "--public", JSON.stringify(publicSignals)]);
  verifyCmds.push(["rln", "verify", "--vk", VK_PATH, "--proof", JSON.stringify(proof), "--public", JSON.stringify(publicSignals)]);
}
// and the same proofs against changed public signals: refused
for (const { proof, publicSignals } of sjProofs.slice(0, 10)) {
  const bad = [...publicSignals];
  bad[0] = String((BigInt(bad[0]) + 1n) % R);
  verifyCmds.push(["rln", "verify", "--vk", VK_PATH, "--proof", arkHex(proof), "--public", JSON.stringify(bad)]);
}
const verified = runBatch(tool, verifyCmds, res, "rln verify");
verified.forEach((v, i) => {
  const want = i < 2 * N_SNARKJS;
  res.check(v.kind === "ok" && v.obj.valid === want, `snarkjs proof #${i >> 1} (${i < 2 * N_SNARKJS ? (i & 1 ? "JSON" : "arkworks") : "changed y"}): cwaku says valid = ${want}`, { result: v.raw });
});

// ------------------------------------------------------ 3. our own setup

const ownZkey = join(tmp, "own.zkey"), ownVkPath = join(tmp, "own_vk.json");
const setup = spawnSync(tool, ["zk", "setup", "--out-zkey", ownZkey, "--out-vk", ownVkPath], { encoding: "utf8", timeout: 600_000 });
res.check(setup.status === 0, "cwaku-tool zk setup succeeds", { stdout: setup.stdout, stderr: setup.stderr });
if (setup.status === 0) {
  const ownVk = JSON.parse(readFileSync(ownVkPath, "utf8"));
  const own = members.slice(0, 10);
  const ownProved = runBatch(tool, own.map((m) => ["rln", "prove", "--zkey", ownZkey, "--inputs", JSON.stringify(m.inputs)]), res, "rln prove (own key)");
  for (let i = 0; i < own.length; i++) {
    const p = ownProved[i];
    if (p.kind !== "ok") { res.fail(`own-key proof #${i} failed`, { result: p.raw }); continue; }
    res.check(await snarkjs.groth16.verify(ownVk, p.obj.public_signals, p.obj.proof_snarkjs), `own-key proof #${i}: snarkjs accepts it with our verification key`);
    res.check(!(await snarkjs.groth16.verify(VK, p.obj.public_signals, p.obj.proof_snarkjs)), `own-key proof #${i}: the official key refuses it`);
  }
  const ownBuf = new Uint8Array(readFileSync(ownZkey));
  const cmds = [];
  for (let i = 0; i < 4; i++) {
    const { proof, publicSignals } = await snarkjs.groth16.prove(ownBuf, wtnsBufs[i]);
    cmds.push(["rln", "verify", "--vk", ownVkPath, "--proof", arkHex(proof), "--public", JSON.stringify(publicSignals)]);
    cmds.push(["rln", "verify", "--vk", VK_PATH, "--proof", arkHex(proof), "--public", JSON.stringify(publicSignals)]);
  }
  runBatch(tool, cmds, res, "rln verify (own key)").forEach((v, i) => {
    const want = i % 2 === 0;
    res.check(v.kind === "ok" && v.obj.valid === want, `snarkjs proof with our key #${i >> 1}: cwaku with ${want ? "our" : "the official"} key says valid = ${want}`, { result: v.raw });
  });
}

res.finish();
