// interop-libp2p-streams: many streams and one big stream through cwaku-node's
// /cwaku/echo/1.0.0 (started with --test-echo=true).
//
// usage: run.sh libp2p-streams /path/to/cwaku-node   |   run.sh libp2p-streams --fake
// env:   CWAKU_INTEROP_STREAMS (default 1000), CWAKU_INTEROP_BIG_MIB (yamux big
//        stream, default 256), CWAKU_INTEROP_BIG_MPLEX_MIB (default 100),
//        CWAKU_INTEROP_RSS_LIMIT_MIB (default 64)
//
// Over ONE js-libp2p -> cwaku TCP+noise+yamux connection:
//   1. 1,000 concurrent echo streams, each sends 1..64 KiB of seeded random
//      bytes, half-closes, reads the echo to its end and compares;
//   2. one stream carries 256 MiB each way (sent in 256 KiB chunks with
//      backpressure while the echo is read concurrently); the sha256 and
//      length of what was sent and what came back must match. cwaku-node's
//      VmRSS (/proc/PID/status) is sampled every 20 ms (worker thread) during the transfer;
//      the peak must stay <= 64 MiB (yamux flow-control windows bound what a
//      correct node buffers: js's stream window grows to at most 16 MiB).
// Then the same over a TCP+noise+mplex connection (big stream 100 MiB; mplex
// has no flow control, so a bounded RSS there means cwaku stops reading the
// socket while its write side is backed up).
// Against --fake (a Node.js process of ~130 MiB at rest whose garbage
// collector frees lazily) the bound is applied to the growth over the RSS
// measured just before the transfer, and doubled.
import {
  parseNodeArgs, PrngStream, nodeKeyHex, CwakuNode, cwakuArgs, createJsNode, stopJsNode,
  dialWithTimeout, withTimeout, watchdog, errText, envInt, PROTO, MUXER_PROTOCOL, RssSampler,
  mib, toBytes,
} from "./libp2p-lib.mjs";
import { createHash } from "node:crypto";
import { Results } from "./lib.mjs";

const NAME = "libp2p-streams";
const { cmd, fake, seed, label } = parseNodeArgs(NAME,
  "CWAKU_INTEROP_STREAMS, CWAKU_INTEROP_BIG_MIB, CWAKU_INTEROP_BIG_MPLEX_MIB, CWAKU_INTEROP_RSS_LIMIT_MIB");
const res = new Results(NAME);
watchdog(res, 1500);
const STREAMS = envInt("CWAKU_INTEROP_STREAMS", 1000);
const BIG = { yamux: envInt("CWAKU_INTEROP_BIG_MIB", 256), mplex: envInt("CWAKU_INTEROP_BIG_MPLEX_MIB", 100) };
const RSS_LIMIT_KIB = envInt("CWAKU_INTEROP_RSS_LIMIT_MIB", 64) * 1024;
const CHUNK = 256 * 1024;
const prng = new PrngStream(seed, NAME);

const nodeKey = nodeKeyHex(prng);
let cw;
try {
  cw = await CwakuNode.start(cmd, cwakuArgs(nodeKey, ["--test-echo=true"]), { wantListen: ["tcp"] });
} catch (e) {
  res.fail(`${label} --test-echo=true did not start`, errText(e));
  res.finish();
}
console.log(`${label} pid ${cw.pid}: ${cw.listen.join("  ")}; RSS at rest ${mib(cw.rssKiB() ?? 0)} MiB`);

function firstDiff(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

// one echo round trip on a new stream; returns null or a problem description
async function echoOnce(conn, data, ms) {
  const signal = AbortSignal.timeout(ms);
  let stream;
  try {
    stream = await conn.newStream(PROTO.ECHO, { signal, maxOutboundStreams: 1 << 20 });
    const parts = [];
    let got = 0;
    const reader = (async () => {
      for await (const c of stream) {
        const b = toBytes(c);
        got += b.byteLength;
        if (got > data.length + (1 << 20)) throw new Error(`echo delivered ${got} bytes for ${data.length} sent`);
        parts.push(Uint8Array.from(b));
      }
    })();
    reader.catch(() => {});
    for (let off = 0; off < data.length; off += 16384) {
      if (!stream.send(data.subarray(off, off + 16384))) await stream.onDrain({ signal });
    }
    await stream.close({ signal });
    await withTimeout(reader, ms, "echo read");
    const back = Buffer.concat(parts);
    if (back.length !== data.length || !back.equals(Buffer.from(data))) {
      return { sent: data.length, received: back.length, first_difference_at: firstDiff(back, data) };
    }
    return null;
  } catch (e) {
    stream?.abort(e instanceof Error ? e : new Error(String(e)));
    return { error: errText(e), sent: data.length };
  }
}

async function manyStreams(name, conn) {
  const payloads = [];
  let total = 0;
  for (let i = 0; i < STREAMS; i++) {
    const n = prng.int(1, 65536);
    payloads.push(prng.bytes(n));
    total += n;
  }
  const sampler = new RssSampler(cw.pid);
  const t0 = Date.now();
  const problems = await withTimeout(Promise.all(payloads.map((p) => echoOnce(conn, p, 180_000))), 240_000,
    `${STREAMS} concurrent echo streams`).catch((e) => payloads.map(() => ({ error: errText(e) })));
  const peak = sampler.stop();
  let bad = 0;
  problems.forEach((p, i) => {
    if (p === null) res.pass();
    else if (++bad <= 5) res.fail(`${name}: echo stream #${i} (${payloads[i].length} bytes)`, p);
    else res.fail(`${name}: echo stream #${i}`);
  });
  console.log(`${name}: ${STREAMS - bad}/${STREAMS} concurrent echo streams ok (${mib(total / 1024)} MiB each way) ` +
    `in ${((Date.now() - t0) / 1000).toFixed(1)}s; ${label} RSS peak ${mib(peak)} MiB (not bounded here)`);
}

async function bigStream(name, conn, mibytes) {
  const bytes = mibytes * 1024 * 1024;
  const src = new PrngStream(seed, `${NAME}:${name}:big`);
  const sentHash = createHash("sha256");
  const recvHash = createHash("sha256");
  let sent = 0;
  let received = 0;
  const baseline = cw.rssKiB() ?? 0;
  const sampler = new RssSampler(cw.pid);
  const ms = 900_000;
  const signal = AbortSignal.timeout(ms);
  const t0 = Date.now();
  let stream;
  try {
    stream = await conn.newStream(PROTO.ECHO, { signal, maxOutboundStreams: 1 << 20 });
    const reader = (async () => {
      for await (const c of stream) {
        const b = toBytes(c);
        received += b.byteLength;
        if (received > bytes) throw new Error(`echo delivered more than the ${bytes} bytes sent`);
        recvHash.update(b);
      }
    })();
    reader.catch(() => {});
    const writer = (async () => {
      while (sent < bytes) {
        const chunk = src.bytes(Math.min(CHUNK, bytes - sent));
        sentHash.update(chunk);
        sent += chunk.length;
        if (!stream.send(chunk)) await stream.onDrain({ signal });
      }
      await stream.close({ signal });
    })();
    await withTimeout(Promise.all([writer, reader]), ms, `${mibytes} MiB echo`);
    res.pass();
  } catch (e) {
    stream?.abort(e instanceof Error ? e : new Error(String(e)));
    res.fail(`${name}: big echo stream (${mibytes} MiB) failed`, { error: errText(e), sent, received, cwaku_alive: cw.alive(), cwaku_log_tail: cw.logTail(8) });
  }
  const peak = sampler.stop();
  const secs = (Date.now() - t0) / 1000;
  const sh = sentHash.digest("hex");
  const rh = recvHash.digest("hex");
  res.check(sent === bytes && received === sent && sh === rh, `${name}: ${mibytes} MiB echoed intact (length and sha256)`,
    { sent, received, sha256_sent: sh, sha256_received: rh });
  const measured = fake ? peak - baseline : peak;
  const limit = fake ? 2 * RSS_LIMIT_KIB : RSS_LIMIT_KIB;
  console.log(`${name}: ${mibytes} MiB each way in ${secs.toFixed(1)}s (${(2 * mibytes / secs).toFixed(1)} MiB/s total); ` +
    `${label} VmRSS peak ${mib(peak)} MiB (before: ${mib(baseline)} MiB${fake ? `, growth ${mib(peak - baseline)} MiB` : ""}), ` +
    `${sampler.samples} samples, limit ${mib(limit)} MiB${fake ? " on the growth (fake)" : ""}`);
  res.check(sampler.samples > 0 && measured <= limit,
    `${name}: ${label} VmRSS during the big transfer stays within ${mib(limit)} MiB${fake ? " of growth" : ""}`,
    { peak_mib: mib(peak), before_mib: mib(baseline), measured_mib: mib(measured), samples: sampler.samples });
}

for (const muxer of ["yamux", "mplex"]) {
  const name = `tcp+noise+${muxer}`;
  let js;
  try {
    js = await createJsNode({ transports: ["tcp"], muxers: [muxer] });
    let conn;
    try {
      conn = await dialWithTimeout(js, cw.addr("tcp"));
    } catch (e) {
      res.fail(`${name}: could not dial ${label}`, { error: errText(e), cwaku_log_tail: cw.logTail() });
      continue;
    }
    res.check(conn.multiplexer === MUXER_PROTOCOL[muxer], `${name}: muxer is ${muxer}`, { multiplexer: conn.multiplexer });
    await manyStreams(name, conn);
    res.check(conn.status === "open", `${name}: connection still open after the concurrent streams`, { status: conn.status });
    if (conn.status !== "open") continue;
    await bigStream(name, conn, BIG[muxer]);
    res.check(conn.status === "open", `${name}: connection still open after the big stream`, { status: conn.status });
    await withTimeout(conn.close(), 5000, "close").catch(() => conn.abort(new Error("close timed out")));
  } catch (e) {
    res.fail(`${name}: unexpected harness error`, errText(e) + "\n" + (e?.stack ?? ""));
  } finally {
    await stopJsNode(js);
  }
}

res.check(cw.alive(), `${label} still running at the end`, { exit: cw.exit });
const st = await cw.stop();
res.check(st.code === 0 && !st.timedOut, `${label} exits with status 0 on SIGTERM`, { ...st, stderr_tail: cw.logTail(10) });
res.finish();
