// A js-waku relay node for bench/relay.sh, standing where cwaku-node stands
// in the same run: js-libp2p (TCP + noise + yamux) with gossipsub configured
// as js-waku's relay (tests/interop/relay-lib.mjs, startJsRelay and
// wakuGossipSub), subscribed to /waku/2/rs/1/0 of cluster 1, answering
// metadata, doing per message what js-waku's Relay does on a node nobody
// in the process listens to (js-waku packages/relay/src/relay.ts):
//   * the topic validator (message_validator.ts): decode the WakuMessage,
//     reject it without content topic or payload;
//   * the "gossipsub:message" listener (gossipSubSubscribe ->
//     processIncomingMessage): decode the TopicOnlyMessage, skip a message
//     without content topic, and stop there, as there are no observers.
// startJsRelay's own listener (which keeps a hex summary of every message
// for the interop checks) is left idle: the node is started with no topics
// and subscribed here.
//   node relay-bench.mjs [--peer=MULTIADDR]...
// Dials each peer, prints "Listening on <multiaddr>", runs until SIGTERM.
import { proto_topic_only_message as topicOnly } from "@waku/proto";
import {
  startJsRelay, makeWakuMessageValidator, DEFAULT_CLUSTER_ID, DEFAULT_PUBSUB_TOPIC,
} from "../tests/interop/relay-lib.mjs";

const peers = [];
for (const a of process.argv.slice(2)) {
  const m = /^--peer=(.+)$/.exec(a);
  if (!m) {
    console.error("usage: relay-bench.mjs [--peer=MULTIADDR]...");
    process.exit(2);
  }
  peers.push(m[1]);
}

const topic = DEFAULT_PUBSUB_TOPIC;
const relay = await startJsRelay({
  tcpPort: 0,
  wsPort: null,
  pubsubTopics: [],
  metadataShards: [0],
  clusterId: DEFAULT_CLUSTER_ID,
  peers,
});
if (relay.dialErrors.length) {
  for (const e of relay.dialErrors) console.error(`relay-bench.mjs: dial ${e.addr}: ${e.error}`);
  await relay.stop();
  process.exit(1);
}

const gs = relay.gossipsub;
gs.addEventListener("gossipsub:message", (evt) => {
  const { msg } = evt.detail;
  if (msg.topic !== topic) return;
  const m = topicOnly.TopicOnlyMessage.decode(msg.data);
  if (!m.contentTopic) return; // relay.ts: "does not have a content topic"
  // relay.ts: no observers for this pubsub topic: nothing more to do.
});
gs.topicValidators.set(topic, makeWakuMessageValidator());
gs.subscribe(topic);

for (const ma of relay.multiaddrs) console.log(`Listening on ${ma}`);

const quit = async () => {
  await relay.stop();
  process.exit(0);
};
process.on("SIGTERM", quit);
process.on("SIGINT", quit);
