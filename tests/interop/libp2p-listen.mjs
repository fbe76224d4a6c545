// interop-libp2p-listen: cwaku-node dials a listening js-libp2p node
// (--staticnode).
//
// usage: run.sh libp2p-listen /path/to/cwaku-node   |   run.sh libp2p-listen --fake
//
// For each transport/muxer pair (tcp, ws) x (yamux, mplex): a js-libp2p node
// with ONLY that transport and muxer listens on 127.0.0.1 (ephemeral port);
// a fresh cwaku-node is started with --staticnode=<js addr>/p2p/<js id>.
// Pass when:
//   * js-libp2p sees an inbound connection from cwaku's peer id (the one in
//     its "Listening on" lines, derived from --nodekey) over /noise and the
//     forced muxer, within 20s;
//   * js can ping cwaku over that connection (js ping service x10, and 3
//     pings on one stream of that connection);
//   * cwaku logs `identified <js peer id> agent="js-libp2p…" protocols=…`
//     listing every protocol js serves (/ipfs/id/1.0.0, /ipfs/id/push/1.0.0,
//     /ipfs/ping/1.0.0), and js's identify of cwaku reports agent "cwaku/…";
//   * SIGTERM stops cwaku with exit status 0.
// First pair only: the js node is down when cwaku starts and comes up 2s
// later on the same port; cwaku must redial it (backoff) within 20s.
// Reported, not counted: identify-push (js registers a new protocol after
// connecting, pushes, and we look for a second `identified` line listing it),
// and whether cwaku reconnects after js closes the connection.
import {
  parseNodeArgs, PrngStream, nodeKeyHex, peerIdFromNodeKey, CwakuNode, cwakuArgs, createJsNode,
  stopJsNode, pingOnConnection, withTimeout, watchdog, errText, sleep, PROTO, MUXER_PROTOCOL,
  parseIdentifiedLine,
} from "./libp2p-lib.mjs";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { Results } from "./lib.mjs";

const NAME = "libp2p-listen";
const { cmd, seed, label } = parseNodeArgs(NAME);
const res = new Results(NAME);
watchdog(res, 400);
const prng = new PrngStream(seed, NAME);

const PAIRS = [
  { transport: "tcp", muxer: "yamux" },
  { transport: "tcp", muxer: "mplex" },
  { transport: "ws", muxer: "yamux" },
  { transport: "ws", muxer: "mplex" },
];
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Resolves with the first inbound connection from `peer` on `js`.
function inboundFrom(js, peer) {
  const have = js.getConnections().find((c) => c.remotePeer.toString() === peer && c.direction === "inbound");
  if (have) return Promise.resolve(have);
  return new Promise((resolve) => {
    const on = (evt) => {
      const c = evt.detail;
      if (c.remotePeer.toString() === peer && c.direction === "inbound") {
        js.removeEventListener("connection:open", on);
        resolve(c);
      }
    };
    js.addEventListener("connection:open", on);
  });
}

// Records js's identify results from the moment the node exists (cwaku may
// connect and be identified before CwakuNode.start() returns).
function recordIdentify(js) {
  const seen = new Map();
  const waiters = [];
  js.addEventListener("peer:identify", (evt) => {
    const id = evt.detail.peerId.toString();
    seen.set(id, evt.detail);
    for (const w of waiters.filter((x) => x.id === id)) w.resolve(evt.detail);
  });
  return (id) => (seen.has(id) ? Promise.resolve(seen.get(id)) : new Promise((resolve) => waiters.push({ id, resolve })));
}

let first = true;
for (const pair of PAIRS) {
  const name = `${pair.transport}+noise+${pair.muxer}`;
  const listenAddr = pair.transport === "tcp" ? "/ip4/127.0.0.1/tcp/0" : "/ip4/127.0.0.1/tcp/0/ws";
  const nodeKey = nodeKeyHex(prng);
  const cwId = peerIdFromNodeKey(nodeKey);
  const jsKey = await generateKeyPair("secp256k1");
  let js, cw;
  try {
    js = await createJsNode({ transports: [pair.transport], muxers: [pair.muxer], listen: [listenAddr], privateKey: jsKey });
    let identifiedByJs = recordIdentify(js);
    const jsId = js.peerId.toString();
    const jsAddr = js.getMultiaddrs().map(String).find((a) => a.startsWith("/ip4/127.0.0.1/"));
    if (!jsAddr) throw new Error(`js node has no 127.0.0.1 address: ${js.getMultiaddrs()}`);
    const redialTest = first;
    first = false;
    if (redialTest) {
      // js goes down, cwaku starts and fails to dial, js comes back on the same port
      await stopJsNode(js);
      js = null;
    }
    cw = await CwakuNode.start(cmd, cwakuArgs(nodeKey, [`--staticnode=${jsAddr}`]), { wantListen: ["tcp", "ws"] })
      .catch((e) => { throw new Error(`${label} did not start: ${errText(e)}`); });
    res.check(cw.peerId === cwId, `${name}: ${label}'s listening peer id is the one derived from --nodekey`,
      { listening: cw.peerId, expected: cwId });
    if (redialTest) {
      await sleep(2000);
      const port = jsAddr.split("/tcp/")[1].split("/")[0];
      const again = listenAddr.replace("/tcp/0", `/tcp/${port}`);
      js = await createJsNode({ transports: [pair.transport], muxers: [pair.muxer], listen: [again], privateKey: jsKey });
      identifiedByJs = recordIdentify(js);
      console.log(`${name}: js node back on ${again} 2s after ${label} started (redial test)`);
    }
    let conn;
    try {
      conn = await withTimeout(inboundFrom(js, cwId), 20_000, `inbound connection from ${cwId}`);
      res.pass();
    } catch (e) {
      res.fail(`${name}: js-libp2p saw no inbound connection from ${label}${redialTest ? " (js came up 2s after cwaku: redial with backoff)" : ""}`,
        { error: errText(e), staticnode: jsAddr, js_connections: js.getConnections().map((c) => `${c.direction} ${c.remotePeer}`), cwaku_log_tail: cw.logTail() });
      continue;
    }
    console.log(`${name}: inbound connection from ${cwId} via ${conn.remoteAddr}`);
    res.check(conn.encryption === PROTO.NOISE, `${name}: encryption is /noise`, { encryption: conn.encryption });
    res.check(conn.multiplexer === MUXER_PROTOCOL[pair.muxer], `${name}: muxer is the forced ${pair.muxer}`, { multiplexer: conn.multiplexer });

    // ping cwaku over that connection
    let ok = 0;
    for (let i = 0; i < 10; i++) {
      try {
        await js.services.ping.ping(conn.remotePeer, { signal: AbortSignal.timeout(10_000) });
        ok++;
      } catch (e) {
        res.fail(`${name}: js ping #${i} of ${label} over the inbound connection failed`, { error: errText(e), cwaku_log_tail: cw.logTail(5) });
      }
    }
    if (ok === 10) res.pass();
    try {
      await pingOnConnection(conn, 3);
      res.pass();
    } catch (e) {
      res.fail(`${name}: 3 pings on one stream of the inbound connection failed`, { error: errText(e) });
    }
    res.check(js.getConnections(cwId).length === 1, `${name}: the pings used the one (inbound) connection`,
      { connections: js.getConnections(cwId).map((c) => c.direction) });

    // cwaku identified js
    const jsProtocols = js.getProtocols();
    try {
      const line = await cw.waitFor("stderr", new RegExp(`identified ${escapeRe(jsId)} `), 15_000, `identified ${jsId}`);
      const p = parseIdentifiedLine(line);
      if (!p) {
        res.fail(`${name}: ${label}'s identified line does not match 'identified <peer> agent="<agent>" protocols=<list>'`, { line });
      } else {
        res.check(p.agent.startsWith("js-libp2p"), `${name}: ${label} reports js's agent as js-libp2p…`, { line });
        const missing = jsProtocols.filter((x) => !p.protocols.includes(x));
        res.check(missing.length === 0, `${name}: ${label} lists js's protocols`, { js_protocols: jsProtocols, missing, line });
        console.log(`${name}: ${line.trim()}`);
      }
    } catch (e) {
      res.fail(`${name}: ${label} did not log "identified ${jsId} agent=\\"js-libp2p…\\""`, { error: errText(e), cwaku_log_tail: cw.logTail() });
    }
    // js identified cwaku (js runs identify on inbound connections too)
    try {
      const idr = await withTimeout(identifiedByJs(cwId), 10_000, "js identify of cwaku");
      res.check(String(idr.agentVersion).startsWith("cwaku/"), `${name}: js's identify of ${label}: agent starts with cwaku/`, { agent: idr.agentVersion });
    } catch (e) {
      res.fail(`${name}: js-libp2p could not identify ${label} over the inbound connection`, { error: errText(e) });
    }

    // identify-push (reported only)
    const probe = `/cwaku-interop/push-probe/${pair.transport}-${pair.muxer}/1.0.0`;
    await js.handle(probe, (stream) => stream.abort(new Error("probe only")));
    try {
      const line = await cw.waitFor("stderr", new RegExp(`identified ${escapeRe(jsId)} .*${escapeRe(probe)}`), 5000, "identify-push");
      console.log(`${name}: identify-push seen: ${label} logged ${probe} after js registered it`);
      void line;
    } catch {
      res.note(`${name}: after js registered ${probe} (js sends identify-push), ${label} logged no new identified line listing it within 5s (not required)`);
    }

    // reconnect after js closes (reported only)
    if (pair.transport === "tcp" && pair.muxer === "yamux") {
      const next = new Promise((resolve) => {
        const on = (evt) => { if (evt.detail.remotePeer.toString() === cwId && evt.detail !== conn) { js.removeEventListener("connection:open", on); resolve(evt.detail); } };
        js.addEventListener("connection:open", on);
      });
      await withTimeout(conn.close(), 5000, "close").catch(() => conn.abort(new Error("close timed out")));
      try {
        const c2 = await withTimeout(next, 20_000, "reconnect");
        console.log(`${name}: ${label} reconnected (${c2.direction}) after js closed the connection`);
      } catch {
        res.note(`${name}: ${label} did not reconnect within 20s after js closed the connection to the static node (not required)`);
      }
    }

    res.check(cw.alive(), `${name}: ${label} still running`, { exit: cw.exit });
    const st = await cw.stop();
    res.check(st.code === 0 && !st.timedOut, `${name}: ${label} exits with status 0 on SIGTERM`, { ...st, stderr_tail: cw.logTail(10) });
    cw = null;
  } catch (e) {
    res.fail(`${name}: ${errText(e)}`, e?.stack);
  } finally {
    if (cw) { cw.kill(); cw = null; }
    await stopJsNode(js);
  }
}
res.finish();
