/* Waku relay over real connection engines in memory (multistream, Noise,
 * yamux): three nodes in a line A - B - C subscribe, A publishes, C's
 * application gets the WakuMessage through B; Waku's validation refuses
 * what it must, on publish and on receipt; a peer without relay answers
 * "na" and stays out of the router. */
#include "check.h"
#include "cwaku/identity.h"
#include "p2p/basic_protocols.h"
#include "p2p/connection.h"
#include "waku/relay.h"

#define TOPIC "/waku/2/rs/1/0"
#define S 1000000000ull

struct node {
  struct cwaku_relay *relay;
  cwaku_identity_key key;
  const struct cwaku__proto_handler *handlers[1];
  int got;
  char last_topic[64];
  char last_payload[64];
  char last_ct[64];
};

struct link;
struct end {
  struct link *link;
  int side;
};

struct link {
  struct cwaku__conn *conn[2];
  struct cwaku__conn_config cfg[2];
  struct node *node[2];
  bool ready[2];
  struct end end[2];
};

static struct cwaku_manual_clock clk;
static struct cwaku_seeded_rng rng;

/* As the host does: relay starts from the connection's on_ready. */
static void on_ready(struct cwaku__conn *c, void *arg) {
  struct end *e = arg;
  struct link *l = e->link;
  l->ready[e->side] = true;
  if (l->node[e->side]->relay)
    cwaku_relay_conn_ready(l->node[e->side]->relay, c, e->side == 0, NULL, 0,
                           clk.mono_ns);
}
static void on_closed(struct cwaku__conn *c, int err, void *arg) {}

static void on_message(void *arg, const char *topic,
                       const struct cwaku_message *m) {
  struct node *n = arg;
  n->got++;
  snprintf(n->last_topic, sizeof n->last_topic, "%s", topic);
  snprintf(n->last_payload, sizeof n->last_payload, "%.*s", (int)m->payload_len,
           (const char *)m->payload);
  snprintf(n->last_ct, sizeof n->last_ct, "%s", m->content_topic);
}

static enum cwaku_gossipsub_validation
no_bad_payloads(void *arg, const char *topic, const struct cwaku_message *m) {
  return m->payload_len == 3 && memcmp(m->payload, "bad", 3) == 0
             ? CWAKU_GOSSIPSUB_REJECT
             : CWAKU_GOSSIPSUB_ACCEPT;
}

static void node_init(struct node *n, bool with_relay) {
  memset(n, 0, sizeof *n);
  CHECK(cwaku_identity_generate(&n->key, CWAKU_KEY_SECP256K1, &rng.rng));
  if (!with_relay)
    return;
  struct cwaku_relay_config cfg;
  cwaku_relay_config_default(&cfg);
  cfg.clock = &clk.clock;
  cfg.rng = &rng.rng;
  cfg.on_message = on_message;
  cfg.arg = n;
  cfg.timestamp_window_ns = 20 * S;
  CHECK_EQ_INT(cwaku_relay_new(&n->relay, &cfg), 0);
  CHECK_EQ_INT(cwaku_relay_add_validator(n->relay, no_bad_payloads, NULL), 0);
  n->handlers[0] = cwaku_relay_handler(n->relay);
}

static void link_init(struct link *l, struct node *a, struct node *b) {
  memset(l, 0, sizeof *l);
  l->node[0] = a;
  l->node[1] = b;
  for (int i = 0; i < 2; i++) {
    l->end[i] = (struct end){l, i};
    struct cwaku__conn_config *c = &l->cfg[i];
    *c = (struct cwaku__conn_config){
        .initiator = i == 0,
        .identity = &l->node[i]->key,
        .rng = &rng.rng,
        .handlers = l->node[i]->handlers,
        .n_handlers = l->node[i]->relay ? 1 : 0,
        .on_ready = on_ready,
        .on_closed = on_closed,
        .arg = &l->end[i],
    };
    cwaku__muxer_config_default(&c->muxer);
    CHECK_EQ_INT(cwaku__conn_new(&l->conn[i], c), 0);
  }
}

static void pump(struct link *links, int n) {
  for (int round = 0; round < 10000; round++) {
    bool moved = false;
    for (int k = 0; k < n; k++)
      for (int i = 0; i < 2; i++) {
        struct link *l = &links[k];
        const uint8_t *p;
        size_t len;
        cwaku__conn_output(l->conn[i], &p, &len);
        if (len == 0)
          continue;
        uint8_t *copy = malloc(len);
        memcpy(copy, p, len);
        cwaku__conn_output_consumed(l->conn[i], len);
        cwaku__conn_recv(l->conn[1 - i], copy, len, clk.mono_ns);
        free(copy);
        moved = true;
      }
    if (!moved)
      return;
  }
}

static void heartbeats(struct node **nodes, int nn, struct link *links, int nl,
                       int count) {
  for (int k = 0; k < count; k++) {
    cwaku_manual_clock_advance(&clk, S);
    for (int i = 0; i < nn; i++)
      cwaku_relay_heartbeat(nodes[i]->relay, clk.mono_ns);
    pump(links, nl);
  }
}

static void test_line(void) {
  static struct node a, b, c;
  node_init(&a, true);
  node_init(&b, true);
  node_init(&c, true);
  struct node *nodes[] = {&a, &b, &c};
  for (int i = 0; i < 3; i++)
    CHECK_EQ_INT(cwaku_relay_subscribe(nodes[i]->relay, TOPIC, clk.mono_ns), 0);
  struct link links[2];
  link_init(&links[0], &a, &b);
  link_init(&links[1], &b, &c);
  pump(links, 2);
  CHECK(links[0].ready[0] && links[1].ready[1]);
  heartbeats(nodes, 3, links, 2, 2);
  CHECK_EQ_INT(cwaku__gossipsub_mesh_size(cwaku_relay_router(b.relay), TOPIC),
               2);

  struct cwaku_message m;
  cwaku_message_init(&m, "/app/1/chat/proto", (const uint8_t *)"hello", 5);
  m.has_timestamp = true;
  m.timestamp = clk.now_ns;
  size_t peers;
  CHECK_EQ_INT(cwaku_relay_publish(a.relay, TOPIC, &m, &peers, clk.mono_ns), 0);
  CHECK_EQ_INT(peers, 1);
  pump(links, 2);
  CHECK_EQ_INT(c.got, 1);
  CHECK_EQ_STR(c.last_payload, "hello");
  CHECK_EQ_STR(c.last_ct, "/app/1/chat/proto");
  CHECK_EQ_STR(c.last_topic, TOPIC);
  CHECK_EQ_INT(b.got, 1);
  CHECK_EQ_INT(a.got, 1); /* nwaku's triggerSelf */

  /* refused on publish: no content topic, stale, a validator, twice */
  cwaku_message_init(&m, "", (const uint8_t *)"x", 1);
  m.has_timestamp = true;
  m.timestamp = clk.now_ns;
  CHECK_EQ_INT(cwaku_relay_publish(a.relay, TOPIC, &m, &peers, clk.mono_ns),
               CWAKU_ETOPIC);
  cwaku_message_init(&m, "/app/1/chat/proto", (const uint8_t *)"x", 1);
  m.has_timestamp = true;
  m.timestamp = clk.now_ns - 21 * (int64_t)S;
  CHECK_EQ_INT(cwaku_relay_publish(a.relay, TOPIC, &m, &peers, clk.mono_ns),
               CWAKU_ESTALE);
  cwaku_message_init(&m, "/app/1/chat/proto", (const uint8_t *)"bad", 3);
  m.has_timestamp = true;
  m.timestamp = clk.now_ns;
  CHECK_EQ_INT(cwaku_relay_publish(a.relay, TOPIC, &m, &peers, clk.mono_ns),
               CWAKU_EINVAL);
  cwaku_message_init(&m, "/app/1/chat/proto", (const uint8_t *)"hello", 5);
  m.has_timestamp = true;
  m.timestamp = clk.now_ns - 1; /* a different message */
  CHECK_EQ_INT(cwaku_relay_publish(a.relay, TOPIC, &m, &peers, clk.mono_ns), 0);
  CHECK_EQ_INT(cwaku_relay_publish(a.relay, TOPIC, &m, &peers, clk.mono_ns),
               CWAKU_EINVAL);
  static uint8_t big[200 * 1024];
  cwaku_message_init(&m, "/app/1/chat/proto", big, sizeof big);
  CHECK(cwaku_relay_publish(a.relay, TOPIC, &m, &peers, clk.mono_ns) ==
        CWAKU_ETOOBIG);
  pump(links, 2);
  CHECK_EQ_INT(c.got, 2);

  /* Three 100 KiB messages: each RPC spans several Noise frames, so it
   * is reassembled from several reads on B and C. */
  static uint8_t large[100 * 1024];
  for (int k = 0; k < 3; k++) {
    memset(large, 'a' + k, sizeof large);
    cwaku_message_init(&m, "/app/1/chat/proto", large, sizeof large);
    m.has_timestamp = true;
    m.timestamp = clk.now_ns;
    CHECK_EQ_INT(cwaku_relay_publish(a.relay, TOPIC, &m, &peers, clk.mono_ns),
                 0);
  }
  pump(links, 2);
  CHECK_EQ_INT(c.got, 5);
  CHECK(c.last_payload[0] == 'c' && c.last_payload[62] == 'c');

  /* B's validators reject what A's did not check: B's score of A falls
   * and C never sees it. A publishes through its router directly. */
  uint8_t *enc;
  size_t enclen;
  cwaku_message_init(&m, "/app/1/chat/proto", (const uint8_t *)"bad", 3);
  CHECK_EQ_INT(cwaku_message_encode(&enc, &enclen, &m, 1 << 20), 0);
  CHECK_EQ_INT(cwaku__gossipsub_publish(cwaku_relay_router(a.relay), TOPIC, enc,
                                        enclen, &peers, clk.mono_ns),
               0);
  free(enc);
  const uint8_t not_waku[] = {0xff, 0xff, 0xff};
  CHECK_EQ_INT(cwaku__gossipsub_publish(cwaku_relay_router(a.relay), TOPIC,
                                        not_waku, sizeof not_waku, &peers,
                                        clk.mono_ns),
               0);
  /* the router sent them; the relay layer must pump them out */
  cwaku_relay_heartbeat(a.relay, clk.mono_ns);
  pump(links, 2);
  CHECK_EQ_INT(c.got, 5);
  struct cwaku_gossipsub_stats st;
  cwaku__gossipsub_stats(cwaku_relay_router(b.relay), &st);
  CHECK_EQ_INT(st.rejected, 2);
  CHECK_EQ_INT(c.got, 5);

  for (int k = 0; k < 2; k++)
    for (int i = 0; i < 2; i++) {
      struct node *n = links[k].node[i];
      cwaku_relay_conn_closed(n->relay, links[k].conn[i], clk.mono_ns);
      cwaku__conn_free(links[k].conn[i]);
    }
  for (int i = 0; i < 3; i++)
    cwaku_relay_free(nodes[i]->relay);
}

/* A peer that does not speak relay: our stream is refused, nothing
 * breaks, and it never joins the router. */
static void test_peer_without_relay(void) {
  static struct node a, x;
  node_init(&a, true);
  node_init(&x, false);
  CHECK_EQ_INT(cwaku_relay_subscribe(a.relay, TOPIC, clk.mono_ns), 0);
  struct link l;
  link_init(&l, &a, &x);
  pump(&l, 1);
  CHECK(l.ready[0] && l.ready[1]);
  CHECK_EQ_INT(cwaku__gossipsub_topic_peers(cwaku_relay_router(a.relay), TOPIC),
               0);
  struct node *nodes[] = {&a};
  heartbeats(nodes, 1, &l, 1, 2);
  CHECK_EQ_INT(cwaku__gossipsub_mesh_size(cwaku_relay_router(a.relay), TOPIC),
               0);
  cwaku_relay_conn_closed(a.relay, l.conn[0], clk.mono_ns);
  cwaku__conn_free(l.conn[0]);
  cwaku__conn_free(l.conn[1]);
  cwaku_relay_free(a.relay);
}

int main(void) {
  cwaku_manual_clock_init(&clk, 1700000000 * (int64_t)S);
  cwaku_seeded_rng_init(&rng, 11);
  test_line();
  test_peer_without_relay();
  return check_summary("test_relay");
}
