// js-libp2p measured the way bench/libp2p_bench.c measures cwaku: two nodes
// on loopback, TCP + noise + yamux, in one process (throughput, handshakes)
// or in two (throughput2: the receiver is a child process that reports the
// time it saw the end of the stream; process.hrtime is CLOCK_MONOTONIC,
// shared by processes).
//   libp2p-bench.mjs throughput MIB | throughput2 MIB | handshakes SECS
// Prints one JSON object.
import { createLibp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const PROTOCOL = "/cwaku/bench/1.0.0";
const [mode, arg] = process.argv.slice(2);
if (!["throughput", "throughput2", "handshakes", "sink"].includes(mode) || !(Number(arg) > 0)) {
  console.error("usage: libp2p-bench.mjs throughput MIB | throughput2 MIB | handshakes SECS");
  process.exit(2);
}

const make = (listen) =>
  createLibp2p({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // js-libp2p refuses more than 5 inbound connections a second from one
    // host by default; the benchmark dials far faster than that.
    connectionManager: { maxConnections: 10000, inboundConnectionThreshold: 1e9, maxIncomingPendingConnections: 10000 },
    connectionMonitor: { enabled: false },
  });

// The receiving child of throughput2: prints its address, then the end.
if (mode === "sink") {
  const server = await make(["/ip4/127.0.0.1/tcp/0"]);
  let received = 0;
  await server.handle(PROTOCOL, async (stream) => {
    for await (const chunk of stream) received += chunk.byteLength;
    console.log(JSON.stringify({ end_ns: String(process.hrtime.bigint()), received }));
    await server.stop();
    process.exit(0);
  }, { maxInboundStreams: 4 });
  console.log(JSON.stringify({ addr: server.getMultiaddrs()[0].toString() }));
  await new Promise(() => {}); // the handler ends the process
} else if (mode === "throughput2") {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "sink", arg], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { addr } = JSON.parse((await lines.next()).value);
  const { multiaddr } = await import("@multiformats/multiaddr");
  const client = await make([]);
  const total = Number(arg) * 1024 * 1024;
  const conn = await client.dial(multiaddr(addr));
  const stream = await conn.newStream(PROTOCOL);
  const chunk = new Uint8Array(64 * 1024).fill(0x5a);
  const start = process.hrtime.bigint();
  let sent = 0;
  while (sent < total) {
    const n = Math.min(chunk.length, total - sent);
    const part = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (!stream.send(part)) await stream.onDrain();
    sent += n;
  }
  await stream.close();
  const end = JSON.parse((await lines.next()).value);
  const secs = Number(BigInt(end.end_ns) - start) / 1e9;
  if (end.received !== total) {
    console.error(`received ${end.received} of ${total}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ impl: "js-libp2p", processes: 2, throughput_mib_s: +(Number(arg) / secs).toFixed(1), mib: Number(arg), seconds: +secs.toFixed(3) }));
  await client.stop();
  process.exit(0);
}

const server = await make(["/ip4/127.0.0.1/tcp/0"]);
const client = await make([]);
const addr = server.getMultiaddrs()[0];

if (mode === "throughput") {
  const total = Number(arg) * 1024 * 1024;
  let received = 0;
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  await server.handle(PROTOCOL, async (stream) => {
    for await (const chunk of stream) received += chunk.byteLength;
    resolveDone();
  }, { maxInboundStreams: 4 });
  const conn = await client.dial(addr);
  const stream = await conn.newStream(PROTOCOL);
  const chunk = new Uint8Array(64 * 1024).fill(0x5a);
  const start = process.hrtime.bigint();
  let sent = 0;
  while (sent < total) {
    const n = Math.min(chunk.length, total - sent);
    const part = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (!stream.send(part)) await stream.onDrain();
    sent += n;
  }
  await stream.close();
  await done;
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  if (received !== total) {
    console.error(`received ${received} of ${total}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ impl: "js-libp2p", throughput_mib_s: +(Number(arg) / secs).toFixed(1), mib: Number(arg), seconds: +secs.toFixed(3) }));
} else {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(Number(arg) * 1e9));
  const start = process.hrtime.bigint();
  let n = 0;
  while (process.hrtime.bigint() < deadline) {
    const conn = await client.dial(addr, { force: true });
    n++;
    await conn.close();
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ impl: "js-libp2p", handshakes_per_s: +(n / secs).toFixed(1), handshakes: n, seconds: +secs.toFixed(3) }));
}
await client.stop();
await server.stop();
process.exit(0);
