#include "node_rest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "p2p/peer_store.h"
#include "waku/relay.h"

#define MAX_CONFIGURED 64

struct cwaku_node_rest {
  struct cwaku_host *host;
  const struct cwaku_node_config *cfg;
  struct cwaku_rest *rest;
  /* Topics relay joined from the configuration: REST subscriptions come
   * and go on top of them and never take them away. */
  char configured[MAX_CONFIGURED][CWAKU_GOSSIPSUB_TOPIC_MAX + 1];
  size_t n_configured;
};

static bool configured(const struct cwaku_node_rest *nr, const char *topic) {
  for (size_t i = 0; i < nr->n_configured; i++)
    if (strcmp(nr->configured[i], topic) == 0)
      return true;
  return false;
}

static int relay_publish(void *arg, const char *topic,
                         const struct cwaku_message *m, char *err,
                         size_t errcap) {
  struct cwaku_node_rest *nr = arg;
  struct cwaku_relay *relay = cwaku_host_relay(nr->host);
  if (!cwaku_relay_subscribed(relay, topic)) {
    snprintf(err, errcap, "Node not subscribed to topic: %s", topic);
    return CWAKU_ENOTFOUND;
  }
  size_t peers;
  int r = cwaku_host_publish(nr->host, topic, m, &peers);
  if (r)
    snprintf(err, errcap, "%s", cwaku_strerror(r));
  return r;
}

static int relay_subscribe(void *arg, const char *topic) {
  struct cwaku_node_rest *nr = arg;
  if (cwaku_relay_subscribed(cwaku_host_relay(nr->host), topic))
    return 0;
  return cwaku_host_subscribe(nr->host, topic, true);
}

static int relay_unsubscribe(void *arg, const char *topic) {
  struct cwaku_node_rest *nr = arg;
  if (configured(nr, topic))
    return 0;
  int r = cwaku_host_subscribe(nr->host, topic, false);
  return r == CWAKU_ENOTFOUND ? 0 : r;
}

static int info(void *arg, struct cwaku_rest_info *out) {
  struct cwaku_node_rest *nr = arg;
  static const char *addrs[4];
  out->n_listen_addresses = cwaku_host_listen_addresses(nr->host, addrs, 4);
  out->listen_addresses = addrs;
  out->tcp_port = nr->cfg->tcp_port;
  out->websocket_port =
      nr->cfg->websocket_support ? nr->cfg->websocket_port : 0;
  return 0;
}

struct emit_ctx {
  void (*emit)(void *ctx, const struct cwaku_rest_peer *p);
  void *ctx;
};

static void emit_one(const struct cwaku_peer *p, void *arg) {
  struct emit_ctx *e = arg;
  cwaku_rest_emit_store_peer(p, e->emit, e->ctx);
}

static void list_peers(void *arg,
                       void (*emit)(void *ctx, const struct cwaku_rest_peer *p),
                       void *ctx) {
  struct cwaku_node_rest *nr = arg;
  struct emit_ctx e = {emit, ctx};
  cwaku_peer_store_foreach(cwaku_host_peers(nr->host), emit_one, &e);
}

static void peer_json(const struct cwaku__gossipsub_peer *p, bool connected,
                      void *arg) {
  char id[CWAKU_PEER_ID_STRING_MAX];
  if (cwaku_peer_id_to_string(id, sizeof id, cwaku__gossipsub_peer_id(p)) == 0)
    json_array_append_new(arg, json_pack("{s:s,s:f,s:b}", "peerId", id, "score",
                                         cwaku__gossipsub_peer_score(p),
                                         "connected", connected));
}

/* {"topics":[{"pubsubTopic","meshPeers","topicPeers"}],"peers":[{"peerId",
 * "score","connected"}], "delivered", ...} */
static char *relay_stats(void *arg) {
  struct cwaku_node_rest *nr = arg;
  struct cwaku_relay *relay = cwaku_host_relay(nr->host);
  struct cwaku__gossipsub *g = cwaku_relay_router(relay);
  const char *names[64];
  size_t n = cwaku_relay_topics(relay, names, 64);
  json_t *topics = json_array(), *peers = json_array();
  for (size_t i = 0; i < n && i < 64; i++)
    json_array_append_new(
        topics,
        json_pack("{s:s,s:I,s:I}", "pubsubTopic", names[i], "meshPeers",
                  (json_int_t)cwaku__gossipsub_mesh_size(g, names[i]),
                  "topicPeers",
                  (json_int_t)cwaku__gossipsub_topic_peers(g, names[i])));
  cwaku__gossipsub_foreach_peer(g, peer_json, peers);
  struct cwaku_gossipsub_stats st;
  cwaku__gossipsub_stats(g, &st);
  json_t *o = json_pack(
      "{s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "topics", topics,
      "peers", peers, "delivered", (json_int_t)st.delivered, "duplicates",
      (json_int_t)st.duplicates, "rejected", (json_int_t)st.rejected, "ignored",
      (json_int_t)st.ignored, "droppedOutput", (json_int_t)st.dropped_output,
      "ihaveSent", (json_int_t)st.ihave_sent, "iwantSent",
      (json_int_t)st.iwant_sent, "graftSent", (json_int_t)st.graft_sent,
      "pruneSent", (json_int_t)st.prune_sent, "brokenPromises",
      (json_int_t)st.broken_promises, "graylistedRpcs",
      (json_int_t)st.graylisted_rpcs);
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  return text;
}

static void on_message(void *arg, const char *topic,
                       const struct cwaku_message *m) {
  struct cwaku_node_rest *nr = arg;
  cwaku_rest_on_message(nr->rest, topic, m);
}

int cwaku_node_rest_start(struct cwaku_node_rest **out, uv_loop_t *loop,
                          struct cwaku_host *h,
                          const struct cwaku_node_config *cfg) {
  struct cwaku_node_rest *nr = calloc(1, sizeof *nr);
  if (!nr)
    return CWAKU_ENOMEM;
  nr->host = h;
  nr->cfg = cfg;
  struct cwaku_relay *relay = cwaku_host_relay(h);
  struct cwaku_rest_backend be = {
      .arg = nr, .info = info, .list_peers = list_peers};
  if (relay) {
    be.relay_publish = relay_publish;
    be.relay_subscribe = relay_subscribe;
    be.relay_unsubscribe = relay_unsubscribe;
    be.relay_stats = relay_stats;
    const char *topics[MAX_CONFIGURED];
    size_t n = cwaku_relay_topics(relay, topics, MAX_CONFIGURED);
    for (size_t i = 0; i < n && i < MAX_CONFIGURED; i++)
      snprintf(nr->configured[nr->n_configured++], sizeof nr->configured[0],
               "%s", topics[i]);
  }
  struct cwaku_rest_options opts;
  cwaku_rest_options_init(&opts);
  opts.cluster_id = cfg->cluster_id;
  opts.num_shards = cfg->num_shards_in_network;
  opts.cache_capacity = cfg->rest_relay_cache_capacity;
  if (cfg->max_msg_size)
    opts.max_message_size = cfg->max_msg_size;
  int r = cwaku_rest_new(&nr->rest, loop, cfg->rest_address, cfg->rest_port,
                         &be, &opts);
  if (r) {
    free(nr);
    return r;
  }
  if (relay) {
    for (size_t i = 0; i < nr->n_configured; i++)
      cwaku_rest_cache_topic(nr->rest, nr->configured[i]);
    cwaku_host_set_message_handler(h, on_message, nr);
  }
  printf("REST on http://%s:%u\n", cfg->rest_address,
         cwaku_rest_port(nr->rest));
  fflush(stdout);
  *out = nr;
  return 0;
}

void cwaku_node_rest_stop(struct cwaku_node_rest *nr) {
  if (!nr)
    return;
  cwaku_host_set_message_handler(nr->host, NULL, NULL);
  cwaku_rest_free(nr->rest);
  free(nr);
}
