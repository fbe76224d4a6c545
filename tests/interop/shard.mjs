// interop-shard: `cwaku-tool shard` (autosharding) against @waku/utils.
//
// usage: run.sh shard /path/to/cwaku-tool   |   run.sh shard --self-test
//
// Rule (51/WAKU2-RELAY-SHARDING autosharding, as nwaku implements it):
//   content topic = "/" app "/" version "/" name "/" encoding, or the same with
//   a leading "/" generation segment; every field non-empty; generation must be
//   0; h = sha256(app || version); shard = uint64_BE(h[24..32]) mod K.
//
// js-waku functions used: contentTopicToShardIndex(ct, K),
// contentTopicToPubsubTopic(ct, cluster, K),
// AutoShardingRoutingInfo.fromContentTopic(ct, {clusterId, numShardsInCluster}),
// ensureValidContentTopic(ct) (called by all three).
//
// Shard computation: js-waku and the rule agree for every shard count,
// powers of two or not (both take the last 8 digest bytes big-endian mod K).
// (Old nwaku used `and (K-1)`, which only matches for powers of two.)
//
// DISAGREEMENTS between js-waku's ensureValidContentTopic and the rule,
// checked here against the RULE (cwaku must reject) and printed as notes:
//  * no leading slash: js-waku splits on "/" and ignores whatever precedes
//    the first "/", so "x/app/1/name/enc" and "x/0/app/1/name/enc" are
//    accepted by js-waku (app = "app"); nwaku and the rule reject them.
//  * generation parsed with parseInt(): "/0abc/..", "/0.5/..",
//    "/ 0/..", "/0 /..", "/0x0/.." parse as 0 and "/-1/.." as -1 (only > 0 is
//    refused; "/0x1/.." is hex 1 and refused),
//    so js-waku accepts them; the rule (and nwaku: parseInt of the whole
//    segment, then generation must be 0) rejects them.
//  * shard count 0: js-waku throws RangeError (BigInt division by zero); the
//    tool must answer with an error too.
// Not counted, only reported: generation spellings that both js-waku and
// nwaku read as 0 ("00", "+0", "-0", "000"); the cwaku contract only names "0".
import { createHash } from "node:crypto";
import {
  contentTopicToShardIndex, contentTopicToPubsubTopic, AutoShardingRoutingInfo, ensureValidContentTopic,
} from "@waku/utils";
import {
  parseArgs, Rng, Results, runBatch, runSingle, singleContractProblem, showCmd,
} from "./lib.mjs";

const NAME = "shard";
const { tool, selfTest, cases, seed } = parseArgs(NAME);
const rng = new Rng(seed);
const res = new Results(NAME);

// ---------------------------------------------------------------- oracles

// The rule, independent of js-waku. Returns { app, version } or null (reject).
function ruleParse(ct) {
  if (!ct.startsWith("/")) return null;
  const parts = ct.slice(1).split("/");
  let f;
  if (parts.length === 4) f = parts;
  else if (parts.length === 5) {
    if (!/^[+-]?[0-9]+$/.test(parts[0]) || Number(parts[0]) !== 0) return null;
    f = parts.slice(1);
  } else return null;
  if (f.some((x) => x.length === 0)) return null;
  return { app: f[0], version: f[1] };
}

function ruleShard(ct, k) {
  const p = ruleParse(ct);
  if (!p || k <= 0) return null;
  const h = createHash("sha256").update(Buffer.from(p.app + p.version, "utf8")).digest();
  return Number(h.readBigUInt64BE(24) % BigInt(k));
}

// js-waku: { shard, pubsub } or { error }
function jsShard(ct, cluster, k) {
  try {
    const shard = contentTopicToShardIndex(ct, k);
    const pubsub = contentTopicToPubsubTopic(ct, cluster, k);
    const ri = AutoShardingRoutingInfo.fromContentTopic(ct, { clusterId: cluster, numShardsInCluster: k });
    if (ri.shardId !== shard || ri.pubsubTopic !== pubsub) {
      return { error: `js-waku functions disagree: ${shard} ${pubsub} / ${ri.shardId} ${ri.pubsubTopic}` };
    }
    return { shard, pubsub };
  } catch (e) {
    return { error: String(e && e.message) };
  }
}

function jsAccepts(ct) {
  try { ensureValidContentTopic(ct); return true; } catch { return false; }
}

// ---------------------------------------------------------------- cases

const FIELD_EXCLUDE = "/";
const randField = () => rng.ascii(1, 20, FIELD_EXCLUDE);
const randVersion = () => (rng.bool(0.4) ? String(rng.int(0, 999)) : randField());
const randEncoding = () => (rng.bool(0.5) ? rng.pick(["proto", "json", "cbor", "rfc26", "rlp"]) : randField());
const SHARD_COUNTS = [1, 2, 3, 5, 7, 8, 8, 8, 10, 16, 64, 100, 257, 1000, 1023, 1024];
const randShards = () => (rng.bool(0.5) ? rng.pick(SHARD_COUNTS) : rng.int(1, 1024));
const randCluster = () => rng.pick([0, 1, 2, 16, 65535, rng.int(0, 65535), rng.int(0, 65535)]);

function randValidTopic() {
  const body = `/${randField()}/${randVersion()}/${randField()}/${randEncoding()}`;
  return rng.bool() ? `/0${body}` : body;
}

const valid = []; // { label, ct, cluster, k, expected: {shard, pubsub} }
const invalid = []; // { label, ct, cluster, k, jsAccepted }
const ambiguous = []; // { ct, cluster, k }

// fixed vectors: the 8-shard mapping used by waku-org/waku-interop-tests
const FIXED = [
  ["/myapp/1/latest/proto", 0], ["/waku/2/content/test.js", 1], ["/app/22/sometopic/someencoding", 2],
  ["/toychat/2/huilong/proto", 3], ["/statusim/1/community/cbor", 4], ["/app/27/sometopic/someencoding", 5],
  ["/app/29/sometopic/someencoding", 6], ["/app/20/sometopic/someencoding", 7],
  ["/0/toychat/2/huilong/proto", 3],
];
for (const [ct, s] of FIXED) {
  valid.push({ label: `vector ${ct} (8 shards)`, ct, cluster: 1, k: 8, fixed: s });
}

for (let i = 0; i < cases; i++) {
  valid.push({ label: `random #${i}`, ct: randValidTopic(), cluster: randCluster(), k: randShards() });
}

// invalid topics: both js-waku and the rule reject
const INVALID_FIXED = [
  "", "/", "//", "///", "////", "/////", "//////", "app", "/app", "/app/1", "/app/1/name",
  "app/1/name/proto", "/app/1/name/proto/", "/app/1/name/proto/extra/more", "/a/b/c/d/e/f",
  "/0/app/1/name/proto/extra", "/app//name/proto", "//1/name/proto", "/app/1//proto", "/app/1/name/",
  "/0//1/name/proto", "/0/app//name/proto", "/0/app/1//proto", "/0/app/1/name/", "//app/1/name/proto",
  "/1/app/1/name/proto", "/2/app/1/name/proto", "/255/app/1/name/proto", "/9999999/app/1/name/proto",
  "/x/app/1/name/proto", "/abc/app/1/name/proto", "/one/app/1/name/proto", "/ /app/1/name/proto",
  "/1/toychat/2/huilong/proto", "/toychat/2/huilong", "toychat/2/huilong/proto", "/0x1/toychat/2/huilong/proto",
];
function mutate(ct) {
  const body = ct.startsWith("/0/") ? ct.slice(2) : ct;
  const f = body.slice(1).split("/");
  switch (rng.int(0, 7)) {
    case 0: f.splice(rng.int(0, f.length - 1), 1); return "/" + f.join("/"); // drop a field
    case 1: f[rng.int(0, f.length - 1)] = ""; return "/" + f.join("/"); // empty a field
    case 2: f.push(randField()); f.unshift(randField()); return "/" + f.join("/"); // too many
    case 3: return `/${rng.int(1, 1_000_000)}/` + f.join("/"); // generation > 0
    case 4: return `/${rng.fromAlphabet("abcdefghijklmnopqrstuvwxyz_", 1, 6)}/` + f.join("/"); // non-numeric
    case 5: return f.join("/"); // no leading slash, 4 parts
    case 6: return "/" + f.slice(0, rng.int(0, 3)).join("/"); // truncated
    default: return "/0/" + f.join("/") + "/" + randField(); // generation plus extra field
  }
}
const seen = new Set();
for (const ct of INVALID_FIXED) {
  seen.add(ct);
  invalid.push({ label: `invalid ${JSON.stringify(ct)}`, ct, cluster: 1, k: 8 });
}
for (let tries = 0; invalid.length < 100 + INVALID_FIXED.length && tries < 10_000; tries++) {
  const ct = mutate(randValidTopic());
  if (seen.has(ct) || ct.startsWith("-")) continue;
  seen.add(ct);
  const js = jsAccepts(ct), rule = ruleParse(ct) !== null;
  if (js || rule) continue; // not invalid for both (kept for the divergent set below if they differ)
  invalid.push({ label: `invalid (random) ${JSON.stringify(ct)}`, ct, cluster: randCluster(), k: randShards() });
}

// divergent: js-waku accepts, the rule rejects
const DIVERGENT = [
  "x/toychat/2/huilong/proto", "toychat/2/huilong/proto/x", "x/0/toychat/2/huilong/proto",
  "waku/app/1/name/proto", "/0abc/toychat/2/huilong/proto", "/0x0/toychat/2/huilong/proto",
  "/0.5/toychat/2/huilong/proto", "/ 0/toychat/2/huilong/proto", "/0 /toychat/2/huilong/proto",
  "/-1/toychat/2/huilong/proto", "/-7/toychat/2/huilong/proto", "/0e5/toychat/2/huilong/proto",
];
for (let i = 0; i < 20; i++) {
  const base = `/${randField()}/${randVersion()}/${randField()}/${randEncoding()}`;
  DIVERGENT.push(rng.bool() ? rng.fromAlphabet("abcxyz0123", 1, 5) + base
    : `/${rng.pick(["0", "-1", "-3", " 0", "0_"])}${rng.fromAlphabet("abc. _", 1, 3)}${base}`);
}
const divergent = [];
for (const ct of DIVERGENT) {
  const js = jsAccepts(ct), rule = ruleParse(ct) !== null;
  if (js && !rule) {
    divergent.push({ label: `js-waku accepts, rule rejects: ${JSON.stringify(ct)}`, ct, cluster: 1, k: 8, jsAccepted: true });
  } else {
    res.note(`unexpected classification of ${JSON.stringify(ct)}: js-waku ${js ? "accepts" : "rejects"}, rule ${rule ? "accepts" : "rejects"}`);
  }
}

// shard count 0: js-waku throws
const zeroShards = { label: "shard count 0", ct: "/toychat/2/huilong/proto", cluster: 1, k: 0 };

// generation spellings read as 0 by js-waku and nwaku (reported, not counted)
for (const g of ["00", "+0", "-0", "000"]) ambiguous.push({ ct: `/${g}/toychat/2/huilong/proto`, cluster: 1, k: 8 });

// ---------------------------------------------------------------- expected values

for (const v of valid) {
  const js = jsShard(v.ct, v.cluster, v.k);
  const rule = ruleShard(v.ct, v.k);
  if (js.error !== undefined || js.shard !== rule) {
    res.fail(`${v.label}: js-waku and the rule disagree (oracle problem, not cwaku)`,
      { content_topic: v.ct, cluster: v.cluster, shards: v.k, js_waku: js, rule });
  } else if (selfTest) res.pass();
  if (v.fixed !== undefined && js.shard !== v.fixed) {
    res.fail(`${v.label}: js-waku does not give the published shard`, { expected: v.fixed, js_waku: js });
  }
  v.expected = { shard: rule, pubsub: `/waku/2/rs/${v.cluster}/${rule}` };
}
for (const v of [...invalid, zeroShards]) {
  const js = jsShard(v.ct, v.cluster, v.k);
  if (js.error === undefined) res.fail(`${v.label}: expected js-waku to throw`, { js_waku: js });
  else if (selfTest) res.pass();
}
for (const v of divergent) {
  const js = jsShard(v.ct, v.cluster, v.k);
  v.jsResult = js;
}
res.note(`${divergent.length} content topics accepted by js-waku but invalid per the rule ` +
  `(no leading slash / lenient parseInt generation); cwaku is held to the rule`);

if (selfTest) {
  res.check(valid.length > 0 && invalid.length >= 100 && divergent.length >= 10, "self-test: case counts",
    { valid: valid.length, invalid: invalid.length, divergent: divergent.length });
  for (const a of ambiguous) {
    res.check(jsAccepts(a.ct) && ruleParse(a.ct) !== null, `self-test: ${a.ct} accepted by js-waku and the rule`);
  }
  res.note("self-test: JavaScript oracles only, cwaku-tool not run");
  res.finish();
}

// ---------------------------------------------------------------- batch run

const args = (v) => ["shard", "--content-topic", v.ct, "--cluster", String(v.cluster), "--shards", String(v.k)];
const groups = [
  ...valid.map((v) => ({ v, kind: "valid" })),
  ...invalid.map((v) => ({ v, kind: "invalid" })),
  ...divergent.map((v) => ({ v, kind: "divergent" })),
  { v: zeroShards, kind: "invalid" },
  ...ambiguous.map((v) => ({ v, kind: "ambiguous" })),
];
const answers = runBatch(tool, groups.map((g) => args(g.v)), res, "shard batch");
const divergentAccepted = [];
groups.forEach((g, i) => {
  const ans = answers[i];
  const v = g.v;
  const cmd = showCmd(args(v));
  if (g.kind === "valid") {
    const o = ans.obj || {};
    const ok = ans.kind === "ok" && o.content_topic === v.ct && o.cluster === v.cluster &&
      o.shard === v.expected.shard && o.pubsub_topic === v.expected.pubsub;
    res.check(ok, `${v.label}: result differs`, {
      cmd, expected: { content_topic: v.ct, cluster: v.cluster, shard: v.expected.shard, pubsub_topic: v.expected.pubsub },
      got: ans.raw,
    });
  } else if (g.kind === "ambiguous") {
    res.note(`${JSON.stringify(v.ct)} (js-waku and nwaku read generation as 0): cwaku ` +
      (ans.kind === "ok" ? `accepts, shard ${ans.obj.shard}` : `answers ${ans.raw}`) + " (not counted)");
  } else {
    const ok = ans.kind === "error";
    if (!ok && g.kind === "divergent") divergentAccepted.push(v.ct);
    res.check(ok, `${v.label}: cwaku must reject it with an error object`, {
      cmd, got: ans.raw, ...(g.kind === "divergent" ? { js_waku: v.jsResult } : {}),
    });
  }
});
if (divergentAccepted.length) {
  res.note(`cwaku follows js-waku rather than the rule for: ${divergentAccepted.map((s) => JSON.stringify(s)).join(", ")}`);
}

// ---------------------------------------------------------------- plain CLI

const singles = [
  { v: valid[3] }, { v: valid[8] }, { v: valid[FIXED.length] }, { v: valid[FIXED.length + 1] },
  { v: { ct: "/toychat/2/huilong/proto", cluster: 65535, k: 1000, expected: null } },
  { v: { ct: "/toychat/2/huilong/proto/extra" }, error: true, args: ["shard", "--content-topic", "/toychat/2/huilong/proto/extra", "--cluster", "1", "--shards", "8"] },
  { v: { ct: "/1/toychat/2/huilong/proto" }, error: true, args: ["shard", "--content-topic", "/1/toychat/2/huilong/proto", "--cluster", "1", "--shards", "8"] },
  { v: { ct: "" }, error: true, args: ["shard", "--content-topic", "", "--cluster", "1", "--shards", "8"] },
  { v: { ct: "(missing --shards)" }, error: true, args: ["shard", "--content-topic", "/toychat/2/huilong/proto", "--cluster", "1"] },
  { v: { ct: "(shards 0)" }, error: true, args: ["shard", "--content-topic", "/toychat/2/huilong/proto", "--cluster", "1", "--shards", "0"] },
];
for (const s of singles) {
  const v = s.v;
  if (!s.error && !v.expected) {
    const sh = ruleShard(v.ct, v.k);
    v.expected = { shard: sh, pubsub: `/waku/2/rs/${v.cluster}/${sh}` };
  }
  const a = s.args || args(v);
  const run = runSingle(tool, a);
  const problem = singleContractProblem(run);
  if (problem) { res.fail(`CLI ${v.ct}: ${problem}`, { cmd: showCmd(a), stdout: run.stdout, stderr: run.stderr }); continue; }
  if (s.error) {
    res.check(run.status === 1 && run.parsed.kind === "error", `CLI ${JSON.stringify(v.ct)}: must fail with exit 1 and an error object`,
      { cmd: showCmd(a), exit: run.status, stdout: run.stdout });
  } else {
    const o = run.parsed.obj;
    res.check(run.status === 0 && o.shard === v.expected.shard && o.pubsub_topic === v.expected.pubsub &&
      o.cluster === v.cluster && o.content_topic === v.ct, `CLI ${v.ct}: result differs`,
    { cmd: showCmd(a), expected: v.expected, stdout: run.stdout });
  }
}

res.finish();
