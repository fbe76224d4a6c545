// interop-poseidon: `cwaku-tool poseidon` against circomlibjs 0.1.7.
//
// usage: run.sh poseidon /path/to/cwaku-tool   |   run.sh poseidon --self-test
//
// Rule: circomlib's Poseidon over the BN254 scalar field r, t = n + 1 for n
// inputs (1..8), output state[0]; inputs and output are canonical decimals.
//
// Oracles: circomlibjs' buildPoseidon (the WebAssembly one the RLN vectors
// were made with) and buildPoseidonReference (plain JavaScript on the same
// constant tables). They must agree on every case; a disagreement is
// reported as an oracle problem. cwaku generates its constants itself
// (Grain LFSR), so every case also checks those against circomlib's tables.
//
// Cases: per arity 1..8 the edge vectors (all 0, all 1, all r-1, mixes of
// 0/1/r-1, 1..n), then CWAKU_INTEROP_CASES random cases over arities 1..8
// (full-size values, small values and edge values mixed), all through
// `cwaku-tool batch`; and plain invocations that must fail: arity 0 and 9,
// values >= r, non-canonical or non-decimal text.
import { buildPoseidon, buildPoseidonReference } from "circomlibjs";
import {
  parseArgs, Rng, Results, runBatch, runSingle, singleContractProblem, showCmd,
} from "./lib.mjs";

const NAME = "poseidon";
const { tool, selfTest, cases, seed } = parseArgs(NAME);
const rng = new Rng(seed);
const res = new Results(NAME);

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const EDGES = [0n, 1n, R - 1n];

// ---------------------------------------------------------------- oracles

const wasm = await buildPoseidon();
const reference = await buildPoseidonReference();

function oracle(inputs) {
  const a = wasm.F.toString(wasm(inputs), 10);
  const b = reference.F.toString(reference(inputs), 10);
  return { a, b };
}

// ---------------------------------------------------------------- cases

function randomValue() {
  switch (rng.int(0, 9)) {
    case 0: return rng.pick(EDGES);
    case 1: return BigInt(rng.int(0, 1000));
    case 2: return R - 1n - BigInt(rng.int(0, 1000));
    case 3: return rng.u64();
    default: return rng.bigint(0n, R - 1n);
  }
}

const list = []; // { label, inputs: bigint[] }
for (let n = 1; n <= 8; n++) {
  for (const e of EDGES) list.push({ label: `arity ${n}: all ${e === R - 1n ? "r-1" : e}`, inputs: Array(n).fill(e) });
  list.push({ label: `arity ${n}: 0/1/r-1 mix`, inputs: Array.from({ length: n }, (_, i) => EDGES[i % 3]) });
  list.push({ label: `arity ${n}: r-1/1/0 mix`, inputs: Array.from({ length: n }, (_, i) => EDGES[2 - (i % 3)]) });
  list.push({ label: `arity ${n}: 1..n`, inputs: Array.from({ length: n }, (_, i) => BigInt(i + 1)) });
}
for (let i = 0; i < cases; i++) {
  const n = rng.int(1, 8);
  list.push({ label: `random #${i} (arity ${n})`, inputs: Array.from({ length: n }, randomValue) });
}

// expected values; both oracles must agree
for (const c of list) {
  const { a, b } = oracle(c.inputs);
  if (a !== b) {
    res.fail(`${c.label}: circomlibjs wasm and reference disagree (oracle problem, not cwaku)`,
      { inputs: c.inputs, wasm: a, reference: b });
    c.expected = null;
  } else {
    c.expected = a;
    if (selfTest) res.pass();
  }
}

// ---------------------------------------------------------------- cwaku

if (!selfTest) {
  const commands = list.map((c) => ["poseidon", ...c.inputs.map((x) => x.toString())]);
  const out = runBatch(tool, commands, res, "poseidon");
  list.forEach((c, i) => {
    if (c.expected === null) return;
    const r = out[i];
    const ok = r && r.kind === "ok" && r.obj.output === c.expected && r.obj.arity === c.inputs.length;
    res.check(ok, `${c.label}: cwaku differs from circomlibjs`, {
      command: showCmd(commands[i]), expected: c.expected, got: r ? r.raw : "(no answer)",
    });
  });

  // plain invocations: two that succeed, the rest must fail cleanly
  const good = [list[0], list[list.length - 1]];
  for (const c of good) {
    const args = ["poseidon", ...c.inputs.map((x) => x.toString())];
    const run = runSingle(tool, args);
    const problem = singleContractProblem(run);
    res.check(!problem && run.status === 0 && run.parsed.obj.output === c.expected,
      `${showCmd(args)}: plain run`, { problem, stdout: run.stdout, stderr: run.stderr });
  }
  const BAD = [
    ["poseidon"],
    ["poseidon", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    ["poseidon", R.toString()],
    ["poseidon", "1", (R + 5n).toString()],
    ["poseidon", (2n ** 256n).toString()],
    ["poseidon", "-1"],
    ["poseidon", "01"],
    ["poseidon", "0x1"],
    ["poseidon", ""],
    ["poseidon", "1 "],
    ["poseidon", "12a"],
  ];
  for (const args of BAD) {
    const run = runSingle(tool, args);
    const problem = singleContractProblem(run);
    res.check(!problem && run.status === 1 && run.parsed.kind === "error",
      `${showCmd(args)}: must fail with an error object`,
      { problem, status: run.status, stdout: run.stdout, stderr: run.stderr });
  }
}

res.note(`${list.length} hash cases (arities 1..8), circomlibjs wasm and reference oracles`);
res.finish();
