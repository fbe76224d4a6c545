/* gossipsub: the RPC codec, the id map and message cache, and the router
 * in networks of engines wired to each other in memory, on a hand-moved
 * clock: mesh degrees, delivery exactly once, gossip repair, fanout,
 * asynchronous validation, IDONTWANT, and the score falling for peers that
 * send invalid or signed messages, flood IHAVE or IWANT, or GRAFT during a
 * backoff. */
#include <math.h>

#include "base/cursor.h"
#include "check.h"
#include "crypto/sha256.h"
#include "p2p/length_prefix.h"
#include "waku/gossipsub.h"
#include "waku/id_map.h"
#include "waku/message_cache.h"
#include "waku/relay_rpc.h"
#include "waku/seen_set.h"

#define S 1000000000ull
#define TOPIC "/waku/2/rs/1/0"

/* ---- codec --------------------------------------------------------------- */

static void test_rpc_message_bytes(void) {
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 1 << 20);
  const uint8_t data[3] = {1, 2, 3};
  cwaku__rpc_put_message(&w, "t", 1, data, 3);
  /* uvarint(10) || RPC{2: Message{2: 010203, 4: "t"}} */
  const uint8_t want[] = {0x0a, 0x12, 0x08, 0x12, 0x03, 1,
                          2,    3,    0x22, 0x01, 't'};
  CHECK_EQ_INT(w.len, sizeof want);
  CHECK_MEM(w.p, want, sizeof want);

  struct cwaku__rpc_reader r;
  struct cwaku__rpc_item it;
  cwaku__rpc_reader_init(&r, w.p + 1, w.len - 1);
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 1);
  CHECK_EQ_INT(it.type, CWAKU__RPC_MESSAGE);
  CHECK(it.has_topic && it.topic.len == 1 && it.topic.p[0] == 't');
  CHECK(it.data.len == 3 && memcmp(it.data.p, data, 3) == 0);
  CHECK(!it.has_from && !it.has_seqno && !it.has_signature && !it.has_key);
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 0);
  cwaku__wbuf_clear(&w);
}

static void test_rpc_control_round_trip(void) {
  struct cwaku__rpc_control c;
  struct cwaku__wbuf w;
  cwaku__rpc_control_init(&c, 1 << 20);
  cwaku__wbuf_init(&w, 1 << 20);
  uint8_t ids[3 * 32];
  for (size_t i = 0; i < sizeof ids; i++)
    ids[i] = (uint8_t)i;
  struct cwaku__span px[2] = {{(const uint8_t *)"AB", 2},
                              {(const uint8_t *)"CDE", 3}};
  cwaku__rpc_control_graft(&c, "g", 1);
  cwaku__rpc_control_prune(&c, "p", 1, 60, px, 2);
  cwaku__rpc_control_ihave(&c, "h", 1, ids, 32, 3);
  cwaku__rpc_control_iwant(&c, ids + 32, 32, 2);
  cwaku__rpc_control_idontwant(&c, ids, 32, 1);
  cwaku__rpc_control_finish(&c, &w);
  CHECK(cwaku__rpc_control_empty(&c));
  cwaku__rpc_put_subscription(&w, "s", 1, true);

  const uint8_t *msg;
  size_t mlen, flen;
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &mlen, &flen, w.p, w.len, 1 << 20), 0);
  struct cwaku__rpc_reader r;
  struct cwaku__rpc_item it;
  struct cwaku__span id;
  cwaku__rpc_reader_init(&r, msg, mlen);
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 1);
  CHECK(it.type == CWAKU__RPC_GRAFT && it.topic.len == 1 &&
        it.topic.p[0] == 'g');
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 1);
  CHECK(it.type == CWAKU__RPC_PRUNE && it.has_backoff && it.backoff_s == 60 &&
        it.n == 2);
  struct cwaku__rpc_list l = it.list;
  CHECK(cwaku__rpc_next_peer(&l, &id) && id.len == 2 && !memcmp(id.p, "AB", 2));
  CHECK(cwaku__rpc_next_peer(&l, &id) && id.len == 3 &&
        !memcmp(id.p, "CDE", 3));
  CHECK(!cwaku__rpc_next_peer(&l, &id));
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 1);
  CHECK(it.type == CWAKU__RPC_IHAVE && it.n == 3 && it.topic.p[0] == 'h');
  l = it.list;
  for (int k = 0; k < 3; k++)
    CHECK(cwaku__rpc_next_id(&l, &id) && id.len == 32 &&
          !memcmp(id.p, ids + 32 * k, 32));
  CHECK(!cwaku__rpc_next_id(&l, &id));
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 1);
  CHECK(it.type == CWAKU__RPC_IWANT && it.n == 2);
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 1);
  CHECK(it.type == CWAKU__RPC_IDONTWANT && it.n == 1);
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 0);

  /* the subscription RPC after it */
  CHECK_EQ_INT(
      cwaku__lp_frame(&msg, &mlen, &flen, w.p + flen, w.len - flen, 1 << 20),
      0);
  cwaku__rpc_reader_init(&r, msg, mlen);
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 1);
  CHECK(it.type == CWAKU__RPC_SUBSCRIPTION && it.subscribe &&
        it.topic.p[0] == 's');
  cwaku__rpc_control_clear(&c);
  cwaku__wbuf_clear(&w);
}

static int decode_all(const uint8_t *p, size_t n) {
  struct cwaku__rpc_reader r;
  struct cwaku__rpc_item it;
  int e;
  cwaku__rpc_reader_init(&r, p, n);
  while ((e = cwaku__rpc_next(&r, &it)) > 0)
    ;
  return e;
}

static void test_rpc_malformed(void) {
  /* unknown fields of every wire type are skipped */
  const uint8_t unknown[] = {0x20, 0x05, 0x2a, 0x01, 0xff, 0x31, 1, 2, 3, 4,
                             5,    6,    7,    8,    0x3d, 1,    2, 3, 4};
  CHECK_EQ_INT(decode_all(unknown, sizeof unknown), 0);
  /* publish (2) with a varint wire type */
  const uint8_t wt[] = {0x10, 0x01};
  CHECK_EQ_INT(decode_all(wt, sizeof wt), CWAKU_EMALFORMED);
  /* a length past the end */
  const uint8_t trunc[] = {0x12, 0x05, 0x12, 0x01};
  CHECK_EQ_INT(decode_all(trunc, sizeof trunc), CWAKU_ETRUNC);
  /* a Message whose data field runs past the Message */
  const uint8_t inner[] = {0x12, 0x02, 0x12, 0x05};
  CHECK_EQ_INT(decode_all(inner, sizeof inner), CWAKU_EMALFORMED);
  /* field number 0, and a group */
  const uint8_t f0[] = {0x02, 0x00};
  CHECK_EQ_INT(decode_all(f0, sizeof f0), CWAKU_EMALFORMED);
  const uint8_t grp[] = {0x1a, 0x02, 0x0b, 0x0c};
  CHECK_EQ_INT(decode_all(grp, sizeof grp), CWAKU_EMALFORMED);
  /* IHAVE with a malformed id list inside the control message */
  const uint8_t ihave[] = {0x1a, 0x04, 0x0a, 0x02, 0x12, 0x09};
  CHECK_EQ_INT(decode_all(ihave, sizeof ihave), CWAKU_EMALFORMED);
  /* the fields StrictNoSign forbids are reported, even empty */
  const uint8_t signed_msg[] = {0x12, 0x06, 0x0a, 0x00, 0x1a, 0x00, 0x2a, 0x00};
  struct cwaku__rpc_reader r;
  struct cwaku__rpc_item it;
  cwaku__rpc_reader_init(&r, signed_msg, sizeof signed_msg);
  CHECK_EQ_INT(cwaku__rpc_next(&r, &it), 1);
  CHECK(it.has_from && it.has_seqno && it.has_signature && !it.has_key);
}

/* ---- id map and message cache ------------------------------------------- */

static void test_id_map(void) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 7);
  struct cwaku__id_map m;
  cwaku__id_map_init(&m, &rng.rng);
  enum { N = 3000 };
  static uint8_t ids[N][32];
  static bool in[N];
  for (int i = 0; i < N; i++)
    cwaku__sha256(ids[i], &i, sizeof i);
  /* random puts and removes, checked against a plain array */
  for (int step = 0; step < 40000; step++) {
    uint32_t r;
    cwaku_random(&rng.rng, &r, sizeof r);
    int i = (int)(r % N);
    if (r & 0x80000000u) {
      void *v = cwaku__id_map_remove(&m, ids[i]);
      CHECK((v != NULL) == in[i]);
      in[i] = false;
    } else {
      CHECK_EQ_INT(cwaku__id_map_put(&m, ids[i], (void *)(uintptr_t)(i + 1)),
                   0);
      in[i] = true;
    }
  }
  size_t n = 0;
  int wrong = 0;
  for (int i = 0; i < N; i++) {
    void *v = cwaku__id_map_get(&m, ids[i]);
    n += in[i];
    if (in[i] ? v != (void *)(uintptr_t)(i + 1) : v != NULL)
      wrong++;
  }
  CHECK_EQ_INT(wrong, 0);
  CHECK_EQ_INT(m.n, n);
  cwaku__id_map_clear(&m);
}

static void test_message_cache(void) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 8);
  struct cwaku__mcache mc;
  CHECK_EQ_INT(cwaku__mcache_init(&mc, 3, 2, 0, &rng.rng), 0);
  uint8_t id[4][32], out[8 * 32];
  for (int i = 0; i < 4; i++) {
    memset(id[i], i + 1, 32);
    CHECK_EQ_INT(cwaku__mcache_put(&mc, id[i], i == 1 ? 7 : 5, id[i], 32), 0);
    cwaku__mcache_shift(&mc);
  }
  /* history 3: after the last shift the windows hold nothing (new), the
   * fourth and the third message; gossip 2 windows: the fourth */
  CHECK(cwaku__mcache_get(&mc, id[0]) == NULL);
  CHECK(cwaku__mcache_get(&mc, id[1]) == NULL);
  CHECK(cwaku__mcache_get(&mc, id[2]) != NULL);
  CHECK_EQ_INT(cwaku__mcache_gossip_ids(&mc, 5, out, 8), 1);
  CHECK_MEM(out, id[3], 32);
  struct cwaku__mcache_entry *e = cwaku__mcache_get(&mc, id[3]);
  int p1, p2;
  CHECK(e && cwaku__mcache_tx(e, &p1, 2) && cwaku__mcache_tx(e, &p1, 2));
  CHECK(!cwaku__mcache_tx(e, &p1, 2));
  CHECK(cwaku__mcache_tx(e, &p2, 2));
  cwaku__mcache_clear(&mc);
}

/* Memory caps: the cache drops its oldest messages past max_bytes, the
 * seen set turns over early once a generation holds max ids. */
static void test_caps(void) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 9);
  struct cwaku__mcache mc;
  CHECK_EQ_INT(cwaku__mcache_init(&mc, 6, 3, 100, &rng.rng), 0);
  uint8_t id[6][32], out[8 * 32];
  for (int i = 0; i < 6; i++) {
    memset(id[i], 0x10 + i, 32);
    CHECK_EQ_INT(cwaku__mcache_put(&mc, id[i], 1, id[i], 32), 0);
    if (i == 2)
      cwaku__mcache_shift(&mc);
  }
  CHECK(mc.bytes <= 100);
  CHECK(cwaku__mcache_get(&mc, id[0]) == NULL);
  CHECK(cwaku__mcache_get(&mc, id[2]) == NULL);
  CHECK(cwaku__mcache_get(&mc, id[3]) != NULL);
  CHECK(cwaku__mcache_get(&mc, id[5]) != NULL);
  CHECK_EQ_INT(cwaku__mcache_gossip_ids(&mc, 1, out, 8), 3);
  cwaku__mcache_clear(&mc);

  struct cwaku__seen_set ss;
  cwaku__seen_init(&ss, 120 * S, 4, &rng.rng);
  uint8_t ids[9][32];
  for (int i = 0; i < 9; i++)
    cwaku__sha256(ids[i], &i, sizeof i);
  for (int i = 0; i < 5; i++)
    CHECK(cwaku__seen_add(&ss, ids[i], S));
  for (int i = 0; i < 5; i++)
    CHECK(cwaku__seen_has(&ss, ids[i])); /* four in the old generation */
  for (int i = 5; i < 9; i++)
    CHECK(cwaku__seen_add(&ss, ids[i], S));
  CHECK(!cwaku__seen_has(&ss, ids[0]) && !cwaku__seen_has(&ss, ids[3]));
  CHECK(cwaku__seen_has(&ss, ids[4]) && cwaku__seen_has(&ss, ids[8]));
  /* and the TTL: two ticks later nothing is left */
  cwaku__seen_tick(&ss, 200 * S);
  cwaku__seen_tick(&ss, 400 * S);
  CHECK(!cwaku__seen_has(&ss, ids[8]));
  cwaku__seen_clear(&ss);
}

/* ---- a network of routers in memory ---------------------------------------
 */

#define MAX_NODES 40
#define MAX_LINKS 16
#define MAX_SEEN 2100

struct node;

struct link {
  struct node *remote;
  struct cwaku__gossipsub_peer *peer; /* our handle for the remote */
  int back;                           /* index of the link at the remote */
};

struct node {
  int idx;
  struct cwaku__gossipsub *g;
  struct cwaku_seeded_rng rng;
  struct link links[MAX_LINKS];
  int n_links;
  /* what the application got: count per message number */
  uint16_t got[MAX_SEEN];
  int delivered;
  int disconnects;
  struct cwaku__gossipsub_peer *disconnected;
  enum cwaku_gossipsub_validation verdict; /* what validate answers */
  uint8_t last_id[32];
};

struct net {
  struct node nodes[MAX_NODES];
  int n;
  uint64_t now;
};

static enum cwaku_gossipsub_validation validate_cb(void *arg, const char *topic,
                                                   const uint8_t *data,
                                                   size_t len,
                                                   const uint8_t *id) {
  struct node *nd = arg;
  memcpy(nd->last_id, id, 32);
  if (len >= 1 && data[0] == 'X') /* the tests' invalid messages */
    return CWAKU_GOSSIPSUB_REJECT;
  return nd->verdict;
}

static void deliver_cb(void *arg, const char *topic, const uint8_t *data,
                       size_t len, const uint8_t *id,
                       struct cwaku__gossipsub_peer *from) {
  struct node *nd = arg;
  nd->delivered++;
  if (len >= 2) {
    unsigned k = (unsigned)data[0] << 8 | data[1];
    if (k < MAX_SEEN)
      nd->got[k]++;
  }
}

static void disconnect_cb(void *arg, struct cwaku__gossipsub_peer *p) {
  struct node *nd = arg;
  nd->disconnects++;
  nd->disconnected = p;
}

static void net_init(struct net *net, int n,
                     const struct cwaku_gossipsub_params *params) {
  memset(net, 0, sizeof *net);
  net->n = n;
  net->now = 1000 * S;
  for (int i = 0; i < n; i++) {
    struct node *nd = &net->nodes[i];
    nd->idx = i;
    nd->verdict = CWAKU_GOSSIPSUB_ACCEPT;
    cwaku_seeded_rng_init(&nd->rng, 100 + (uint64_t)i);
    struct cwaku_gossipsub_callbacks cb = {
        .validate = validate_cb,
        .deliver = deliver_cb,
        .disconnect = disconnect_cb,
        .arg = nd,
    };
    CHECK_EQ_INT(cwaku__gossipsub_new(&nd->g, params, &cb, &nd->rng.rng), 0);
  }
}

static void net_free(struct net *net) {
  for (int i = 0; i < net->n; i++)
    cwaku__gossipsub_free(net->nodes[i].g);
}

static cwaku_peer_id peer_id_of(int i) {
  cwaku_peer_id id = {.len = 6};
  memcpy(id.data, "\x00\x04node", 6);
  id.data[5] = (uint8_t)('A' + i);
  id.len = 6;
  id.data[2] = (uint8_t)i;
  return id;
}

static bool linked(const struct node *a, const struct node *b) {
  for (int k = 0; k < a->n_links; k++)
    if (a->links[k].remote == b)
      return true;
  return false;
}

/* a dials b; ip_a is the address b sees */
static void net_link(struct net *net, int a, int b, uint8_t ip_last) {
  struct node *na = &net->nodes[a], *nb = &net->nodes[b];
  if (a == b || linked(na, nb) || na->n_links == MAX_LINKS ||
      nb->n_links == MAX_LINKS)
    return;
  struct link *la = &na->links[na->n_links], *lb = &nb->links[nb->n_links];
  cwaku_peer_id ida = peer_id_of(a), idb = peer_id_of(b);
  uint8_t ipa[4] = {10, 0, 0, ip_last ? ip_last : (uint8_t)(a + 1)};
  uint8_t ipb[4] = {10, 0, 0, (uint8_t)(b + 1)};
  CHECK_EQ_INT(cwaku__gossipsub_add_peer(na->g, &la->peer, &idb, true, ipb, 4,
                                         la, net->now),
               0);
  CHECK_EQ_INT(cwaku__gossipsub_add_peer(nb->g, &lb->peer, &ida, false, ipa, 4,
                                         lb, net->now),
               0);
  la->remote = nb;
  la->back = nb->n_links;
  lb->remote = na;
  lb->back = na->n_links;
  na->n_links++;
  nb->n_links++;
}

static void net_unlink(struct net *net, struct node *a, int k) {
  struct link *la = &a->links[k];
  struct node *b = la->remote;
  struct link *lb = &b->links[la->back];
  cwaku__gossipsub_remove_peer(a->g, la->peer, net->now);
  cwaku__gossipsub_remove_peer(b->g, lb->peer, net->now);
  la->remote = NULL;
  lb->remote = NULL;
}

/* Moves every queued RPC to its receiver until all is quiet. */
static void net_pump(struct net *net) {
  for (bool moved = true; moved;) {
    moved = false;
    for (int i = 0; i < net->n; i++) {
      struct node *nd = &net->nodes[i];
      struct cwaku__gossipsub_peer *p;
      while ((p = cwaku__gossipsub_next_pending(nd->g))) {
        struct link *l = cwaku__gossipsub_peer_arg(p);
        const uint8_t *out;
        size_t len;
        cwaku__gossipsub_output(p, &out, &len);
        /* copy: the receiver's answers may grow our buffer */
        uint8_t *copy = malloc(len);
        memcpy(copy, out, len);
        cwaku__gossipsub_output_consumed(nd->g, p, len);
        moved = true;
        if (!l || !l->remote)
          continue;
        struct node *r = l->remote;
        struct cwaku__gossipsub_peer *rp = r->links[l->back].peer;
        size_t off = 0;
        while (off < len) {
          const uint8_t *m;
          size_t mlen, flen;
          if (cwaku__lp_frame(&m, &mlen, &flen, copy + off, len - off,
                              1 << 24) != 0) {
            CHECK(0);
            break;
          }
          cwaku__gossipsub_recv_rpc(r->g, rp, m, mlen, net->now);
          off += flen;
        }
        free(copy);
      }
    }
  }
}

static void net_heartbeats(struct net *net, int n) {
  for (int k = 0; k < n; k++) {
    net->now += S;
    for (int i = 0; i < net->n; i++)
      cwaku__gossipsub_heartbeat(net->nodes[i].g, net->now);
    net_pump(net);
  }
}

static void publish(struct net *net, int from, unsigned k, size_t size) {
  uint8_t data[2048];
  memset(data, 0x55, sizeof data);
  data[0] = (uint8_t)(k >> 8);
  data[1] = (uint8_t)k;
  size_t peers;
  CHECK_EQ_INT(cwaku__gossipsub_publish(net->nodes[from].g, TOPIC, data, size,
                                        &peers, net->now),
               0);
}

static void subscribe_all(struct net *net) {
  for (int i = 0; i < net->n; i++)
    CHECK_EQ_INT(cwaku__gossipsub_subscribe(net->nodes[i].g, TOPIC, net->now),
                 0);
  net_pump(net);
}

static uint32_t draw(struct cwaku_seeded_rng *r, uint32_t bound) {
  uint32_t v;
  cwaku_random(&r->rng, &v, sizeof v);
  return v % bound;
}

/* 30 routers, each dialing 4 random others: meshes settle within
 * [D_low, D_high] and 1000 messages reach every application once. */
static void test_network_delivery(void) {
  struct cwaku_gossipsub_params params;
  cwaku_gossipsub_params_default(&params);
  static struct net net;
  net_init(&net, 30, &params);
  struct cwaku_seeded_rng topo;
  cwaku_seeded_rng_init(&topo, 42);
  for (int i = 0; i < net.n; i++) {
    net_link(&net, i, (i + 1) % net.n, 0); /* a ring keeps it connected */
    for (int k = 0; k < 4; k++)
      net_link(&net, i, (int)draw(&topo, (uint32_t)net.n), 0);
  }
  subscribe_all(&net);
  net_heartbeats(&net, 5);
  int out_of_range = 0;
  for (int i = 0; i < net.n; i++) {
    size_t m = cwaku__gossipsub_mesh_size(net.nodes[i].g, TOPIC);
    size_t have = cwaku__gossipsub_topic_peers(net.nodes[i].g, TOPIC);
    size_t low = have < params.d_low ? have : params.d_low;
    if (m < low || m > params.d_high) {
      out_of_range++;
      printf("node %d: mesh %zu of %zu topic peers\n", i, m, have);
    }
  }
  CHECK_EQ_INT(out_of_range, 0);
  for (unsigned k = 0; k < 1000; k++) {
    publish(&net, (int)(k % (unsigned)net.n), k, 100);
    net_pump(&net);
    if (k % 100 == 99)
      net_heartbeats(&net, 1);
  }
  int missing = 0, twice = 0;
  uint64_t dups = 0;
  for (int i = 0; i < net.n; i++) {
    for (unsigned k = 0; k < 1000; k++) {
      missing += net.nodes[i].got[k] == 0;
      twice += net.nodes[i].got[k] > 1;
    }
    struct cwaku_gossipsub_stats st;
    cwaku__gossipsub_stats(net.nodes[i].g, &st);
    dups += st.duplicates;
  }
  CHECK_EQ_INT(missing, 0);
  CHECK_EQ_INT(twice, 0);
  printf("30 routers, 1000 messages: %.2f duplicates received per message "
         "per node\n",
         (double)dups / 1000.0 / net.n);
  net_free(&net);
}

/* With meshes of one (d = 1) on a star, a node outside the centre's mesh
 * only gets messages through IHAVE/IWANT. */
static void test_gossip_repair(void) {
  struct cwaku_gossipsub_params params;
  cwaku_gossipsub_params_default(&params);
  params.d = params.d_low = params.d_high = params.d_score = 1;
  params.d_out = 0;
  params.d_lazy = 6;
  params.flood_publish = false;
  static struct net net;
  net_init(&net, 4, &params);
  for (int i = 1; i < 4; i++)
    net_link(&net, 0, i, 0);
  subscribe_all(&net);
  net_heartbeats(&net, 3);
  publish(&net, 0, 1, 64);
  net_pump(&net);
  int direct = 0;
  for (int i = 1; i < 4; i++)
    direct += net.nodes[i].got[1];
  CHECK_EQ_INT(direct, 1); /* only the one mesh peer */
  net_heartbeats(&net, 1); /* IHAVE, IWANT, the message */
  for (int i = 1; i < 4; i++)
    CHECK_EQ_INT(net.nodes[i].got[1], 1);
  struct cwaku_gossipsub_stats st;
  cwaku__gossipsub_stats(net.nodes[0].g, &st);
  CHECK(st.ihave_sent >= 2);
  net_free(&net);
}

/* Without flood publishing, a publisher outside the topic sends to at most
 * d fanout peers, the same ones each time. */
static void test_fanout(void) {
  struct cwaku_gossipsub_params params;
  cwaku_gossipsub_params_default(&params);
  params.flood_publish = false;
  params.d = 3;
  params.d_low = 2;
  params.d_out = 1;
  params.d_score = 2;
  static struct net net;
  net_init(&net, 8, &params);
  for (int i = 1; i < 8; i++)
    net_link(&net, 0, i, 0);
  for (int i = 1; i < 8; i++)
    CHECK_EQ_INT(cwaku__gossipsub_subscribe(net.nodes[i].g, TOPIC, net.now), 0);
  net_pump(&net);
  size_t peers = 0;
  uint8_t data[4] = {0, 9, 0, 0};
  CHECK_EQ_INT(
      cwaku__gossipsub_publish(net.nodes[0].g, TOPIC, data, 4, &peers, net.now),
      0);
  CHECK_EQ_INT(peers, 3);
  data[1] = 10;
  CHECK_EQ_INT(
      cwaku__gossipsub_publish(net.nodes[0].g, TOPIC, data, 4, &peers, net.now),
      0);
  net_pump(&net);
  int both = 0;
  for (int i = 1; i < 8; i++)
    both += net.nodes[i].got[9] && net.nodes[i].got[10];
  CHECK_EQ_INT(both, 3);
  /* the same message again is refused */
  CHECK_EQ_INT(
      cwaku__gossipsub_publish(net.nodes[0].g, TOPIC, data, 4, &peers, net.now),
      CWAKU_EINVAL);
  net_free(&net);
}

/* A validator that answers later: nothing moves until it does. */
static void test_pending_validation(void) {
  struct cwaku_gossipsub_params params;
  cwaku_gossipsub_params_default(&params);
  static struct net net;
  net_init(&net, 3, &params);
  net_link(&net, 0, 1, 0);
  net_link(&net, 1, 2, 0);
  subscribe_all(&net);
  net_heartbeats(&net, 2);
  net.nodes[1].verdict = CWAKU_GOSSIPSUB_PENDING;
  publish(&net, 0, 5, 32);
  net_pump(&net);
  CHECK_EQ_INT(net.nodes[1].got[5], 0);
  CHECK_EQ_INT(net.nodes[2].got[5], 0);
  cwaku__gossipsub_report(net.nodes[1].g, net.nodes[1].last_id,
                          CWAKU_GOSSIPSUB_ACCEPT, net.now);
  net_pump(&net);
  CHECK_EQ_INT(net.nodes[1].got[5], 1);
  CHECK_EQ_INT(net.nodes[2].got[5], 1);
  /* a rejection afterwards counts against the sender */
  publish(&net, 0, 6, 32);
  net_pump(&net);
  cwaku__gossipsub_report(net.nodes[1].g, net.nodes[1].last_id,
                          CWAKU_GOSSIPSUB_REJECT, net.now);
  CHECK(cwaku__gossipsub_peer_score(net.nodes[1].links[0].peer) < 0);
  CHECK_EQ_INT(net.nodes[2].got[6], 0);
  net_free(&net);
}

/* IDONTWANT: a peer that said it has a message is not sent it. */
static void test_idontwant(void) {
  struct cwaku_gossipsub_params params;
  cwaku_gossipsub_params_default(&params);
  static struct net net;
  net_init(&net, 3, &params);
  net_link(&net, 0, 1, 0);
  net_link(&net, 1, 2, 0);
  net_link(&net, 0, 2, 0);
  subscribe_all(&net);
  net_heartbeats(&net, 2);
  /* node 2 tells node 1 it does not want the id of message 7 */
  uint8_t data[1000];
  memset(data, 0x11, sizeof data);
  data[0] = 0;
  data[1] = 7;
  uint8_t id[32];
  cwaku__sha256(id, data, sizeof data);
  struct cwaku__rpc_control c;
  struct cwaku__wbuf w;
  cwaku__rpc_control_init(&c, 1 << 20);
  cwaku__wbuf_init(&w, 1 << 20);
  cwaku__rpc_control_idontwant(&c, id, 32, 1);
  cwaku__rpc_control_finish(&c, &w);
  cwaku__gossipsub_recv_rpc(net.nodes[1].g, net.nodes[1].links[1].peer, w.p + 1,
                            w.len - 1, net.now);
  /* node 0 publishes to 1 and 2; 1 must not forward to 2 */
  size_t peers;
  CHECK_EQ_INT(cwaku__gossipsub_publish(net.nodes[0].g, TOPIC, data,
                                        sizeof data, &peers, net.now),
               0);
  net_pump(&net);
  struct cwaku_gossipsub_stats st;
  cwaku__gossipsub_stats(net.nodes[2].g, &st);
  CHECK_EQ_INT(st.duplicates, 0);
  CHECK_EQ_INT(net.nodes[2].got[7], 1);
  cwaku__rpc_control_clear(&c);
  cwaku__wbuf_clear(&w);
  net_free(&net);
}

/* Peer exchange: leaving a topic PRUNEs the mesh with other peers' ids,
 * which the receivers hand to the node (with enable_px). */
static int px_seen;
static uint8_t px_last[64];
static void px_cb(void *arg, const uint8_t *id, size_t len) {
  px_seen++;
  memcpy(px_last, id, len < 64 ? len : 64);
}

static void test_peer_exchange(void) {
  struct cwaku_gossipsub_params params;
  cwaku_gossipsub_params_default(&params);
  params.enable_px = true;
  static struct net net;
  net_init(&net, 5, &params);
  for (int i = 1; i < 5; i++)
    net_link(&net, 0, i, 0);
  subscribe_all(&net);
  net_heartbeats(&net, 2);
  /* (used below by a router that takes PX) */
  struct cwaku_gossipsub_callbacks cb = {.validate = validate_cb,
                                         .deliver = deliver_cb,
                                         .px_peer = px_cb,
                                         .arg = NULL};
  CHECK(cwaku__gossipsub_in_mesh(net.nodes[0].g, TOPIC,
                                 net.nodes[0].links[0].peer));
  px_seen = 0;
  /* node 0 leaves: its PRUNE to node 1 lists nodes 2..4 */
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 1 << 20);
  CHECK_EQ_INT(cwaku__gossipsub_unsubscribe(net.nodes[0].g, TOPIC, net.now), 0);
  struct cwaku__gossipsub_peer *p = NULL;
  const uint8_t *out;
  size_t len;
  int prunes_with_px = 0;
  while ((p = cwaku__gossipsub_next_pending(net.nodes[0].g))) {
    cwaku__gossipsub_output(p, &out, &len);
    size_t off = 0;
    while (off < len) {
      const uint8_t *m;
      size_t mlen, flen;
      if (cwaku__lp_frame(&m, &mlen, &flen, out + off, len - off, 1 << 24))
        break;
      struct cwaku__rpc_reader r;
      struct cwaku__rpc_item it;
      cwaku__rpc_reader_init(&r, m, mlen);
      while (cwaku__rpc_next(&r, &it) > 0)
        if (it.type == CWAKU__RPC_PRUNE && it.n == 3 && it.has_backoff &&
            it.backoff_s == 5)
          prunes_with_px++;
      off += flen;
    }
    cwaku__gossipsub_output_consumed(net.nodes[0].g, p, len);
  }
  CHECK_EQ_INT(prunes_with_px, 4);
  cwaku__wbuf_clear(&w);
  net_free(&net);

  /* the receiving side: a router with px_peer gets the ids */
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 3);
  struct cwaku__gossipsub *g;
  CHECK_EQ_INT(cwaku__gossipsub_new(&g, &params, &cb, &rng.rng), 0);
  cwaku_peer_id id = peer_id_of(9);
  struct cwaku__gossipsub_peer *q;
  CHECK_EQ_INT(
      cwaku__gossipsub_add_peer(g, &q, &id, true, NULL, 0, NULL, 1000 * S), 0);
  CHECK_EQ_INT(cwaku__gossipsub_subscribe(g, TOPIC, 1000 * S), 0);
  struct cwaku__rpc_control c;
  cwaku__rpc_control_init(&c, 1 << 20);
  cwaku__wbuf_init(&w, 1 << 20);
  struct cwaku__span px[2] = {{(const uint8_t *)"peer-one", 8},
                              {(const uint8_t *)"peer-two", 8}};
  cwaku__rpc_control_prune(&c, TOPIC, strlen(TOPIC), 60, px, 2);
  cwaku__rpc_control_finish(&c, &w);
  CHECK_EQ_INT(cwaku__gossipsub_recv_rpc(g, q, w.p + 1, w.len - 1, 1000 * S),
               0);
  CHECK_EQ_INT(px_seen, 2);
  CHECK_MEM(px_last, "peer-two", 8);
  cwaku__rpc_control_clear(&c);
  cwaku__wbuf_clear(&w);
  cwaku__gossipsub_free(g);
}

/* ---- misbehaviour ---------------------------------------------------------
 */

static void raw_rpc(struct net *net, int to, int link, struct cwaku__wbuf *w) {
  const uint8_t *m;
  size_t mlen, flen, off = 0;
  while (off < w->len && cwaku__lp_frame(&m, &mlen, &flen, w->p + off,
                                         w->len - off, 1 << 24) == 0) {
    cwaku__gossipsub_recv_rpc(net->nodes[to].g, net->nodes[to].links[link].peer,
                              m, mlen, net->now);
    off += flen;
  }
  cwaku__wbuf_reset(w);
}

/* A network of 6 honest routers and node 6 misbehaving towards node 0;
 * honest traffic must keep flowing. */
static void misbehaviour_net(struct net *net) {
  struct cwaku_gossipsub_params params;
  cwaku_gossipsub_params_default(&params);
  net_init(net, 7, &params);
  for (int i = 0; i < 6; i++)
    for (int k = 1; k <= 2; k++)
      net_link(net, i, (i + k) % 6, 0);
  net_link(net, 6, 0, 0); /* node 0's link 4 (inbound) */
  subscribe_all(net);
  net_heartbeats(net, 3);
}

static struct cwaku__gossipsub_peer *bad_peer(struct net *net) {
  struct node *n0 = &net->nodes[0];
  for (int k = 0; k < n0->n_links; k++)
    if (n0->links[k].remote == &net->nodes[6])
      return n0->links[k].peer;
  return NULL;
}

static int bad_link(struct net *net) {
  struct node *n0 = &net->nodes[0];
  for (int k = 0; k < n0->n_links; k++)
    if (n0->links[k].remote == &net->nodes[6])
      return k;
  return -1;
}

static void honest_traffic_flows(struct net *net, unsigned base) {
  for (unsigned k = base; k < base + 20; k++) {
    publish(net, (int)(k % 6), k, 64);
    net_pump(net);
  }
  int missing = 0;
  for (int i = 0; i < 6; i++)
    for (unsigned k = base; k < base + 20; k++)
      missing += net->nodes[i].got[k] != 1;
  CHECK_EQ_INT(missing, 0);
}

static void test_invalid_messages(void) {
  static struct net net;
  misbehaviour_net(&net);
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 1 << 20);
  int link = bad_link(&net);
  for (int i = 0; i < 12; i++) {
    uint8_t bad[8] = {'X', (uint8_t)i};
    cwaku__rpc_put_message(&w, TOPIC, strlen(TOPIC), bad, sizeof bad);
    raw_rpc(&net, 0, link, &w);
  }
  double s = cwaku__gossipsub_peer_score(bad_peer(&net));
  CHECK(s <= -10000); /* 12 invalid: 144 x -100 */
  net_heartbeats(&net, 1);
  CHECK_EQ_INT(net.nodes[0].disconnects, 1);
  CHECK(net.nodes[0].disconnected == bad_peer(&net));
  /* graylisted: its RPCs are ignored, valid ones too */
  uint8_t good[8] = {0x07, 0xd0};
  cwaku__rpc_put_message(&w, TOPIC, strlen(TOPIC), good, sizeof good);
  raw_rpc(&net, 0, link, &w);
  struct cwaku_gossipsub_stats st;
  cwaku__gossipsub_stats(net.nodes[0].g, &st);
  CHECK(st.graylisted_rpcs >= 1);
  CHECK_EQ_INT(net.nodes[0].got[2000], 0);
  honest_traffic_flows(&net, 100);
  cwaku__wbuf_clear(&w);
  net_free(&net);
}

/* StrictNoSign: a message with from/seqno/signature is rejected and
 * costs the sender like an invalid one. */
static void test_signed_message_rejected(void) {
  static struct net net;
  misbehaviour_net(&net);
  /* RPC{publish: Message{from: "x", data: 0x0102, topic}} */
  uint8_t rpc[64];
  size_t tl = strlen(TOPIC), n = 0;
  rpc[n++] = 0x12;
  rpc[n++] = (uint8_t)(3 + 4 + 2 + tl);
  rpc[n++] = 0x0a, rpc[n++] = 1, rpc[n++] = 'x';
  rpc[n++] = 0x12, rpc[n++] = 2, rpc[n++] = 0x01, rpc[n++] = 0x02;
  rpc[n++] = 0x22, rpc[n++] = (uint8_t)tl;
  memcpy(rpc + n, TOPIC, tl);
  n += tl;
  cwaku__gossipsub_recv_rpc(net.nodes[0].g, bad_peer(&net), rpc, n, net.now);
  CHECK_EQ_INT(net.nodes[0].delivered, 0);
  CHECK(cwaku__gossipsub_peer_score(bad_peer(&net)) < -99);
  net_free(&net);
}

/* IHAVE floods of made-up ids: one IWANT (and promise) per IHAVE up to
 * max_ihave_messages a heartbeat; the broken promises add up to a
 * graylisting within a few seconds. */
static void test_ihave_flood(void) {
  static struct net net;
  misbehaviour_net(&net);
  struct cwaku__rpc_control c;
  struct cwaku__wbuf w;
  cwaku__rpc_control_init(&c, 1 << 24);
  cwaku__wbuf_init(&w, 1 << 24);
  int link = bad_link(&net);
  static uint8_t ids[100 * 32];
  uint32_t ctr = 0;
  for (int beat = 0; beat < 8; beat++) {
    for (int k = 0; k < 50; k++) { /* 50 IHAVEs of 100 fresh ids */
      for (int i = 0; i < 100; i++) {
        ctr++;
        cwaku__sha256(ids + 32 * i, &ctr, sizeof ctr);
      }
      cwaku__rpc_control_ihave(&c, TOPIC, strlen(TOPIC), ids, 32, 100);
      cwaku__rpc_control_finish(&c, &w);
      raw_rpc(&net, 0, link, &w);
    }
    net_heartbeats(&net, 1);
  }
  struct cwaku_gossipsub_stats st;
  cwaku__gossipsub_stats(net.nodes[0].g, &st);
  /* heeded: at most 10 IHAVEs a heartbeat */
  CHECK(st.iwant_sent <= 8 * 10 + 10);
  printf("IHAVE flood: %llu IWANTs, %llu broken promises, score %.0f\n",
         (unsigned long long)st.iwant_sent,
         (unsigned long long)st.broken_promises,
         cwaku__gossipsub_peer_score(bad_peer(&net)));
  CHECK(st.broken_promises >= 10);
  CHECK(cwaku__gossipsub_peer_score(bad_peer(&net)) < -10000);
  CHECK_EQ_INT(net.nodes[0].disconnects, 1);
  honest_traffic_flows(&net, 200);
  cwaku__rpc_control_clear(&c);
  cwaku__wbuf_clear(&w);
  net_free(&net);
}

/* IWANT floods: asking again and again for what we have (or never had)
 * is answered at most gossip_retransmission times and costs the asker. */
static void test_iwant_flood(void) {
  static struct net net;
  misbehaviour_net(&net);
  publish(&net, 0, 300, 64);
  net_pump(&net);
  uint8_t id[32];
  uint8_t data[64];
  memset(data, 0x55, sizeof data);
  data[0] = 300 >> 8;
  data[1] = 300 & 0xff;
  cwaku__sha256(id, data, sizeof data);
  struct cwaku__rpc_control c;
  struct cwaku__wbuf w;
  cwaku__rpc_control_init(&c, 1 << 20);
  cwaku__wbuf_init(&w, 1 << 20);
  int link = bad_link(&net);
  for (int k = 0; k < 400; k++) {
    cwaku__rpc_control_iwant(&c, id, 32, 1);
    cwaku__rpc_control_finish(&c, &w);
    raw_rpc(&net, 0, link, &w);
  }
  /* node 6's router saw message 300 at most 1 + 3 times */
  struct cwaku_gossipsub_stats st;
  cwaku__gossipsub_stats(net.nodes[6].g, &st);
  net_pump(&net);
  cwaku__gossipsub_stats(net.nodes[6].g, &st);
  CHECK(st.duplicates <= 3);
  CHECK(cwaku__gossipsub_peer_score(bad_peer(&net)) < -10000);
  honest_traffic_flows(&net, 400);
  cwaku__rpc_control_clear(&c);
  cwaku__wbuf_clear(&w);
  net_free(&net);
}

/* GRAFT during the backoff after a PRUNE: penalized (twice within the
 * flood threshold) and answered with PRUNE. */
static void test_graft_during_backoff(void) {
  static struct net net;
  misbehaviour_net(&net);
  struct cwaku__rpc_control c;
  struct cwaku__wbuf w;
  cwaku__rpc_control_init(&c, 1 << 20);
  cwaku__wbuf_init(&w, 1 << 20);
  int link = bad_link(&net);
  /* node 6 prunes node 0 (starting the backoff at node 0 for node 6) */
  cwaku__rpc_control_prune(&c, TOPIC, strlen(TOPIC), 60, NULL, 0);
  cwaku__rpc_control_finish(&c, &w);
  raw_rpc(&net, 0, link, &w);
  CHECK(!cwaku__gossipsub_in_mesh(net.nodes[0].g, TOPIC, bad_peer(&net)));
  for (int k = 0; k < 40; k++) {
    cwaku__rpc_control_graft(&c, TOPIC, strlen(TOPIC));
    cwaku__rpc_control_finish(&c, &w);
    raw_rpc(&net, 0, link, &w);
    CHECK(!cwaku__gossipsub_in_mesh(net.nodes[0].g, TOPIC, bad_peer(&net)));
  }
  struct cwaku_gossipsub_stats st;
  cwaku__gossipsub_stats(net.nodes[0].g, &st);
  /* two points a GRAFT: graylisted (P7 = 32^2 x -10) after 16, whose
   * RPCs are ignored from then on */
  CHECK(st.prune_sent >= 16);
  CHECK(st.graylisted_rpcs >= 20);
  CHECK(cwaku__gossipsub_peer_score(bad_peer(&net)) < -10000);
  net_heartbeats(&net, 1);
  CHECK_EQ_INT(net.nodes[0].disconnects, 1);
  honest_traffic_flows(&net, 500);
  cwaku__rpc_control_clear(&c);
  cwaku__wbuf_clear(&w);
  net_free(&net);
}

/* A malformed RPC is dropped whole: the subscription in front of the
 * broken part does not take effect. */
static void test_malformed_rpc_dropped(void) {
  static struct net net;
  misbehaviour_net(&net);
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 1 << 20);
  cwaku__rpc_put_subscription(&w, "/other", 6, true);
  uint8_t rpc[64];
  size_t n = w.len - 1;
  memcpy(rpc, w.p + 1, n);
  rpc[n++] = 0x12, rpc[n++] = 0x05; /* a truncated Message */
  CHECK(cwaku__gossipsub_recv_rpc(net.nodes[0].g, bad_peer(&net), rpc, n,
                                  net.now) < 0);
  CHECK_EQ_INT(cwaku__gossipsub_topic_peers(net.nodes[0].g, "/other"), 0);
  cwaku__wbuf_clear(&w);
  net_free(&net);
}

/* A peer leaving and coming back keeps its bad score (retain_score). */
static void test_score_retained(void) {
  static struct net net;
  misbehaviour_net(&net);
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 1 << 20);
  int link = bad_link(&net);
  uint8_t bad[4] = {'X'};
  cwaku__rpc_put_message(&w, TOPIC, strlen(TOPIC), bad, sizeof bad);
  raw_rpc(&net, 0, link, &w);
  double before = cwaku__gossipsub_peer_score(bad_peer(&net));
  CHECK(before < 0);
  net_unlink(&net, &net.nodes[0], link);
  cwaku_peer_id id6 = peer_id_of(6);
  struct cwaku__gossipsub_peer *again;
  CHECK_EQ_INT(cwaku__gossipsub_add_peer(net.nodes[0].g, &again, &id6, false,
                                         NULL, 0, NULL, net.now),
               0);
  /* P4 stays; P1 and P2 went with the connection */
  CHECK(cwaku__gossipsub_peer_score(again) < -99);
  cwaku__gossipsub_remove_peer(net.nodes[0].g, again, net.now);
  cwaku__wbuf_clear(&w);
  net_free(&net);
}

int main(void) {
  test_rpc_message_bytes();
  test_rpc_control_round_trip();
  test_rpc_malformed();
  test_id_map();
  test_message_cache();
  test_caps();
  test_network_delivery();
  test_gossip_repair();
  test_fanout();
  test_pending_validation();
  test_idontwant();
  test_peer_exchange();
  test_invalid_messages();
  test_signed_message_rejected();
  test_ihave_flood();
  test_iwant_flood();
  test_graft_during_backoff();
  test_malformed_rpc_dropped();
  test_score_retained();
  return check_summary("test_gossipsub");
}
