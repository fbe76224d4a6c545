// interop-libp2p-dial: js-libp2p dials cwaku-node.
//
// usage: run.sh libp2p-dial /path/to/cwaku-node   |   run.sh libp2p-dial --fake
//
// cwaku-node is started once (TCP and WebSocket listeners on 127.0.0.1,
// ephemeral ports, --nodekey from the seed). Then, for each of
//   (a) TCP + noise + yamux   (b) WebSocket + noise + mplex
//   (c) WebSocket + noise + yamux
// a fresh js-libp2p node that has ONLY that transport and muxer (so the choice
// is forced) dials cwaku's "Listening on" address and checks:
//   * the connection uses /noise and the forced muxer;
//   * identify (js runs it on every new connection): peer id = the one dialed
//     (= the one derived from --nodekey), agentVersion starts with "cwaku/",
//     protocols include /ipfs/id/1.0.0, /ipfs/id/push/1.0.0, /ipfs/ping/1.0.0,
//     public key type secp256k1;
//   * 100 pings with js-libp2p's ping service (one stream each, 32 bytes,
//     js half-closes its write side right after sending the ping);
//   * 10 pings on ONE stream (the ping spec lets the dialer repeat).
// Finally SIGTERM must stop cwaku-node with exit status 0.
// Also checked: the "Listening on" lines carry one peer id, the one derived
// from --nodekey. Reported, not counted: whether cwaku logged
// `identified <js peer> ...` for the dialing js node.
import { publicKeyFromProtobuf } from "@libp2p/crypto/keys";
import {
  parseNodeArgs, PrngStream, nodeKeyHex, peerIdFromNodeKey, CwakuNode, cwakuArgs, createJsNode,
  stopJsNode, dialWithTimeout, pingOnConnection, withTimeout, watchdog, errText, PROTO,
  MUXER_PROTOCOL, parseIdentifiedLine,
} from "./libp2p-lib.mjs";
import { Results } from "./lib.mjs";

const NAME = "libp2p-dial";
const { cmd, seed, label, fake } = parseNodeArgs(NAME);
const res = new Results(NAME);
watchdog(res, 300);
const prng = new PrngStream(seed, NAME);
const PINGS = 100;

const CONFIGS = [
  { name: "tcp+noise+yamux", transport: "tcp", muxer: "yamux" },
  { name: "ws+noise+mplex", transport: "ws", muxer: "mplex" },
  { name: "ws+noise+yamux", transport: "ws", muxer: "yamux" },
];

const nodeKey = nodeKeyHex(prng);
const expectedId = peerIdFromNodeKey(nodeKey);
let cw;
try {
  cw = await CwakuNode.start(cmd, cwakuArgs(nodeKey), { wantListen: ["tcp", "ws"] });
} catch (e) {
  res.fail(`${label} did not start / print "Listening on" lines for tcp and ws`, errText(e));
  res.finish();
}
console.log(`${label} pid ${cw.pid}: ${cw.listen.join("  ")}`);
res.check(cw.peerIdsConsistent, "every \"Listening on\" line ends in /p2p/<the same peer id>", cw.listen);
res.check(cw.peerId === expectedId, "the listening peer id is the one derived from --nodekey (secp256k1)",
  { listening: cw.peerId, expected: expectedId, nodekey: nodeKey });

for (const cfg of CONFIGS) {
  const addr = cw.addr(cfg.transport);
  if (!addr) { res.fail(`${cfg.name}: no ${cfg.transport} "Listening on" address`, cw.listen); continue; }
  let js;
  try {
    js = await createJsNode({ transports: [cfg.transport], muxers: [cfg.muxer] });
    const jsId = js.peerId.toString();
    const identified = new Promise((resolve) => {
      js.addEventListener("peer:identify", (evt) => {
        if (evt.detail.peerId.toString() === cw.peerId) resolve(evt.detail);
      });
    });
    let conn;
    try {
      conn = await dialWithTimeout(js, addr);
      res.pass();
    } catch (e) {
      res.fail(`${cfg.name}: js-libp2p could not dial ${addr}`, { error: errText(e), cwaku_log_tail: cw.logTail() });
      continue;
    }
    res.check(conn.remotePeer.toString() === cw.peerId, `${cfg.name}: connection's remote peer is the peer dialed`,
      { remote: conn.remotePeer.toString(), dialed: cw.peerId });
    res.check(conn.encryption === PROTO.NOISE, `${cfg.name}: connection encryption is /noise`, { encryption: conn.encryption });
    res.check(conn.multiplexer === MUXER_PROTOCOL[cfg.muxer], `${cfg.name}: muxer is the forced ${cfg.muxer}`,
      { multiplexer: conn.multiplexer });

    // js-libp2p lists its muxers in the Noise handshake, and so does cwaku:
    // the muxer is agreed there (inlined-muxer-negotiation.md), with no
    // multistream round; cwaku-node says so when it logs the connection.
    const want = `connected ${jsId} (inbound) via ${MUXER_PROTOCOL[cfg.muxer]} (chosen in Noise)`;
    const deadline = Date.now() + 5000;
    while (!fake && !cw.stderrTail.some((l) => l.includes(want)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!fake) res.check(cw.stderrTail.some((l) => l.includes(want)), `${cfg.name}: cwaku-node agreed the muxer in the Noise handshake`,
      { want, cwaku_log_tail: cw.logTail(5) });

    // identify (automatic on connection open)
    let idr = null;
    try {
      idr = await withTimeout(identified, 10_000, "js-libp2p identify of cwaku");
    } catch (e) {
      let detail = errText(e);
      try { await js.services.identify.identify(conn, { signal: AbortSignal.timeout(5000) }); } catch (e2) { detail += `; explicit identify: ${errText(e2)}`; }
      res.fail(`${cfg.name}: identify of ${label} did not complete`, { error: detail, cwaku_log_tail: cw.logTail() });
    }
    if (idr) {
      res.check(idr.peerId.toString() === cw.peerId, `${cfg.name}: identify peer id is the one dialed`,
        { identify: idr.peerId.toString(), dialed: cw.peerId });
      res.check(typeof idr.agentVersion === "string" && idr.agentVersion.startsWith("cwaku/"),
        `${cfg.name}: identify agentVersion starts with "cwaku/"`, { agentVersion: idr.agentVersion });
      for (const p of [PROTO.ID, PROTO.PUSH, PROTO.PING]) {
        res.check(idr.protocols.includes(p), `${cfg.name}: identify protocols include ${p}`, { protocols: idr.protocols });
      }
      let keyType = null;
      try { keyType = idr.publicKey ? publicKeyFromProtobuf(idr.publicKey).type : null; } catch (e) { keyType = `unreadable: ${errText(e)}`; }
      res.check(keyType === "secp256k1", `${cfg.name}: identify public key is secp256k1`, { type: keyType });
      console.log(`${cfg.name}: identify agent=${JSON.stringify(idr.agentVersion)} protocols=${idr.protocols.join(",")} ` +
        `listenAddrs=${idr.listenAddrs.map(String).join(",")} observedAddr=${idr.observedAddr ?? "-"}`);
    }

    // 100 pings with the ping service (new stream each)
    let ok = 0;
    const rtts = [];
    for (let i = 0; i < PINGS; i++) {
      try {
        rtts.push(await js.services.ping.ping(conn.remotePeer, { signal: AbortSignal.timeout(10_000) }));
        ok++;
        res.pass();
      } catch (e) {
        res.fail(`${cfg.name}: ping #${i} failed`, { error: errText(e), connection: conn.status, cwaku_log_tail: cw.logTail(5) });
      }
    }
    const used = js.getConnections(cw.peerId).length;
    res.check(used === 1 && conn.status === "open", `${cfg.name}: the pings used the one connection, still open`,
      { connections: used, status: conn.status });
    rtts.sort((a, b) => a - b);
    console.log(`${cfg.name}: ${ok}/${PINGS} pings ok, rtt median ${rtts[rtts.length >> 1] ?? "-"} ms, max ${rtts[rtts.length - 1] ?? "-"} ms`);

    // repeated pings on one stream
    try {
      await pingOnConnection(conn, 10);
      res.pass();
    } catch (e) {
      res.fail(`${cfg.name}: 10 pings on one /ipfs/ping/1.0.0 stream failed (the spec lets the dialer repeat on a stream)`,
        { error: errText(e) });
    }

    // reported only
    try {
      const line = await cw.waitFor("stderr", new RegExp(`identified ${jsId}\\b`), 3000, "identified line");
      const p = parseIdentifiedLine(line);
      console.log(`${cfg.name}: ${label} logged identified ${jsId} agent=${JSON.stringify(p?.agent)}`);
    } catch {
      res.note(`${cfg.name}: ${label} did not log "identified ${jsId}" within 3s of the js dial (checked by libp2p-listen only)`);
    }
    await withTimeout(conn.close(), 5000, "close").catch(() => conn.abort(new Error("close timed out")));
  } catch (e) {
    res.fail(`${cfg.name}: unexpected harness error`, errText(e) + "\n" + (e?.stack ?? ""));
  } finally {
    await stopJsNode(js);
  }
}

res.check(cw.alive(), `${label} is still running after the three connections`, { exit: cw.exit });
const st = await cw.stop();
res.check(st.code === 0 && !st.timedOut, `${label} exits with status 0 on SIGTERM`,
  { ...st, stderr_tail: cw.logTail(10) });
res.finish();
