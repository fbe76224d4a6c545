// Shared helpers for the Waku Relay interop checks (relay-mixed, and the
// misbehaviour checks built on relay-misbehave-lib.mjs):
//
//   * startJsRelay(): a js-libp2p node whose pubsub service is gossipsub
//     configured the way js-waku configures its relay (see wakuGossipSub()
//     below, every setting annotated with the js-waku source it mirrors);
//   * WakuMessage encode/decode (@waku/proto, the codec js-waku itself uses);
//   * startCwakuRelay(): a cwaku-node child process with relay + REST, its
//     "Listening on" and "REST on http://..." stdout lines;
//   * RelayRestClient: the nwaku REST relay API (POST/GET
//     /relay/v1/messages/{pubsubTopic}) with a poller that accumulates the
//     messages GET hands out (GET returns AND clears the node's cache);
//   * a fake cwaku-node (`node relay-lib.mjs --fake-cwaku-node FLAGS...`):
//     a js relay behind cwaku-node's command line, stdout lines and REST API,
//     so that `run.sh relay-mixed --fake` exercises the cwaku code paths of
//     the harness before/without the C node.
//
// Package choice: js-waku's relay (packages/relay/src/relay.ts, package.json:
// "@chainsafe/libp2p-gossipsub": "14.1.1"; npm @waku/relay 0.0.14 still needs
// @chainsafe/libp2p-gossipsub ^13 / @libp2p/interface ^1) is built on the
// libp2p 2.x stream API and cannot be mounted on libp2p 3.3.11. The same
// gossipsub code base continues as @libp2p/gossipsub in the js-libp2p
// monorepo; 17.1.1 depends on exactly the @libp2p/interface 3.3 /
// interface-internal 3.1.13 / utils 7.4.1 that libp2p 3.3.11 uses. It is
// configured here as wakuGossipSub() configures chainsafe's GossipSub; the
// one behavioural difference that matters on the wire (PRUNE backoff towards
// peers on a non-/meshsub protocol id) is patched back, see patchPruneBackoff().
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { gossipsub, StrictNoSign, TopicValidatorResult } from "@libp2p/gossipsub";
import { identify, identifyPush } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { lpStream } from "@libp2p/utils";
import { proto_message as protoMessage, proto_metadata as protoMetadata } from "@waku/proto";
import {
  CwakuNode, createJsNode, stopJsNode, privateKeyFromHex, multiaddr, withTimeout, sleep, errText,
} from "./libp2p-lib.mjs";

export const RELAY_LIB_PATH = fileURLToPath(import.meta.url);

// js-waku packages/relay/src/constants.ts: RelayCodecs = ["/vac/waku/relay/2.0.0"]
export const RELAY_CODEC = "/vac/waku/relay/2.0.0";
export const RELAY_CODECS = [RELAY_CODEC];
// js-waku packages/core/src/lib/metadata/metadata.ts: MetadataCodec
export const METADATA_CODEC = "/vac/waku/metadata/1.0.0";
// The Waku Network (waku-facts item 4): cluster 1, static shard topics /waku/2/rs/1/N
export const DEFAULT_CLUSTER_ID = 1;
export const shardTopic = (clusterId, shard) => `/waku/2/rs/${clusterId}/${shard}`;
export const DEFAULT_PUBSUB_TOPIC = shardTopic(DEFAULT_CLUSTER_ID, 0);

export const toHex = (b) => Buffer.from(b).toString("hex");
export const sha256 = (b) => new Uint8Array(createHash("sha256").update(b).digest());
export const sha256Hex = (b) => createHash("sha256").update(b).digest("hex");
export const nowNs = () => BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));

// ---------------------------------------------------------------- WakuMessage

// 14/WAKU2-MESSAGE through @waku/proto (js-waku's own generated codec:
// js-waku packages/proto/src/lib/message.proto). obj: { payload: Uint8Array,
// contentTopic: string, version?: number, timestamp?: bigint (ns),
// meta?: Uint8Array, ephemeral?: boolean, rateLimitProof?: object }.
// proto3 semantics as generated: payload/contentTopic omitted when empty,
// optional fields written when not null.
export function encodeWakuMessage(obj) {
  return protoMessage.WakuMessage.encode({
    payload: obj.payload ?? new Uint8Array(0),
    contentTopic: obj.contentTopic ?? "",
    version: obj.version,
    timestamp: obj.timestamp === undefined || obj.timestamp === null ? undefined : BigInt(obj.timestamp),
    meta: obj.meta,
    ephemeral: obj.ephemeral,
    rateLimitProof: obj.rateLimitProof,
  });
}

// Throws when the bytes are not a WakuMessage (protons decoder, as js-waku).
export function decodeWakuMessage(bytes) {
  return protoMessage.WakuMessage.decode(bytes);
}

// The message summary kept in every `received` array (js and REST alike).
// timestamp as a decimal string (REST timestamps exceed 2^53), "" when absent.
export function summarizeWakuMessage(pubsubTopic, wm, msgIdHex) {
  return {
    pubsubTopic,
    msgIdHex,
    payloadHex: toHex(wm.payload ?? new Uint8Array(0)),
    contentTopic: wm.contentTopic ?? "",
    timestamp: wm.timestamp === undefined || wm.timestamp === null ? "" : String(wm.timestamp),
    version: wm.version ?? 0,
    metaHex: wm.meta ? toHex(wm.meta) : "",
    ephemeral: wm.ephemeral ?? false,
  };
}

// js-waku packages/relay/src/message_validator.ts (messageValidator): decode
// the data as a WakuMessage with @waku/proto; Reject when decoding throws,
// when contentTopic is empty, or when payload is empty (js-waku rejects empty
// payloads too; nwaku does not). Everything else is Accept.
export function makeWakuMessageValidator({ rejectEmptyPayload = true, onReject } = {}) {
  return (peer, message) => {
    let reason = null;
    try {
      const m = protoMessage.WakuMessage.decode(message.data);
      if (!m.contentTopic || !m.contentTopic.length) reason = "empty contentTopic";
      else if (rejectEmptyPayload && (!m.payload || !m.payload.length)) reason = "empty payload";
    } catch (e) {
      reason = `not a WakuMessage: ${errText(e)}`;
    }
    if (reason === null) return TopicValidatorResult.Accept;
    if (onReject) onReject({ peer: peer.toString(), topic: message.topic, reason, dataHex: toHex(message.data).slice(0, 256) });
    return TopicValidatorResult.Reject;
  };
}

// ---------------------------------------------------------------- gossipsub as js-waku's relay

// js-waku packages/relay/src/relay.ts, wakuGossipSub(init):
//   init = { ...init,                                      (createRelayNode passes its
//            msgIdFn: ({ data }) => sha256(data),           CreateNodeOptions: no D/heartbeat/
//            globalSignaturePolicy: SignaturePolicy.StrictNoSign,     score settings, so
//            fallbackToFloodsub: false };                   gossipsub's defaults apply)
//   const pubsub = new GossipSub(components, init);
//   pubsub.multicodecs = RelayCodecs;                     (→ `protocols` in @libp2p/gossipsub)
// Defaults kept (same values in chainsafe 14.1.1 and @libp2p/gossipsub 17.1.1):
// D=6, Dlo=4, Dhi=12, Dscore=4, Dout=2, Dlazy=6, heartbeat 1 s (initial delay
// 100 ms), mcacheLength 5, mcacheGossip 3, fanoutTTL 60 s, seenTTL 120 s,
// pruneBackoff 60 s, unsubscribeBackoff 10 s, gossipFactor 0.25, floodPublish
// true, doPX false, emitSelf false, maxIHaveLength 5000, default peer score
// params/thresholds. (js-waku constants.ts also lists Relay* constants equal to
// these defaults; current js-waku does not pass them.)
// Not mirrored: decodeRpcLimits — chainsafe 14.1.1 decodes without limits,
// @libp2p/gossipsub 17.1.1 caps lists at 5000 (IDONTWANT ids at 512, PX 16).
//
// `extra` is merged last (tests may override anything, e.g. emitSelf for the
// fake cwaku-node, which mimics nwaku's triggerSelf = true).
export function wakuGossipSub(extra = {}) {
  return (components) => {
    const init = {
      msgIdFn: ({ data }) => sha256(data), // relay.ts: msgIdFn sha256(data)
      globalSignaturePolicy: StrictNoSign, // relay.ts: SignaturePolicy.StrictNoSign
      fallbackToFloodsub: false, // relay.ts: fallbackToFloodsub: false
      ...extra,
    };
    const gs = gossipsub(init)(components);
    gs.protocols = [...RELAY_CODECS]; // relay.ts: pubsub.multicodecs = RelayCodecs
    patchPruneBackoff(gs);
    return gs;
  };
}

// chainsafe 14.1.1 (js-waku's gossipsub) makePrune() omits the backoff only
// for peers on /meshsub/1.0.0 and records the backoff for every other peer;
// @libp2p/gossipsub 17.1.1 gates it on the /meshsub version ladder, so for a
// peer on /vac/waku/relay/2.0.0 it would send PRUNE without backoff AND not
// record a backoff itself (and so re-GRAFT at once, which nwaku-like peers
// penalise). Restore the 14.1.1 behaviour for relay-codec peers (doPX is false
// in js-waku, so the PX branch is never taken there; with doPX the original
// runs). IDONTWANT: both versions send it only to /meshsub/1.2.0 peers, i.e.
// never to relay peers — nothing to patch.
function patchPruneBackoff(gs) {
  const original = gs.makePrune;
  gs.makePrune = async function makePrune(id, topic, doPX, onUnsubscribe) {
    const protocol = this.streamsOutbound.get(id)?.protocol;
    if (!doPX && RELAY_CODECS.includes(protocol)) {
      this.score.prune(id, topic);
      const backoffMs = onUnsubscribe ? this.opts.unsubcribeBackoff : this.opts.pruneBackoff;
      this.doAddBackoff(id, topic, backoffMs);
      return { topicID: topic, peers: [], backoff: backoffMs / 1000 };
    }
    return original.call(this, id, topic, doPX, onUnsubscribe);
  };
}

// ---------------------------------------------------------------- metadata (66/WAKU2-METADATA)

// Inbound /vac/waku/metadata/1.0.0 handler. js-waku (packages/core/src/lib/
// metadata/metadata.ts, onRequest) writes its length-prefixed
// WakuMetadataResponse{clusterId, shards: []} right away and then reads the
// peer's message; here `shards` defaults to the relay shards (what nwaku
// answers; pass shards: [] for js-waku's exact answer).
async function mountMetadata(node, { clusterId, shards, log }) {
  await node.handle(METADATA_CODEC, async (stream, connection) => {
    try {
      const lp = lpStream(stream, { maxDataLength: 1024 });
      await lp.write(protoMetadata.WakuMetadataResponse.encode({ clusterId, shards }), { signal: AbortSignal.timeout(5000) });
      try {
        const req = protoMetadata.WakuMetadataRequest.decode(await lp.read({ signal: AbortSignal.timeout(5000) }));
        log.push({ peer: connection.remotePeer.toString(), clusterId: req.clusterId, shards: req.shards });
      } catch { /* the peer may close after reading our answer */ }
      await stream.close({ signal: AbortSignal.timeout(5000) }).catch(() => {});
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    }
  }, { maxInboundStreams: 64, runOnLimitedConnection: true });
}

// Outbound metadata query (nwaku style: bare WakuMetadataRequest, one
// WakuMetadataResponse back). Returns { clusterId, shards }.
export async function queryMetadata(node, peerIdOrConn, { clusterId = DEFAULT_CLUSTER_ID, shards = [0], ms = 10_000 } = {}) {
  const signal = AbortSignal.timeout(ms);
  const stream = typeof peerIdOrConn?.newStream === "function"
    ? await peerIdOrConn.newStream(METADATA_CODEC, { signal })
    : await node.dialProtocol(peerIdOrConn, METADATA_CODEC, { signal });
  const lp = lpStream(stream, { maxDataLength: 1024 });
  await lp.write(protoMetadata.WakuMetadataRequest.encode({ clusterId, shards }), { signal });
  const res = protoMetadata.WakuMetadataResponse.decode(await lp.read({ signal }));
  await stream.close({ signal }).catch(() => {});
  return res;
}

// ---------------------------------------------------------------- js relay node

// Starts a js-libp2p node with js-waku's relay and returns
//   { node, gossipsub, peerId, multiaddrs: string[] (with /p2p/),
//     publish(pubsubTopic, wakuMessageObject) -> { msgIdHex, bytes, recipients },
//     publishRaw(pubsubTopic, bytes) -> same (no WakuMessage encoding),
//     received: [{ pubsubTopic, msgIdHex, payloadHex, contentTopic, timestamp,
//                  version, metaHex, ephemeral, from, at }],
//     rejected: [{ peer, topic, reason, dataHex }], metadataLog,
//     dialErrors: [{ addr, error }], meshPeers(topic), subscribers(topic),
//     connections(), dial(ma), stop() }
// Options:
//   tcpPort, wsPort   listen ports on 127.0.0.1 (0 = ephemeral; null = no listener)
//   pubsubTopics      topics to subscribe (default [/waku/2/rs/1/0])
//   peers             multiaddrs to dial after start (failures go to dialErrors)
//   key               secp256k1 private key: 64 hex digits or a @libp2p/crypto key
//   clusterId         metadata answer (default 1); metadata: false disables it
//   metadataShards    shards in the metadata answer (default: those of pubsubTopics)
//   muxers            ["yamux","mplex"] (default) in preference order
//   gossipsubInit     extra gossipsub options (merged last)
//   rejectEmptyPayload  js-waku validator behaviour (default true)
export async function startJsRelay(opts = {}) {
  const {
    tcpPort = 0, wsPort = 0, pubsubTopics = [DEFAULT_PUBSUB_TOPIC], peers = [], key,
    clusterId = DEFAULT_CLUSTER_ID, metadata = true, muxers = ["yamux", "mplex"],
    gossipsubInit = {}, rejectEmptyPayload = true, dialTimeoutMs = 20_000,
  } = opts;
  const privateKey = key === undefined || key === null
    ? await generateKeyPair("secp256k1")
    : (typeof key === "string" ? privateKeyFromHex(key) : key);
  const listen = [];
  const transports = [];
  if (tcpPort !== null) { listen.push(`/ip4/127.0.0.1/tcp/${tcpPort}`); transports.push("tcp"); }
  if (wsPort !== null) { listen.push(`/ip4/127.0.0.1/tcp/${wsPort}/ws`); transports.push("ws"); }
  if (transports.length === 0) transports.push("tcp", "ws"); // dial-only node

  const received = [];
  const rejected = [];
  const metadataLog = [];
  const dialErrors = [];
  const node = await createJsNode({
    privateKey,
    listen,
    transports,
    muxers,
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping({ maxOutboundStreams: 2 }),
      pubsub: wakuGossipSub(gossipsubInit),
    },
  });
  const gs = node.services.pubsub;
  if (metadata) {
    const shards = opts.metadataShards ?? pubsubTopics
      .map((t) => /^\/waku\/2\/rs\/(\d+)\/(\d+)$/.exec(t))
      .filter((m) => m && Number(m[1]) === clusterId)
      .map((m) => Number(m[2]));
    await mountMetadata(node, { clusterId, shards, log: metadataLog });
  }

  // js-waku relay.ts gossipSubSubscribe(): listener on "gossipsub:message"
  // filtered by topic, topicValidators.set(topic, messageValidator), subscribe.
  const topics = new Set(pubsubTopics);
  gs.addEventListener("gossipsub:message", (evt) => {
    const { msg, propagationSource } = evt.detail;
    if (!topics.has(msg.topic)) return;
    let wm;
    try { wm = decodeWakuMessage(msg.data); } catch { return; } // validated already
    // relay.ts processIncomingMessage: messages without contentTopic are skipped
    if (!wm.contentTopic) return;
    received.push({ ...summarizeWakuMessage(msg.topic, wm, sha256Hex(msg.data)), from: propagationSource.toString(), at: Date.now() });
  });
  const validator = makeWakuMessageValidator({ rejectEmptyPayload, onReject: (r) => rejected.push(r) });
  for (const t of pubsubTopics) {
    gs.topicValidators.set(t, validator);
    gs.subscribe(t);
  }

  const dial = async (ma) => {
    const addr = typeof ma === "string" ? multiaddr(ma) : ma;
    return await withTimeout(node.dial(addr, { signal: AbortSignal.timeout(dialTimeoutMs) }), dialTimeoutMs + 1000, `dial ${addr}`);
  };
  await Promise.all(peers.map(async (p) => {
    try { await dial(p); } catch (e) { dialErrors.push({ addr: String(p), error: errText(e) }); }
  }));

  const publishRaw = async (pubsubTopic, bytes) => {
    const r = await gs.publish(pubsubTopic, bytes);
    return { msgIdHex: sha256Hex(bytes), bytes, recipients: r.recipients.map(String) };
  };
  return {
    node,
    gossipsub: gs,
    peerId: node.peerId.toString(),
    multiaddrs: node.getMultiaddrs().map(String),
    received,
    rejected,
    metadataLog,
    dialErrors,
    publish: async (pubsubTopic, wakuMessage) => publishRaw(pubsubTopic, encodeWakuMessage({
      ...wakuMessage, timestamp: wakuMessage.timestamp ?? nowNs(),
    })),
    publishRaw,
    meshPeers: (topic = pubsubTopics[0]) => gs.getMeshPeers(topic).map(String),
    subscribers: (topic = pubsubTopics[0]) => gs.getSubscribers(topic).map(String),
    connections: () => node.getConnections(),
    dial,
    stop: async () => stopJsNode(node),
  };
}

// ---------------------------------------------------------------- nwaku REST API client

// nwaku waku/waku_api/rest/relay/handlers.nim + waku/rest_api/endpoint/relay/types.nim:
//   POST /relay/v1/messages/{pubsubTopic}  body RelayWakuMessage JSON, 200 "OK"
//        (400 when not subscribed / bad body; payload and contentTopic required)
//   GET  /relay/v1/messages/{pubsubTopic}  200 [RelayWakuMessage...] — and CLEARS
//        the node's cache for that topic (404 when the cache is not subscribed)
//   RelayWakuMessage = { payload: base64, contentTopic?, version?, timestamp?: int64 ns,
//                        meta?: base64, ephemeral?: bool, proof?: base64 }
// nwaku's cache (waku/waku_api/message_cache.nim) holds DefaultMessageCacheCapacity
// = 50 messages (later: --rest-relay-cache-capacity) and drops the oldest
// beyond that, so the poller polls often; it also ignores a message equal to
// one it already holds (duplicates delivered before a GET are not visible).
export class RelayRestClient {
  constructor(baseUrl) {
    this.base = baseUrl.replace(/\/+$/, "");
    this.received = []; // summaries (see summarizeWakuMessage) + { at }
    this.pollErrors = [];
    this.polls = 0;
    this.maxBatch = 0;
    this.timer = null;
  }

  messagesUrl(pubsubTopic) {
    return `${this.base}/relay/v1/messages/${encodeURIComponent(pubsubTopic)}`;
  }

  // msg: { payload: Uint8Array, contentTopic, timestamp?: bigint, version?, meta?, ephemeral? }
  async publish(pubsubTopic, msg, ms = 10_000) {
    const fields = [`"payload":${JSON.stringify(Buffer.from(msg.payload).toString("base64"))}`];
    fields.push(`"contentTopic":${JSON.stringify(msg.contentTopic)}`);
    if (msg.timestamp !== undefined && msg.timestamp !== null) fields.push(`"timestamp":${BigInt(msg.timestamp).toString()}`);
    fields.push(`"version":${msg.version ?? 0}`);
    if (msg.meta) fields.push(`"meta":${JSON.stringify(Buffer.from(msg.meta).toString("base64"))}`);
    if (msg.ephemeral !== undefined) fields.push(`"ephemeral":${msg.ephemeral ? "true" : "false"}`);
    const res = await fetch(this.messagesUrl(pubsubTopic), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{${fields.join(",")}}`,
      signal: AbortSignal.timeout(ms),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`POST ${this.messagesUrl(pubsubTopic)} → ${res.status} ${text.slice(0, 200)}`);
    return text;
  }

  // One GET; returns the summaries. msgIdHex is null: the JSON cannot tell
  // which optional protobuf fields were present on the wire (nwaku always
  // writes version and ephemeral), so the wire message id is not recoverable.
  async getMessages(pubsubTopic, ms = 10_000) {
    const res = await fetch(this.messagesUrl(pubsubTopic), { signal: AbortSignal.timeout(ms) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${this.messagesUrl(pubsubTopic)} → ${res.status} ${text.slice(0, 200)}`);
    return parseRestMessages(text).map((m) => restToSummary(pubsubTopic, m));
  }

  // Polls GET every intervalMs, appending to this.received.
  startPolling(pubsubTopic, intervalMs = 100) {
    this.stopPolling();
    let stopped = false;
    const loop = async () => {
      while (!stopped) {
        await this.pollOnce(pubsubTopic);
        if (stopped) break;
        await sleep(intervalMs);
      }
    };
    this.timer = { stop: () => { stopped = true; }, done: loop() };
  }

  async pollOnce(pubsubTopic) {
    try {
      const batch = await this.getMessages(pubsubTopic);
      this.polls++;
      this.maxBatch = Math.max(this.maxBatch, batch.length);
      const at = Date.now();
      for (const m of batch) this.received.push({ ...m, at });
    } catch (e) {
      if (this.pollErrors.length < 100) this.pollErrors.push(errText(e));
    }
  }

  async stopPolling() {
    if (!this.timer) return;
    const t = this.timer;
    this.timer = null;
    t.stop();
    await t.done;
  }
}

// JSON.parse keeping int64 timestamps exact (Node 22 reviver source text).
export function parseRestMessages(text) {
  const arr = JSON.parse(text, (k, v, ctx) => (k === "timestamp" && typeof v === "number" && ctx?.source ? ctx.source : v));
  if (!Array.isArray(arr)) throw new Error(`REST GET did not return an array: ${text.slice(0, 200)}`);
  return arr;
}

function restToSummary(pubsubTopic, m) {
  const payload = new Uint8Array(Buffer.from(m.payload ?? "", "base64"));
  const meta = m.meta ? new Uint8Array(Buffer.from(m.meta, "base64")) : undefined;
  const wm = {
    payload,
    contentTopic: m.contentTopic ?? "",
    version: m.version ?? 0,
    timestamp: m.timestamp === undefined || m.timestamp === null ? undefined : BigInt(m.timestamp),
    meta,
    ephemeral: m.ephemeral ?? false,
  };
  return summarizeWakuMessage(pubsubTopic, wm, null);
}

// ---------------------------------------------------------------- cwaku-node with relay + REST

// The flags of a relay node on cluster 1 (brief of the M4 relay issue); the
// common ones (--nodekey, --listen-address=127.0.0.1, --log-level) come from
// libp2p-lib.mjs cwakuArgs(). staticNodes: multiaddrs (with /p2p/).
export function cwakuRelayFlags({ clusterId = DEFAULT_CLUSTER_ID, shards = [0], staticNodes = [], extra = [] } = {}) {
  return [
    "--relay=true", `--cluster-id=${clusterId}`, ...shards.map((s) => `--shard=${s}`),
    "--rest=true", "--rest-address=127.0.0.1", "--rest-port=0",
    "--tcp-port=0", "--websocket-support=true", "--websocket-port=0",
    ...staticNodes.map((ma) => `--staticnode=${ma}`),
    ...extra,
  ];
}

const REST_LINE = /^REST on (http:\/\/[^\s]+)/;

// Starts cmd (array: [file, ...prefixArgs]) with args, waits for the tcp and
// ws "Listening on" lines and the "REST on http://127.0.0.1:<port>" line.
// Returns { proc (CwakuNode of libp2p-lib), peerId, multiaddrs, restUrl, rest,
// addr(kind), stop() }.
export async function startCwakuRelay(cmd, args, { timeoutMs = 20_000, env } = {}) {
  const proc = await CwakuNode.start(cmd, args, { wantListen: ["tcp", "ws"], timeoutMs, env });
  trackChild(proc);
  let line;
  try {
    line = await proc.waitFor("stdout", REST_LINE, timeoutMs, '"REST on http://..." line');
  } catch (e) {
    const err = new Error(`${errText(e)}; stdout tail ${JSON.stringify(proc.stdoutTail.slice(-5))}; stderr tail ${JSON.stringify(proc.stderrTail.slice(-10))}`);
    proc.kill();
    throw err;
  }
  const restUrl = REST_LINE.exec(line)[1];
  return {
    proc,
    peerId: proc.peerId,
    multiaddrs: [...proc.listen],
    restUrl,
    rest: new RelayRestClient(restUrl),
    addr: (kind) => proc.addr(kind),
    stop: (ms) => proc.stop(ms),
  };
}

// Like startCwakuRelay, for nodes started with their own flag list (not
// cwakuRelayFlags): waits for "Listening on" lines of the transports in
// wantListen (default tcp only) and the REST line. Same return value.
export async function startCwakuRelayNode(cmd, args, { wantListen = ["tcp"], timeoutMs = 20_000, env } = {}) {
  const proc = await CwakuNode.start(cmd, args, { wantListen, timeoutMs, env });
  trackChild(proc);
  let line;
  try {
    line = await proc.waitFor("stdout", REST_LINE, timeoutMs, '"REST on http://..." line');
  } catch (e) {
    const err = new Error(`${errText(e)}; stdout tail ${JSON.stringify(proc.stdoutTail.slice(-5))}; stderr tail ${JSON.stringify(proc.stderrTail.slice(-10))}`);
    proc.kill();
    throw err;
  }
  const restUrl = REST_LINE.exec(line)[1];
  return {
    proc,
    peerId: proc.peerId,
    multiaddrs: [...proc.listen],
    restUrl,
    rest: new RelayRestClient(restUrl),
    addr: (kind) => proc.addr(kind),
    stop: (ms) => proc.stop(ms),
  };
}

// cwaku-node's own relay view, GET /cwaku/v1/relay (src/node/node_rest.c):
// { topics: [{ pubsubTopic, meshPeers, topicPeers }], peers: [{ peerId, score,
//   connected }], delivered, duplicates, rejected, ignored, droppedOutput,
//   ihaveSent, iwantSent, graftSent, pruneSent, brokenPromises, graylistedRpcs }
export async function getCwakuRelayStats(restUrl, ms = 5000) {
  const url = `${restUrl.replace(/\/+$/, "")}/cwaku/v1/relay`;
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

// nwaku REST POST (subscribe) / DELETE (unsubscribe) /relay/v1/subscriptions
// with a JSON array of pubsub topics. Returns the response text; throws on
// a status other than 200.
export async function restRelaySubscriptions(restUrl, topics, { unsubscribe = false, ms = 5000 } = {}) {
  const url = `${restUrl.replace(/\/+$/, "")}/relay/v1/subscriptions`;
  const res = await fetch(url, {
    method: unsubscribe ? "DELETE" : "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(topics),
    signal: AbortSignal.timeout(ms),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${unsubscribe ? "DELETE" : "POST"} ${url} → ${res.status} ${text.slice(0, 200)}`);
  return text;
}

// SIGKILL leftover children when the harness exits (libp2p-lib only installs
// its own cleanup from parseNodeArgs(), which the relay checks do not use).
const tracked = new Set();
let exitHook = false;
function trackChild(c) {
  tracked.add(c);
  c.exited.then(() => tracked.delete(c));
  if (exitHook) return;
  exitHook = true;
  process.on("exit", () => { for (const x of tracked) x.kill(); });
}

// ---------------------------------------------------------------- fake cwaku-node

// `node relay-lib.mjs --fake-cwaku-node FLAGS...`: accepts the flags of
// cwakuArgs() + cwakuRelayFlags(), runs a js relay (wakuGossipSub with
// emitSelf, like nwaku's triggerSelf = true), prints "Listening on <ma>" per
// listener and "REST on http://127.0.0.1:<port>", serves the REST relay API
// with an unbounded, non-deduplicating cache, exits 0 on SIGTERM.
async function fakeCwakuNode(argv) {
  const flags = new Map();
  const multi = { "--staticnode": [], "--shard": [] };
  for (const a of argv) {
    const m = /^(--[a-z0-9-]+)(?:=(.*))?$/.exec(a);
    if (!m) { console.error(`fake cwaku-node: bad argument ${a}`); process.exit(2); }
    if (m[1] in multi) multi[m[1]].push(m[2] ?? "");
    else flags.set(m[1], m[2] ?? "true");
  }
  const clusterId = Number(flags.get("--cluster-id") ?? 1);
  const shards = multi["--shard"].length ? multi["--shard"].map(Number) : [0];
  const topics = shards.map((s) => shardTopic(clusterId, s));
  const ws = flags.get("--websocket-support") === "true";
  const relay = await startJsRelay({
    tcpPort: Number(flags.get("--tcp-port") ?? 0),
    wsPort: ws ? Number(flags.get("--websocket-port") ?? 0) : null,
    pubsubTopics: topics,
    peers: multi["--staticnode"],
    key: flags.get("--nodekey"),
    clusterId,
    gossipsubInit: { emitSelf: true },
  });
  for (const e of relay.dialErrors) console.error(`WRN static node ${e.addr}: ${e.error}`);
  const cache = new Map(topics.map((t) => [t, []]));
  relay.gossipsub.addEventListener("gossipsub:message", (evt) => {
    const { msg } = evt.detail;
    if (!cache.has(msg.topic)) return;
    try { cache.get(msg.topic).push(decodeWakuMessage(msg.data)); } catch { /* rejected earlier */ }
  });
  const server = createServer((req, res) => {
    const m = /^\/relay\/v1\/messages\/([^/?]+)$/.exec(req.url ?? "");
    const send = (code, body, type = "text/plain") => { res.writeHead(code, { "content-type": type }); res.end(body); };
    if (!m) return send(404, "not found");
    const topic = decodeURIComponent(m[1]);
    if (req.method === "GET") {
      const list = cache.get(topic);
      if (!list) return send(404, "not subscribed");
      cache.set(topic, []);
      const out = list.map((w) => {
        const f = [`"payload":${JSON.stringify(Buffer.from(w.payload).toString("base64"))}`,
          `"contentTopic":${JSON.stringify(w.contentTopic)}`, `"version":${w.version ?? 0}`,
          `"timestamp":${(w.timestamp ?? 0n).toString()}`];
        if (w.meta && w.meta.length) f.push(`"meta":${JSON.stringify(Buffer.from(w.meta).toString("base64"))}`);
        f.push(`"ephemeral":${w.ephemeral ? "true" : "false"}`);
        return `{${f.join(",")}}`;
      });
      return send(200, `[${out.join(",")}]`, "application/json");
    }
    if (req.method === "POST") {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        try {
          if (!cache.has(topic)) return send(400, `Failed to publish: Node not subscribed to topic: ${topic}`);
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8"), (k, v, ctx) => (k === "timestamp" && ctx?.source ? ctx.source : v));
          if (!body.payload || !body.contentTopic) return send(400, "payload and contentTopic are required");
          await relay.publish(topic, {
            payload: new Uint8Array(Buffer.from(body.payload, "base64")),
            contentTopic: body.contentTopic,
            version: body.version ?? 0,
            timestamp: body.timestamp && body.timestamp !== "0" ? BigInt(body.timestamp) : nowNs(),
            meta: body.meta ? new Uint8Array(Buffer.from(body.meta, "base64")) : undefined,
            ephemeral: body.ephemeral,
          });
          send(200, "OK");
        } catch (e) {
          send(500, `Failed to publish: ${errText(e)}`);
        }
      });
      return undefined;
    }
    return send(405, "method not allowed");
  });
  await new Promise((r) => server.listen(Number(flags.get("--rest-port") ?? 0), flags.get("--rest-address") ?? "127.0.0.1", r));
  for (const ma of relay.multiaddrs) console.log(`Listening on ${ma}`);
  console.log(`REST on http://127.0.0.1:${server.address().port}`);
  const quit = async () => {
    server.close();
    await relay.stop();
    process.exit(0);
  };
  process.on("SIGTERM", quit);
  process.on("SIGINT", quit);
}

// The command that runs the fake (for startCwakuRelay's cmd argument).
export const FAKE_CWAKU_RELAY_CMD = [process.execPath, RELAY_LIB_PATH, "--fake-cwaku-node"];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === "--fake-cwaku-node") {
  process.on("unhandledRejection", (e) => console.error(`WRN unhandled rejection: ${errText(e)}`));
  await fakeCwakuNode(process.argv.slice(3));
}

