// interop-relay-mixed: a mixed loopback Waku Relay network of cwaku-node
// processes and js-waku relay nodes (js-libp2p gossipsub configured as
// js-waku's relay, see relay-lib.mjs wakuGossipSub()), linked over TCP and
// WebSocket; every node publishes, every node's application must get every
// other node's messages exactly once.
//
// usage: run.sh relay-mixed /path/to/cwaku-node
//        run.sh relay-mixed --fake      (cwaku nodes replaced by the fake
//                                        cwaku-node of relay-lib.mjs)
// env:
//   CWAKU_RELAY_CWAKU_NODES  cwaku nodes (default 6; 0 = js only, no binary needed)
//   CWAKU_RELAY_JS_NODES     js relay nodes (default 3)
//   CWAKU_RELAY_MESSAGES     messages published by EVERY node (default 200)
//   CWAKU_RELAY_RATE         messages per second per node (default 20)
//   CWAKU_RELAY_SETTLE_S     seconds to wait for the last deliveries (default 60)
//   CWAKU_RELAY_CWAKU_SELF   does a cwaku node's application get its OWN
//                            messages: any (0 or 1 times, default) | once | never
//                            (nwaku: triggerSelf = true → once; js-waku: never)
//   CWAKU_RELAY_CWAKU_ARGS   extra cwaku-node flags, space separated
//   CWAKU_INTEROP_SEED       replay a run (topology, keys, payloads)
//
// Run:
//   1. Topology: the nodes (kinds shuffled) start one after another; node i
//      dials 2-3 random earlier nodes (fewer for i < 2), each link over TCP or
//      WebSocket at random (both kinds appear). cwaku nodes get their links as
//      --staticnode flags, js nodes dial after start; a js node that made
//      fewer than 2 dials then dials later nodes until it has 2.
//      cwaku flags: --relay=true --cluster-id=1 --shard=0 --rest=true
//      --rest-address=127.0.0.1 --rest-port=0 --tcp-port=0
//      --websocket-support=true --websocket-port=0 --staticnode=...
//      (+ --nodekey, --listen-address=127.0.0.1, --log-level=DEBUG).
//   2. Meshes: every js node has >= 1 mesh peer on /waku/2/rs/1/0 and a
//      connection per link; then 3 heartbeats. Then a readiness probe: every
//      node publishes one message, and all must arrive everywhere (30 s).
//   3. Every node publishes CWAKU_RELAY_MESSAGES messages at CWAKU_RELAY_RATE
//      (js: gossipsub publish of a WakuMessage; cwaku: REST POST
//      /relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F0). Payloads are unique
//      (header "cwaku-relay-mixed <seed> <node> <seq>|" + 0..1500 random bytes,
//      some 3-8 KiB), content topics vary, ~30 % carry meta, ~20 % ephemeral,
//      timestamps in ns.
//   4. Collection: js nodes record what their application gets (after the
//      WakuMessage validator); cwaku nodes are polled with REST GET (which
//      returns and clears the node's cache) every 100 ms.
// Checks: each node started; each js-involved link is connected; js meshes;
// readiness; for every (receiver, publisher) pair every message exactly once
// (none missing, no duplicate); own messages (js: never, js-waku's emitSelf
// false; cwaku: CWAKU_RELAY_CWAKU_SELF); no foreign message; the fields each
// receiver got equal the published ones (payload, content topic, timestamp,
// version, meta, ephemeral); js receivers: the message id (sha256 of the
// WakuMessage bytes) of a js-published message is that of the bytes
// published, and all js receivers see the same bytes for a cwaku-published
// one; js validators rejected nothing; publishes succeeded; cwaku nodes are
// alive at the end and exit 0 on SIGTERM.
import { existsSync } from "node:fs";
import { randomInt } from "node:crypto";
import { Results, Rng } from "./lib.mjs";
import {
  envInt, nodeKeyHex, PrngStream, cwakuArgs, transportOf, watchdog, sleep, errText,
} from "./libp2p-lib.mjs";
import {
  startJsRelay, startCwakuRelay, cwakuRelayFlags, FAKE_CWAKU_RELAY_CMD, DEFAULT_PUBSUB_TOPIC,
  encodeWakuMessage, sha256Hex, nowNs, toHex,
} from "./relay-lib.mjs";

const NAME = "relay-mixed";
const TOPIC = DEFAULT_PUBSUB_TOPIC;

// ---------------------------------------------------------------- arguments

const arg = process.argv[2];
if (!arg || arg === "-h" || arg === "--help") {
  console.error(`usage: run.sh ${NAME} /path/to/cwaku-node   (or: run.sh ${NAME} --fake)`);
  console.error("env: CWAKU_RELAY_CWAKU_NODES (6), CWAKU_RELAY_JS_NODES (3), CWAKU_RELAY_MESSAGES (200), " +
    "CWAKU_RELAY_RATE (20/s), CWAKU_RELAY_SETTLE_S (60), CWAKU_RELAY_CWAKU_SELF (any|once|never), " +
    "CWAKU_RELAY_CWAKU_ARGS, CWAKU_INTEROP_SEED");
  process.exit(2);
}
const fake = arg === "--fake";
const CW = envInt("CWAKU_RELAY_CWAKU_NODES", 6);
const JS = envInt("CWAKU_RELAY_JS_NODES", 3);
const M = envInt("CWAKU_RELAY_MESSAGES", 200);
const RATE = Math.max(1, envInt("CWAKU_RELAY_RATE", 20));
const SETTLE_S = envInt("CWAKU_RELAY_SETTLE_S", 60);
const SELF = process.env.CWAKU_RELAY_CWAKU_SELF || "any";
const EXTRA = (process.env.CWAKU_RELAY_CWAKU_ARGS || "").split(/\s+/).filter(Boolean);
if (!["any", "once", "never"].includes(SELF)) {
  console.error(`CWAKU_RELAY_CWAKU_SELF must be any, once or never, got ${JSON.stringify(SELF)}`);
  process.exit(2);
}
if (CW + JS < 2) {
  console.error("need at least 2 nodes (CWAKU_RELAY_CWAKU_NODES + CWAKU_RELAY_JS_NODES)");
  process.exit(2);
}
if (CW > 0 && !fake && !existsSync(arg)) {
  console.error(`interop-${NAME}: cwaku-node not found at ${arg}`);
  process.exit(2);
}
const cmd = fake ? FAKE_CWAKU_RELAY_CMD : [arg];
const cwLabel = fake ? "fake-cwaku" : "cwaku";
const seed = envInt("CWAKU_INTEROP_SEED", null) ?? randomInt(0, 2 ** 32);
console.log(`interop-${NAME}: seed ${seed} (replay with CWAKU_INTEROP_SEED=${seed}), ${CW} ${cwLabel} + ${JS} js nodes, ` +
  `${M} messages per node at ${RATE}/s, target ${CW === 0 ? "(none)" : fake ? "fake cwaku-node (relay-lib.mjs)" : arg}`);

const res = new Results(NAME);
watchdog(res, 180 + Math.ceil(M / RATE) + SETTLE_S + 15 * (CW + JS));
process.on("unhandledRejection", (e) => console.log(`harness: unhandled rejection (ignored): ${errText(e)}`));
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => { console.log(`interop-${NAME}: interrupted by ${sig}`); process.exit(130); });
}
const rng = new Rng(seed);
const prng = new PrngStream(seed, NAME);

// ---------------------------------------------------------------- topology

const N = CW + JS;
const kinds = rng.shuffle([...Array(CW).fill("cwaku"), ...Array(JS).fill("js")]);
const edges = []; // { from, to, transport, late }
const linked = (a, b) => edges.some((e) => (e.from === a && e.to === b) || (e.from === b && e.to === a));
for (let i = 1; i < N; i++) {
  const want = Math.min(i, rng.int(2, 3));
  const earlier = rng.shuffle([...Array(i).keys()]);
  for (const j of earlier.slice(0, want)) edges.push({ from: i, to: j, transport: rng.bool() ? "tcp" : "ws", late: false });
}
for (let i = 0; i < N; i++) {
  if (kinds[i] !== "js") continue;
  let out = edges.filter((e) => e.from === i).length;
  for (const j of rng.shuffle([...Array(N).keys()].filter((x) => x > i))) {
    if (out >= 2) break;
    if (linked(i, j)) continue;
    edges.push({ from: i, to: j, transport: rng.bool() ? "tcp" : "ws", late: true });
    out++;
  }
}
if (edges.length >= 2 && edges.every((e) => e.transport === edges[0].transport)) {
  edges[rng.int(0, edges.length - 1)].transport = edges[0].transport === "tcp" ? "ws" : "tcp";
}
const label = (i) => `${kinds[i] === "js" ? "js" : cwLabel}#${i}`;
console.log(`topology: ${edges.map((e) => `${label(e.from)}→${label(e.to)}/${e.transport}${e.late ? "(late)" : ""}`).join("  ")}`);

// ---------------------------------------------------------------- start

const nodes = [];
let aborted = false;
for (let i = 0; i < N; i++) {
  const key = nodeKeyHex(prng);
  const targets = edges.filter((e) => e.from === i && !e.late).map((e) => nodes[e.to].addr(e.transport));
  try {
    if (kinds[i] === "js") {
      // js-waku's own libp2p (packages/sdk/src/create/libp2p.ts defaultLibp2p)
      // has streamMuxers [mplex()] only; the others offer yamux then mplex.
      // (Not ["mplex","yamux"]: two js-libp2p 3.3.11 nodes whose muxer lists
      // are in different orders pick different muxers in the Noise handshake
      // and the connection dies.)
      const muxers = rng.bool() ? ["yamux", "mplex"] : ["mplex"];
      const relay = await startJsRelay({ key, peers: targets, pubsubTopics: [TOPIC], muxers });
      nodes.push({
        i, kind: "js", relay, peerId: relay.peerId, multiaddrs: relay.multiaddrs, muxers,
        addr: (k) => relay.multiaddrs.find((a) => transportOf(a) === k),
        received: () => relay.received,
      });
      res.check(relay.dialErrors.length === 0, `${label(i)}: dials to its earlier peers succeed`, relay.dialErrors);
    } else {
      const flags = cwakuRelayFlags({ staticNodes: targets, extra: EXTRA });
      const cw = await startCwakuRelay(cmd, cwakuArgs(key, flags));
      nodes.push({
        i, kind: "cwaku", cw, peerId: cw.peerId, multiaddrs: cw.multiaddrs,
        addr: (k) => cw.addr(k), received: () => cw.rest.received,
      });
      res.check(cw.proc.peerIdsConsistent, `${label(i)}: "Listening on" lines carry one peer id`, cw.multiaddrs);
    }
    res.pass();
    const n = nodes[i];
    console.log(`${label(i)} ${n.peerId}${n.cw ? ` pid ${n.cw.proc.pid} rest ${n.cw.restUrl}` : ` muxers ${n.muxers.join(">")}`}: ${n.multiaddrs.join("  ")}`);
  } catch (e) {
    res.fail(`${label(i)} did not start`, errText(e));
    aborted = true;
    break;
  }
}
if (aborted) await finish();

for (const e of edges.filter((x) => x.late)) {
  try {
    await nodes[e.from].relay.dial(nodes[e.to].addr(e.transport));
    res.pass();
  } catch (err) {
    res.fail(`${label(e.from)}: late dial to ${label(e.to)} over ${e.transport} failed`, errText(err));
  }
}

// ---------------------------------------------------------------- meshes

const jsNodes = nodes.filter((n) => n.kind === "js");
const cwNodes = nodes.filter((n) => n.kind === "cwaku");
const jsEdgeOk = (e) => {
  const a = nodes[e.from];
  const b = nodes[e.to];
  const js = a.kind === "js" ? a : b.kind === "js" ? b : null;
  if (!js) return null;
  const other = js === a ? b : a;
  return js.relay.connections().some((c) => c.remotePeer.toString() === other.peerId && c.status === "open");
};
const meshDeadline = Date.now() + 20_000;
for (;;) {
  const meshOk = jsNodes.every((n) => n.relay.meshPeers(TOPIC).length >= 1);
  const edgesOk = edges.every((e) => jsEdgeOk(e) !== false);
  if ((meshOk && edgesOk) || Date.now() > meshDeadline) break;
  await sleep(200);
}
for (const e of edges) {
  const ok = jsEdgeOk(e);
  if (ok === null) continue;
  res.check(ok, `link ${label(e.from)}→${label(e.to)} over ${e.transport} is connected (seen from the js side)`,
    { from: nodes[e.from].peerId, to: nodes[e.to].peerId, cwaku_log_tail: [nodes[e.from], nodes[e.to]].find((n) => n.cw)?.cw.proc.logTail(8) });
}
for (const n of jsNodes) {
  const mesh = n.relay.meshPeers(TOPIC);
  res.check(mesh.length >= 1, `${label(n.i)}: has a mesh peer on ${TOPIC} within 20 s`,
    { subscribers: n.relay.subscribers(TOPIC), connections: n.relay.connections().map((c) => `${c.remotePeer} ${c.remoteAddr}`) });
}
await sleep(3000); // three heartbeats for the cwaku meshes
for (const n of cwNodes) n.cw.rest.startPolling(TOPIC, 100);
describeMeshes("after start");

// ---------------------------------------------------------------- messages

const published = new Map(); // payloadHex -> { pub, seq, probe, fields, bytesIdHex }
const publishErrors = [];
const CONTENT_TOPICS = ["/cwaku-interop/1/relay-mixed/proto", "/cwaku-interop/1/relay-mixed-2/proto", "/toychat/2/huilong/proto"];

function makeMessage(pub, seq, probe) {
  const header = Buffer.from(`cwaku-relay-mixed ${seed} ${pub} ${probe ? "probe" : seq}|`);
  const big = !probe && prng.bool(0.02);
  const body = prng.bytes(big ? prng.int(3000, 8192) : prng.int(0, 1500));
  const msg = {
    payload: new Uint8Array(Buffer.concat([header, body])),
    contentTopic: probe ? CONTENT_TOPICS[0] : prng.pick(CONTENT_TOPICS),
    version: 0,
    timestamp: nowNs(),
  };
  if (prng.bool(0.3)) msg.meta = prng.bytes(prng.int(1, 64));
  if (prng.bool(0.2)) msg.ephemeral = true;
  return msg;
}

async function publishOne(n, seq, probe = false) {
  const msg = makeMessage(n.i, seq, probe);
  const key = toHex(msg.payload);
  const entry = {
    pub: n.i, seq, probe, at: Date.now(),
    fields: {
      contentTopic: msg.contentTopic, timestamp: msg.timestamp.toString(), version: 0,
      metaHex: msg.meta ? toHex(msg.meta) : "", ephemeral: msg.ephemeral ?? false,
    },
    bytesIdHex: n.kind === "js" ? sha256Hex(encodeWakuMessage(msg)) : null,
  };
  published.set(key, entry);
  try {
    if (n.kind === "js") {
      const r = await n.relay.publish(TOPIC, msg);
      if (r.msgIdHex !== entry.bytesIdHex) throw new Error("publish encoded different bytes");
    } else {
      await n.cw.rest.publish(TOPIC, msg);
    }
  } catch (e) {
    entry.failed = errText(e);
    publishErrors.push({ node: label(n.i), seq, error: errText(e) });
  }
}

// Own messages each receiver may or may not get (js-waku: emitSelf false).
const ownAllowed = (n) => (n.kind === "js" ? [0] : SELF === "once" ? [1] : SELF === "never" ? [0] : [0, 1]);

// Map payloadHex -> count for one receiver.
function countsOf(n) {
  const c = new Map();
  for (const r of n.received()) c.set(r.payloadHex, (c.get(r.payloadHex) ?? 0) + 1);
  return c;
}

// True when receiver n has every expected message of the given class.
function complete(n, filter) {
  const c = countsOf(n);
  for (const [key, p] of published) {
    if (!filter(p) || p.failed || p.pub === n.i) continue;
    if (!c.get(key)) return false;
  }
  return true;
}

// readiness probe
await Promise.all(nodes.map((n) => publishOne(n, -1, true)));
const probeDeadline = Date.now() + 30_000;
while (!nodes.every((n) => complete(n, (p) => p.probe)) && Date.now() < probeDeadline) await sleep(200);
const notReady = nodes.filter((n) => !complete(n, (p) => p.probe)).map((n) => label(n.i));
res.check(notReady.length === 0, "readiness: every node got every other node's probe message within 30 s",
  { not_ready: notReady });
console.log(`readiness probe: ${notReady.length === 0 ? "all nodes reached" : `not complete at ${notReady.join(", ")}`}`);

// the run
const t0 = Date.now() + 200;
console.log(`publishing ${M} messages from each of the ${N} nodes (${N * M} in all) ...`);
await Promise.all(nodes.map(async (n) => {
  const offset = rng.int(0, Math.floor(1000 / RATE));
  for (let seq = 0; seq < M; seq++) {
    const wait = t0 + offset + (seq * 1000) / RATE - Date.now();
    if (wait > 0) await sleep(wait);
    await publishOne(n, seq);
  }
}));
const tPublished = Date.now();
console.log(`published in ${((tPublished - t0) / 1000).toFixed(1)} s, ${publishErrors.length} publish errors`);
res.check(publishErrors.length === 0, `every publish succeeded`, { errors: publishErrors.length, first: publishErrors.slice(0, 5) });

const settleDeadline = tPublished + SETTLE_S * 1000;
while (!nodes.every((n) => complete(n, () => true)) && Date.now() < settleDeadline) await sleep(250);
const tComplete = Date.now();
console.log(`deliveries ${nodes.every((n) => complete(n, () => true)) ? "complete" : "INCOMPLETE"} ` +
  `${((tComplete - tPublished) / 1000).toFixed(1)} s after the last publish; waiting 3 s for late duplicates`);
await sleep(3000);
for (const n of cwNodes) {
  await n.cw.rest.stopPolling();
  await n.cw.rest.pollOnce(TOPIC);
}
describeMeshes("at the end");

// ---------------------------------------------------------------- accounting

const jsIdsByKey = new Map(); // payloadHex -> Set of msgIdHex seen by js receivers
for (const n of nodes) {
  const counts = countsOf(n);
  const foreign = [...counts.keys()].filter((k) => !published.has(k));
  res.check(foreign.length === 0, `${label(n.i)}: received no message that nobody published`,
    { count: foreign.length, first_payloads: foreign.slice(0, 3).map((k) => k.slice(0, 80)) });

  let missingTotal = 0;
  let dupTotal = 0;
  for (const p of nodes) {
    if (p === n) continue;
    const missing = [];
    const dups = [];
    let expected = 0;
    for (const [key, e] of published) {
      if (e.pub !== p.i || e.failed) continue;
      expected++;
      const c = counts.get(key) ?? 0;
      if (c === 0) missing.push(e.probe ? "probe" : e.seq);
      else if (c > 1) dups.push({ seq: e.probe ? "probe" : e.seq, times: c });
    }
    missingTotal += missing.length;
    dupTotal += dups.length;
    res.check(missing.length === 0 && dups.length === 0,
      `${label(n.i)} got each of the ${expected} messages of ${label(p.i)} exactly once`,
      { missing: missing.length, missing_seqs: missing.slice(0, 20), duplicated: dups.length, dup_examples: dups.slice(0, 10) });
  }

  const allowed = ownAllowed(n);
  const ownBad = [];
  let ownGot = 0;
  for (const [key, e] of published) {
    if (e.pub !== n.i || e.failed) continue;
    const c = counts.get(key) ?? 0;
    if (c > 0) ownGot++;
    if (!allowed.includes(c)) ownBad.push({ seq: e.probe ? "probe" : e.seq, times: c });
  }
  res.check(ownBad.length === 0, `${label(n.i)}: its application gets its own messages ${allowed.map((x) => `${x}×`).join(" or ")}`,
    { wrong: ownBad.length, examples: ownBad.slice(0, 10) });

  // field integrity
  const fieldBad = [];
  for (const r of n.received()) {
    const e = published.get(r.payloadHex);
    if (!e) continue;
    const got = { contentTopic: r.contentTopic, timestamp: r.timestamp, version: r.version, metaHex: r.metaHex, ephemeral: r.ephemeral };
    const diff = Object.keys(e.fields).filter((k) => got[k] !== e.fields[k]);
    if (r.pubsubTopic !== TOPIC) diff.push("pubsubTopic");
    if (diff.length) fieldBad.push({ from: label(e.pub), seq: e.probe ? "probe" : e.seq, fields: diff, got, want: e.fields });
    if (n.kind === "js") {
      if (!jsIdsByKey.has(r.payloadHex)) jsIdsByKey.set(r.payloadHex, new Set());
      jsIdsByKey.get(r.payloadHex).add(r.msgIdHex);
    }
  }
  res.check(fieldBad.length === 0, `${label(n.i)}: every message arrived with the published content topic, timestamp, version, meta, ephemeral`,
    { wrong: fieldBad.length, examples: fieldBad.slice(0, 3) });

  if (n.kind === "js") {
    res.check(n.relay.rejected.length === 0, `${label(n.i)}: the WakuMessage validator rejected nothing`,
      { rejected: n.relay.rejected.length, first: n.relay.rejected.slice(0, 3) });
  } else {
    const r = n.cw.rest;
    res.check(r.pollErrors.length === 0, `${label(n.i)}: every REST GET /relay/v1/messages succeeded`,
      { errors: r.pollErrors.length, first: r.pollErrors.slice(0, 3) });
    if (r.maxBatch >= 50) res.note(`${label(n.i)}: a REST GET returned ${r.maxBatch} messages (nwaku's default cache holds 50; raise the rate of polling or the cache)`);
  }
  const expectedAll = [...published.values()].filter((e) => !e.failed && e.pub !== n.i).length;
  const distinctOthers = [...counts.keys()].filter((k) => published.get(k) && published.get(k).pub !== n.i).length;
  const lat = latencies(n);
  console.log(`${label(n.i)}: ${n.received().length} deliveries, ${distinctOthers}/${expectedAll} distinct from others, ` +
    `missing ${missingTotal}, duplicated ${dupTotal}, own ${ownGot}` +
    (lat ? `, latency median ${lat.median} ms, p99 ${lat.p99} ms, max ${lat.max} ms${n.kind === "cwaku" ? " (REST poll time)" : ""}` : ""));
}

// message ids seen by js receivers
if (jsNodes.length > 0) {
  const idBad = [];
  for (const [key, ids] of jsIdsByKey) {
    const e = published.get(key);
    if (!e) continue;
    if (ids.size !== 1) idBad.push({ from: label(e.pub), seq: e.seq, ids: [...ids] });
    else if (e.bytesIdHex && !ids.has(e.bytesIdHex)) idBad.push({ from: label(e.pub), seq: e.seq, got: [...ids][0], published: e.bytesIdHex });
  }
  res.check(idBad.length === 0, "js receivers: one message id (sha256 of the WakuMessage bytes) per message, the publisher's for js-published ones",
    { wrong: idBad.length, examples: idBad.slice(0, 5) });
}

await finish();

// ---------------------------------------------------------------- helpers

function latencies(n) {
  const xs = [];
  for (const r of n.received()) {
    const e = published.get(r.payloadHex);
    if (e && r.at) xs.push(r.at - e.at);
  }
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  return { median: xs[xs.length >> 1], p99: xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))], max: xs[xs.length - 1] };
}

function describeMeshes(when) {
  for (const n of jsNodes) {
    const conns = n.relay.connections();
    const tcpN = conns.filter((c) => transportOf(String(c.remoteAddr)) === "tcp").length;
    const wsN = conns.length - tcpN;
    const muxers = [...new Set(conns.map((c) => c.multiplexer))].join(",");
    const mesh = n.relay.meshPeers(TOPIC).map((p) => {
      const x = nodes.find((m) => m.peerId === p);
      return x ? label(x.i) : p.slice(-8);
    });
    console.log(`${when}: ${label(n.i)} connections ${conns.length} (tcp ${tcpN}, ws ${wsN}, ${muxers || "-"}), ` +
      `subscribers ${n.relay.subscribers(TOPIC).length}, mesh [${mesh.join(" ")}]`);
  }
}

async function finish() {
  const cws = nodes.filter((n) => n.kind === "cwaku");
  for (const n of cws) await n.cw.rest.stopPolling();
  await Promise.all(nodes.filter((n) => n.kind === "js").map((n) => n.relay.stop()));
  for (const n of cws) {
    res.check(n.cw.proc.alive(), `${label(n.i)} is still running at the end`, { exit: n.cw.proc.exit, stderr_tail: n.cw.proc.logTail(10) });
    const st = await n.cw.stop();
    res.check(st.code === 0 && !st.timedOut, `${label(n.i)} exits with status 0 on SIGTERM`, { ...st, stderr_tail: n.cw.proc.logTail(10) });
  }
  res.finish();
}
