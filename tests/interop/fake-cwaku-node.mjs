// fake-cwaku-node: a js-libp2p node that implements the cwaku-node contract,
// so that the libp2p-* checks can be proved without the C node
// (`run.sh libp2p-dial --fake` etc.).
//
// Contract implemented:
//   flags   --nodekey=HEX (secp256k1, 32 bytes) --listen-address=IP (0.0.0.0)
//           --tcp-port=N (0 = ephemeral) --websocket-support=true|false
//           --websocket-port=N --staticnode=MULTIADDR (repeatable; dialed at
//           start, redialed with backoff) --max-connections=N
//           --log-level=LEVEL --test-echo=true|false
//   stdout  "Listening on <multiaddr>/p2p/<peer id>" per listen address
//   stderr  "identified <peer id> agent="<agent>" protocols=<a,b,c>"
//   serves  /ipfs/id/1.0.0 /ipfs/id/push/1.0.0 /ipfs/ping/1.0.0
//           (+ /cwaku/echo/1.0.0 with --test-echo=true); /noise; yamux+mplex;
//           agent "cwaku/<version>"; secp256k1 identity
//   SIGTERM stops the node, exit status 0.
//
// Settings that differ from js-libp2p defaults, so that the fake behaves like
// the C node is expected to: yamux accepts 4096 streams each way (js default
// 1000), mplex has no new-stream rate limit (js default: abort the connection
// after 5 new streams per second), no inbound connection rate limit per host
// (js default 5/s), echo allows 4096 concurrent streams per connection.
//
// Harness self-test: FAKE_CWAKU_BREAK=mode[,mode] breaks the fake on purpose
// (each libp2p-* check must then fail): agent (wrong agent version),
// peerid (prints a wrong peer id), no-ping, echo-corrupt (flips one byte in
// echo stream #500 and at 8 MiB into any big stream), rss (keeps every echoed
// byte: memory grows), crash (exits 1 at the 300th inbound raw connection),
// no-identify-log, ignore-staticnode, no-redial (a failed static-node dial
// is not retried), sigterm (exit 1 on SIGTERM).
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

const VERSION = "0.0.0-fake";
const BREAK = new Set((process.env.FAKE_CWAKU_BREAK ?? "").split(",").filter(Boolean));

function usage(msg) {
  process.stderr.write(`fake-cwaku-node: ${msg}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- flags

const opt = {
  nodekey: null, listenAddress: "0.0.0.0", tcpPort: 60000, wsSupport: false, wsPort: 8000,
  staticnodes: [], maxConnections: 50, logLevel: "INFO", testEcho: false,
};
const bool = (k, v) => {
  if (v === undefined || v === "true") return true;
  if (v === "false") return false;
  return usage(`--${k} takes true or false, got ${v}`);
};
const port = (k, v) => {
  if (!/^\d+$/.test(v ?? "") || Number(v) > 65535) usage(`--${k} takes a port number, got ${v}`);
  return Number(v);
};
for (const a of process.argv.slice(2)) {
  const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
  if (!m) usage(`unexpected argument ${a}`);
  const [, k, v] = m;
  switch (k) {
    case "nodekey":
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(v ?? "")) usage("--nodekey takes 64 hex digits");
      opt.nodekey = v.replace(/^0x/, "");
      break;
    case "listen-address": opt.listenAddress = v; break;
    case "tcp-port": opt.tcpPort = port(k, v); break;
    case "websocket-support": opt.wsSupport = bool(k, v); break;
    case "websocket-port": opt.wsPort = port(k, v); break;
    case "staticnode": if (!v) usage("--staticnode takes a multiaddr"); opt.staticnodes.push(v); break;
    case "max-connections":
      if (!/^\d+$/.test(v ?? "")) usage("--max-connections takes a number");
      opt.maxConnections = Number(v);
      break;
    case "log-level": opt.logLevel = (v ?? "").toUpperCase(); break;
    case "test-echo": opt.testEcho = bool(k, v); break;
    default: usage(`unknown flag --${k}`);
  }
}
const debug = opt.logLevel === "DEBUG" || opt.logLevel === "TRACE";
const log = (level, msg) => {
  if (level === "DEBUG" && !debug) return;
  process.stderr.write(`${level} ${new Date().toISOString()} ${msg}\n`);
};

// js-libp2p bug worked around here: @libp2p/websockets 10.1.21 attaches no
// 'error' listener to inbound `ws` sockets, so a malformed WebSocket frame
// from a client (e.g. reserved bits set: WS_ERR_UNEXPECTED_RSV_1) is an
// uncaught exception that kills the process. `ws` has already closed that
// socket when it emits the error; the fake logs it and goes on.
process.on("uncaughtException", (e) => {
  if (typeof e?.code === "string" && e.code.startsWith("WS_ERR_")) {
    log("DEBUG", `bad WebSocket frame from a client: ${e.code}`);
    return;
  }
  process.stderr.write(`FATAL uncaught exception: ${e?.stack ?? e}\n`);
  process.exit(1);
});

// ---------------------------------------------------------------- node

const privateKey = opt.nodekey
  ? privateKeyFromRaw(new Uint8Array(Buffer.from(opt.nodekey, "hex")))
  : await generateKeyPair("secp256k1");

const listen = [`/ip4/${opt.listenAddress}/tcp/${opt.tcpPort}`];
if (opt.wsSupport) listen.push(`/ip4/${opt.listenAddress}/tcp/${opt.wsPort}/ws`);

let inboundRaw = 0;
const services = {
  identify: identify(),
  identifyPush: identifyPush(),
};
if (!BREAK.has("no-ping")) services.ping = ping();

const node = await createLibp2p({
  privateKey,
  addresses: { listen },
  transports: [tcp(), webSockets()],
  connectionEncrypters: [noise()],
  streamMuxers: [
    yamux({ maxInboundStreams: 4096, maxOutboundStreams: 4096 }),
    mplex({ disconnectThreshold: 1_000_000 }),
  ],
  services,
  nodeInfo: { name: "cwaku", version: VERSION, userAgent: BREAK.has("agent") ? `nwaku/${VERSION}` : `cwaku/${VERSION}` },
  connectionManager: {
    maxConnections: opt.maxConnections,
    inboundConnectionThreshold: 1_000_000,
    maxIncomingPendingConnections: 256,
  },
  connectionGater: {
    denyInboundConnection: () => {
      inboundRaw++;
      if (BREAK.has("crash") && inboundRaw >= 300) {
        process.stderr.write("FATAL fake crash under bad input (FAKE_CWAKU_BREAK=crash)\n");
        process.exit(1);
      }
      return false;
    },
  },
});

node.addEventListener("peer:identify", (evt) => {
  if (BREAK.has("no-identify-log")) return;
  const r = evt.detail;
  log("INFO", `identified ${r.peerId} agent="${r.agentVersion ?? ""}" protocols=${(r.protocols ?? []).join(",")}`);
});
node.addEventListener("connection:open", (evt) => {
  const c = evt.detail;
  log("DEBUG", `connection open ${c.direction} ${c.remotePeer} ${c.remoteAddr} muxer=${c.multiplexer}`);
});
node.addEventListener("connection:close", (evt) => {
  const c = evt.detail;
  log("DEBUG", `connection closed ${c.direction} ${c.remotePeer}`);
});

// ---------------------------------------------------------------- echo

let echoStreams = 0;
const hoard = []; // FAKE_CWAKU_BREAK=rss
if (opt.testEcho) {
  await node.handle("/cwaku/echo/1.0.0", async (stream) => {
    const n = ++echoStreams;
    let total = 0;
    let corrupted = false;
    try {
      for await (const chunk of stream) {
        let buf = chunk instanceof Uint8Array ? chunk : chunk.subarray();
        if (BREAK.has("echo-corrupt") && !corrupted && (n === 500 || total + buf.byteLength > (8 << 20))) {
          buf = Uint8Array.from(buf);
          const at = n === 500 ? 0 : Math.max(0, (8 << 20) - total);
          if (at < buf.byteLength) { buf[at] ^= 0x01; corrupted = true; }
        }
        if (BREAK.has("rss")) hoard.push(Uint8Array.from(buf));
        total += buf.byteLength;
        if (!stream.send(buf)) await stream.onDrain({ signal: AbortSignal.timeout(60_000) });
      }
      await stream.close({ signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      log("DEBUG", `echo stream ${n} failed: ${e.message}`);
      stream.abort(e);
    }
  }, { maxInboundStreams: 4096, maxOutboundStreams: 4096 });
}

// ---------------------------------------------------------------- start

await node.start();
const peerId = node.peerId.toString();
const shownId = BREAK.has("peerid") ? peerIdFromPrivateKey(await generateKeyPair("secp256k1")).toString() : peerId;
const addrs = node.getMultiaddrs().map((a) => a.toString());
// TCP lines first, then WebSocket
addrs.sort((a, b) => Number(a.includes("/ws")) - Number(b.includes("/ws")));
for (const a of addrs) {
  const base = a.split("/p2p/")[0];
  process.stdout.write(`Listening on ${base}/p2p/${shownId}\n`);
}
log("INFO", `cwaku-node (fake, js-libp2p) started, peer ${peerId}, agent cwaku/${VERSION}`);

// ---------------------------------------------------------------- static nodes

let stopping = false;
async function keepDialing(ma) {
  let addr;
  try { addr = multiaddr(ma); } catch (e) { log("ERROR", `bad --staticnode ${ma}: ${e.message}`); return; }
  const target = addr.getComponents().find((c) => c.name === "p2p")?.value;
  let backoff = 250;
  while (!stopping) {
    try {
      const conn = await node.dial(addr, { signal: AbortSignal.timeout(10_000) });
      log("INFO", `connected to static node ${ma}`);
      backoff = 250;
      // redial once the connection to this peer is gone
      await new Promise((resolve) => {
        const check = () => {
          if (stopping || conn.status !== "open") { clearInterval(t); resolve(); }
        };
        const t = setInterval(check, 250);
      });
      if (target && node.getConnections().some((c) => c.remotePeer.toString() === target && c.status === "open")) {
        await new Promise((r) => setTimeout(r, 1000));
      }
    } catch (e) {
      if (BREAK.has("no-redial")) { log("INFO", `dial static node ${ma} failed: ${e.message}; giving up`); return; }
      log("DEBUG", `dial static node ${ma} failed: ${e.message}; retry in ${backoff}ms`);
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 5000);
    }
  }
}
if (!BREAK.has("ignore-staticnode")) for (const s of opt.staticnodes) keepDialing(s);

// ---------------------------------------------------------------- stop

let stopCalled = false;
process.on("SIGTERM", async () => {
  if (stopCalled) return;
  stopCalled = true;
  stopping = true;
  log("INFO", "SIGTERM: stopping");
  const t = setTimeout(() => process.exit(BREAK.has("sigterm") ? 1 : 0), 5000);
  t.unref();
  try { await node.stop(); } catch (e) { log("ERROR", `stop: ${e.message}`); }
  process.exit(BREAK.has("sigterm") ? 1 : 0);
});
process.on("SIGINT", () => process.exit(130));
