// Helpers for Waku Relay misbehaviour checks: a raw js-libp2p peer that speaks
// /vac/waku/relay/2.0.0 by hand (no gossipsub router behind it), so a check
// can write any gossipsub RPC — invalid messages, messages with
// from/seqno/signature/key set (StrictNoSign forbids them), IHAVE floods of
// 5000+ ids, IWANT floods, GRAFT during backoff, corrupt frames — and watch
// what the remote sends back.
//
// Wire (waku-facts item 2; libp2p specs pubsub/README.md, gossipsub v1.0-1.2):
// every RPC is a uvarint-length-prefixed protobuf on a long-lived stream, one
// outbound stream per direction:
//   RPC            { repeated SubOpts subscriptions = 1; repeated Message publish = 2;
//                    optional ControlMessage control = 3; }
//   SubOpts        { optional bool subscribe = 1; optional string topicid = 2; }
//   Message        { optional bytes from = 1; optional bytes data = 2; optional bytes seqno = 3;
//                    optional string topic = 4; optional bytes signature = 5; optional bytes key = 6; }
//   ControlMessage { repeated ControlIHave ihave = 1; repeated ControlIWant iwant = 2;
//                    repeated ControlGraft graft = 3; repeated ControlPrune prune = 4;
//                    repeated ControlIDontWant idontwant = 5; }
//   ControlIHave   { optional string topicID = 1; repeated bytes messageIDs = 2; }
//   ControlIWant   { repeated bytes messageIDs = 1; }
//   ControlGraft   { optional string topicID = 1; }
//   ControlPrune   { optional string topicID = 1; repeated PeerInfo peers = 2; optional uint64 backoff = 3; }
//   PeerInfo       { optional bytes peerID = 1; optional bytes signedPeerRecord = 2; }
//   ControlIDontWant { repeated bytes messageIDs = 1; }
// The encoder is hand-written so that it can also write what a real encoder
// never would: every field is written when it is not undefined (an empty
// Uint8Array `from` is a PRESENT, empty field), repeated bytes are written in
// the order given, and any object may carry `extra: Uint8Array`, bytes
// appended verbatim after its fields (unknown or malformed fields).
//
// Self-test against a js relay (relay-lib.mjs):
//   tests/interop/run.sh relay-misbehave-lib --self-test
import { randomBytes } from "node:crypto";
import { identify, identifyPush } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { lpStream } from "@libp2p/utils";
import { proto_metadata as protoMetadata } from "@waku/proto";
import { fileURLToPath } from "node:url";
import { Uint8ArrayList } from "uint8arraylist";
import {
  createJsNode, stopJsNode, multiaddr, withTimeout, sleep, errText, toBytes, sendWithBackpressure,
} from "./libp2p-lib.mjs";
import {
  RELAY_CODEC, METADATA_CODEC, DEFAULT_CLUSTER_ID, DEFAULT_PUBSUB_TOPIC, encodeWakuMessage, sha256, toHex, nowNs,
} from "./relay-lib.mjs";

export { RELAY_CODEC, DEFAULT_PUBSUB_TOPIC, encodeWakuMessage, sha256, toHex };

// ---------------------------------------------------------------- protobuf writer

export function uvarint(n) {
  let v = BigInt(n);
  if (v < 0n) throw new Error("uvarint of a negative number");
  const out = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Uint8Array.from(out);
}

const utf8 = (s) => new Uint8Array(Buffer.from(s, "utf8"));
const concat = (parts) => new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));

export class PbWriter {
  constructor() { this.parts = []; }
  key(field, wireType) { this.parts.push(uvarint((BigInt(field) << 3n) | BigInt(wireType))); return this; }
  varint(field, n) { if (n === undefined || n === null) return this; this.key(field, 0); this.parts.push(uvarint(n)); return this; }
  bool(field, b) { if (b === undefined || b === null) return this; return this.varint(field, b ? 1 : 0); }
  bytes(field, b) {
    if (b === undefined || b === null) return this;
    const v = typeof b === "string" ? utf8(b) : b;
    this.key(field, 2);
    this.parts.push(uvarint(v.byteLength), v);
    return this;
  }
  string(field, s) { return this.bytes(field, s === undefined || s === null ? s : utf8(s)); }
  message(field, bytes) { return this.bytes(field, bytes); }
  raw(bytes) { if (bytes) this.parts.push(bytes); return this; }
  finish() { return concat(this.parts); }
}

// ---------------------------------------------------------------- RPC encoder

export function encodeSubOpts(s) {
  return new PbWriter().bool(1, s.subscribe).string(2, s.topicid ?? s.topic).raw(s.extra).finish();
}

// m: { from?, data?, seqno?, topic?, signature?, key?, extra? } — every
// present field is written (StrictNoSign requires from/seqno/signature/key
// to be ABSENT; set any of them, even to new Uint8Array(0), to test that).
export function encodePubsubMessage(m) {
  return new PbWriter()
    .bytes(1, m.from).bytes(2, m.data).bytes(3, m.seqno).string(4, m.topic)
    .bytes(5, m.signature).bytes(6, m.key).raw(m.extra).finish();
}

export function encodeControl(c) {
  const w = new PbWriter();
  for (const ih of c.ihave ?? []) {
    const x = new PbWriter().string(1, ih.topicID);
    for (const id of ih.messageIDs ?? []) x.bytes(2, id);
    w.message(1, x.raw(ih.extra).finish());
  }
  for (const iw of c.iwant ?? []) {
    const x = new PbWriter();
    for (const id of iw.messageIDs ?? []) x.bytes(1, id);
    w.message(2, x.raw(iw.extra).finish());
  }
  for (const g of c.graft ?? []) w.message(3, new PbWriter().string(1, g.topicID).raw(g.extra).finish());
  for (const p of c.prune ?? []) {
    const x = new PbWriter().string(1, p.topicID);
    for (const pi of p.peers ?? []) x.message(2, new PbWriter().bytes(1, pi.peerID).bytes(2, pi.signedPeerRecord).raw(pi.extra).finish());
    x.varint(3, p.backoff);
    w.message(4, x.raw(p.extra).finish());
  }
  for (const d of c.idontwant ?? []) {
    const x = new PbWriter();
    for (const id of d.messageIDs ?? []) x.bytes(1, id);
    w.message(5, x.raw(d.extra).finish());
  }
  return w.raw(c.extra).finish();
}

// rpc: { subscriptions?: SubOpts[], publish?: Message[], control?: ControlMessage, extra? }
export function encodeRpc(rpc) {
  const w = new PbWriter();
  for (const s of rpc.subscriptions ?? []) w.message(1, encodeSubOpts(s));
  for (const m of rpc.publish ?? []) w.message(2, encodePubsubMessage(m));
  if (rpc.control) w.message(3, encodeControl(rpc.control));
  return w.raw(rpc.extra).finish();
}

// uvarint length prefix + body (what goes on the stream).
export const frame = (body) => concat([uvarint(body.byteLength), body]);
export const frameRpc = (rpc) => frame(encodeRpc(rpc));

// ---------------------------------------------------------------- protobuf reader / RPC decoder

// Reads a protobuf message into [{ field, wireType, value }] (value: bigint for
// varints, Uint8Array for length-delimited and fixed). Throws on malformed input.
export function readFields(buf) {
  const out = [];
  let pos = 0;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.byteLength) throw new Error("truncated varint");
      const b = buf[pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
      if (shift > 63n) throw new Error("varint too long");
    }
  };
  while (pos < buf.byteLength) {
    const k = varint();
    const field = Number(k >> 3n);
    const wireType = Number(k & 7n);
    if (field === 0) throw new Error("field number 0");
    if (wireType === 0) out.push({ field, wireType, value: varint() });
    else if (wireType === 2) {
      const n = Number(varint());
      if (pos + n > buf.byteLength) throw new Error("truncated length-delimited field");
      out.push({ field, wireType, value: buf.subarray(pos, pos + n) });
      pos += n;
    } else if (wireType === 1 || wireType === 5) {
      const n = wireType === 1 ? 8 : 4;
      if (pos + n > buf.byteLength) throw new Error("truncated fixed field");
      out.push({ field, wireType, value: buf.subarray(pos, pos + n) });
      pos += n;
    } else throw new Error(`wire type ${wireType}`);
  }
  return out;
}

const str = (b) => Buffer.from(b).toString("utf8");
const ld = (fs, n) => fs.filter((f) => f.field === n && f.wireType === 2).map((f) => f.value);
const last = (a) => (a.length ? a[a.length - 1] : undefined);
const vint = (fs, n) => last(fs.filter((f) => f.field === n && f.wireType === 0).map((f) => f.value));

export function decodeRpc(buf) {
  const fs = readFields(buf);
  const rpc = { subscriptions: [], publish: [], control: null };
  for (const b of ld(fs, 1)) {
    const s = readFields(b);
    const sub = vint(s, 1);
    const t = last(ld(s, 2));
    rpc.subscriptions.push({ subscribe: sub === undefined ? undefined : sub !== 0n, topicid: t === undefined ? undefined : str(t) });
  }
  for (const b of ld(fs, 2)) {
    const m = readFields(b);
    const o = {};
    for (const [n, name] of [[1, "from"], [2, "data"], [3, "seqno"], [5, "signature"], [6, "key"]]) {
      const v = last(ld(m, n));
      if (v !== undefined) o[name] = new Uint8Array(v);
    }
    const t = last(ld(m, 4));
    if (t !== undefined) o.topic = str(t);
    rpc.publish.push(o);
  }
  const cb = ld(fs, 3);
  if (cb.length) {
    const c = { ihave: [], iwant: [], graft: [], prune: [], idontwant: [] };
    for (const b of cb) {
      const cf = readFields(b);
      for (const x of ld(cf, 1)) {
        const f = readFields(x);
        const t = last(ld(f, 1));
        c.ihave.push({ topicID: t === undefined ? undefined : str(t), messageIDs: ld(f, 2).map((v) => new Uint8Array(v)) });
      }
      for (const x of ld(cf, 2)) c.iwant.push({ messageIDs: ld(readFields(x), 1).map((v) => new Uint8Array(v)) });
      for (const x of ld(cf, 3)) {
        const t = last(ld(readFields(x), 1));
        c.graft.push({ topicID: t === undefined ? undefined : str(t) });
      }
      for (const x of ld(cf, 4)) {
        const f = readFields(x);
        const t = last(ld(f, 1));
        const backoff = vint(f, 3);
        c.prune.push({
          topicID: t === undefined ? undefined : str(t),
          peers: ld(f, 2).map((p) => { const pf = readFields(p); return { peerID: last(ld(pf, 1)), signedPeerRecord: last(ld(pf, 2)) }; }),
          backoff: backoff === undefined ? undefined : Number(backoff),
        });
      }
      for (const x of ld(cf, 5)) c.idontwant.push({ messageIDs: ld(readFields(x), 1).map((v) => new Uint8Array(v)) });
    }
    rpc.control = c;
  }
  return rpc;
}

// Reads uvarint-length-prefixed frames out of a growing buffer.
export class FrameReader {
  constructor(maxFrame = 4 << 20) { this.buf = new Uint8ArrayList(); this.maxFrame = maxFrame; }
  push(chunk) { this.buf.append(chunk); }
  // Returns the next complete frame body, or null. Throws on a bad prefix.
  next() {
    let len = 0n;
    let shift = 0n;
    let i = 0;
    for (;;) {
      if (i >= this.buf.byteLength) return null;
      const b = this.buf.get(i++);
      len |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7n;
      if (i >= 10) throw new Error("length prefix too long");
    }
    if (len > BigInt(this.maxFrame)) throw new Error(`frame of ${len} bytes exceeds ${this.maxFrame}`);
    const n = Number(len);
    if (this.buf.byteLength < i + n) return null;
    const body = this.buf.subarray(i, i + n);
    this.buf.consume(i + n);
    return new Uint8Array(body);
  }
}

// ---------------------------------------------------------------- payloads and ids

export const msgIdOf = (data) => sha256(data); // waku-facts item 2: sha256(Message.data)
export const randomIds = (n, len = 32) => Array.from({ length: n }, () => new Uint8Array(randomBytes(len)));

// A valid WakuMessage (non-empty payload and content topic, timestamp now).
export function validWakuData(overrides = {}) {
  return encodeWakuMessage({
    payload: overrides.payload ?? new Uint8Array(randomBytes(32)),
    contentTopic: overrides.contentTopic ?? "/cwaku-interop/1/misbehave/proto",
    version: overrides.version ?? 0,
    timestamp: overrides.timestamp ?? nowNs(),
    meta: overrides.meta,
    ephemeral: overrides.ephemeral,
  });
}

// Message.data values a Waku relay must not deliver (each { name, data, why }).
// js-waku rejects: not decodable, empty content topic, empty payload.
// nwaku/64/ additionally: > 150 KiB, |timestamp - now| > 20 s (with RLN),
// meta > 64 bytes.
export function invalidWakuDatas() {
  const now = nowNs();
  return [
    { name: "garbage", data: new Uint8Array([0xff, 0xff, 0xff, 0xff]), why: "not a protobuf (truncated varint key)" },
    { name: "wire-type-7", data: new Uint8Array([0x0f, 0x00]), why: "field 1 with wire type 7" },
    { name: "truncated-payload", data: new Uint8Array([0x0a, 0x10, 0x01, 0x02]), why: "payload length 16, 2 bytes present" },
    { name: "no-content-topic", data: encodeWakuMessage({ payload: Uint8Array.of(1), contentTopic: "", timestamp: now }), why: "content topic absent" },
    { name: "empty-payload", data: encodeWakuMessage({ payload: new Uint8Array(0), contentTopic: "/a/1/b/proto", timestamp: now }), why: "payload absent (js-waku rejects; nwaku accepts)" },
    { name: "oversize", data: encodeWakuMessage({ payload: new Uint8Array(150 * 1024 + 1), contentTopic: "/a/1/b/proto", timestamp: now }), why: "WakuMessage > 150 KiB (nwaku DefaultMaxWakuMessageSize)" },
    { name: "timestamp-future", data: encodeWakuMessage({ payload: Uint8Array.of(1), contentTopic: "/a/1/b/proto", timestamp: now + 60_000_000_000n }), why: "timestamp 60 s ahead (64/: reject beyond 20 s)" },
    { name: "meta-65", data: encodeWakuMessage({ payload: Uint8Array.of(1), contentTopic: "/a/1/b/proto", timestamp: now, meta: new Uint8Array(65) }), why: "meta longer than 64 bytes" },
  ];
}

// Message entries breaking StrictNoSign: the valid data with one of
// from/seqno/signature/key present (the names say which). The spec
// (11/WAKU2-RELAY, waku-facts item 2) wants all four ABSENT. Note: js
// gossipsub's StrictNoSign check (validateToRawMessage, the same in chainsafe
// 14.1.1 — js-waku's — and @libp2p/gossipsub 17.1.1) tests signature, seqno
// and key but not from, so js-waku relays a message whose only extra field
// is `from` (names in JS_ACCEPTS_FROM_ONLY).
export const JS_ACCEPTS_FROM_ONLY = ["from", "empty-from"];
export function signedFieldMessages(topic, peerIdBytes = new Uint8Array(randomBytes(39))) {
  const mk = (extra) => ({ topic, data: validWakuData(), ...extra });
  return [
    { name: "from", msg: mk({ from: peerIdBytes }) },
    { name: "seqno", msg: mk({ seqno: new Uint8Array(randomBytes(8)) }) },
    { name: "signature", msg: mk({ signature: new Uint8Array(randomBytes(64)) }) },
    { name: "key", msg: mk({ key: new Uint8Array(randomBytes(37)) }) },
    { name: "empty-from", msg: mk({ from: new Uint8Array(0) }) },
    { name: "all", msg: mk({ from: peerIdBytes, seqno: new Uint8Array(randomBytes(8)), signature: new Uint8Array(randomBytes(64)), key: new Uint8Array(randomBytes(37)) }) },
  ];
}

// RPCs for floods. ihaveFlood: `n` random ids in IHAVE entries of at most
// `perEntry` ids (one entry when perEntry >= n) in one RPC.
export function ihaveFloodRpc(topic, n = 6000, perEntry = n) {
  const ids = randomIds(n);
  const ihave = [];
  for (let i = 0; i < n; i += perEntry) ihave.push({ topicID: topic, messageIDs: ids.slice(i, i + perEntry) });
  return { rpc: { control: { ihave } }, ids };
}
export function iwantFloodRpc(ids, repeat = 1) {
  const all = [];
  for (let r = 0; r < repeat; r++) all.push(...ids);
  return { control: { iwant: [{ messageIDs: all }] } };
}

// ---------------------------------------------------------------- the raw peer

// createRawRelayPeer(opts) → RawRelayPeer
//   opts.transports ["tcp","ws"], opts.muxers ["yamux","mplex"], opts.privateKey,
//   opts.listen (multiaddrs; default none), opts.metadata (answer
//   /vac/waku/metadata/1.0.0 with { clusterId, shards } so that a node that
//   drops peers without metadata keeps us; default { clusterId: 1, shards: [0] };
//   false: do not mount it).
// The node mounts /vac/waku/relay/2.0.0 (so identify advertises it and the
// remote opens its RPC stream to us) and records every RPC the remote sends:
//   peer.inbound: [{ at, peer, bytes, rpc | error }]
export async function createRawRelayPeer(opts = {}) {
  const node = await createJsNode({
    transports: opts.transports ?? ["tcp", "ws"],
    muxers: opts.muxers ?? ["yamux", "mplex"],
    listen: opts.listen ?? [],
    privateKey: opts.privateKey,
    services: { identify: identify(), identifyPush: identifyPush(), ping: ping({ maxOutboundStreams: 2 }) },
  });
  const peer = new RawRelayPeer(node);
  await node.handle(RELAY_CODEC, (stream, connection) => { peer.readInbound(stream, connection); },
    { maxInboundStreams: 64, runOnLimitedConnection: true });
  const md = opts.metadata === undefined ? { clusterId: DEFAULT_CLUSTER_ID, shards: [0] } : opts.metadata;
  if (md) {
    await node.handle(METADATA_CODEC, async (stream) => {
      try {
        const lp = lpStream(stream, { maxDataLength: 1024 });
        await lp.write(protoMetadata.WakuMetadataResponse.encode(md), { signal: AbortSignal.timeout(5000) });
        await lp.read({ signal: AbortSignal.timeout(5000) }).catch(() => {});
        await stream.close({ signal: AbortSignal.timeout(5000) }).catch(() => {});
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)));
      }
    }, { maxInboundStreams: 16, runOnLimitedConnection: true });
  }
  return peer;
}

export class RawRelayPeer {
  constructor(node) {
    this.node = node;
    this.peerId = node.peerId.toString();
    this.peerIdBytes = node.peerId.toMultihash().bytes;
    this.inbound = [];
    this.inboundStreams = 0;
    this.waiters = [];
  }

  async readInbound(stream, connection) {
    this.inboundStreams++;
    const fr = new FrameReader();
    const from = connection.remotePeer.toString();
    try {
      for await (const chunk of stream) {
        fr.push(toBytes(chunk));
        for (let body = fr.next(); body !== null; body = fr.next()) {
          const rec = { at: Date.now(), peer: from, bytes: body.byteLength };
          try { rec.rpc = decodeRpc(body); } catch (e) { rec.error = errText(e); }
          this.inbound.push(rec);
          for (const w of [...this.waiters]) w(rec);
        }
      }
    } catch (e) {
      this.inbound.push({ at: Date.now(), peer: from, streamError: errText(e) });
    }
  }

  // Resolves with the first inbound record (seen since `since`, a Date.now()
  // value, default 0) for which pred(rec) is true; rejects after ms.
  waitForRpc(pred, ms = 5000, since = 0, what = "an RPC") {
    const hit = this.inbound.find((r) => r.at >= since && r.rpc && pred(r));
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const w = (r) => { if (r.at >= since && r.rpc && pred(r)) { done(); resolve(r); } };
      const timer = setTimeout(() => { done(); reject(new Error(`timeout after ${ms}ms waiting for ${what}`)); }, ms);
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((x) => x !== w); };
      this.waiters.push(w);
    });
  }

  // All inbound RPCs since `since` (records with a decoded rpc).
  rpcsSince(since = 0) { return this.inbound.filter((r) => r.at >= since && r.rpc); }

  // Dials `ma` and opens our outbound relay stream. Returns a RawRelaySession.
  async connect(ma, ms = 20_000) {
    const addr = typeof ma === "string" ? multiaddr(ma) : ma;
    const conn = await withTimeout(this.node.dial(addr, { signal: AbortSignal.timeout(ms) }), ms + 1000, `dial ${addr}`);
    const stream = await conn.newStream(RELAY_CODEC, { signal: AbortSignal.timeout(ms), runOnLimitedConnection: true });
    return new RawRelaySession(this, conn, stream);
  }

  async stop() { await stopJsNode(this.node); }
}

export class RawRelaySession {
  constructor(peer, conn, stream) {
    this.peer = peer;
    this.conn = conn;
    this.stream = stream;
    this.remotePeer = conn.remotePeer.toString();
    this.sentFrames = 0;
    // closedAt: Date.now() when the connection closed (either side), else null;
    // closed: a promise of that time.
    this.closedAt = null;
    this.closed = new Promise((resolve) => {
      const onClose = (evt) => {
        const c = evt.detail;
        if (c !== conn && c?.id !== conn.id) return;
        peer.node.removeEventListener("connection:close", onClose);
        this.closedAt ??= Date.now();
        resolve(this.closedAt);
      };
      peer.node.addEventListener("connection:close", onClose);
      if (conn.status !== "open") { this.closedAt = Date.now(); resolve(this.closedAt); }
    });
  }
  // Resolves with closedAt, or null after ms.
  waitClosed(ms) {
    return Promise.race([this.closed, sleep(ms).then(() => this.closedAt)]);
  }
  isOpen() { return this.conn.status === "open" && this.stream.status === "open" && this.stream.writeStatus === "writable"; }
  // raw bytes, no framing (for corrupt prefixes)
  async sendRaw(bytes) { await sendWithBackpressure(this.stream, bytes, AbortSignal.timeout(30_000)); }
  async sendFrame(body) { this.sentFrames++; await this.sendRaw(frame(body)); }
  async sendRpc(rpc) { await this.sendFrame(encodeRpc(rpc)); }
  subscribe(topic, subscribe = true) { return this.sendRpc({ subscriptions: [{ subscribe, topicid: topic }] }); }
  // Message entry with exactly the given fields (see encodePubsubMessage).
  publishMessage(msg) { return this.sendRpc({ publish: [msg] }); }
  publish(topic, data) { return this.publishMessage({ topic, data }); }
  graft(topic) { return this.sendRpc({ control: { graft: [{ topicID: topic }] } }); }
  prune(topic, backoff, peers) { return this.sendRpc({ control: { prune: [{ topicID: topic, backoff, peers }] } }); }
  ihave(topic, ids) { return this.sendRpc({ control: { ihave: [{ topicID: topic, messageIDs: ids }] } }); }
  iwant(ids) { return this.sendRpc({ control: { iwant: [{ messageIDs: ids }] } }); }
  idontwant(ids) { return this.sendRpc({ control: { idontwant: [{ messageIDs: ids }] } }); }
  // GRAFT, then PRUNE with `backoffSec` (the remote must then keep us out of
  // its mesh for that long), then GRAFT again after `gapMs`: a GRAFT during
  // backoff. Returns the time of the second GRAFT (for peer.rpcsSince()).
  async graftDuringBackoff(topic, { backoffSec = 60, gapMs = 200 } = {}) {
    await this.graft(topic);
    await sleep(gapMs);
    await this.prune(topic, backoffSec);
    await sleep(gapMs);
    const t = Date.now();
    await this.graft(topic);
    return t;
  }
  async close() {
    try { await this.stream.close({ signal: AbortSignal.timeout(5000) }); } catch { this.stream.abort(new Error("close failed")); }
  }
  async hangUp() { await withTimeout(this.conn.close(), 5000, "close").catch(() => this.conn.abort(new Error("close timed out"))); }
}

// ---------------------------------------------------------------- self-test

// Drives the helpers against an honest js relay (relay-lib.mjs startJsRelay,
// i.e. gossipsub as js-waku configures it) and checks that it reacts as
// gossipsub does. Proves the encoders, the decoder and the session plumbing.
async function selfTest() {
  const { Results } = await import("./lib.mjs");
  const { startJsRelay } = await import("./relay-lib.mjs");
  const res = new Results("relay-misbehave-selftest");
  const T = DEFAULT_PUBSUB_TOPIC;
  const killer = setTimeout(() => { res.fail("self-test did not finish within 120 s"); res.finish(); }, 120_000);
  killer.unref();
  process.on("unhandledRejection", (e) => console.log(`harness: unhandled rejection (ignored): ${errText(e)}`));

  // encoder/decoder round trip
  const sample = {
    subscriptions: [{ subscribe: true, topicid: T }, { subscribe: false, topicid: "x" }],
    publish: [{ topic: T, data: Uint8Array.of(1, 2), from: Uint8Array.of(9), seqno: new Uint8Array(0) }],
    control: {
      ihave: [{ topicID: T, messageIDs: randomIds(3) }], iwant: [{ messageIDs: randomIds(2) }],
      graft: [{ topicID: T }], prune: [{ topicID: T, backoff: 60, peers: [{ peerID: Uint8Array.of(1) }] }],
      idontwant: [{ messageIDs: randomIds(1) }],
    },
  };
  const back = decodeRpc(encodeRpc(sample));
  res.check(back.subscriptions.length === 2 && back.subscriptions[1].subscribe === false && back.publish[0].seqno?.length === 0 &&
    back.publish[0].from[0] === 9 && back.control.ihave[0].messageIDs.length === 3 && back.control.prune[0].backoff === 60 &&
    back.control.idontwant.length === 1 && toHex(back.control.iwant[0].messageIDs[1]) === toHex(sample.control.iwant[0].messageIDs[1]),
  "encodeRpc/decodeRpc round trip", back);
  res.check(toHex(frame(new Uint8Array(300)).subarray(0, 2)) === "ac02", "uvarint frame prefix of 300 is ac 02");

  const js = await startJsRelay({ pubsubTopics: [T] });
  const raw = await createRawRelayPeer();
  let s;
  try {
    s = await raw.connect(js.multiaddrs[0]);
    res.pass();
  } catch (e) {
    res.fail("raw peer connects to the js relay and opens a relay stream", errText(e));
    await js.stop(); await raw.stop(); res.finish();
  }
  try {
    await raw.waitForRpc((r) => r.rpc.subscriptions.some((x) => x.subscribe && x.topicid === T), 5000, 0, "the js relay's subscription");
    res.pass();
  } catch (e) { res.fail("the js relay opens its RPC stream to the raw peer and announces its subscription", errText(e)); }

  await s.subscribe(T);
  await s.graft(T);
  const meshDeadline = Date.now() + 3000;
  while (!js.meshPeers(T).includes(raw.peerId) && Date.now() < meshDeadline) await sleep(50);
  res.check(js.meshPeers(T).includes(raw.peerId), "after SUBSCRIBE + GRAFT the raw peer is in the js relay's mesh", js.meshPeers(T));

  // a valid message is delivered
  const good = validWakuData();
  await s.publish(T, good);
  await sleep(300);
  res.check(js.received.some((r) => r.msgIdHex === toHex(msgIdOf(good))), "a valid WakuMessage from the raw peer reaches the js application");

  // IHAVE flood: 6000 ids in 3 entries of 2000 → IWANT for at most 5000 (maxIHaveLength)
  const tFlood = Date.now();
  const { rpc: flood } = ihaveFloodRpc(T, 6000, 2000);
  await s.sendRpc(flood);
  await sleep(700);
  const asked = raw.rpcsSince(tFlood).reduce((n, r) => n + (r.rpc.control?.iwant ?? []).reduce((m, w) => m + w.messageIDs.length, 0), 0);
  res.check(asked > 0 && asked <= 5000, "an IHAVE flood of 6000 ids is answered with IWANT for 1..5000 of them", { asked });
  console.log(`IHAVE flood: 6000 ids announced, the js relay asked for ${asked}`);

  // IWANT flood: ask 10 times for a message the js relay published → at most 3 answers (GossipsubGossipRetransmission)
  const theirs = await js.publish(T, { payload: Uint8Array.of(7, 7, 7), contentTopic: "/cwaku-interop/1/misbehave/proto" });
  await sleep(300);
  const tWant = Date.now();
  const id = new Uint8Array(Buffer.from(theirs.msgIdHex, "hex"));
  for (let i = 0; i < 10; i++) await s.iwant([id]);
  await sleep(700);
  const answers = raw.rpcsSince(tWant).reduce((n, r) => n + r.rpc.publish.filter((m) => m.data && toHex(msgIdOf(m.data)) === theirs.msgIdHex).length, 0);
  res.check(answers >= 1 && answers <= 3, "10 IWANTs for one message get 1..3 copies (retransmission limit)", { answers });
  console.log(`IWANT flood: 10 requests, ${answers} copies sent back`);

  // StrictNoSign: seqno/signature/key present → not delivered. `from` alone
  // IS delivered by js gossipsub (see signedFieldMessages).
  for (const { name, msg } of signedFieldMessages(T, raw.peerIdBytes)) {
    await s.publishMessage(msg);
    await sleep(150);
    const delivered = js.received.some((r) => r.msgIdHex === toHex(msgIdOf(msg.data)));
    if (JS_ACCEPTS_FROM_ONLY.includes(name)) {
      res.check(delivered, `a message with only ${name} set is delivered by js gossipsub (its StrictNoSign does not check from)`);
    } else {
      res.check(!delivered, `a message with ${name} set is not delivered (StrictNoSign)`);
    }
  }

  // invalid WakuMessages → Reject by the js-waku validator (the ones js-waku checks)
  for (const inv of invalidWakuDatas().filter((x) => ["garbage", "truncated-payload", "no-content-topic", "empty-payload"].includes(x.name))) {
    const before = js.rejected.length;
    await s.publish(T, inv.data);
    await sleep(150);
    res.check(js.rejected.length === before + 1 && !js.received.some((r) => r.msgIdHex === toHex(msgIdOf(inv.data))),
      `invalid data "${inv.name}" is rejected by the WakuMessage validator`, { rejected: js.rejected.slice(before) });
  }

  // GRAFT during backoff → PRUNE back, with a backoff (patched into
  // @libp2p/gossipsub for relay-codec peers, as chainsafe 14.1.1 does)
  const tG = await s.graftDuringBackoff(T, { backoffSec: 60 });
  try {
    const r = await raw.waitForRpc((x) => (x.rpc.control?.prune ?? []).some((p) => p.topicID === T), 3000, tG, "PRUNE");
    const p = r.rpc.control.prune.find((x) => x.topicID === T);
    res.pass();
    res.check(typeof p.backoff === "number" && p.backoff > 0, "the PRUNE answering a GRAFT during backoff carries a backoff", p);
    console.log(`GRAFT during backoff: answered with PRUNE backoff=${p.backoff}`);
  } catch (e) { res.fail("a GRAFT during backoff is answered with PRUNE", errText(e)); }
  res.check(!js.meshPeers(T).includes(raw.peerId), "the raw peer is not in the js relay's mesh after GRAFT during backoff", js.meshPeers(T));

  // a corrupt frame does not kill the session on the js side
  await s.sendRaw(Uint8Array.of(0x05, 0xff, 0xff, 0xff, 0xff, 0xff));
  const good2 = validWakuData();
  await s.publish(T, good2);
  await sleep(300);
  res.check(js.received.some((r) => r.msgIdHex === toHex(msgIdOf(good2))) || !s.isOpen(),
    "after an undecodable RPC the js relay still reads the stream (or closed it)", { open: s.isOpen() });

  res.check(raw.inbound.every((r) => !r.error), "every RPC the js relay sent decodes with decodeRpc",
    raw.inbound.filter((r) => r.error).slice(0, 3));
  await s.hangUp();
  await raw.stop();
  await js.stop();
  res.finish();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === "--self-test") {
    await selfTest();
  } else {
    console.error("usage: run.sh relay-misbehave-lib --self-test   (this file is a library for misbehaviour checks)");
    process.exit(2);
  }
}
