// interop-libp2p-badinput: garbage at every connection stage while a
// well-behaved js-libp2p peer keeps pinging cwaku-node.
//
// usage: run.sh libp2p-badinput /path/to/cwaku-node   |   run.sh libp2p-badinput --fake
// env:   CWAKU_INTEROP_FRAMES (frames per stage, default 10000),
//        CWAKU_INTEROP_CONCURRENCY (default 50)
//
// cwaku-node runs with --max-connections=200. Stages, one after the other,
// each sending CWAKU_INTEROP_FRAMES garbage frames from 50 concurrent
// connections (each connection sends 1..20 frames -- 1..40 in stage 4 -- then
// FINs, resets, or waits for cwaku to hang up; a frame counts when written
// to a connection cwaku had not closed):
//   1. before multistream: random bytes, truncated / oversized / malformed
//      multistream headers, bad varints; 20% to the WebSocket port (HTTP
//      garbage, broken upgrades, a valid upgrade then garbage);
//   2. a valid "/multistream/1.0.0" header, then garbage: bad lengths, no
//      newline, unknown and oversized protocol names, "ls", random bytes;
//   3. a valid header + "/noise" selection, then garbage noise frames
//      (2-byte length prefix): random, truncated, empty, a plausible first
//      handshake message followed by junk;
//   4. a real noise XX handshake (js-libp2p's noise, from js-libp2p nodes whose
//      stream muxer is a stand-in that hands us the secured channel), the
//      muxer selected as /yamux/1.0.0 (half the frames) or /mplex/6.7.0 (the
//      other half), then garbage muxer frames: bad versions/types/flags,
//      wrong-parity and duplicate stream ids, window overflows, oversized and
//      truncated frames, frames for unknown streams, stream floods, and
//      streams whose multistream negotiation is garbage.
// Meanwhile a js-libp2p node (TCP+noise+yamux) pings cwaku over ONE
// connection, every 100 ms. Pass when every ping succeeds on that connection,
// cwaku is still alive at the end, a fresh js-libp2p node can still dial,
// identify and ping it, and it exits 0 on SIGTERM. Also failed: a stage in
// which no garbage frame could be delivered at all. Reported: frames and
// connections per stage, noise handshakes completed, cwaku's RSS peak and
// open file descriptors before/after.
import net from "node:net";
import { createLibp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { generateKeyPair } from "@libp2p/crypto/keys";
import {
  parseNodeArgs, PrngStream, nodeKeyHex, CwakuNode, cwakuArgs, createJsNode, stopJsNode,
  dialWithTimeout, pingOnConnection, withTimeout, watchdog, errText, envInt, sleep, multiaddr,
  RssSampler, mib,
} from "./libp2p-lib.mjs";
import { Results } from "./lib.mjs";

const NAME = "libp2p-badinput";
const { cmd, seed, label } = parseNodeArgs(NAME, "CWAKU_INTEROP_FRAMES, CWAKU_INTEROP_CONCURRENCY");
const res = new Results(NAME);
watchdog(res, 1500);
const FRAMES = envInt("CWAKU_INTEROP_FRAMES", 10_000);
const CONC = Math.max(1, envInt("CWAKU_INTEROP_CONCURRENCY", 50));
const STAGE_MS = 300_000;
const rng = new PrngStream(seed, NAME);

// ---------------------------------------------------------------- encodings

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}
const lp = (buf) => Buffer.concat([varint(buf.length), buf]);
const mssMsg = (s) => lp(Buffer.from(`${s}\n`));
const MSS = mssMsg("/multistream/1.0.0");
const NOISE_SEL = mssMsg("/noise");
const rnd = (lo, hi) => Buffer.from(rng.bytes(rng.int(lo, hi)));
const truncate = (b) => b.subarray(0, rng.int(0, Math.max(0, b.length - 1)));
const u16 = (n) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const randProto = () => "/" + Buffer.from(rng.bytes(rng.int(1, 40))).toString("base64url");

// ---------------------------------------------------------------- stage 1..3 garbage

function genPreMss() {
  switch (rng.int(0, 9)) {
    case 0: return rnd(1, 512);
    case 1: return truncate(MSS);
    case 2: return Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), rnd(0, 64)]); // 4 GiB length
    case 3: return Buffer.alloc(rng.int(10, 40), 0xff); // varint that never ends
    case 4: return mssMsg("/multistream/2.0.0");
    case 5: return lp(Buffer.from("/multistream/1.0.0")); // no newline
    case 6: return Buffer.concat([varint(rng.int(20, 1 << 20)), Buffer.from("/multistream/1.0.0\n")]); // length lies
    case 7: return Buffer.from([0x00]); // empty message
    case 8: return Buffer.concat([mssMsg("/noise"), MSS]); // protocol before header
    default: return Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
  }
}

function genWs() {
  const key = Buffer.from(rng.bytes(16)).toString("base64");
  switch (rng.int(0, 5)) {
    case 0: return rnd(1, 512);
    case 1: return Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    case 2: return truncate(Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n\r\n`));
    case 3: return Buffer.from(`GET / HTTP/1.1\r\nHost: ${"h".repeat(rng.int(1, 20000))}\r\n\r\n`);
    case 4: return Buffer.from(`POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n`);
    default: { // a WS frame, masked or not, random opcode and length
      const hdr = Buffer.from([rng.int(0, 255), rng.int(0, 255)]);
      return Buffer.concat([hdr, rnd(0, 300)]);
    }
  }
}
const WS_UPGRADE = () => Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${Buffer.from(rng.bytes(16)).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);

function genAfterMss() {
  switch (rng.int(0, 10)) {
    case 0: return rnd(1, 512);
    case 1: return lp(rnd(0, 200)); // no newline
    case 2: return mssMsg(randProto()); // unknown protocol: "na" is the answer
    case 3: return Buffer.concat([varint(rng.int(1 << 16, 2 ** 32)), rnd(0, 100)]); // huge length
    case 4: return mssMsg("ls");
    case 5: return Buffer.from([0x01, 0x0a]); // "\n" only
    case 6: return truncate(NOISE_SEL);
    case 7: return mssMsg("/" + "x".repeat(rng.int(1024, 20000))); // over-long protocol name
    case 8: return Buffer.concat([MSS, MSS, MSS]); // header repeated
    case 9: return Buffer.alloc(rng.int(10, 40), 0x80);
    default: return mssMsg(`/noise${"\0".repeat(rng.int(1, 5))}`);
  }
}

function genNoise() {
  switch (rng.int(0, 7)) {
    case 0: { const n = rng.int(0, 2048); return Buffer.concat([u16(n), rnd(n, n)]); }
    case 1: return Buffer.concat([u16(65535), rnd(0, 500)]); // truncated max frame
    case 2: return u16(0); // empty frame
    case 3: return Buffer.concat([u16(32), rnd(32, 32), u16(rng.int(0, 400)), rnd(0, 400)]); // msg1 then junk
    case 4: return rnd(1, 300); // unframed
    case 5: return Buffer.from([rng.int(0, 255)]); // half a length prefix
    case 6: { const n = rng.int(40000, 65535); return Buffer.concat([u16(n), rnd(n, n)]); } // big frame
    default: return Buffer.concat([u16(rng.int(33, 200)), rnd(32, 32)]); // length says more than sent
  }
}

// ---------------------------------------------------------------- stage 4 garbage

// yamux header: version u8, type u8, flags u16, stream id u32, length u32 (BE)
function yh(version, type, flags, id, len) {
  const b = Buffer.alloc(12);
  b.writeUInt8(version & 0xff, 0); b.writeUInt8(type & 0xff, 1); b.writeUInt16BE(flags & 0xffff, 2);
  b.writeUInt32BE(id >>> 0, 4); b.writeUInt32BE(len >>> 0, 8);
  return b;
}
const SYN = 1, ACK = 2, FIN = 4, RST = 8;
function genYamux(state) {
  const id = () => (state.next += 2); // odd ids: we are the client
  switch (rng.int(0, 15)) {
    case 0: return [rnd(12, 200)];
    case 1: return [yh(rng.int(1, 255), 0, SYN, id(), 0)]; // bad version
    case 2: return [yh(0, rng.int(4, 255), rng.int(0, 15), id(), rng.int(0, 100))]; // bad type
    case 3: return [Buffer.concat([yh(0, 0, SYN, id(), 0xffffffff), rnd(0, 200)])]; // huge data length
    case 4: { const s = id(); const n = 300 * 1024; return [yh(0, 1, SYN, s, 0), Buffer.concat([yh(0, 0, 0, s, n), rnd(n, n)])]; } // over the 256 KiB window
    case 5: return [yh(0, 1, SYN, rng.pick([0, 2, 4, 1000]), 0)]; // stream 0 / server parity
    case 6: return [yh(0, 1, 0, rng.pick([0, id(), 0x7fffffff]), 0xffffffff)]; // window overflow
    case 7: return [yh(0, 2, ACK, 0, rng.u32())]; // unsolicited ping ack
    case 8: return [yh(0, 3, 0, 0, rng.int(0, 10)), yh(0, 1, SYN, id(), 0)]; // go away, then keep going
    case 9: return [Buffer.concat([yh(0, 0, 0, 1_000_001 + 2 * rng.int(0, 1000), 10), rnd(10, 10)])]; // unknown stream
    case 10: { const s = id(); return [yh(0, 1, SYN, s, 0), yh(0, 1, SYN, s, 0)]; } // duplicate SYN
    case 11: return Array.from({ length: rng.int(20, 100) }, () => yh(0, 1, SYN, id(), 0)); // stream flood
    case 12: return [truncate(yh(0, 0, SYN, id(), 5))];
    case 13: { // a stream whose multistream negotiation is garbage
      const s = id();
      const body = Buffer.concat([MSS, genAfterMss()]);
      return [yh(0, 1, SYN, s, 0), Buffer.concat([yh(0, 0, 0, s, body.length), body])];
    }
    case 14: { const s = id(); return [yh(0, 1, SYN, s, 0), yh(0, 1, RST | FIN | ACK, s, 0), Buffer.concat([yh(0, 0, 0, s, 4), rnd(4, 4)])]; } // data after reset
    default: return [yh(0, rng.int(0, 3), rng.int(0, 0xffff), rng.u32(), rng.int(0, 64))];
  }
}

// mplex: varint(id << 3 | type), varint(length), data
function mh(id, type, data) { return Buffer.concat([varint(BigInt(id) * 8n + BigInt(type)), varint(data.length), data]); }
function genMplex(state) {
  const id = () => state.next++;
  switch (rng.int(0, 12)) {
    case 0: return [rnd(1, 200)];
    case 1: return [mh(id(), 7, rnd(0, 20))]; // type 7 does not exist
    case 2: return [Buffer.concat([varint(id() * 8), varint(2 ** 31), rnd(0, 100)])]; // 2 GiB message
    case 3: return [Buffer.concat([Buffer.alloc(10, 0xff), Buffer.from([0x01])])]; // 70-bit varint
    case 4: return [mh(1_000_000 + rng.int(0, 1000), 2, rnd(1, 50))]; // message for an unknown stream
    case 5: return Array.from({ length: rng.int(20, 100) }, () => mh(id(), 0, Buffer.from(String(state.next)))); // stream flood
    case 6: { const s = id(); return [mh(s, 0, Buffer.alloc(0)), mh(s, 0, Buffer.alloc(0))]; } // duplicate id
    case 7: { const s = id(); return [mh(s, 0, Buffer.alloc(0)), mh(s, 2, Buffer.concat([MSS, genAfterMss()]))]; } // garbage negotiation
    case 8: return [mh(rng.int(0, 1000), rng.pick([3, 4, 5, 6]), rnd(0, 10))]; // close/reset unknown
    case 9: { const s = id(); const n = (1 << 20) + rng.int(1, 1000); return [mh(s, 0, Buffer.alloc(0)), mh(s, 2, rnd(n, n))]; } // over 1 MiB
    case 10: return [truncate(mh(id(), 0, rnd(1, 30)))];
    case 11: { const s = id(); return [mh(s, 0, Buffer.alloc(0)), mh(s, 6, Buffer.alloc(0)), mh(s, 2, rnd(1, 20))]; } // data after reset
    default: return [mh(id(), 0, Buffer.from("x".repeat(rng.int(1000, 60000))))]; // long stream name
  }
}

// Minimal StreamMuxer stand-in: hands the secured channel to `onSecure`.
function grabberMuxer(protocol, onSecure) {
  return () => ({
    protocol,
    createStreamMuxer(secured) {
      const m = new EventTarget();
      m.protocol = protocol;
      m.streams = [];
      m.status = "open";
      m.createStream = async () => { throw new Error("garbage muxer opens no streams"); };
      m.abort = () => { m.status = "closed"; };
      m.close = async () => { m.status = "closed"; };
      onSecure(secured);
      return m;
    },
  });
}

// ---------------------------------------------------------------- raw connections

// Opens a TCP connection, writes `prefix` then frames from `gen`; returns
// { connected, frames }.
async function rawConnection(port, prefix, gen, maxFrames, budget) {
  const sock = net.connect({ host: "127.0.0.1", port });
  let closed = false;
  sock.on("error", () => { closed = true; });
  sock.on("close", () => { closed = true; });
  sock.on("end", () => { closed = true; });
  sock.on("data", () => {}); // discard whatever cwaku answers
  try {
    await withTimeout(new Promise((resolve, reject) => { sock.once("connect", resolve); sock.once("error", reject); }), 5000, "connect");
  } catch {
    sock.destroy();
    return { connected: false, frames: 0 };
  }
  const write = (b) => withTimeout(new Promise((resolve, reject) => sock.write(b, (e) => (e ? reject(e) : resolve()))), 5000, "write");
  let frames = 0;
  try {
    if (prefix) await write(prefix);
    for (let i = 0; i < maxFrames && budget.left > 0; i++) {
      if (closed) break;
      const f = gen();
      budget.left--; // reserve; given back when the frame could not be written
      let ok = false;
      try { await write(f); ok = !closed; } catch { /* cwaku hung up */ }
      if (!ok) { budget.left++; break; }
      frames++;
      if (rng.bool(0.3)) await sleep(rng.int(0, 20));
    }
  } catch { /* cwaku hung up */ }
  switch (rng.int(0, 2)) {
    case 0: sock.end(); break;
    case 1: sock.resetAndDestroy(); break;
    default: await sleep(rng.int(0, 300)); break;
  }
  await sleep(10);
  sock.destroy();
  return { connected: true, frames };
}

async function runWorkers(stats, work) {
  const deadline = Date.now() + STAGE_MS;
  await Promise.all(Array.from({ length: CONC }, async (_, w) => {
    let attempts = 0;
    while (stats.budget.left > 0 && Date.now() < deadline && attempts++ < FRAMES && cw.alive()) {
      const refused = stats.refused;
      await work(w);
      if (stats.refused > refused) await sleep(100);
    }
  }));
  stats.timedOut = Date.now() >= deadline;
}

async function rawStage(stats, port, wsPort, prefixFn, gen) {
  await runWorkers(stats, async () => {
    let r;
    if (wsPort && rng.bool(0.2)) {
      r = await rawConnection(wsPort, rng.bool(0.3) ? WS_UPGRADE() : null, genWs, rng.int(1, 20), stats.budget);
    } else {
      r = await rawConnection(port, prefixFn ? prefixFn() : null, gen, rng.int(1, 20), stats.budget);
    }
    stats.conns += r.connected ? 1 : 0;
    stats.refused += r.connected ? 0 : 1;
    stats.frames += r.frames;
  });
}

// Stage 4: one js-libp2p node per worker, sequential forced dials.
async function securedStage(stats, addr, protocol, genFrames) {
  const keys = await Promise.all(Array.from({ length: 4 }, () => generateKeyPair("secp256k1")));
  const nodes = [];
  const pending = [];
  try {
    for (let w = 0; w < CONC; w++) {
      const node = await createLibp2p({
        privateKey: keys[w % keys.length],
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [grabberMuxer(protocol, (s) => { pending[w]?.(s); })],
        services: {},
        connectionMonitor: { enabled: false },
        connectionManager: { maxConnections: 1000 },
      });
      await node.start();
      nodes.push(node);
    }
    const target = multiaddr(addr);
    await runWorkers(stats, async (w) => {
      const node = nodes[w];
      const got = new Promise((resolve) => { pending[w] = resolve; });
      let conn;
      try {
        conn = await node.dial(target, { force: true, signal: AbortSignal.timeout(10_000) });
      } catch {
        stats.refused++;
        pending[w] = null;
        return;
      }
      stats.conns++;
      let secured;
      try { secured = await withTimeout(got, 2000, "secured channel"); } catch { conn.abort(new Error("no channel")); return; }
      pending[w] = null;
      stats.handshakes++;
      secured.addEventListener("message", () => {});
      const state = { next: rng.int(0, 1) === 0 ? 1 : 2 * rng.int(0, 1000) + 1 };
      const max = rng.int(1, 40);
      try {
        for (let i = 0; i < max && stats.budget.left > 0; i++) {
          if (secured.status !== "open" || conn.status !== "open") break;
          for (const f of genFrames(state)) {
            if (stats.budget.left <= 0 || secured.status !== "open") break;
            stats.budget.left--; // reserve; given back when the frame could not be sent
            try {
              if (!secured.send(f)) await secured.onDrain({ signal: AbortSignal.timeout(5000) });
            } catch (e) {
              stats.budget.left++;
              throw e;
            }
            stats.frames++;
          }
          if (rng.bool(0.3)) await sleep(rng.int(0, 20));
        }
      } catch { /* cwaku hung up */ }
      if (rng.bool(0.5)) await sleep(rng.int(0, 300));
      conn.abort(new Error("garbage done"));
    });
  } finally {
    await Promise.all(nodes.map((n) => stopJsNode(n)));
  }
}

// ---------------------------------------------------------------- run

const nodeKey = nodeKeyHex(rng);
let cw;
try {
  cw = await CwakuNode.start(cmd, cwakuArgs(nodeKey, ["--max-connections=200"]), { wantListen: ["tcp", "ws"] });
} catch (e) {
  res.fail(`${label} did not start`, errText(e));
  res.finish();
}
const tcpAddr = cw.addr("tcp");
const wsAddr = cw.addr("ws");
const tcpPort = Number(tcpAddr.split("/tcp/")[1].split("/")[0]);
const wsPort = wsAddr ? Number(wsAddr.split("/tcp/")[1].split("/")[0]) : null;
console.log(`${label} pid ${cw.pid}: ${cw.listen.join("  ")}; ${FRAMES} frames per stage, ${CONC} concurrent connections`);
const fdBefore = cw.fdCount();
const rss = new RssSampler(cw.pid, 50);

// the well-behaved peer
const good = await createJsNode({ transports: ["tcp"], muxers: ["yamux"] });
let goodConn;
try {
  goodConn = await dialWithTimeout(good, tcpAddr);
} catch (e) {
  res.fail(`the well-behaved js-libp2p peer could not dial ${label}`, { error: errText(e), cwaku_log_tail: cw.logTail() });
  await stopJsNode(good);
  cw.kill();
  res.finish();
}
let attacking = true;
const pingStats = { ok: 0, failed: 0, rttMax: 0 };
const pinger = (async () => {
  let i = 0;
  while (attacking) {
    const t0 = Date.now();
    try {
      if (i % 2 === 0) {
        await good.services.ping.ping(goodConn.remotePeer, { signal: AbortSignal.timeout(10_000) });
      } else {
        await pingOnConnection(goodConn, 2, 10_000);
      }
      pingStats.ok++;
      res.pass();
    } catch (e) {
      pingStats.failed++;
      res.fail(`ping #${i} from the well-behaved peer failed during the garbage (stage ${currentStage})`,
        { error: errText(e), connection: goodConn.status, cwaku_alive: cw.alive(), cwaku_log_tail: cw.logTail(5) });
      if (!cw.alive() || goodConn.status !== "open") break;
    }
    pingStats.rttMax = Math.max(pingStats.rttMax, Date.now() - t0);
    i++;
    await sleep(100);
  }
})();

let currentStage = "-";
const STAGES = [
  { name: "1 before multistream", run: (s) => rawStage(s, tcpPort, wsPort, null, genPreMss), frames: FRAMES },
  { name: "2 multistream header then garbage", run: (s) => rawStage(s, tcpPort, null, () => MSS, genAfterMss), frames: FRAMES },
  { name: "3 /noise selected then garbage frames", run: (s) => rawStage(s, tcpPort, null, () => Buffer.concat([MSS, NOISE_SEL]), genNoise), frames: FRAMES },
  { name: "4a noise done, /yamux/1.0.0, garbage frames", run: (s) => securedStage(s, tcpAddr, "/yamux/1.0.0", genYamux), frames: Math.ceil(FRAMES / 2) },
  { name: "4b noise done, /mplex/6.7.0, garbage frames", run: (s) => securedStage(s, tcpAddr, "/mplex/6.7.0", genMplex), frames: Math.floor(FRAMES / 2) },
];
for (const st of STAGES) {
  if (!cw.alive()) break;
  currentStage = st.name;
  const stats = { budget: { left: st.frames }, frames: 0, conns: 0, refused: 0, handshakes: 0, timedOut: false };
  const t0 = Date.now();
  try {
    await st.run(stats);
  } catch (e) {
    res.fail(`stage ${st.name}: harness error`, errText(e) + "\n" + (e?.stack ?? ""));
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`stage ${st.name}: ${stats.frames}/${st.frames} frames over ${stats.conns} connections ` +
    `(${stats.refused} refused${st.name.startsWith("4") ? `, ${stats.handshakes} noise handshakes` : ""}) in ${secs}s; ` +
    `${label} alive: ${cw.alive()}; pings so far ${pingStats.ok} ok, ${pingStats.failed} failed`);
  res.check(stats.frames > 0, `stage ${st.name}: at least some garbage reached ${label}`, stats);
  if (stats.frames < st.frames) {
    res.note(`stage ${st.name}: only ${stats.frames} of ${st.frames} frames delivered (${stats.refused} connections refused${stats.timedOut ? ", stage time limit hit" : ""})`);
  }
  if (st.name.startsWith("4")) res.check(stats.handshakes > 0, `stage ${st.name}: at least one noise handshake with ${label} completed`, stats);
  res.check(cw.alive(), `${label} alive after stage ${st.name}`, { exit: cw.exit, stderr_tail: cw.logTail(15) });
}
attacking = false;
await withTimeout(pinger, 30_000, "pinger stop").catch(() => {});
const peak = rss.stop();
console.log(`pings during the garbage: ${pingStats.ok} ok, ${pingStats.failed} failed, slowest ${pingStats.rttMax} ms`);
res.check(pingStats.ok > 0, "the well-behaved peer completed pings during the garbage", pingStats);
res.check(goodConn.status === "open" && good.getConnections(cw.peerId).length === 1 && good.getConnections(cw.peerId)[0] === goodConn,
  "the well-behaved peer's connection stayed open throughout (no redial)",
  { status: goodConn.status, connections: good.getConnections(cw.peerId).length });
await stopJsNode(good);

// after the storm
await sleep(2000);
res.check(cw.alive(), `${label} is still alive after all stages`, { exit: cw.exit, stderr_tail: cw.logTail(20) });
if (cw.alive()) {
  const fresh = await createJsNode({ transports: ["tcp"], muxers: ["yamux"] });
  try {
    const idp = new Promise((resolve) => fresh.addEventListener("peer:identify", (e) => resolve(e.detail)));
    const c = await dialWithTimeout(fresh, tcpAddr);
    await fresh.services.ping.ping(c.remotePeer, { signal: AbortSignal.timeout(10_000) });
    const idr = await withTimeout(idp, 10_000, "identify");
    res.check(String(idr.agentVersion).startsWith("cwaku/"), "a fresh peer can dial, ping and identify after the garbage", { agent: idr.agentVersion });
  } catch (e) {
    res.fail("a fresh js-libp2p peer could not dial/ping/identify after the garbage", { error: errText(e), cwaku_log_tail: cw.logTail() });
  } finally {
    await stopJsNode(fresh);
  }
  await sleep(1000);
  console.log(`${label}: VmRSS peak during the run ${mib(peak)} MiB; open fds ${fdBefore} before, ${cw.fdCount()} after`);
}
const stop = await cw.stop();
res.check(stop.code === 0 && !stop.timedOut, `${label} exits with status 0 on SIGTERM after the garbage`, { ...stop, stderr_tail: cw.logTail(10) });
res.finish();
