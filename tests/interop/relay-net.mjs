// interop-relay-net: a loopback Waku Relay network of cwaku-node processes
// only (M4 acceptance: "30 cwaku nodes in a random topology: 1,000 messages,
// all delivered to all; after warm-up every mesh degree lies in
// [D_low=4, D_high=8]; the test prints the duplicates received per message").
//
// usage: run.sh relay-net /path/to/cwaku-node
// env:
//   CWAKU_RELAY_NET_NODES      cwaku-node processes (default 30)
//   CWAKU_RELAY_NET_MESSAGES   messages in all, each from a random node (default 1000)
//   CWAKU_RELAY_NET_DIALS      static nodes each node dials (default 5)
//   CWAKU_RELAY_NET_RATE       publishes per second, whole network (default 50)
//   CWAKU_RELAY_NET_PAYLOAD    largest random payload tail in bytes (default 600)
//   CWAKU_RELAY_NET_TOPOLOGY   any (default) | earlier, see below
//   CWAKU_RELAY_NET_WARMUP_S   seconds for links + meshes to settle (default 60)
//   CWAKU_RELAY_NET_SETTLE_S   seconds for the last deliveries (default 60)
//   CWAKU_RELAY_NET_LOG_LEVEL  cwaku-node --log-level (default INFO)
//   CWAKU_RELAY_NET_ARGS       extra cwaku-node flags, space separated
//   CWAKU_INTEROP_SEED         replay a run (topology, keys, publishers, payloads)
//
// Flags of every node: --nodekey=<seeded> --listen-address=127.0.0.1
// --tcp-port=P --relay=true --cluster-id=1 --shard=0 --rest=true
// --rest-address=127.0.0.1 --rest-port=0 --rest-relay-cache-capacity=5000
// --log-level=INFO --staticnode=... (no WebSocket listener).
//
// Topology:
//   any      every node dials CWAKU_RELAY_NET_DIALS random OTHER nodes, and
//            every node is dialed by at most that many: a random directed
//            graph with out-degree 5 and in-degree 5 (no self links, no pair
//            dialing each other), connected, so every node has 10 peers.
//            The dials may point at nodes started later, so the ports are
//            chosen by the harness (free ports below the kernel's ephemeral
//            range) and the peer ids come from the seeded node keys.
//            Why in-degree <= 5: cwaku-node applies nwaku's
//            --ip-colocation-limit (default 5) to INBOUND connections and
//            does not exempt 127.0.0.1 from it; a 6th inbound peer from
//            loopback is refused (src/node/host.c conn_ready).
//   earlier  --tcp-port=0 as in the issue text: node i dials min(i, 5)
//            random EARLIER nodes. Early nodes then get up to ~20 inbound
//            peers, so this mode adds --ip-colocation-limit=0.
//
// Run:
//   1. Start the nodes; wait (CWAKU_RELAY_NET_WARMUP_S) until every node's
//      GET /cwaku/v1/relay shows all its links as topic peers, then until
//      every node's meshPeers on /waku/2/rs/1/0 lies in [4, 8] in three
//      polls in a row (1 s apart). Prints the degree distributions.
//   2. Publish CWAKU_RELAY_NET_MESSAGES messages, each from a random node
//      (REST POST /relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F0), unique
//      payloads ("cwaku-relay-net <seed> <k>|" + 0..PAYLOAD random bytes),
//      at CWAKU_RELAY_NET_RATE per second. Every node is polled with REST
//      GET (returns and clears the node's cache) every second; the mesh
//      degrees are sampled every 2 s.
//   3. Wait until every node has every message, 3 s more for late
//      duplicates, a last poll.
// Checks: nodes start with the peer id of their key; every designed link is
// up (topic peers); meshes in [4, 8] after warm-up, at every sample of the
// run (a node may be outside in one sample, as gossipsub lets a PRUNE or
// an outbound peer's GRAFT move the mesh between heartbeats, but not in two
// samples in a row) and at the end; every publish succeeds; every node's
// application got every message exactly once, its own included (nwaku's
// triggerSelf); nothing foreign; the router's "delivered" counter grew by
// the messages of others; no message rejected, no RPC graylisted, no output
// dropped; no connected peer has a negative score at the end; nodes alive,
// exit 0 on SIGTERM.
// Prints: duplicates per message = (sum over nodes of the growth of
// "duplicates" in GET /cwaku/v1/relay) / messages, and per node min/max;
// gossip counters; delivery times (REST-poll resolution).
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { randomInt } from "node:crypto";
import { Results, Rng } from "./lib.mjs";
import { envInt, nodeKeyHex, peerIdFromNodeKey, PrngStream, watchdog, sleep, errText } from "./libp2p-lib.mjs";
import { startCwakuRelayNode, getCwakuRelayStats, DEFAULT_PUBSUB_TOPIC, nowNs, toHex } from "./relay-lib.mjs";

const NAME = "relay-net";
const TOPIC = DEFAULT_PUBSUB_TOPIC;
const D_LOW = 4;
const D_HIGH = 8;
const CONTENT_TOPIC = "/cwaku-interop/1/relay-net/proto";

// ---------------------------------------------------------------- arguments

const arg = process.argv[2];
if (!arg || arg === "-h" || arg === "--help") {
  console.error(`usage: run.sh ${NAME} /path/to/cwaku-node`);
  console.error("env: CWAKU_RELAY_NET_NODES (30), CWAKU_RELAY_NET_MESSAGES (1000), CWAKU_RELAY_NET_DIALS (5), " +
    "CWAKU_RELAY_NET_RATE (50/s), CWAKU_RELAY_NET_PAYLOAD (600), CWAKU_RELAY_NET_TOPOLOGY (any|earlier), " +
    "CWAKU_RELAY_NET_WARMUP_S (60), CWAKU_RELAY_NET_SETTLE_S (60), CWAKU_RELAY_NET_LOG_LEVEL (INFO), " +
    "CWAKU_RELAY_NET_ARGS, CWAKU_INTEROP_SEED");
  process.exit(2);
}
if (!existsSync(arg)) {
  console.error(`interop-${NAME}: cwaku-node not found at ${arg}`);
  process.exit(2);
}
const N = envInt("CWAKU_RELAY_NET_NODES", 30);
const M = envInt("CWAKU_RELAY_NET_MESSAGES", 1000);
const DIALS = envInt("CWAKU_RELAY_NET_DIALS", 5);
const RATE = Math.max(1, envInt("CWAKU_RELAY_NET_RATE", 50));
const PAYLOAD = envInt("CWAKU_RELAY_NET_PAYLOAD", 600);
const WARMUP_S = envInt("CWAKU_RELAY_NET_WARMUP_S", 60);
const SETTLE_S = envInt("CWAKU_RELAY_NET_SETTLE_S", 60);
const TOPOLOGY = process.env.CWAKU_RELAY_NET_TOPOLOGY || "any";
const LOG_LEVEL = process.env.CWAKU_RELAY_NET_LOG_LEVEL || "INFO";
const EXTRA = (process.env.CWAKU_RELAY_NET_ARGS || "").split(/\s+/).filter(Boolean);
if (!["any", "earlier"].includes(TOPOLOGY)) {
  console.error(`CWAKU_RELAY_NET_TOPOLOGY must be any or earlier, got ${JSON.stringify(TOPOLOGY)}`);
  process.exit(2);
}
if (N < 2 || DIALS < 1) {
  console.error("need CWAKU_RELAY_NET_NODES >= 2 and CWAKU_RELAY_NET_DIALS >= 1");
  process.exit(2);
}
const seed = envInt("CWAKU_INTEROP_SEED", null) ?? randomInt(0, 2 ** 32);
console.log(`interop-${NAME}: seed ${seed} (replay with CWAKU_INTEROP_SEED=${seed}), ${N} cwaku nodes, ` +
  `${DIALS} dials each (${TOPOLOGY}), ${M} messages at ${RATE}/s, target ${arg}`);

const res = new Results(NAME);
watchdog(res, 120 + 3 * N + WARMUP_S + Math.ceil(M / RATE) + SETTLE_S + 60);
process.on("unhandledRejection", (e) => console.log(`harness: unhandled rejection (ignored): ${errText(e)}`));
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => { console.log(`interop-${NAME}: interrupted by ${sig}`); process.exit(130); });
}
const rng = new Rng(seed);
const prng = new PrngStream(seed, NAME);

// ---------------------------------------------------------------- topology

// edges: [from, to] = "from dials to" (a --staticnode of from)
const edges = [];
const extraFlags = [];
if (TOPOLOGY === "earlier") {
  for (let i = 1; i < N; i++) {
    for (const j of rng.shuffle([...Array(i).keys()]).slice(0, Math.min(i, DIALS))) edges.push([i, j]);
  }
  extraFlags.push("--ip-colocation-limit=0");
} else {
  const want = Math.min(DIALS, Math.floor((N - 1) / 2));
  if (want < DIALS) console.log(`note: ${N} nodes allow ${want} dials per node without a pair dialing each other`);
  const g = randomRegularDigraph(N, want, want);
  if (!g) {
    console.error(`interop-${NAME}: could not build a ${want}-out/${want}-in graph on ${N} nodes`);
    process.exit(2);
  }
  for (let i = 0; i < N; i++) for (const j of g[i]) edges.push([i, j]);
  if (want > 5) extraFlags.push("--ip-colocation-limit=0");
}
const neighbours = Array.from({ length: N }, () => new Set());
for (const [a, b] of edges) { neighbours[a].add(b); neighbours[b].add(a); }
if (!connected(neighbours)) {
  console.error(`interop-${NAME}: the topology is not connected (seed ${seed})`);
  process.exit(2);
}
const degs = neighbours.map((s) => s.size);
console.log(`topology: ${edges.length} links, peers per node ${Math.min(...degs)}..${Math.max(...degs)}, ` +
  `inbound per node ${Math.min(...inDegrees())}..${Math.max(...inDegrees())}`);

// Random directed graph: every node `out` targets, every node at most inCap
// sources, no self links, no pair linked both ways. Retries on a dead end.
function randomRegularDigraph(n, out, inCap) {
  for (let attempt = 0; attempt < 20000; attempt++) {
    const tgt = Array.from({ length: n }, () => new Set());
    const indeg = new Array(n).fill(0);
    let ok = true;
    for (const i of rng.shuffle([...Array(n).keys()])) {
      for (let k = 0; k < out && ok; k++) {
        const cand = [];
        for (let j = 0; j < n; j++) if (j !== i && indeg[j] < inCap && !tgt[i].has(j) && !tgt[j].has(i)) cand.push(j);
        if (cand.length === 0) { ok = false; break; }
        // weighted by the inbound room left, so that the last nodes find targets
        let r = rng.int(0, cand.reduce((s, j) => s + inCap - indeg[j], 0) - 1);
        let pick = cand[cand.length - 1];
        for (const j of cand) { r -= inCap - indeg[j]; if (r < 0) { pick = j; break; } }
        tgt[i].add(pick);
        indeg[pick]++;
      }
      if (!ok) break;
    }
    if (!ok) continue;
    const nb = Array.from({ length: n }, () => new Set());
    for (let i = 0; i < n; i++) for (const j of tgt[i]) { nb[i].add(j); nb[j].add(i); }
    if (connected(nb)) return tgt.map((s) => [...s]);
  }
  return null;
}

function connected(nb) {
  const seen = new Set([0]);
  const todo = [0];
  while (todo.length) for (const j of nb[todo.pop()]) if (!seen.has(j)) { seen.add(j); todo.push(j); }
  return seen.size === nb.length;
}

function inDegrees() {
  const d = new Array(N).fill(0);
  for (const [, b] of edges) d[b]++;
  return d;
}

// Free TCP ports on 127.0.0.1 below the ephemeral range (32768-60999 here),
// so that no outgoing connection takes one before the node binds it.
async function freePorts(n) {
  const ports = [];
  const taken = new Set();
  let tries = 0;
  while (ports.length < n && tries++ < 20 * n + 100) {
    const p = 20000 + rng.int(0, 12000);
    if (taken.has(p)) continue;
    taken.add(p);
    const ok = await new Promise((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(p, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (ok) ports.push(p);
  }
  if (ports.length < n) throw new Error(`found only ${ports.length} free ports`);
  return ports;
}

// ---------------------------------------------------------------- start

const keys = Array.from({ length: N }, () => nodeKeyHex(prng));
const ids = keys.map(peerIdFromNodeKey);
const ports = TOPOLOGY === "any" ? await freePorts(N) : new Array(N).fill(0);
const nodes = [];
let aborted = false;
const tStart = Date.now();
for (let i = 0; i < N; i++) {
  const statics = edges.filter(([a]) => a === i).map(([, b]) => TOPOLOGY === "any"
    ? `/ip4/127.0.0.1/tcp/${ports[b]}/p2p/${ids[b]}`
    : nodes[b].cw.addr("tcp"));
  const args = [
    `--nodekey=${keys[i]}`, "--listen-address=127.0.0.1", `--tcp-port=${ports[i]}`,
    "--relay=true", "--cluster-id=1", "--shard=0",
    "--rest=true", "--rest-address=127.0.0.1", "--rest-port=0", "--rest-relay-cache-capacity=5000",
    `--log-level=${LOG_LEVEL}`, ...extraFlags, ...statics.map((s) => `--staticnode=${s}`), ...EXTRA,
  ];
  try {
    const cw = await startCwakuRelayNode([arg], args);
    nodes.push({ i, cw, peerId: cw.peerId, rest: cw.rest });
    res.check(cw.peerId === ids[i] && cw.proc.peerIdsConsistent, `node#${i}: runs with the peer id of its --nodekey`,
      { want: ids[i], got: cw.multiaddrs });
  } catch (e) {
    res.fail(`node#${i} did not start`, errText(e));
    aborted = true;
    break;
  }
}
if (aborted) await finish();
const byPeer = new Map(nodes.map((n) => [n.peerId, n]));
console.log(`started ${N} nodes in ${((Date.now() - tStart) / 1000).toFixed(1)} s (pids ${nodes[0].cw.proc.pid}..${nodes[N - 1].cw.proc.pid})`);

// ---------------------------------------------------------------- warm-up

async function allStats() {
  return await Promise.all(nodes.map(async (n) => {
    try { return await getCwakuRelayStats(n.cw.restUrl); } catch (e) { return { error: errText(e) }; }
  }));
}
const topicOf = (st) => st?.topics?.find((t) => t.pubsubTopic === TOPIC) ?? { meshPeers: -1, topicPeers: -1 };
const meshOf = (st) => topicOf(st).meshPeers;
const inRange = (d) => d >= D_LOW && d <= D_HIGH;
const hist = (xs) => {
  const h = new Map();
  for (const x of xs) h.set(x, (h.get(x) ?? 0) + 1);
  return [...h.keys()].sort((a, b) => a - b).map((k) => `${k}:${h.get(k)}`).join(" ");
};

const warmDeadline = Date.now() + WARMUP_S * 1000;
let stats = await allStats();
let linksAt = null;
for (;;) {
  const linksUp = stats.every((st, i) => topicOf(st).topicPeers >= neighbours[i].size);
  if (linksUp) { linksAt = Date.now(); break; }
  if (Date.now() > warmDeadline) break;
  await sleep(1000);
  stats = await allStats();
}
for (let i = 0; i < N; i++) {
  const st = stats[i];
  const tp = topicOf(st).topicPeers;
  const connectedPeers = (st.peers ?? []).filter((p) => p.connected).map((p) => p.peerId);
  const missing = [...neighbours[i]].filter((j) => !connectedPeers.includes(ids[j])).map((j) => `node#${j}`);
  res.check(missing.length === 0 && tp >= Math.min(DIALS, neighbours[i].size),
    `node#${i}: all its ${neighbours[i].size} links are up (relay peers subscribed to ${TOPIC}) within ${WARMUP_S} s`,
    { topicPeers: tp, missing, error: st.error, log_tail: nodes[i].cw.proc.logTail(6) });
}
console.log(`links: ${linksAt ? `all up ${((linksAt - tStart) / 1000).toFixed(1)} s after the first start` : "NOT all up"}; ` +
  `topic peers per node [${hist(stats.map((s) => topicOf(s).topicPeers))}]`);

let streak = 0;
let settledAt = null;
const warmSamples = [];
for (;;) {
  const mesh = stats.map(meshOf);
  warmSamples.push({ at: Date.now(), mesh });
  streak = mesh.every(inRange) ? streak + 1 : 0;
  if (streak >= 3) { settledAt = Date.now(); break; }
  if (Date.now() > warmDeadline) break;
  await sleep(1000);
  stats = await allStats();
}
const warmMesh = stats.map(meshOf);
console.log(`mesh degrees after warm-up (${settledAt ? `settled ${((settledAt - tStart) / 1000).toFixed(1)} s after the first start` : `NOT settled within ${WARMUP_S} s`}): ` +
  `[${hist(warmMesh)}] (degree:nodes)`);
if (!settledAt) {
  for (const s of warmSamples.slice(-5)) console.log(`  sample +${((s.at - tStart) / 1000).toFixed(1)} s: [${hist(s.mesh)}]`);
}
res.check(settledAt !== null, `warm-up: every mesh degree on ${TOPIC} lies in [${D_LOW}, ${D_HIGH}] in 3 polls in a row within ${WARMUP_S} s`,
  { mesh: warmMesh.map((d, i) => `node#${i}:${d}`).filter((_, i) => !inRange(warmMesh[i])) });

// ---------------------------------------------------------------- publish

const before = await allStats();
for (const n of nodes) n.rest.startPolling(TOPIC, 1000);

const meshSamples = []; // { at, mesh[] }
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    await sleep(2000);
    if (!sampling) break;
    const st = await allStats();
    meshSamples.push({ at: Date.now(), mesh: st.map(meshOf) });
  }
})();

const published = new Map(); // payloadHex -> { k, pub, at, failed? }
const publishErrors = [];
const ownCount = new Array(N).fill(0);
const t0 = Date.now() + 100;
console.log(`publishing ${M} messages from random nodes at ${RATE}/s ...`);
const inflight = new Set();
for (let k = 0; k < M; k++) {
  const wait = t0 + (k * 1000) / RATE - Date.now();
  if (wait > 0) await sleep(wait);
  while (inflight.size >= 32) await Promise.race(inflight);
  const pub = rng.int(0, N - 1);
  const header = Buffer.from(`cwaku-relay-net ${seed} ${k}|`);
  const payload = new Uint8Array(Buffer.concat([header, prng.bytes(prng.int(0, PAYLOAD))]));
  const entry = { k, pub, at: Date.now() };
  published.set(toHex(payload), entry);
  ownCount[pub]++;
  const p = nodes[pub].rest.publish(TOPIC, { payload, contentTopic: CONTENT_TOPIC, timestamp: nowNs() })
    .catch((e) => { entry.failed = errText(e); publishErrors.push({ k, node: pub, error: errText(e) }); })
    .finally(() => inflight.delete(p));
  inflight.add(p);
}
await Promise.all(inflight);
const tPublished = Date.now();
console.log(`published in ${((tPublished - t0) / 1000).toFixed(1)} s, ${publishErrors.length} publish errors`);
res.check(publishErrors.length === 0, "every REST publish succeeded", { errors: publishErrors.length, first: publishErrors.slice(0, 5) });

const countsOf = (n) => {
  const c = new Map();
  for (const r of n.rest.received) c.set(r.payloadHex, (c.get(r.payloadHex) ?? 0) + 1);
  return c;
};
const okMessages = [...published.entries()].filter(([, e]) => !e.failed);
const complete = (n) => {
  const c = countsOf(n);
  return okMessages.every(([key]) => c.has(key));
};
const settleDeadline = tPublished + SETTLE_S * 1000;
while (!nodes.every(complete) && Date.now() < settleDeadline) await sleep(500);
const allDone = nodes.every(complete);
console.log(`deliveries ${allDone ? "complete" : "INCOMPLETE"} ${((Date.now() - tPublished) / 1000).toFixed(1)} s after the last publish; waiting 3 s for late duplicates`);
await sleep(3000);
sampling = false;
await sampler;
for (const n of nodes) {
  await n.rest.stopPolling();
  await n.rest.pollOnce(TOPIC);
}
const after = await allStats();

// ---------------------------------------------------------------- accounting

let fullyDelivered = 0;
const perMsgReceivers = new Map(okMessages.map(([key]) => [key, 0]));
for (const n of nodes) {
  const c = countsOf(n);
  const missing = [];
  const dups = [];
  for (const [key, e] of okMessages) {
    const x = c.get(key) ?? 0;
    if (x === 0) missing.push(e.k);
    else perMsgReceivers.set(key, perMsgReceivers.get(key) + 1);
    if (x > 1) dups.push({ k: e.k, times: x, own: e.pub === n.i });
  }
  const foreign = [...c.keys()].filter((k) => !published.has(k));
  res.check(missing.length === 0 && dups.length === 0 && foreign.length === 0,
    `node#${n.i}: its application got each of the ${okMessages.length} messages exactly once (its own ${ownCount[n.i]} included)`,
    { missing: missing.length, missing_k: missing.slice(0, 20), duplicated: dups.length, dup_examples: dups.slice(0, 10), foreign: foreign.length,
      poll_errors: n.rest.pollErrors.slice(0, 3) });
}
for (const [, r] of perMsgReceivers) if (r === N) fullyDelivered++;
console.log(`messages that reached all ${N} nodes: ${fullyDelivered}/${okMessages.length}`);

// mesh degrees during the run and at the end
const endMesh = after.map(meshOf);
let outSamples = 0;
let outNodeSamples = 0;
const twice = new Set();
for (let s = 0; s < meshSamples.length; s++) {
  const bad = meshSamples[s].mesh.map((d, i) => (inRange(d) ? -1 : i)).filter((i) => i >= 0);
  if (bad.length) outSamples++;
  outNodeSamples += bad.length;
  if (s > 0) for (const i of bad) if (!inRange(meshSamples[s - 1].mesh[i])) twice.add(i);
}
const allRun = meshSamples.flatMap((s) => s.mesh);
console.log(`mesh degrees during the run: ${meshSamples.length} samples x ${N} nodes, distribution [${hist(allRun)}], ` +
  `${outNodeSamples} node-samples outside [${D_LOW}, ${D_HIGH}] in ${outSamples} samples`);
console.log(`mesh degrees at the end: [${hist(endMesh)}]`);
res.check(twice.size === 0, `no node's mesh degree lies outside [${D_LOW}, ${D_HIGH}] in two samples in a row (2 s apart) during the run`,
  { nodes: [...twice].map((i) => ({ node: i, series: meshSamples.map((s) => s.mesh[i]) })) });
res.check(endMesh.every(inRange), `every mesh degree lies in [${D_LOW}, ${D_HIGH}] at the end`,
  { outside: endMesh.map((d, i) => ({ node: i, d })).filter((x) => !inRange(x.d)) });

// router counters
const delta = (i, k) => (after[i]?.[k] ?? NaN) - (before[i]?.[k] ?? NaN);
const sum = (k) => nodes.reduce((s, n) => s + delta(n.i, k), 0);
const dupPer = nodes.map((n) => delta(n.i, "duplicates") / okMessages.length);
const dupTotal = sum("duplicates");
console.log(`duplicates per message: ${(dupTotal / okMessages.length).toFixed(2)} in the whole network ` +
  `(${dupTotal} duplicates / ${okMessages.length} messages; per node: min ${Math.min(...dupPer).toFixed(2)}, ` +
  `mean ${(dupPer.reduce((a, b) => a + b, 0) / N).toFixed(2)}, max ${Math.max(...dupPer).toFixed(2)} per message)`);
console.log(`router counters (growth, all nodes): delivered ${sum("delivered")}, duplicates ${dupTotal}, rejected ${sum("rejected")}, ` +
  `ignored ${sum("ignored")}, droppedOutput ${sum("droppedOutput")}, ihaveSent ${sum("ihaveSent")}, iwantSent ${sum("iwantSent")}, ` +
  `graftSent ${sum("graftSent")}, pruneSent ${sum("pruneSent")}, brokenPromises ${sum("brokenPromises")}, graylistedRpcs ${sum("graylistedRpcs")}`);
const delivBad = nodes.filter((n) => delta(n.i, "delivered") !== okMessages.length - ownCount[n.i])
  .map((n) => ({ node: n.i, delivered: delta(n.i, "delivered"), want: okMessages.length - ownCount[n.i] }));
res.check(delivBad.length === 0, "every node's \"delivered\" counter grew by the messages others published", delivBad.slice(0, 10));
for (const k of ["rejected", "graylistedRpcs", "droppedOutput"]) {
  const bad = nodes.filter((n) => delta(n.i, k) !== 0).map((n) => ({ node: n.i, [k]: delta(n.i, k) }));
  res.check(bad.length === 0, `no node counted any ${k} in an honest network`, bad.slice(0, 10));
}
const negative = [];
for (const n of nodes) {
  for (const p of after[n.i]?.peers ?? []) {
    if (p.connected && p.score < 0) negative.push({ at: `node#${n.i}`, peer: byPeer.has(p.peerId) ? `node#${byPeer.get(p.peerId).i}` : p.peerId, score: p.score });
  }
}
res.check(negative.length === 0, "no node gives a connected (honest) peer a negative score at the end", negative.slice(0, 10));
const scores = nodes.flatMap((n) => (after[n.i]?.peers ?? []).filter((p) => p.connected).map((p) => p.score));
if (scores.length) console.log(`peer scores at the end: min ${Math.min(...scores).toFixed(2)}, max ${Math.max(...scores).toFixed(2)}`);

// delivery times (REST polls every second: a resolution of ~1 s)
const lat = [];
for (const n of nodes) {
  for (const r of n.rest.received) {
    const e = published.get(r.payloadHex);
    if (e && e.pub !== n.i) lat.push(r.at - e.at);
  }
}
lat.sort((a, b) => a - b);
if (lat.length) {
  console.log(`delivery seen by REST poll: median ${lat[lat.length >> 1]} ms, p99 ${lat[Math.floor(lat.length * 0.99)]} ms, max ${lat[lat.length - 1]} ms (poll interval 1 s)`);
}

await finish();

async function finish() {
  for (const n of nodes) await n.rest.stopPolling();
  for (const n of nodes) {
    res.check(n.cw.proc.alive(), `node#${n.i} is still running at the end`, { exit: n.cw.proc.exit, stderr_tail: n.cw.proc.logTail(10) });
  }
  const st = await Promise.all(nodes.map((n) => n.cw.stop()));
  for (const n of nodes) {
    const s = st[n.i];
    res.check(s.code === 0 && !s.timedOut, `node#${n.i} exits with status 0 on SIGTERM`, { ...s, stderr_tail: n.cw.proc.logTail(10) });
  }
  res.finish();
}
