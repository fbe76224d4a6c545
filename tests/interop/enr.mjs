// interop-enr: `cwaku-tool enr decode|encode` and `keygen` against @waku/enr.
//
// usage: run.sh enr /path/to/cwaku-tool   |   run.sh enr --self-test
//
// (a) js-waku builds and signs ENRs (EnrCreator.fromPublicKey, the ip/tcp/udp/
//     ip6/tcp6/udp6/waku2/multiaddrs setters, raw "rs"/"rsv"/"waku2" entries
//     via Map.set, EnrEncoder.toString(enr, privateKey)) -> `enr decode` must
//     report the same fields, signature, node id and peer id.
// (b) `enr encode` builds ENRs from random fields -> EnrDecoder.fromString
//     must verify the signature and read back the same fields and peer id;
//     `enr decode` of the tool's own record and `keygen` are checked too.
// (c) corrupted ENR strings (flipped bytes, truncation, trailing bytes, bad
//     base64, high-s signature, ...) -> `enr decode` must fail cleanly (error
//     object), unless js-waku also accepts the record (then fields compared).
//
// js-waku quirks that shape the cases (differences from EIP-778 / nwaku):
//  * EnrEncoder is not exported by @waku/enr (package "exports" only has the
//    index); it is imported from node_modules/@waku/enr/dist/encoder.js.
//  * EnrEncoder writes seq as ONE byte (new Uint8Array([Number(seq)])): seq
//    above 255 is silently truncated, seq 0 becomes the non-canonical 0x00.
//    (a) uses seq 1..255; (b) covers the full uint64 range.
//  * js-waku writes ports as 2 bytes always (port 80 = 0x0050, port 0 =
//    0x0000: non-canonical RLP integers). (a) includes some such ports, so
//    cwaku's decoder must accept a leading zero byte in ports.
//  * js-waku cannot READ ports encoded minimally as EIP-778 and nwaku do
//    (1 byte for 1..255, empty for 0): DataView.getUint16 throws. (b) uses
//    ports 256..65535; the < 256 case is only reported as a note.
//  * js-waku's Waku2 type has no `sync` flag (bit 4, 0x10, nwaku's Sync
//    capability): its codec ignores that bit. Sync is checked on the raw byte.
//  * js-waku's relay-shard codec picks the format from the SIZE, not the key:
//    it writes a 130-byte bit vector when there are >= 64 shards and reads any
//    130-byte value as a bit vector, whichever key ("rs" or "rsv") holds it.
//    The cases here keep "rs" as an index list (<= 10 shards) and "rsv" as a
//    bit vector (any count, built here; equal to encodeRelayShard for >= 64).
//  * The "rsv" bit order: js-waku (0.0.27 utils) puts shard i at bit
//    0x80 >> (i % 8) of byte i / 8; nwaku and go-waku, which write nearly
//    every record on the network, put it at 1 << (i % 8), and cwaku follows
//    them. js-waku's reading is therefore translated with mirror() (the bit
//    order flipped within each byte) before comparing; every other field is
//    compared as js-waku reads it.
//  * js-waku's ip6 text is not inet_ntop's (it prints ::ffff:102:304 where
//    glibc prints ::ffff:1.2.3.4); ip6 is compared as bytes with js-waku and
//    as text against a glibc-style inet_ntop written here.
//  * EnrEncoder refuses records of 300 bytes or more (EIP-778 allows 300);
//    cases are sized below 300.
import * as secp from "@noble/secp256k1";
import { multiaddr } from "@multiformats/multiaddr";
import { EnrCreator, EnrDecoder, keccak256, createPeerIdFromPublicKey } from "@waku/enr";
import { encodeRelayShard } from "@waku/utils";
import { EnrEncoder } from "./node_modules/@waku/enr/dist/encoder.js";
import {
  parseArgs, Rng, Results, toHex, fromHex, runBatch, runSingle, singleContractProblem, showCmd,
} from "./lib.mjs";

const NAME = "enr";
const { tool, selfTest, cases, seed } = parseArgs(NAME);
const rng = new Rng(seed);
const res = new Results(NAME);
const CORRUPTIONS = 100;
const SECP_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// ---------------------------------------------------------------- helpers

// glibc-style inet_ntop(AF_INET6): longest run (>= 2) of zero groups
// compressed, leftmost on ties, ::a.b.c.d and ::ffff:a.b.c.d forms.
export function inetNtop6(b) {
  const w = [];
  for (let i = 0; i < 8; i++) w.push((b[2 * i] << 8) | b[2 * i + 1]);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (cur.base === -1) cur = { base: i, len: 1 };
      else cur.len++;
    } else if (cur.base !== -1) {
      if (best.base === -1 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base !== -1 && (best.base === -1 || cur.len > best.len)) best = cur;
  if (best.base !== -1 && best.len < 2) best = { base: -1, len: 0 };
  let s = "";
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) s += ":";
      continue;
    }
    if (i !== 0) s += ":";
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff))) {
      return s + `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
    }
    s += w[i].toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) s += ":";
  return s;
}

function ip6ToBytes(text) {
  // via the multiaddr codec js-waku itself uses for the ip6 setter
  return multiaddr(`/ip6/${text}`).bytes.slice(1);
}

// minimal RLP (byte strings and one flat list), for building corruptions
function rlpLenPrefix(len, offset) {
  if (len <= 55) return Uint8Array.of(offset + len);
  const lb = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) lb.unshift(n & 0xff);
  return Uint8Array.of(offset + 55 + lb.length, ...lb);
}
function rlpStr(b) {
  if (b.length === 1 && b[0] < 0x80) return b;
  return Buffer.concat([rlpLenPrefix(b.length, 0x80), b]);
}
function rlpList(items) {
  const body = Buffer.concat(items.map(rlpStr));
  return new Uint8Array(Buffer.concat([rlpLenPrefix(body.length, 0xc0), body]));
}
function rlpDecodeFlatList(buf) {
  const hdr = (p) => {
    const b = buf[p];
    if (b < 0x80) return { start: p, len: 1 };
    if (b <= 0xb7) return { start: p + 1, len: b - 0x80 };
    if (b < 0xc0) {
      const ll = b - 0xb7;
      let len = 0;
      for (let i = 0; i < ll; i++) len = len * 256 + buf[p + 1 + i];
      return { start: p + 1 + ll, len };
    }
    if (b <= 0xf7) return { start: p + 1, len: b - 0xc0, list: true };
    const ll = b - 0xf7;
    let len = 0;
    for (let i = 0; i < ll; i++) len = len * 256 + buf[p + 1 + i];
    return { start: p + 1 + ll, len, list: true };
  };
  const top = hdr(0);
  const items = [];
  for (let p = top.start; p < top.start + top.len;) {
    const h = hdr(p);
    items.push(buf.slice(h.start, h.start + h.len));
    p = h.start + h.len;
  }
  return items;
}
function rlpStrLen(n, first) {
  if (n === 1 && first < 0x80) return 1;
  return rlpLenPrefix(n, 0x80).length + n;
}

function bigToBytes(v) { // minimal big-endian
  const out = [];
  for (let x = v; x > 0n; x >>= 8n) out.unshift(Number(x & 0xffn));
  return Uint8Array.from(out);
}

// Shard number under nwaku's rsv bit order <-> under js-waku's.
const mirror = (s) => (s & ~7) | (7 - (s & 7));

function rsvBytes(cluster, shards) {
  const b = new Uint8Array(130);
  b[0] = cluster >> 8; b[1] = cluster & 0xff;
  for (const s of shards) b[2 + (s >> 3)] |= 1 << (s % 8); // nwaku's order
  return b;
}

const WAKU2_BITS = [["relay", 1], ["store", 2], ["filter", 4], ["lightpush", 8], ["sync", 16]];
const waku2Flags = (byte) => Object.fromEntries(WAKU2_BITS.map(([k, bit]) => [k, (byte & bit) !== 0]));

// ---------------------------------------------------------------- random specs

function randPrivKey() {
  for (;;) {
    const k = rng.bytes(32);
    if (secp.utils.isValidPrivateKey(k)) return k;
  }
}

// forJs: constrained to what js-waku's encoder can produce faithfully
function randPort(forJs) {
  if (forJs && rng.bool(0.06)) return rng.pick([0, 1, 80, 255, rng.int(0, 255)]);
  return rng.pick([256, 443, 8000, 30303, 60000, 65535, rng.int(256, 65535), rng.int(256, 65535)]);
}

function randIp6() {
  const b = rng.bytes(16);
  switch (rng.int(0, 6)) {
    case 0: b.fill(0, 0, 10); b[10] = 0xff; b[11] = 0xff; break; // ::ffff:a.b.c.d
    case 1: b.fill(0, 0, 12); break; // ::a.b.c.d
    case 2: b.fill(0, 0, rng.int(12, 16)); break; // ::1 style
    case 3: b[0] = 0xfe; b[1] = 0x80; b.fill(0, 2, 8); break; // link-local
    case 4: for (let g = 0; g < 8; g++) if (rng.bool(0.5)) { b[2 * g] = 0; b[2 * g + 1] = 0; } break;
    default: break;
  }
  return b;
}

function randDnsName() {
  const labels = [];
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) {
    let l = rng.fromAlphabet("abcdefghijklmnopqrstuvwxyz0123456789", 1, 10);
    if (l.length > 2 && rng.bool(0.3)) l = l.slice(0, 1) + "-" + l.slice(1);
    labels.push(l);
  }
  return labels.join(".");
}

function randMultiaddr() {
  const port = rng.int(1, 65535);
  switch (rng.int(0, 2)) {
    case 0: return `/dns4/${randDnsName()}/tcp/${port}/wss`;
    case 1: return `/dns6/${randDnsName()}/tcp/${port}/ws`;
    default: return `/dns4/${randDnsName()}/tcp/${port}`;
  }
}

function randSeq(forJs) {
  if (forJs) return BigInt(rng.int(1, 255));
  return rng.pick([0n, 1n, 255n, 256n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 64n - 1n,
    BigInt(rng.int(0, 1000)), rng.u64(), rng.u64() >> BigInt(rng.int(0, 63))]);
}

function randShards() {
  const cluster = rng.pick([0, 1, 16, 65535, rng.int(0, 65535)]);
  const set = new Set();
  if (rng.bool(0.6)) {
    const n = rng.int(1, 10);
    while (set.size < n) set.add(rng.bool(0.5) ? rng.int(0, 15) : rng.int(0, 1023));
    return { cluster, shards: rng.shuffle([...set]), encoding: "rs" };
  }
  const n = rng.pick([1, 2, 3, 8, rng.int(1, 63), rng.int(64, 300), 1024]);
  if (n === 1024) for (let i = 0; i < 1024; i++) set.add(i);
  while (set.size < n) set.add(rng.int(0, 1023));
  return { cluster, shards: rng.shuffle([...set]), encoding: "rsv" };
}

function randSpec(forJs) {
  const s = { priv: randPrivKey(), seq: randSeq(forJs) };
  if (rng.bool(0.6)) s.ip = [0, 0, 0, 0].map(() => rng.int(0, 255)).join(".");
  if (rng.bool(0.5)) s.tcp = randPort(forJs);
  if (rng.bool(0.4)) s.udp = randPort(forJs);
  if (rng.bool(0.4)) s.ip6 = randIp6();
  if (rng.bool(0.3)) s.tcp6 = randPort(forJs);
  if (rng.bool(0.3)) s.udp6 = randPort(forJs);
  if (rng.bool(0.7)) s.waku2 = forJs ? rng.int(0, 31) : rng.int(1, 31);
  if (rng.bool(0.4)) s.multiaddrs = Array.from({ length: rng.int(1, 3) }, randMultiaddr);
  if (rng.bool(0.5)) s.shards = randShards();
  return s;
}

// Exact RLP size of the record the spec describes, canonical encoding
// (ports minimal, as the tool writes them; js-waku's 2-byte ports are never
// larger than that for ports >= 256 and at most 1 byte larger otherwise).
function canonicalSize(s) {
  let body = rlpStrLen(64, 0xff);
  const seqB = bigToBytes(s.seq);
  body += rlpStrLen(seqB.length, seqB[0]);
  const kv = (k, len, first = 0xff) => { body += rlpStrLen(k.length, 0x61) + rlpStrLen(len, first); };
  kv("id", 2); kv("secp256k1", 33);
  if (s.ip !== undefined) kv("ip", 4);
  for (const p of ["tcp", "udp", "tcp6", "udp6"]) if (s[p] !== undefined) kv(p, 2);
  if (s.ip6) kv("ip6", 16);
  if (s.waku2 !== undefined) kv("waku2", 1, s.waku2);
  if (s.multiaddrs) kv("multiaddrs", s.multiaddrs.reduce((a, m) => a + 2 + multiaddr(m).bytes.length, 0));
  if (s.shards) kv(s.shards.encoding, s.shards.encoding === "rs" ? 3 + 2 * s.shards.shards.length : 130);
  return rlpLenPrefix(body, 0xc0).length + body;
}

function shrink(s) {
  if (s.multiaddrs && s.multiaddrs.length) { s.multiaddrs.pop(); if (!s.multiaddrs.length) delete s.multiaddrs; return true; }
  if (s.shards) { delete s.shards; return true; }
  for (const k of ["ip6", "udp6", "tcp6", "udp", "waku2"]) if (s[k] !== undefined) { delete s[k]; return true; }
  return false;
}

// ---------------------------------------------------------------- views

// Normalized view: what `enr decode` must print (seq as decimal string).
function specView(s) {
  const pub = secp.getPublicKey(s.priv, true);
  const v = {
    seq: s.seq.toString(), id: "v4", public_key: toHex(pub),
    peer_id: createPeerIdFromPublicKey(pub).toString(),
    node_id: toHex(keccak256(secp.getPublicKey(s.priv, false).slice(1))),
  };
  if (s.ip !== undefined) v.ip = s.ip;
  if (s.tcp !== undefined) v.tcp = s.tcp;
  if (s.udp !== undefined) v.udp = s.udp;
  if (s.ip6) v.ip6 = inetNtop6(s.ip6);
  if (s.tcp6 !== undefined) v.tcp6 = s.tcp6;
  if (s.udp6 !== undefined) v.udp6 = s.udp6;
  if (s.waku2 !== undefined) v.waku2 = waku2Flags(s.waku2);
  if (s.multiaddrs) v.multiaddrs = s.multiaddrs.map((m) => multiaddr(m).toString());
  if (s.shards) v.shards = { cluster: s.shards.cluster, shards: [...s.shards.shards].sort((a, b) => a - b), encoding: s.shards.encoding };
  return v;
}

// View of an ENR as js-waku decoded it.
function jsView(enr) {
  const v = {
    seq: enr.seq.toString(), id: enr.id, public_key: toHex(enr.publicKey),
    peer_id: enr.peerId.toString(), node_id: enr.nodeId,
  };
  if (enr.ip !== undefined) v.ip = enr.ip;
  if (enr.tcp !== undefined) v.tcp = enr.tcp;
  if (enr.udp !== undefined) v.udp = enr.udp;
  if (enr.get("ip6")) v.ip6 = inetNtop6(enr.get("ip6"));
  if (enr.tcp6 !== undefined) v.tcp6 = enr.tcp6;
  if (enr.udp6 !== undefined) v.udp6 = enr.udp6;
  const w = enr.get("waku2");
  if (w) {
    v.waku2 = waku2Flags(w[0]);
    const jw = enr.waku2; // js-waku's own reading of the 4 flags it knows
    if (jw.relay !== v.waku2.relay || jw.store !== v.waku2.store || jw.filter !== v.waku2.filter ||
      jw.lightPush !== v.waku2.lightpush) throw new Error("js-waku waku2 codec disagrees with the bit layout");
  }
  if (enr.multiaddrs) v.multiaddrs = enr.multiaddrs.map((m) => m.toString());
  for (const key of ["rs", "rsv"]) {
    if (enr.get(key)) {
      const si = key === "rs" ? enr.rs : enr.rsv;
      const conv = key === "rsv" ? mirror : (s) => s;
      v.shards = { cluster: si.clusterId, shards: si.shards.map(conv).sort((a, b) => a - b), encoding: key };
    }
  }
  if (enr.get("rs") && enr.get("rsv")) v.shards = { both: true };
  v.signature = toHex(enr.signature);
  return v;
}

// View of `enr decode` output.
function toolView(ans) {
  const o = ans.obj;
  const v = { seq: ans.seq, id: o.id, public_key: o.public_key, peer_id: o.peer_id, node_id: o.node_id };
  for (const k of ["ip", "tcp", "udp", "ip6", "tcp6", "udp6", "multiaddrs"]) if (o[k] !== undefined) v[k] = o[k];
  if (o.waku2 !== undefined) {
    v.waku2 = o.waku2 && typeof o.waku2 === "object"
      ? Object.fromEntries(WAKU2_BITS.map(([k]) => [k, o.waku2[k]])) : o.waku2;
  }
  if (o.shards !== undefined) {
    v.shards = o.shards && typeof o.shards === "object"
      ? { cluster: o.shards.cluster, shards: o.shards.shards, encoding: o.shards.encoding } : o.shards;
  }
  if (o.signature !== undefined) v.signature = o.signature;
  return v;
}

// Keys whose values differ (signature skipped when `exp` has none).
function diffViews(exp, got, { waku2AbsentOk = false } = {}) {
  const keys = new Set([...Object.keys(exp), ...Object.keys(got)]);
  if (exp.signature === undefined) keys.delete("signature");
  if (waku2AbsentOk && exp.waku2 === undefined && got.waku2 &&
    Object.values(got.waku2).every((x) => x === false)) keys.delete("waku2");
  return [...keys].filter((k) => JSON.stringify(exp[k]) !== JSON.stringify(got[k]));
}

async function jsDecode(text) {
  try {
    const enr = await EnrDecoder.fromString(text);
    return { enr, view: jsView(enr) };
  } catch (e) {
    return { error: String(e && e.message) };
  }
}

async function jsDecodeBytes(bytes) {
  try {
    const enr = await EnrDecoder.fromRLP(bytes);
    return { enr, view: jsView(enr) };
  } catch (e) {
    return { error: String(e && e.message) };
  }
}

// ---------------------------------------------------------------- (a) js-waku -> cwaku

async function jsBuild(s) {
  for (;;) {
    const pub = secp.getPublicKey(s.priv, true);
    const enr = EnrCreator.fromPublicKey(pub);
    if (s.ip !== undefined) enr.ip = s.ip;
    if (s.tcp !== undefined) enr.tcp = s.tcp;
    if (s.udp !== undefined) enr.udp = s.udp;
    if (s.ip6) enr.ip6 = inetNtop6(s.ip6);
    if (s.tcp6 !== undefined) enr.tcp6 = s.tcp6;
    if (s.udp6 !== undefined) enr.udp6 = s.udp6;
    if (s.waku2 !== undefined) {
      if (s.waku2 & 16 || rng.bool(0.3)) enr.set("waku2", Uint8Array.of(s.waku2));
      else {
        const f = waku2Flags(s.waku2);
        enr.waku2 = { relay: f.relay, store: f.store, filter: f.filter, lightPush: f.lightpush };
      }
    }
    if (s.multiaddrs) enr.multiaddrs = s.multiaddrs.map((m) => multiaddr(m));
    if (s.shards) {
      const { cluster, shards, encoding } = s.shards;
      if (encoding === "rs") enr.set("rs", encodeRelayShard({ clusterId: cluster, shards }));
      else {
        const bv = rsvBytes(cluster, shards);
        if (shards.length >= 64 &&
          toHex(encodeRelayShard({ clusterId: cluster, shards: shards.map(mirror) })) !== toHex(bv)) {
          throw new Error("rsv bit vector differs from js-waku's encodeRelayShard");
        }
        enr.set("rsv", bv);
      }
    }
    enr.seq = s.seq;
    try {
      return await EnrEncoder.toString(enr, s.priv);
    } catch (e) {
      if (!/less than 300 bytes/.test(String(e && e.message)) || !shrink(s)) throw e;
    }
  }
}

const jsMade = []; // { label, spec, text, view }
const FIXED_IP6 = ["::", "::1", "::ffff:1.2.3.4", "::1.2.3.4", "1:0:0:2:0:0:0:3", "2001:db8::1:0:0:1", "fe80::", "::ffff:0.0.0.0", "1:0:1:0:1:0:1:0"];
for (let i = 0; i < cases; i++) {
  const s = randSpec(true);
  if (i < FIXED_IP6.length) { s.ip6 = ip6ToBytes(FIXED_IP6[i]); delete s.multiaddrs; delete s.shards; }
  if (i === FIXED_IP6.length) { // the largest shard set in a bit vector
    s.shards = { cluster: 1, shards: Array.from({ length: 1024 }, (_, k) => k), encoding: "rsv" };
    delete s.multiaddrs; delete s.ip6;
  }
  const text = await jsBuild(s);
  const dec = await jsDecode(text);
  const sv = specView(s);
  if (dec.error) {
    res.fail(`(a) #${i}: js-waku cannot decode its own ENR (oracle problem)`, { text, error: dec.error });
    continue;
  }
  const d = diffViews(sv, dec.view);
  if (d.length) {
    res.fail(`(a) #${i}: js-waku reads back different fields (oracle problem): ${d.join(", ")}`,
      { text, spec: sv, js_waku: dec.view });
    continue;
  }
  if (selfTest) res.pass();
  jsMade.push({ label: `(a) js-waku ENR #${i}`, spec: s, text, view: dec.view });
}

// ---------------------------------------------------------------- (c) corruptions

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const toText = (bytes) => "enr:" + Buffer.from(bytes).toString("base64url");

function corrupt(src) {
  const bytes = new Uint8Array(Buffer.from(src.text.slice(4), "base64url"));
  const kind = rng.int(0, 11);
  switch (kind) {
    case 0: case 1: case 2: { // flip a byte anywhere
      const b = bytes.slice();
      b[rng.int(0, b.length - 1)] ^= rng.int(1, 255);
      return { kind: "byte flipped", text: toText(b) };
    }
    case 3: { // flip a byte in the header / first item lengths
      const b = bytes.slice();
      b[rng.int(0, Math.min(4, b.length - 1))] ^= rng.int(1, 255);
      return { kind: "length byte flipped", text: toText(b) };
    }
    case 4: case 5: // truncate the record
      return { kind: "truncated bytes", text: toText(bytes.slice(0, rng.int(0, bytes.length - 1))) };
    case 6: // trailing bytes after the list
      return { kind: "trailing bytes", text: toText(Buffer.concat([bytes, rng.bytes(rng.int(1, 4))])) };
    case 7: { // truncate the text
      return { kind: "truncated text", text: src.text.slice(0, rng.int(4, src.text.length - 1)) };
    }
    case 8: { // replace one base64 character
      const t = src.text.split("");
      const p = rng.int(4, t.length - 1);
      let c;
      do c = rng.pick(b64); while (c === t[p]);
      t[p] = c;
      return { kind: "base64 char replaced", text: t.join("") };
    }
    case 9: { // invalid character / prefix
      const v = rng.int(0, 3);
      if (v === 0) return { kind: "no enr: prefix", text: src.text.slice(4) };
      if (v === 1) return { kind: "ENR: prefix", text: "ENR:" + src.text.slice(4) };
      const t = src.text;
      const p = rng.int(5, t.length - 1);
      return { kind: "invalid base64 char", text: t.slice(0, p) + rng.pick(["!", "=", "+", "/", " ", "*"]) + t.slice(p) };
    }
    case 10: { // seq changed, signature kept
      const items = rlpDecodeFlatList(bytes);
      items[1] = bigToBytes(BigInt("0x" + (toHex(items[1]) || "0")) + 1n);
      return { kind: "seq changed", text: toText(rlpList(items)) };
    }
    default: { // high-s twin of the signature (malleability)
      const items = rlpDecodeFlatList(bytes);
      const sig = items[0];
      const sv = BigInt("0x" + toHex(sig.slice(32, 64)));
      const hs = (SECP_N - sv).toString(16).padStart(64, "0");
      items[0] = new Uint8Array([...sig.slice(0, 32), ...fromHex(hs)]);
      return { kind: "high-s signature", text: toText(rlpList(items)) };
    }
  }
}

const corrupted = [];
for (let i = 0; i < CORRUPTIONS && jsMade.length; i++) {
  const src = jsMade[rng.int(0, jsMade.length - 1)];
  const c = corrupt(src);
  const js = await jsDecode(c.text);
  let lenient;
  if (js.error) {
    // js-waku's base64url decoder is strict about padding bits; when a lenient
    // decoding still gives a valid record the tool may accept or reject
    const lb = new Uint8Array(Buffer.from(c.text.replace(/^enr:/, ""), "base64url"));
    if (c.text.startsWith("enr:")) {
      const l = await jsDecodeBytes(lb);
      if (!l.error) lenient = l.view;
    }
  }
  corrupted.push({ label: `(c) corruption #${i} (${c.kind})`, text: c.text, js, lenient });
}
res.note(`corruptions: ${corrupted.filter((c) => c.js.error && !c.lenient).length} invalid per js-waku, ` +
  `${corrupted.filter((c) => !c.js.error).length} still valid per js-waku, ` +
  `${corrupted.filter((c) => c.lenient).length} non-canonical base64 of a valid record (either answer accepted)`);
if (selfTest) {
  res.check(corrupted.filter((c) => c.js.error).length > CORRUPTIONS / 2, "self-test: most corruptions rejected by js-waku",
    corrupted.map((c) => [c.label, c.js.error]));
}

// ---------------------------------------------------------------- (b) specs for cwaku -> js-waku

const toolSpecs = [];
for (let i = 0; i < cases; i++) {
  const s = randSpec(false);
  if (i < FIXED_IP6.length) s.ip6 = ip6ToBytes(FIXED_IP6[i]);
  while (canonicalSize(s) >= 300 && shrink(s));
  toolSpecs.push({ label: `(b) cwaku ENR #${i}`, spec: s });
}

function encodeArgs(s) {
  const a = ["enr", "encode", "--nodekey", toHex(s.priv), "--seq", s.seq.toString()];
  for (const k of ["ip", "tcp", "udp"]) if (s[k] !== undefined) a.push(`--${k}`, String(s[k]));
  if (s.ip6) a.push("--ip6", inetNtop6(s.ip6));
  for (const k of ["tcp6", "udp6"]) if (s[k] !== undefined) a.push(`--${k}`, String(s[k]));
  if (s.waku2 !== undefined) for (const [k, bit] of WAKU2_BITS) if (s.waku2 & bit) a.push(`--${k}`);
  for (const m of s.multiaddrs || []) a.push("--multiaddr", m);
  if (s.shards) {
    a.push("--cluster", String(s.shards.cluster));
    for (const sh of s.shards.shards) a.push("--shard", String(sh));
    if (s.shards.encoding === "rsv") a.push("--rsv");
  }
  return a;
}

if (selfTest) {
  for (const t of toolSpecs) {
    res.check(canonicalSize(t.spec) < 300, `self-test: ${t.label} sized below 300`, canonicalSize(t.spec));
  }
  // inet_ntop corner cases (glibc outputs)
  const NTOP = { "::": "::", "::1": "::1", "::ffff:1.2.3.4": "::ffff:1.2.3.4", "::1.2.3.4": "::1.2.3.4",
    "1:0:0:2:0:0:0:3": "1:0:0:2::3", "2001:db8:0:0:1:0:0:1": "2001:db8::1:0:0:1", "::ffff:0:0": "::ffff:0.0.0.0",
    "::2": "::2", "::1:2": "::0.1.0.2", "::ffff": "::ffff", "0:0:0:0:0:1:0:0": "::1:0:0", "64:ff9b::1.2.3.4": "64:ff9b::102:304" };
  for (const [k, v] of Object.entries(NTOP)) res.check(inetNtop6(ip6ToBytes(k)) === v, `self-test: inet_ntop(${k})`, inetNtop6(ip6ToBytes(k)));
  res.note("self-test: JavaScript oracles only, cwaku-tool not run");
  res.finish();
}

// ---------------------------------------------------------------- run: (a)

{
  const answers = runBatch(tool, jsMade.map((m) => ["enr", "decode", m.text]), res, "(a) enr decode batch");
  jsMade.forEach((m, i) => {
    const ans = answers[i];
    const hint = [];
    for (const p of ["tcp", "udp", "tcp6", "udp6"]) {
      if (m.spec[p] !== undefined && m.spec[p] < 256) hint.push(`${p}=${m.spec[p]} is written by js-waku as 2 bytes with a leading zero`);
    }
    const extra = hint.length ? { hint } : {};
    if (ans.kind !== "ok") {
      res.fail(`${m.label}: cwaku cannot decode a js-waku ENR`, { text: m.text, expected: m.view, got: ans.raw, ...extra });
      return;
    }
    const d = diffViews(m.view, toolView(ans));
    res.check(d.length === 0, `${m.label}: fields differ: ${d.join(", ")}`,
      { text: m.text, expected: m.view, got: ans.raw, ...extra });
  });
}

// ---------------------------------------------------------------- run: (c)

{
  const answers = runBatch(tool, corrupted.map((c) => ["enr", "decode", c.text]), res, "(c) corrupted enr decode batch");
  corrupted.forEach((c, i) => {
    const ans = answers[i];
    if (ans.kind === "crash") { res.fail(`${c.label}: cwaku crashed`, { text: c.text, got: ans.raw, stderr: ans.stderr }); return; }
    if (ans.kind === "garbage") { res.fail(`${c.label}: malformed answer`, { text: c.text, got: ans.raw }); return; }
    if (!c.js.error) {
      const d = ans.kind === "ok" ? diffViews(c.js.view, toolView(ans)) : ["(rejected)"];
      res.check(d.length === 0, `${c.label}: still valid per js-waku, cwaku differs: ${d.join(", ")}`,
        { text: c.text, expected: c.js.view, got: ans.raw });
    } else if (c.lenient) {
      const ok = ans.kind === "error" || diffViews(c.lenient, toolView(ans)).length === 0;
      res.check(ok, `${c.label}: non-canonical base64 of a valid record: cwaku must reject or read the same record`,
        { text: c.text, lenient_view: c.lenient, got: ans.raw });
    } else {
      res.check(ans.kind === "error", `${c.label}: cwaku accepts an ENR that js-waku rejects`,
        { text: c.text, js_waku_error: c.js.error, got: ans.raw });
    }
  });
}

// ---------------------------------------------------------------- run: (b)

{
  const cmds = [];
  for (const t of toolSpecs) {
    cmds.push(encodeArgs(t.spec));
    cmds.push(["keygen", "--nodekey", toHex(t.spec.priv)]);
  }
  const answers = runBatch(tool, cmds, res, "(b) enr encode / keygen batch");
  const made = [];
  for (let i = 0; i < toolSpecs.length; i++) {
    const t = toolSpecs[i];
    const enc = answers[2 * i], kg = answers[2 * i + 1];
    const sv = specView(t.spec);
    const cmd = showCmd(cmds[2 * i]);
    if (kg.kind !== "ok" || kg.obj.private_key !== toHex(t.spec.priv) || kg.obj.public_key !== sv.public_key ||
      kg.obj.peer_id !== sv.peer_id) {
      res.fail(`${t.label}: keygen differs`, { cmd: showCmd(cmds[2 * i + 1]),
        expected: { private_key: toHex(t.spec.priv), public_key: sv.public_key, peer_id: sv.peer_id }, got: kg.raw });
    } else res.pass();
    if (enc.kind !== "ok" || typeof enc.obj.enr !== "string") {
      res.fail(`${t.label}: enr encode failed`, { cmd, got: enc.raw });
      continue;
    }
    const text = enc.obj.enr;
    const js = await jsDecode(text);
    if (js.error) {
      res.fail(`${t.label}: js-waku rejects cwaku's ENR: ${js.error}`, { cmd, enr: text });
      continue;
    }
    const d = diffViews(sv, js.view, { waku2AbsentOk: true });
    const keys = [...js.enr.keys()];
    const sorted = keys.every((k, j) => j === 0 || Buffer.compare(Buffer.from(keys[j - 1]), Buffer.from(k)) < 0);
    if (!sorted) d.push("keys not strictly sorted (EIP-778)");
    if (t.spec.shards && !js.enr.get(t.spec.shards.encoding)) d.push(`shards not under key ${t.spec.shards.encoding}`);
    const size = Buffer.from(text.slice(4), "base64url").length;
    if (size > 300) d.push(`record is ${size} bytes (> 300)`);
    if (!/^enr:[A-Za-z0-9_-]+$/.test(text)) d.push("text is not enr: + unpadded base64url");
    res.check(d.length === 0, `${t.label}: js-waku reads different fields: ${d.join(", ")}`,
      { cmd, enr: text, expected: sv, js_waku: js.view, keys });
    made.push({ label: t.label, text, view: js.view });
  }
  // the tool's own decoder on its own records
  const answers2 = runBatch(tool, made.map((m) => ["enr", "decode", m.text]), res, "(b) enr decode batch");
  made.forEach((m, i) => {
    const ans = answers2[i];
    const d = ans.kind === "ok" ? diffViews(m.view, toolView(ans)) : ["(rejected)"];
    res.check(d.length === 0, `${m.label}: cwaku decode of its own ENR differs from js-waku: ${d.join(", ")}`,
      { enr: m.text, expected: m.view, got: ans.raw });
  });
}

// minimal (EIP-778 canonical) ports below 256: js-waku cannot read them
{
  const s = { priv: fromHex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"), seq: 1n, ip: "10.0.0.1", tcp: 80 };
  const one = runSingle(tool, encodeArgs(s));
  if (one.parsed.kind === "ok") {
    const js = await jsDecode(one.parsed.obj.enr);
    res.note(`tcp port 80 encoded by cwaku: js-waku ${js.error ? `fails to read it (${js.error})` : `reads tcp=${js.view.tcp}`} (not counted)`);
  }
}

// ---------------------------------------------------------------- plain CLI

{
  const KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  const singles = [];
  for (const m of jsMade.slice(0, 3)) singles.push({ label: `CLI decode ${m.label}`, args: ["enr", "decode", m.text], view: m.view });
  singles.push({ label: "CLI keygen", args: ["keygen", "--nodekey", KEY], keygen: specView({ priv: fromHex(KEY), seq: 0n }) });
  singles.push({ label: "CLI encode", args: encodeArgs({ priv: fromHex(KEY), seq: 3n, ip: "127.0.0.1", tcp: 60000, waku2: 1 + 8,
    shards: { cluster: 1, shards: [0, 5], encoding: "rs" } }), encode: true });
  singles.push({ label: "CLI decode garbage", args: ["enr", "decode", "enr:not-an-enr"], error: true });
  singles.push({ label: "CLI decode truncated", args: ["enr", "decode", jsMade[0].text.slice(0, 40)], error: true });
  singles.push({ label: "CLI decode empty", args: ["enr", "decode", ""], error: true });
  singles.push({ label: "CLI encode zero nodekey", args: ["enr", "encode", "--nodekey", "00".repeat(32)], error: true });
  singles.push({ label: "CLI encode short nodekey", args: ["enr", "encode", "--nodekey", "abcd"], error: true });
  singles.push({ label: "CLI keygen nodekey = curve order", args: ["keygen", "--nodekey", SECP_N.toString(16)], error: true });
  for (const s of singles) {
    const run = runSingle(tool, s.args);
    const problem = singleContractProblem(run);
    if (problem) { res.fail(`${s.label}: ${problem}`, { cmd: showCmd(s.args), stdout: run.stdout, stderr: run.stderr }); continue; }
    if (s.error) {
      res.check(run.status === 1 && run.parsed.kind === "error", `${s.label}: must fail with exit 1 and an error object`,
        { cmd: showCmd(s.args), exit: run.status, stdout: run.stdout });
    } else if (s.view) {
      const d = run.parsed.kind === "ok" ? diffViews(s.view, toolView(run.parsed)) : ["(rejected)"];
      res.check(run.status === 0 && d.length === 0, `${s.label}: fields differ: ${d.join(", ")}`,
        { cmd: showCmd(s.args), expected: s.view, stdout: run.stdout });
    } else if (s.keygen) {
      const o = run.parsed.obj;
      res.check(run.status === 0 && o.public_key === s.keygen.public_key && o.peer_id === s.keygen.peer_id && o.private_key === KEY,
        `${s.label}: differs`, { cmd: showCmd(s.args), expected: s.keygen, stdout: run.stdout });
    } else if (s.encode) {
      const js = run.parsed.kind === "ok" ? await jsDecode(run.parsed.obj.enr) : { error: "no enr" };
      res.check(run.status === 0 && !js.error && js.view.tcp === 60000 && js.view.shards?.shards?.join() === "0,5",
        `${s.label}: js-waku cannot read it back`, { cmd: showCmd(s.args), stdout: run.stdout, js_waku: js.error || js.view });
    }
  }
}

res.finish();
