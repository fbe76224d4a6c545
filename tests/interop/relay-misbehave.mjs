// interop-relay-misbehave: a raw misbehaving peer M (relay-misbehave-lib.mjs:
// js-libp2p writing hand-made gossipsub RPCs on /vac/waku/relay/2.0.0)
// attacks a live cwaku-node C, while an honest js-waku-style relay H
// (relay-lib.mjs startJsRelay) and a second cwaku-node C2 keep publishing.
//
// usage: run.sh relay-misbehave /path/to/cwaku-node
// env:
//   CWAKU_MISBEHAVE_ONLY        comma-separated scenario names (default: all)
//   CWAKU_MISBEHAVE_MAX_S       seconds an attack may run before C must have
//                               dropped M (default 30)
//   CWAKU_MISBEHAVE_CWAKU_ARGS  extra flags for C and C2, space separated
//   CWAKU_INTEROP_SEED          replay (node keys, honest payloads)
//
// Network (loopback, TCP): C2 --staticnode C; H dials C and C2. C and C2
// run --relay=true --cluster-id=1 --shard=0 --rest=true --rest-port=0
// --rest-relay-cache-capacity=5000 (+ cwakuArgs: --nodekey,
// --listen-address=127.0.0.1, --tcp-port=0, WebSocket on port 0,
// --log-level=DEBUG). Honest traffic: during the whole run H and C2 each
// publish a WakuMessage every 500 ms (H through gossipsub, C2 through REST
// POST); C and C2 are polled with REST GET every 250 ms.
//
// Scenarios, each with a FRESH M (new key, so a fresh peer id and score)
// that dials C, opens its relay stream and subscribes to /waku/2/rs/1/0:
//   a1-not-waku   M publishes Message.data that is no WakuMessage (a
//                 field with wire type 7 / a varint that never ends), 5/s
//   a2-no-topic   M publishes WakuMessages with an empty content topic, 5/s
//   b-signed      M publishes valid WakuMessages with from / seqno /
//                 signature / key / empty from / all four set (StrictNoSign), 5/s
//   c-ihave       M floods IHAVE: 50 RPCs a second, each one IHAVE of 100
//                 fresh ids (ids nobody has; M never answers C's IWANTs)
//   d1-iwant-unknown  M floods IWANT for ids C never had: 10 RPCs a
//                 second, 50 random ids each
//   d2-iwant-repeat   C publishes a message (REST); M, which got it by
//                 flood publishing, asks for its id again and again: 50
//                 IWANT RPCs a second, one id each
//   e1-graft-after-c-prune  C PRUNEs M: C joins /waku/2/rs/1/1 over REST
//                 (GRAFTs M, which subscribed to it), leaves it (PRUNE with
//                 the unsubscribe backoff), joins it again; M then GRAFTs
//                 /waku/2/rs/1/1 10 times a second
//   e2-graft-after-m-prune  M GRAFTs /waku/2/rs/1/0 (C takes it into its
//                 mesh), PRUNEs C (backoff 60 s), then GRAFTs 10 times a second
// The attack runs until C closes M's connection (or CWAKU_MISBEHAVE_MAX_S);
// C's GET /cwaku/v1/relay is sampled every 100 ms for M's score.
// Checks per scenario: M's score at C falls below 0, then below the
// graylist threshold -10000; C closes M's connection, within 3 s of the
// first sample below -10000; M's RPCs were ignored (C's graylistedRpcs
// grew, or the connection is gone); C's peer entry for M says disconnected;
// H and C2 stay connected to C with scores >= 0; plus what each attack
// must (not) cause (nothing of M's delivered, IWANT stops below the gossip
// threshold, at most 3 copies per IWANTed message, GRAFTs in backoff
// answered with PRUNE and not grafted). At the end: every honest message
// published during the run reached C, C2 and H exactly once (own messages:
// C2 once, by nwaku's triggerSelf; H never).
// Reports per scenario: M's score over time and the time to disconnect.
import { existsSync } from "node:fs";
import { randomInt, randomBytes } from "node:crypto";
import { Results } from "./lib.mjs";
import { envInt, nodeKeyHex, PrngStream, cwakuArgs, watchdog, sleep, errText } from "./libp2p-lib.mjs";
import {
  startJsRelay, startCwakuRelay, cwakuRelayFlags, getCwakuRelayStats, restRelaySubscriptions,
  DEFAULT_PUBSUB_TOPIC, encodeWakuMessage, nowNs, toHex, shardTopic,
} from "./relay-lib.mjs";
import {
  createRawRelayPeer, signedFieldMessages, validWakuData, randomIds, msgIdOf,
} from "./relay-misbehave-lib.mjs";

const NAME = "relay-misbehave";
const TOPIC = DEFAULT_PUBSUB_TOPIC;
const TOPIC1 = shardTopic(1, 1);
const GRAYLIST = -10000;
const GOSSIP_THRESHOLD = -100;
const CONTENT_TOPIC = "/cwaku-interop/1/relay-misbehave/proto";

const arg = process.argv[2];
if (!arg || arg === "-h" || arg === "--help") {
  console.error(`usage: run.sh ${NAME} /path/to/cwaku-node`);
  console.error("env: CWAKU_MISBEHAVE_ONLY (a1-not-waku,a2-no-topic,b-signed,c-ihave,d1-iwant-unknown,d2-iwant-repeat," +
    "e1-graft-after-c-prune,e2-graft-after-m-prune), CWAKU_MISBEHAVE_MAX_S (30), CWAKU_MISBEHAVE_CWAKU_ARGS, CWAKU_INTEROP_SEED");
  process.exit(2);
}
if (!existsSync(arg)) {
  console.error(`interop-${NAME}: cwaku-node not found at ${arg}`);
  process.exit(2);
}
const MAX_S = Math.max(5, envInt("CWAKU_MISBEHAVE_MAX_S", 30));
const ONLY = (process.env.CWAKU_MISBEHAVE_ONLY || "").split(",").map((x) => x.trim()).filter(Boolean);
const EXTRA = (process.env.CWAKU_MISBEHAVE_CWAKU_ARGS || "").split(/\s+/).filter(Boolean);
const seed = envInt("CWAKU_INTEROP_SEED", null) ?? randomInt(0, 2 ** 32);
console.log(`interop-${NAME}: seed ${seed} (replay with CWAKU_INTEROP_SEED=${seed}), target ${arg}`);

const res = new Results(NAME);
watchdog(res, 240 + 8 * (MAX_S + 20));
process.on("unhandledRejection", (e) => console.log(`harness: unhandled rejection (ignored): ${errText(e)}`));
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => { console.log(`interop-${NAME}: interrupted by ${sig}`); process.exit(130); });
}
const prng = new PrngStream(seed, NAME);

// ---------------------------------------------------------------- the honest network

const flags = (statics) => cwakuRelayFlags({ staticNodes: statics, extra: ["--rest-relay-cache-capacity=5000", ...EXTRA] });
let C;
let C2;
let H;
try {
  C = await startCwakuRelay([arg], cwakuArgs(nodeKeyHex(prng), flags([])));
  C2 = await startCwakuRelay([arg], cwakuArgs(nodeKeyHex(prng), flags([C.addr("tcp")])));
  H = await startJsRelay({ key: nodeKeyHex(prng), peers: [C.addr("tcp"), C2.addr("tcp")], pubsubTopics: [TOPIC] });
  res.pass();
} catch (e) {
  res.fail("C, C2 and H start", errText(e));
  await finish();
}
console.log(`C  ${C.peerId} pid ${C.proc.pid} rest ${C.restUrl}`);
console.log(`C2 ${C2.peerId} pid ${C2.proc.pid} rest ${C2.restUrl}`);
console.log(`H  ${H.peerId} (js relay)`);
res.check(H.dialErrors.length === 0, "H dials C and C2", H.dialErrors);

const peerEntry = (st, id) => st?.peers?.find((p) => p.peerId === id);
const meshOf = (st, topic = TOPIC) => st?.topics?.find((t) => t.pubsubTopic === topic)?.meshPeers ?? 0;
const stats = async (node = C) => { try { return await getCwakuRelayStats(node.restUrl); } catch (e) { return { error: errText(e) }; } };

{
  const deadline = Date.now() + 20_000;
  let st;
  for (;;) {
    st = await stats();
    const ok = [H.peerId, C2.peerId].every((id) => peerEntry(st, id)?.connected) && meshOf(st) >= 2 &&
      H.meshPeers(TOPIC).includes(C.peerId) && H.meshPeers(TOPIC).includes(C2.peerId);
    if (ok || Date.now() > deadline) break;
    await sleep(200);
  }
  res.check([H.peerId, C2.peerId].every((id) => peerEntry(st, id)?.connected) && meshOf(st) >= 2,
    "C has H and C2 as connected relay peers in its mesh within 20 s", st);
  res.check(H.meshPeers(TOPIC).includes(C.peerId) && H.meshPeers(TOPIC).includes(C2.peerId),
    "H has C and C2 in its mesh within 20 s", { mesh: H.meshPeers(TOPIC) });
}

// honest traffic: H and C2 every 500 ms each, C on demand
const honest = new Map(); // payloadHex -> { pub, seq, at, scenario, failed? }
const honestErrors = [];
let currentScenario = "setup";
let seq = 0;
async function publishHonest(who) {
  const payload = new Uint8Array(Buffer.concat([Buffer.from(`cwaku-relay-misbehave ${seed} ${who} ${seq++}|`), prng.bytes(prng.int(1, 400))]));
  const e = { pub: who, at: Date.now(), scenario: currentScenario };
  honest.set(toHex(payload), e);
  const msg = { payload, contentTopic: CONTENT_TOPIC, timestamp: nowNs() };
  try {
    if (who === "H") await H.publish(TOPIC, msg);
    else await (who === "C2" ? C2 : C).rest.publish(TOPIC, msg);
  } catch (err) {
    e.failed = errText(err);
    honestErrors.push({ who, error: errText(err) });
  }
  return payload;
}
C.rest.startPolling(TOPIC, 250);
C2.rest.startPolling(TOPIC, 250);
let traffic = true;
const trafficLoops = ["H", "C2"].map(async (who, k) => {
  await sleep(250 * k);
  while (traffic) {
    await publishHonest(who);
    await sleep(500);
  }
});
const receivedBy = {
  C: () => C.rest.received,
  C2: () => C2.rest.received,
  H: () => H.received,
};

// readiness: the first honest messages arrive everywhere
{
  const deadline = Date.now() + 15_000;
  const ready = () => {
    const firstH = [...honest.entries()].find(([, e]) => e.pub === "H")?.[0];
    const firstC2 = [...honest.entries()].find(([, e]) => e.pub === "C2")?.[0];
    if (!firstH || !firstC2) return false;
    return ["C", "C2"].every((r) => receivedBy[r]().some((x) => x.payloadHex === firstH)) &&
      ["C", "H"].every((r) => receivedBy[r]().some((x) => x.payloadHex === firstC2));
  };
  while (!ready() && Date.now() < deadline) await sleep(200);
  res.check(ready(), "readiness: the first messages of H and C2 reach the other two within 15 s");
}

// ---------------------------------------------------------------- scenario runner

const summary = [];

function invalidNotWaku(i) {
  // field 1 with wire type 7, or a varint key that never ends
  return i % 2 === 0
    ? new Uint8Array(Buffer.concat([Buffer.from([0x0f, 0x00]), randomBytes(16)]))
    : new Uint8Array(Buffer.concat([Buffer.alloc(11, 0xff), randomBytes(16)]));
}

// spec: { name, what, setup(ctx), step(ctx, i), intervalMs, after(ctx) }
async function runScenario(spec) {
  if (ONLY.length && !ONLY.includes(spec.name)) return;
  currentScenario = spec.name;
  console.log(`--- ${spec.name}: ${spec.what}`);
  const tBegin = Date.now();
  const M = await createRawRelayPeer();
  const ctx = { M, name: spec.name, notes: [], sentRpcs: 0, sendErrors: 0 };
  let s;
  try {
    s = await M.connect(C.addr("tcp"));
    ctx.s = s;
    await M.waitForRpc((r) => r.rpc.subscriptions.some((x) => x.subscribe && x.topicid === TOPIC), 10_000, 0, "C's subscription");
    await s.subscribe(TOPIC);
    const deadline = Date.now() + 5000;
    while (!peerEntry(await stats(), M.peerId)?.connected && Date.now() < deadline) await sleep(100);
    if (!peerEntry(await stats(), M.peerId)?.connected) throw new Error("C does not list M as a connected relay peer");
    if (spec.setup) await spec.setup(ctx);
    res.pass();
  } catch (e) {
    res.fail(`${spec.name}: M ${M.peerId} connects to C, gets C's subscription and passes the setup`, errText(e));
    await s?.hangUp().catch(() => {});
    await M.stop().catch(() => {});
    return;
  }
  const base = await stats();
  const samples = []; // { t (ms since attack), score, connected, h, c2, gray, mesh, mesh1 }
  const tAttack = Date.now();
  ctx.tAttack = tAttack;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const st = await stats();
      const me = peerEntry(st, M.peerId);
      samples.push({
        t: Date.now() - tAttack, score: me?.score ?? null, connected: me?.connected ?? null,
        h: peerEntry(st, H.peerId), c2: peerEntry(st, C2.peerId), gray: st.graylistedRpcs,
        mesh: meshOf(st), mesh1: meshOf(st, TOPIC1), st,
      });
      await sleep(100);
    }
  })();
  // the attack
  for (let i = 0; s.closedAt === null && Date.now() - tAttack < MAX_S * 1000; i++) {
    const next = tAttack + i * spec.intervalMs;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    if (s.closedAt !== null) break;
    try {
      await spec.step(ctx, i);
      ctx.sentRpcs++;
    } catch (e) {
      ctx.sendErrors++;
      if (ctx.sendErrors === 1) ctx.firstSendError = errText(e);
      if (s.closedAt === null && !s.isOpen()) await s.waitClosed(2000);
    }
  }
  const closedAt = await s.waitClosed(1000);
  await sleep(400); // a few samples after the close
  sampling = false;
  await sampler;
  const fin = await stats();
  const tClose = closedAt === null ? null : closedAt - tAttack;

  // -------- measurements
  const firstBelow = (x) => samples.find((p) => p.score !== null && p.score < x);
  const neg = firstBelow(0);
  const gray = firstBelow(GRAYLIST);
  const belowGossip = firstBelow(GOSSIP_THRESHOLD);
  const grayDelta = fin.graylistedRpcs - base.graylistedRpcs;
  const meFinal = peerEntry(fin, M.peerId);
  const fmt = (ms) => (ms === null || ms === undefined ? "never" : `${(ms / 1000).toFixed(2)} s`);
  // score timeline: the samples where the score changed, at most 14 of them
  const changes = [];
  for (const p of samples) {
    if (p.score === null) continue;
    if (!changes.length || changes[changes.length - 1].score !== p.score || p.connected !== changes[changes.length - 1].connected) changes.push(p);
  }
  const pick = changes.length <= 14 ? changes : [...changes.slice(0, 7), ...changes.slice(-7)];
  const timeline = pick.map((p) => `${(p.t / 1000).toFixed(1)}s:${Math.round(p.score)}${p.connected === false ? "(gone)" : ""}`).join(" ");
  console.log(`${spec.name}: M ${M.peerId}; ${ctx.sentRpcs} RPCs sent in the attack (${ctx.sendErrors} failed writes${ctx.firstSendError ? `, first: ${ctx.firstSendError}` : ""})`);
  console.log(`${spec.name}: score <0 at ${fmt(neg?.t)} (${neg ? neg.score.toFixed(1) : "-"}), < -100 at ${fmt(belowGossip?.t)}, ` +
    `< -10000 at ${fmt(gray?.t)} (${gray ? gray.score.toFixed(1) : "-"}), connection closed at ${fmt(tClose)}` +
    `${gray && tClose !== null ? ` (${fmt(tClose - gray.t)} after the first graylisted sample)` : ""}; ` +
    `graylistedRpcs +${grayDelta}, rejected +${fin.rejected - base.rejected}, brokenPromises +${fin.brokenPromises - base.brokenPromises}, ` +
    `pruneSent +${fin.pruneSent - base.pruneSent}, iwantSent +${fin.iwantSent - base.iwantSent}; final score ${meFinal ? meFinal.score.toFixed(1) : "-"}`);
  console.log(`${spec.name}: score timeline (s since the attack began: score) ${timeline}`);
  summary.push({ name: spec.name, neg: neg?.t, gray: gray?.t, close: tClose, grayDelta, finalScore: meFinal?.score });

  // -------- checks
  res.check(neg !== undefined, `${spec.name}: M's score at C falls below 0`, { samples: samples.length, last: changes.slice(-3).map(({ st, ...x }) => x) });
  res.check(gray !== undefined, `${spec.name}: M's score at C falls below the graylist threshold ${GRAYLIST}`, { last: changes.slice(-3).map(({ st, ...x }) => x) });
  res.check(tClose !== null && tClose <= MAX_S * 1000, `${spec.name}: C closes M's connection within ${MAX_S} s of the attack`, { tClose });
  if (gray && tClose !== null) {
    res.check(tClose - gray.t <= 3000, `${spec.name}: C closes M's connection within 3 s of the first graylisted sample (next heartbeat)`,
      { graylistedAt: gray.t, closedAt: tClose });
  }
  res.check(grayDelta > 0 || tClose !== null, `${spec.name}: M's RPCs are ignored (graylistedRpcs grew or the connection is gone)`, { grayDelta, tClose });
  res.check(meFinal && meFinal.connected === false, `${spec.name}: C lists M as disconnected afterwards (score kept)`, meFinal);
  const honestBad = samples.filter((p) => !p.h?.connected || !p.c2?.connected || p.h.score < 0 || p.c2.score < 0);
  res.check(honestBad.length === 0, `${spec.name}: H and C2 stay connected to C with scores >= 0 during the attack`,
    { bad: honestBad.slice(0, 3).map(({ st, ...x }) => x) });
  if (spec.after) await spec.after(ctx, { samples, base, fin, neg, gray, belowGossip, tClose });

  await s.hangUp().catch(() => {});
  await M.stop().catch(() => {});
  console.log(`${spec.name}: done in ${((Date.now() - tBegin) / 1000).toFixed(1)} s`);
  await sleep(500);
}

// helpers for the checks on M's inbound RPCs
const rpcsSince = (M, t) => M.rpcsSince(t);
const countIwantIds = (recs) => recs.reduce((n, r) => n + (r.rpc.control?.iwant ?? []).reduce((m, w) => m + w.messageIDs.length, 0), 0);
const prunesFor = (recs, topic) => recs.reduce((n, r) => n + (r.rpc.control?.prune ?? []).filter((p) => p.topicID === topic).length, 0);
const graftsFor = (recs, topic) => recs.reduce((n, r) => n + (r.rpc.control?.graft ?? []).filter((g) => g.topicID === topic).length, 0);

// What M published must reach nobody's application.
function checkNothingDelivered(ctx, label) {
  const mine = new Set(ctx.sentPayloads ?? []);
  const hits = Object.entries(receivedBy).flatMap(([r, f]) => f().filter((x) => mine.has(x.payloadHex)).map(() => r));
  res.check(hits.length === 0, `${ctx.name}: none of M's ${label} reached the application of C, C2 or H`, { deliveredAt: hits.slice(0, 10) });
}

// ---------------------------------------------------------------- scenarios

await runScenario({
  name: "a1-not-waku",
  what: "M publishes Message.data that is not a WakuMessage, 5 a second",
  intervalMs: 200,
  step: (ctx, i) => ctx.s.publish(TOPIC, invalidNotWaku(i)),
  after: async (ctx, { base, fin }) => {
    res.check(fin.rejected - base.rejected >= 11, `${ctx.name}: C rejected at least 11 of them (P4 = -100 x count^2 < -10000)`,
      { rejected: fin.rejected - base.rejected });
  },
});

await runScenario({
  name: "a2-no-topic",
  what: "M publishes WakuMessages with an empty content topic, 5 a second",
  intervalMs: 200,
  step: (ctx) => {
    const payload = new Uint8Array(randomBytes(24));
    (ctx.sentPayloads ??= []).push(toHex(payload));
    return ctx.s.publish(TOPIC, encodeWakuMessage({ payload, contentTopic: "", timestamp: nowNs() }));
  },
  after: async (ctx, { base, fin }) => {
    res.check(fin.rejected - base.rejected >= 11, `${ctx.name}: C rejected at least 11 of them`, { rejected: fin.rejected - base.rejected });
    checkNothingDelivered(ctx, "empty-content-topic messages");
  },
});

await runScenario({
  name: "b-signed",
  what: "M publishes valid WakuMessages with from / seqno / signature / key / empty from / all set, 5 a second",
  intervalMs: 200,
  step: (ctx, i) => {
    const variants = signedFieldMessages(TOPIC, ctx.M.peerIdBytes);
    const v = variants[i % variants.length];
    const payload = new Uint8Array(randomBytes(24));
    (ctx.sentPayloads ??= []).push(toHex(payload));
    (ctx.kinds ??= []).push(v.name);
    return ctx.s.publishMessage({ ...v.msg, data: validWakuData({ payload, contentTopic: CONTENT_TOPIC }) });
  },
  after: async (ctx, { base, fin }) => {
    res.check(fin.rejected - base.rejected >= 11, `${ctx.name}: C rejected at least 11 of them (every kind, "from" alone included)`,
      { rejected: fin.rejected - base.rejected, kinds: [...new Set(ctx.kinds)] });
    checkNothingDelivered(ctx, "messages with from/seqno/signature/key");
  },
});

await runScenario({
  name: "c-ihave",
  what: "M floods IHAVE: 50 RPCs a second, each an IHAVE of 100 fresh ids",
  intervalMs: 20,
  step: (ctx) => ctx.s.ihave(TOPIC, randomIds(100)),
  after: async (ctx, { belowGossip, fin, base }) => {
    const recs = rpcsSince(ctx.M, ctx.tAttack);
    const asked = countIwantIds(recs);
    // per second of the attack (heartbeat-sized windows)
    const perSec = new Map();
    for (const r of recs) {
      const n = countIwantIds([r]);
      if (n) perSec.set(Math.floor((r.at - ctx.tAttack) / 1000), (perSec.get(Math.floor((r.at - ctx.tAttack) / 1000)) ?? 0) + n);
    }
    const maxSec = Math.max(0, ...perSec.values());
    const late = belowGossip ? recs.filter((r) => r.at > ctx.tAttack + belowGossip.t + 500 && countIwantIds([r]) > 0).length : 0;
    console.log(`${ctx.name}: C asked M for ${asked} ids in all (per second: ${[...perSec.entries()].map(([k, v]) => `${k}s:${v}`).join(" ")}); ` +
      `brokenPromises +${fin.brokenPromises - base.brokenPromises}`);
    // 10 IHAVEs a heartbeat are answered (max_ihave_messages), 100 ids each;
    // a 1 s window may hold parts of two heartbeats
    res.check(maxSec <= 2 * 10 * 100, `${ctx.name}: C answers at most 10 IHAVEs a heartbeat with IWANT (<= 2000 ids in any second)`, { maxSec });
    res.check(late === 0, `${ctx.name}: C sends no IWANT once M's score is below the gossip threshold ${GOSSIP_THRESHOLD}`, { late });
  },
});

await runScenario({
  name: "d1-iwant-unknown",
  what: "M floods IWANT for ids C never had: 10 RPCs a second, 50 ids each",
  intervalMs: 100,
  step: (ctx) => ctx.s.iwant(randomIds(50)),
  after: async (ctx, { base, fin }) => {
    console.log(`${ctx.name}: ${ctx.sentRpcs} IWANT RPCs of 50 unknown ids; C's ignored +${fin.ignored - base.ignored}`);
  },
});

await runScenario({
  name: "d2-iwant-repeat",
  what: "M asks for one message C has, again and again: 50 IWANT RPCs a second, one id each",
  intervalMs: 20,
  setup: async (ctx) => {
    const t = Date.now();
    const payload = await publishHonest("C");
    const hex = toHex(payload);
    // M is a topic peer of C: C's flood publish gives M the message
    const rec = await ctx.M.waitForRpc((r) => r.rpc.publish.some((m) => m.data && toHex(m.data).includes(hex)), 5000, t, "C's message");
    const m = rec.rpc.publish.find((x) => x.data && toHex(x.data).includes(hex));
    ctx.wantData = toHex(m.data);
    ctx.wantId = msgIdOf(m.data);
  },
  step: (ctx) => ctx.s.iwant([ctx.wantId]),
  after: async (ctx) => {
    const copies = rpcsSince(ctx.M, ctx.tAttack).reduce((n, r) => n + r.rpc.publish.filter((m) => m.data && toHex(m.data) === ctx.wantData).length, 0);
    console.log(`${ctx.name}: C sent the message ${copies} times in answer to ${ctx.sentRpcs} IWANTs`);
    res.check(copies >= 1 && copies <= 3, `${ctx.name}: C answers at most 3 IWANTs for one message (gossip retransmission), at least 1`, { copies });
  },
});

await runScenario({
  name: "e1-graft-after-c-prune",
  what: `C PRUNEs M on ${TOPIC1} (leaves it over REST), joins it again; M GRAFTs ${TOPIC1} 10 times a second`,
  intervalMs: 100,
  setup: async (ctx) => {
    const t = Date.now();
    await ctx.s.subscribe(TOPIC1);
    await sleep(300);
    await restRelaySubscriptions(C.restUrl, [TOPIC1]);
    await ctx.M.waitForRpc((r) => (r.rpc.control?.graft ?? []).some((g) => g.topicID === TOPIC1), 5000, t, `C's GRAFT on ${TOPIC1}`);
    const t2 = Date.now();
    await restRelaySubscriptions(C.restUrl, [TOPIC1], { unsubscribe: true });
    const pr = await ctx.M.waitForRpc((r) => (r.rpc.control?.prune ?? []).some((p) => p.topicID === TOPIC1), 5000, t2, `C's PRUNE on ${TOPIC1}`);
    ctx.pruneBackoff = pr.rpc.control.prune.find((p) => p.topicID === TOPIC1).backoff;
    await restRelaySubscriptions(C.restUrl, [TOPIC1]);
    await sleep(300);
    console.log(`${ctx.name}: C GRAFTed M on ${TOPIC1}, then PRUNEd it with backoff ${ctx.pruneBackoff} s when leaving, and joined again`);
  },
  step: (ctx) => ctx.s.graft(TOPIC1),
  after: async (ctx, { samples }) => {
    const recs = rpcsSince(ctx.M, ctx.tAttack);
    const prunes = prunesFor(recs, TOPIC1);
    console.log(`${ctx.name}: ${ctx.sentRpcs} GRAFTs, ${prunes} PRUNEs back, ${graftsFor(recs, TOPIC1)} GRAFTs from C; C's mesh on ${TOPIC1}: ${[...new Set(samples.map((p) => p.mesh1))].join(",")}`);
    res.check(prunes >= 1, `${ctx.name}: C answers GRAFTs during the backoff with PRUNE`, { prunes });
    res.check(samples.every((p) => p.mesh1 === 0), `${ctx.name}: C never takes M into its ${TOPIC1} mesh during the backoff`,
      { mesh1: [...new Set(samples.map((p) => p.mesh1))] });
    await restRelaySubscriptions(C.restUrl, [TOPIC1], { unsubscribe: true }).catch((e) => res.fail(`${ctx.name}: C leaves ${TOPIC1} again`, errText(e)));
  },
});

await runScenario({
  name: "e2-graft-after-m-prune",
  what: `M GRAFTs ${TOPIC}, PRUNEs C (backoff 60 s), then GRAFTs 10 times a second`,
  intervalMs: 100,
  setup: async (ctx) => {
    // C's only other peers are H and C2: M is in C's mesh when it has 3
    // (C may have GRAFTed M itself already: its mesh is below D_low)
    const before = meshOf(await stats());
    const t = Date.now();
    await ctx.s.graft(TOPIC);
    const deadline = Date.now() + 3000;
    let mesh = before;
    while (mesh < 3 && Date.now() < deadline) { await sleep(100); mesh = meshOf(await stats()); }
    const prunedAtOnce = prunesFor(rpcsSince(ctx.M, t), TOPIC);
    res.check(mesh === 3 && prunedAtOnce === 0, `${ctx.name}: M is in C's mesh after its GRAFT (C's mesh: H, C2, M)`, { before, mesh, prunedAtOnce });
    await ctx.s.prune(TOPIC, 60);
    const d2 = Date.now() + 3000;
    while (meshOf(await stats()) > 2 && Date.now() < d2) await sleep(100);
    ctx.meshBase = meshOf(await stats());
    console.log(`${ctx.name}: C's mesh ${before} before M's GRAFT, ${mesh} after it, ${ctx.meshBase} after M's PRUNE`);
  },
  step: (ctx) => ctx.s.graft(TOPIC),
  after: async (ctx, { samples }) => {
    const recs = rpcsSince(ctx.M, ctx.tAttack);
    const prunes = prunesFor(recs, TOPIC);
    const backoffs = [...new Set(recs.flatMap((r) => (r.rpc.control?.prune ?? []).filter((p) => p.topicID === TOPIC).map((p) => p.backoff)))];
    console.log(`${ctx.name}: ${ctx.sentRpcs} GRAFTs, ${prunes} PRUNEs back (backoff ${backoffs.join(",")} s); C's mesh during the attack: ${[...new Set(samples.map((p) => p.mesh))].join(",")}`);
    res.check(prunes >= 1, `${ctx.name}: C answers GRAFTs during the backoff with PRUNE`, { prunes });
    res.check(samples.every((p) => p.mesh <= ctx.meshBase), `${ctx.name}: C never takes M back into its mesh during the backoff`,
      { meshBase: ctx.meshBase, seen: [...new Set(samples.map((p) => p.mesh))] });
  },
});

// ---------------------------------------------------------------- honest traffic

currentScenario = "end";
traffic = false;
await Promise.all(trafficLoops);
{
  const deadline = Date.now() + 15_000;
  const missingAny = () => [...honest.entries()].some(([key, e]) => !e.failed &&
    ["C", "C2", "H"].some((r) => r !== e.pub && !receivedBy[r]().some((x) => x.payloadHex === key)));
  while (missingAny() && Date.now() < deadline) await sleep(250);
  await sleep(1000);
}
await C.rest.stopPolling();
await C2.rest.stopPolling();
await C.rest.pollOnce(TOPIC);
await C2.rest.pollOnce(TOPIC);
res.check(honestErrors.length === 0, "every honest publish succeeded", { errors: honestErrors.length, first: honestErrors.slice(0, 5) });
const scenarios = [...new Set([...honest.values()].map((e) => e.scenario))];
for (const sc of scenarios) {
  const msgs = [...honest.entries()].filter(([, e]) => e.scenario === sc && !e.failed);
  for (const r of ["C", "C2", "H"]) {
    const counts = new Map();
    for (const x of receivedBy[r]()) counts.set(x.payloadHex, (counts.get(x.payloadHex) ?? 0) + 1);
    const bad = [];
    let expected = 0;
    for (const [key, e] of msgs) {
      const own = e.pub === r;
      const want = own ? (r === "H" ? 0 : 1) : 1; // H: emitSelf false; cwaku: triggerSelf
      if (!own || want) expected++;
      const got = counts.get(key) ?? 0;
      if (got !== want) bad.push({ from: e.pub, got, want });
    }
    res.check(bad.length === 0, `during ${sc}: ${r} got each of the ${expected} honest messages of H, C2 and C exactly once`,
      { wrong: bad.length, examples: bad.slice(0, 5) });
  }
  const n = (p) => msgs.filter(([, e]) => e.pub === p).length;
  console.log(`honest traffic during ${sc}: ${msgs.length} messages (H ${n("H")}, C2 ${n("C2")}, C ${n("C")})`);
}
res.check(H.rejected.length === 0, "H's WakuMessage validator rejected nothing (C forwarded nothing of M's)", H.rejected.slice(0, 3));

console.log("summary (s since the attack began): scenario, score < 0, score < -10000, connection closed, graylistedRpcs growth");
for (const x of summary) {
  const f = (v) => (v === undefined || v === null ? "never" : (v / 1000).toFixed(2));
  console.log(`  ${x.name.padEnd(24)} ${f(x.neg).padStart(6)} ${f(x.gray).padStart(6)} ${f(x.close).padStart(6)}   +${x.grayDelta}`);
}
await finish();

async function finish() {
  traffic = false;
  await C?.rest.stopPolling();
  await C2?.rest.stopPolling();
  await H?.stop().catch(() => {});
  for (const [label, n] of [["C", C], ["C2", C2]]) {
    if (!n) continue;
    res.check(n.proc.alive(), `${label} is still running at the end`, { exit: n.proc.exit, stderr_tail: n.proc.logTail(10) });
    const st = await n.stop();
    res.check(st.code === 0 && !st.timedOut, `${label} exits with status 0 on SIGTERM`, { ...st, stderr_tail: n.proc.logTail(10) });
  }
  res.finish();
}
