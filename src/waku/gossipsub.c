#include "gossipsub.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "id_map.h"
#include "message_cache.h"
#include "relay_rpc.h"
#include "seen_set.h"

#define NS_PER_S 1000000000ull
/* Peers whose scores we keep after they left (go-libp2p keeps them all;
 * a cap stops identities made up by the thousand from costing memory). */
#define MAX_RETAINED 1024
/* Messages waiting for an asynchronous validator. */
#define MAX_PENDING 4096
/* IWANT promises we track at once. */
#define MAX_PROMISES 4096
/* Subscription entries we read from one RPC; more cost a penalty
 * (nim-libp2p's topicsHigh rule). */
#define MAX_RPC_SUBSCRIPTIONS 1024
/* IDONTWANT ids we keep per peer (a generation); more are ignored. */
#define MAX_DONTWANT 4096
/* gossipsub-v1.2.md: IDONTWANT only for messages larger than this (nim:
 * ten message ids), and kept for about three heartbeats (two generations
 * of two). */
#define IDONTWANT_MIN_BYTES (10 * CWAKU_GOSSIPSUB_ID_BYTES)
#define DONTWANT_GENERATION_HEARTBEATS 2

struct plist {
  struct cwaku__gossipsub_peer **v;
  size_t n, cap;
};

struct backoff {
  cwaku_peer_id id;
  uint64_t until_ns;
};

struct topic {
  bool used;
  bool subscribed;
  size_t len;
  char name[CWAKU_GOSSIPSUB_TOPIC_MAX + 1];
  struct plist peers; /* connected peers subscribed to it */
  struct plist mesh;
  struct plist fanout;
  uint64_t fanout_last_pub_ns; /* 0: no fanout */
  struct backoff *backoff;
  size_t n_backoff, cap_backoff;
};

/* Per peer and topic counters for the score (gossipsub-v1.1.md §Topic
 * Parameter Calculation). */
struct topic_stats {
  uint32_t topic;
  bool in_mesh;
  uint64_t graft_ns;
  double first_deliveries;   /* P2 */
  double invalid_deliveries; /* P4 */
};

struct cwaku__gossipsub_peer {
  cwaku_peer_id id;
  void *arg;
  bool connected; /* false: kept only for its score until expire_ns */
  bool outbound;
  bool graylist_reported;
  bool idontwant; /* known to understand IDONTWANT */
  uint64_t expire_ns;
  uint8_t ip[16];
  size_t ip_len;
  uint32_t *topics; /* indices of the topics it subscribes to */
  size_t n_topics, cap_topics;
  struct topic_stats *stats;
  size_t n_stats, cap_stats;
  double behaviour_penalty; /* P7 */
  double score;
  /* per heartbeat */
  uint32_t ihave_count, iasked;
  /* IDONTWANT ids it sent, two generations */
  struct cwaku__id_map dontwant[2];
  /* output: length-prefixed RPCs, out.p[sent..out.len) not yet taken */
  struct cwaku__wbuf out;
  size_t sent;
  bool pending;
  struct cwaku__gossipsub_peer *next_pending;
  struct cwaku__rpc_control ctrl; /* control waiting to be flushed */
  bool ctrl_listed;
  struct cwaku__gossipsub_peer *next_ctrl;
};

struct promise {
  uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES];
  cwaku_peer_id peer;
  uint64_t expire_ns;
};

struct pending_msg {
  uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES];
  uint32_t topic;
  /* the topic by name too: its slot may be reused while we wait */
  size_t topic_len;
  char topic_name[CWAKU_GOSSIPSUB_TOPIC_MAX];
  cwaku_peer_id from;
  uint64_t expire_ns;
  size_t len;
  uint8_t data[];
};

struct cwaku__gossipsub {
  struct cwaku_gossipsub_params p;
  struct cwaku_gossipsub_callbacks cb;
  const struct cwaku_rng *rng;
  uint8_t rbuf[64];
  size_t rbuf_left;
  struct topic *topics;
  size_t n_topics; /* slots in use or free (used == false) */
  struct cwaku__gossipsub_peer **peers; /* connected and retained */
  size_t n_peers, cap_peers;
  struct cwaku__seen_set seen;
  struct cwaku__mcache mcache;
  struct promise *promises;
  size_t n_promises;
  struct cwaku__id_map pending; /* id -> struct pending_msg */
  uint64_t heartbeats;
  uint64_t last_decay_ns;
  uint64_t now_ns; /* of the latest call, for scores computed between */
  struct cwaku__gossipsub_peer *pending_head, *pending_tail;
  struct cwaku__gossipsub_peer *ctrl_head;
  struct cwaku_gossipsub_stats stats;
  /* scratch */
  uint8_t *ids;
  size_t ids_cap;
};

void cwaku_gossipsub_params_default(struct cwaku_gossipsub_params *p) {
  *p = (struct cwaku_gossipsub_params){
      .d = 6,
      .d_low = 4,
      .d_high = 8,
      .d_score = 6,
      .d_out = 3,
      .d_lazy = 6,
      .heartbeat_ns = NS_PER_S,
      .history_length = 6,
      .history_gossip = 3,
      .fanout_ttl_ns = 60 * NS_PER_S,
      .seen_ttl_ns = 120 * NS_PER_S,
      .prune_backoff_ns = 60 * NS_PER_S,
      .unsubscribe_backoff_ns = 5 * NS_PER_S,
      .gossip_factor = 0.25,
      .flood_publish = true,
      .trigger_self = true,
      .enable_px = false,
      .prune_peers = 16,
      .gossip_threshold = -100,
      .publish_threshold = -1000,
      .graylist_threshold = -10000,
      .accept_px_threshold = 0, /* nim-libp2p's default; nwaku sets none */
      .opportunistic_graft_threshold = 0,
      .opportunistic_graft_ticks = 60,
      .opportunistic_graft_peers = 2,
      .decay_interval_ns = 12 * NS_PER_S,
      .decay_to_zero = 0.01,
      .retain_score_ns = 600 * NS_PER_S,
      .ip_colocation_factor_weight = -50,
      .ip_colocation_factor_threshold = 5,
      .behaviour_penalty_weight = -10,
      .behaviour_penalty_threshold = 0,
      .behaviour_penalty_decay = 0.986,
      .disconnect_bad_peers = true,
      .topic =
          {
              .topic_weight = 1,
              .time_in_mesh_weight = 0.01,
              .time_in_mesh_quantum_ns = NS_PER_S,
              .time_in_mesh_cap = 10,
              .first_message_deliveries_weight = 1,
              .first_message_deliveries_decay = 0.5,
              .first_message_deliveries_cap = 10,
              .invalid_message_deliveries_weight = -100,
              .invalid_message_deliveries_decay = 0.5,
          },
      .max_ihave_length = 5000,
      .max_ihave_messages = 10,
      .gossip_retransmission = 3,
      .iwant_followup_ns = 3 * NS_PER_S,
      .graft_flood_ns = 10 * NS_PER_S,
      .max_topics_per_peer = 256,
      .max_message_size = 150 * 1024,
      .max_peer_output = 8u << 20,
      .max_seen = 262144,
      .max_cache_bytes = 32u << 20,
  };
}

/* ---- small tools ----------------------------------------------------------
 */

static int grow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return 0;
  size_t c = *cap ? *cap : 4;
  while (c < need)
    c *= 2;
  void *p = realloc(*arr, c * elem);
  if (!p)
    return CWAKU_ENOMEM;
  *arr = p;
  *cap = c;
  return 0;
}

static uint32_t rnd(struct cwaku__gossipsub *g, uint32_t bound) {
  if (bound <= 1)
    return 0;
  if (g->rbuf_left < 4) {
    cwaku_random(g->rng, g->rbuf, sizeof g->rbuf);
    g->rbuf_left = sizeof g->rbuf;
  }
  uint32_t v;
  memcpy(&v, g->rbuf + sizeof g->rbuf - g->rbuf_left, 4);
  g->rbuf_left -= 4;
  return (uint32_t)(((uint64_t)v * bound) >> 32);
}

static void shuffle(struct cwaku__gossipsub *g,
                    struct cwaku__gossipsub_peer **v, size_t n) {
  for (size_t i = n; i > 1; i--) {
    size_t j = rnd(g, (uint32_t)i);
    struct cwaku__gossipsub_peer *t = v[i - 1];
    v[i - 1] = v[j];
    v[j] = t;
  }
}

static bool plist_has(const struct plist *l,
                      const struct cwaku__gossipsub_peer *p) {
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i] == p)
      return true;
  return false;
}

static int plist_add(struct plist *l, struct cwaku__gossipsub_peer *p) {
  if (plist_has(l, p))
    return 0;
  if (grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v))
    return CWAKU_ENOMEM;
  l->v[l->n++] = p;
  return 0;
}

static bool plist_remove(struct plist *l,
                         const struct cwaku__gossipsub_peer *p) {
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i] == p) {
      l->v[i] = l->v[--l->n];
      return true;
    }
  return false;
}

static bool topic_is(const struct topic *t, const char *name, size_t len) {
  return t->used && t->len == len && memcmp(t->name, name, len) == 0;
}

static long find_topic(const struct cwaku__gossipsub *g, const char *name,
                       size_t len) {
  for (size_t i = 0; i < g->n_topics; i++)
    if (topic_is(&g->topics[i], name, len))
      return (long)i;
  return -1;
}

/* The topic's index, created when absent; -1 when the name is too long
 * or memory ran out. */
static long get_topic(struct cwaku__gossipsub *g, const char *name,
                      size_t len) {
  long t = find_topic(g, name, len);
  if (t >= 0 || len > CWAKU_GOSSIPSUB_TOPIC_MAX)
    return t;
  size_t i = 0;
  while (i < g->n_topics && g->topics[i].used)
    i++;
  if (i == g->n_topics) {
    void *p = realloc(g->topics, (g->n_topics + 1) * sizeof *g->topics);
    if (!p)
      return -1;
    g->topics = p;
    g->n_topics++;
  }
  struct topic *tp = &g->topics[i];
  memset(tp, 0, sizeof *tp);
  tp->used = true;
  tp->len = len;
  memcpy(tp->name, name, len);
  return (long)i;
}

/* A topic nobody here cares about any more gives its slot back. */
static void maybe_free_topic(struct cwaku__gossipsub *g, uint32_t t) {
  struct topic *tp = &g->topics[t];
  if (!tp->used || tp->subscribed || tp->peers.n || tp->fanout_last_pub_ns ||
      tp->n_backoff)
    return;
  for (size_t i = 0; i < g->n_peers; i++) { /* scores still refer to it */
    struct cwaku__gossipsub_peer *p = g->peers[i];
    for (size_t k = 0; k < p->n_stats; k++)
      if (p->stats[k].topic == t)
        return;
  }
  free(tp->peers.v);
  free(tp->mesh.v);
  free(tp->fanout.v);
  free(tp->backoff);
  memset(tp, 0, sizeof *tp);
}

/* ---- output ---------------------------------------------------------------
 */

static void mark_pending(struct cwaku__gossipsub *g,
                         struct cwaku__gossipsub_peer *p) {
  if (p->pending || p->out.len == p->sent)
    return;
  p->pending = true;
  p->next_pending = NULL;
  if (g->pending_tail)
    g->pending_tail->next_pending = p;
  else
    g->pending_head = p;
  g->pending_tail = p;
}

/* Room for n more bytes of output to p within max_peer_output. */
static bool output_room(const struct cwaku__gossipsub *g,
                        const struct cwaku__gossipsub_peer *p, size_t n) {
  return p->connected && p->out.err == 0 &&
         p->out.len - p->sent + n <= g->p.max_peer_output;
}

static bool send_message(struct cwaku__gossipsub *g,
                         struct cwaku__gossipsub_peer *p, const struct topic *t,
                         const uint8_t *data, size_t len) {
  if (!output_room(g, p, len + t->len + 16)) {
    g->stats.dropped_output++;
    return false;
  }
  cwaku__rpc_put_message(&p->out, t->name, t->len, data, len);
  mark_pending(g, p);
  return true;
}

static void send_subscription(struct cwaku__gossipsub *g,
                              struct cwaku__gossipsub_peer *p,
                              const struct topic *t, bool subscribe) {
  if (!output_room(g, p, t->len + 16))
    return;
  cwaku__rpc_put_subscription(&p->out, t->name, t->len, subscribe);
  mark_pending(g, p);
}

/* The control RPC of p, listed for the flush at the end of the call. */
static struct cwaku__rpc_control *ctrl_of(struct cwaku__gossipsub *g,
                                          struct cwaku__gossipsub_peer *p) {
  if (!p->ctrl_listed) {
    p->ctrl_listed = true;
    p->next_ctrl = g->ctrl_head;
    g->ctrl_head = p;
  }
  return &p->ctrl;
}

/* Ends every API call: queued control goes out as one RPC per peer. */
static void flush_control(struct cwaku__gossipsub *g) {
  while (g->ctrl_head) {
    struct cwaku__gossipsub_peer *p = g->ctrl_head;
    g->ctrl_head = p->next_ctrl;
    p->ctrl_listed = false;
    if (!cwaku__rpc_control_empty(&p->ctrl) &&
        output_room(g, p, p->ctrl.body.len + 16)) {
      cwaku__rpc_control_finish(&p->ctrl, &p->out);
      mark_pending(g, p);
    }
    cwaku__wbuf_reset(&p->ctrl.body);
  }
}

struct cwaku__gossipsub_peer *
cwaku__gossipsub_next_pending(struct cwaku__gossipsub *g) {
  struct cwaku__gossipsub_peer *p = g->pending_head;
  if (!p)
    return NULL;
  g->pending_head = p->next_pending;
  if (!g->pending_head)
    g->pending_tail = NULL;
  p->pending = false;
  return p;
}

void cwaku__gossipsub_output(struct cwaku__gossipsub_peer *p,
                             const uint8_t **data, size_t *len) {
  *data = p->out.p + p->sent;
  *len = p->out.len - p->sent;
}

void cwaku__gossipsub_output_consumed(struct cwaku__gossipsub *g,
                                      struct cwaku__gossipsub_peer *p,
                                      size_t n) {
  if (n > p->out.len - p->sent)
    n = p->out.len - p->sent;
  p->sent += n;
  if (p->sent == p->out.len) {
    cwaku__wbuf_reset(&p->out);
    p->sent = 0;
  } else if (p->sent >= 65536 && p->sent * 2 >= p->out.len) {
    memmove(p->out.p, p->out.p + p->sent, p->out.len - p->sent);
    p->out.len -= p->sent;
    p->sent = 0;
  }
}

/* ---- score (gossipsub-v1.1.md §The Score Function) ------------------------
 */

static struct topic_stats *stats_of(struct cwaku__gossipsub_peer *p, uint32_t t,
                                    bool create) {
  for (size_t i = 0; i < p->n_stats; i++)
    if (p->stats[i].topic == t)
      return &p->stats[i];
  if (!create ||
      grow((void **)&p->stats, &p->cap_stats, p->n_stats + 1, sizeof *p->stats))
    return NULL;
  struct topic_stats *s = &p->stats[p->n_stats++];
  memset(s, 0, sizeof *s);
  s->topic = t;
  return s;
}

static size_t peers_sharing_ip(const struct cwaku__gossipsub *g,
                               const struct cwaku__gossipsub_peer *p) {
  size_t n = 0;
  for (size_t i = 0; i < g->n_peers; i++) {
    const struct cwaku__gossipsub_peer *o = g->peers[i];
    if (o->connected && o->ip_len == p->ip_len &&
        memcmp(o->ip, p->ip, p->ip_len) == 0)
      n++;
  }
  return n;
}

static void compute_score(struct cwaku__gossipsub *g,
                          struct cwaku__gossipsub_peer *p) {
  const struct cwaku_gossipsub_topic_params *tp = &g->p.topic;
  double s = 0;
  for (size_t i = 0; i < p->n_stats; i++) {
    const struct topic_stats *st = &p->stats[i];
    if (!g->topics[st->topic].subscribed) /* scored topics: those we join */
      continue;
    double ts = 0;
    if (st->in_mesh && tp->time_in_mesh_quantum_ns) {
      double q = (double)(g->now_ns - st->graft_ns) /
                 (double)tp->time_in_mesh_quantum_ns;
      ts += fmin(q, tp->time_in_mesh_cap) * tp->time_in_mesh_weight;
    }
    ts += st->first_deliveries * tp->first_message_deliveries_weight;
    ts += st->invalid_deliveries * st->invalid_deliveries *
          tp->invalid_message_deliveries_weight;
    s += ts * tp->topic_weight;
  }
  if (p->ip_len && p->connected) {
    double surplus =
        (double)peers_sharing_ip(g, p) - g->p.ip_colocation_factor_threshold;
    if (surplus > 0)
      s += surplus * surplus * g->p.ip_colocation_factor_weight;
  }
  double excess = p->behaviour_penalty - g->p.behaviour_penalty_threshold;
  if (excess > 0)
    s += excess * excess * g->p.behaviour_penalty_weight;
  p->score = s;
}

static void penalize(struct cwaku__gossipsub *g,
                     struct cwaku__gossipsub_peer *p, double amount) {
  p->behaviour_penalty += amount;
  compute_score(g, p);
}

static double decayed(double v, double decay, double to_zero) {
  v *= decay;
  return v < to_zero ? 0 : v;
}

static void decay_scores(struct cwaku__gossipsub *g) {
  const struct cwaku_gossipsub_topic_params *tp = &g->p.topic;
  for (size_t i = 0; i < g->n_peers; i++) {
    struct cwaku__gossipsub_peer *p = g->peers[i];
    for (size_t k = 0; k < p->n_stats; k++) {
      struct topic_stats *st = &p->stats[k];
      st->first_deliveries =
          decayed(st->first_deliveries, tp->first_message_deliveries_decay,
                  g->p.decay_to_zero);
      st->invalid_deliveries =
          decayed(st->invalid_deliveries, tp->invalid_message_deliveries_decay,
                  g->p.decay_to_zero);
    }
    p->behaviour_penalty = decayed(
        p->behaviour_penalty, g->p.behaviour_penalty_decay, g->p.decay_to_zero);
  }
}

/* ---- mesh membership ------------------------------------------------------
 */

static bool in_backoff(const struct topic *t, const cwaku_peer_id *id,
                       uint64_t now_ns, uint64_t *until) {
  for (size_t i = 0; i < t->n_backoff; i++)
    if (cwaku_peer_id_equal(&t->backoff[i].id, id) &&
        t->backoff[i].until_ns > now_ns) {
      if (until)
        *until = t->backoff[i].until_ns;
      return true;
    }
  return false;
}

static void add_backoff(struct topic *t, const cwaku_peer_id *id,
                        uint64_t until_ns) {
  for (size_t i = 0; i < t->n_backoff; i++)
    if (cwaku_peer_id_equal(&t->backoff[i].id, id)) {
      if (t->backoff[i].until_ns < until_ns)
        t->backoff[i].until_ns = until_ns;
      return;
    }
  if (grow((void **)&t->backoff, &t->cap_backoff, t->n_backoff + 1,
           sizeof *t->backoff))
    return;
  t->backoff[t->n_backoff++] = (struct backoff){*id, until_ns};
}

static void expire_backoffs(struct topic *t, uint64_t now_ns) {
  for (size_t i = 0; i < t->n_backoff;)
    if (t->backoff[i].until_ns <= now_ns)
      t->backoff[i] = t->backoff[--t->n_backoff];
    else
      i++;
}

static void graft_peer(struct cwaku__gossipsub *g, uint32_t t,
                       struct cwaku__gossipsub_peer *p) {
  if (plist_add(&g->topics[t].mesh, p))
    return;
  struct topic_stats *st = stats_of(p, t, true);
  if (st) {
    st->in_mesh = true;
    st->graft_ns = g->now_ns;
  }
}

static void leave_mesh(struct cwaku__gossipsub *g, uint32_t t,
                       struct cwaku__gossipsub_peer *p) {
  plist_remove(&g->topics[t].mesh, p);
  struct topic_stats *st = stats_of(p, t, false);
  if (st)
    st->in_mesh = false;
}

/* Queues PRUNE for t to p, with peer exchange when enabled and wanted. */
static void send_prune(struct cwaku__gossipsub *g,
                       struct cwaku__gossipsub_peer *p, uint32_t t,
                       uint64_t backoff_ns, bool px) {
  struct topic *tp = &g->topics[t];
  struct cwaku__span peers[64];
  size_t n = 0;
  if (px && g->p.enable_px) {
    struct cwaku__gossipsub_peer *cand[64];
    size_t nc = 0;
    for (size_t i = 0; i < tp->peers.n && nc < 64; i++) {
      struct cwaku__gossipsub_peer *o = tp->peers.v[i];
      if (o != p && o->score >= 0)
        cand[nc++] = o;
    }
    shuffle(g, cand, nc);
    for (size_t i = 0; i < nc && n < g->p.prune_peers && n < 64; i++)
      peers[n++] = (struct cwaku__span){cand[i]->id.data, cand[i]->id.len};
  }
  cwaku__rpc_control_prune(ctrl_of(g, p), tp->name, tp->len,
                           backoff_ns / NS_PER_S, peers, n);
  g->stats.prune_sent++;
}

static void send_graft(struct cwaku__gossipsub *g,
                       struct cwaku__gossipsub_peer *p, uint32_t t) {
  cwaku__rpc_control_graft(ctrl_of(g, p), g->topics[t].name, g->topics[t].len);
  g->stats.graft_sent++;
}

/* ---- peers ----------------------------------------------------------------
 */

static struct cwaku__gossipsub_peer *find_peer(const struct cwaku__gossipsub *g,
                                               const cwaku_peer_id *id) {
  for (size_t i = 0; i < g->n_peers; i++)
    if (cwaku_peer_id_equal(&g->peers[i]->id, id))
      return g->peers[i];
  return NULL;
}

static void free_peer(struct cwaku__gossipsub_peer *p) {
  free(p->topics);
  free(p->stats);
  cwaku__id_map_clear(&p->dontwant[0]);
  cwaku__id_map_clear(&p->dontwant[1]);
  cwaku__wbuf_clear(&p->out);
  cwaku__rpc_control_clear(&p->ctrl);
  free(p);
}

static void unlink_lists(struct cwaku__gossipsub *g,
                         struct cwaku__gossipsub_peer *p) {
  if (p->pending) {
    struct cwaku__gossipsub_peer **pp = &g->pending_head, *prev = NULL;
    while (*pp && *pp != p) {
      prev = *pp;
      pp = &(*pp)->next_pending;
    }
    if (*pp) {
      *pp = p->next_pending;
      if (g->pending_tail == p)
        g->pending_tail = prev;
    }
    p->pending = false;
  }
  if (p->ctrl_listed) {
    for (struct cwaku__gossipsub_peer **pp = &g->ctrl_head; *pp;
         pp = &(*pp)->next_ctrl)
      if (*pp == p) {
        *pp = p->next_ctrl;
        break;
      }
    p->ctrl_listed = false;
  }
}

static void drop_peer_slot(struct cwaku__gossipsub *g, size_t i) {
  struct cwaku__gossipsub_peer *p = g->peers[i];
  unlink_lists(g, p);
  g->peers[i] = g->peers[--g->n_peers];
  free_peer(p);
}

int cwaku__gossipsub_add_peer(struct cwaku__gossipsub *g,
                              struct cwaku__gossipsub_peer **out,
                              const cwaku_peer_id *id, bool outbound,
                              const uint8_t *ip, size_t ip_len, void *arg,
                              uint64_t now_ns) {
  g->now_ns = now_ns;
  struct cwaku__gossipsub_peer *p = find_peer(g, id);
  if (p && p->connected)
    return CWAKU_EINVAL; /* one stream pair per peer: the driver decides */
  if (!p) {
    if (grow((void **)&g->peers, &g->cap_peers, g->n_peers + 1,
             sizeof *g->peers))
      return CWAKU_ENOMEM;
    p = calloc(1, sizeof *p);
    if (!p)
      return CWAKU_ENOMEM;
    p->id = *id;
    cwaku__id_map_init(&p->dontwant[0], g->rng);
    cwaku__id_map_init(&p->dontwant[1], g->rng);
    cwaku__wbuf_init(&p->out, SIZE_MAX / 4);
    cwaku__rpc_control_init(&p->ctrl, g->p.max_peer_output);
    g->peers[g->n_peers++] = p;
  }
  p->connected = true;
  p->arg = arg;
  p->outbound = outbound;
  p->graylist_reported = false;
  p->ip_len = ip && (ip_len == 4 || ip_len == 16) ? ip_len : 0;
  if (p->ip_len)
    memcpy(p->ip, ip, ip_len);
  compute_score(g, p);
  /* pubsub/README.md: announce our subscriptions to a new peer. */
  for (size_t t = 0; t < g->n_topics; t++)
    if (g->topics[t].used && g->topics[t].subscribed)
      send_subscription(g, p, &g->topics[t], true);
  *out = p;
  return 0;
}

void cwaku__gossipsub_remove_peer(struct cwaku__gossipsub *g,
                                  struct cwaku__gossipsub_peer *p,
                                  uint64_t now_ns) {
  g->now_ns = now_ns;
  for (size_t i = 0; i < p->n_topics; i++) {
    struct topic *t = &g->topics[p->topics[i]];
    plist_remove(&t->peers, p);
    plist_remove(&t->fanout, p);
    leave_mesh(g, p->topics[i], p);
  }
  for (size_t t = 0; t < g->n_topics; t++) /* grafted without subscribing */
    if (g->topics[t].used && plist_has(&g->topics[t].mesh, p))
      leave_mesh(g, (uint32_t)t, p);
  for (size_t i = 0; i < p->n_stats; i++)
    p->stats[i].first_deliveries = 0; /* as nim-libp2p: only P4, P7 stay */
  unlink_lists(g, p);
  cwaku__wbuf_clear(&p->out);
  cwaku__rpc_control_clear(&p->ctrl);
  cwaku__rpc_control_init(&p->ctrl, g->p.max_peer_output);
  cwaku__id_map_clear(&p->dontwant[0]);
  cwaku__id_map_clear(&p->dontwant[1]);
  p->sent = 0;
  p->n_topics = 0;
  p->connected = false;
  p->arg = NULL;
  p->expire_ns = now_ns + g->p.retain_score_ns;
  size_t retained = 0, oldest = SIZE_MAX;
  for (size_t i = 0; i < g->n_peers; i++)
    if (!g->peers[i]->connected) {
      retained++;
      if (oldest == SIZE_MAX ||
          g->peers[i]->expire_ns < g->peers[oldest]->expire_ns)
        oldest = i;
    }
  if (retained > MAX_RETAINED)
    drop_peer_slot(g, oldest);
}

void *cwaku__gossipsub_peer_arg(const struct cwaku__gossipsub_peer *p) {
  return p->arg;
}

const cwaku_peer_id *
cwaku__gossipsub_peer_id(const struct cwaku__gossipsub_peer *p) {
  return &p->id;
}

double cwaku__gossipsub_peer_score(const struct cwaku__gossipsub_peer *p) {
  return p->score;
}

void cwaku__gossipsub_peer_set_idontwant(struct cwaku__gossipsub_peer *p,
                                         bool yes) {
  p->idontwant = yes;
}

/* ---- lifecycle ------------------------------------------------------------
 */

int cwaku__gossipsub_new(struct cwaku__gossipsub **out,
                         const struct cwaku_gossipsub_params *params,
                         const struct cwaku_gossipsub_callbacks *cb,
                         const struct cwaku_rng *rng) {
  if (params->d_low > params->d || params->d > params->d_high ||
      params->d_out >= params->d_low || params->heartbeat_ns == 0 ||
      params->history_gossip > params->history_length ||
      params->history_length == 0 || !cb->validate || !cb->deliver)
    return CWAKU_EINVAL;
  struct cwaku__gossipsub *g = calloc(1, sizeof *g);
  if (!g)
    return CWAKU_ENOMEM;
  g->p = *params;
  g->cb = *cb;
  g->rng = rng;
  cwaku__seen_init(&g->seen, params->seen_ttl_ns, params->max_seen, rng);
  cwaku__id_map_init(&g->pending, rng);
  int r =
      cwaku__mcache_init(&g->mcache, params->history_length,
                         params->history_gossip, params->max_cache_bytes, rng);
  if (r) {
    free(g);
    return r;
  }
  *out = g;
  return 0;
}

static void free_pending_entries(struct cwaku__gossipsub *g) {
  for (size_t i = 0; i < g->pending.cap; i++)
    if (g->pending.slots[i].value)
      free(g->pending.slots[i].value);
  cwaku__id_map_reset(&g->pending);
}

void cwaku__gossipsub_free(struct cwaku__gossipsub *g) {
  if (!g)
    return;
  while (g->n_peers)
    drop_peer_slot(g, g->n_peers - 1);
  free(g->peers);
  for (size_t t = 0; t < g->n_topics; t++) {
    free(g->topics[t].peers.v);
    free(g->topics[t].mesh.v);
    free(g->topics[t].fanout.v);
    free(g->topics[t].backoff);
  }
  free(g->topics);
  cwaku__seen_clear(&g->seen);
  free_pending_entries(g);
  cwaku__id_map_clear(&g->pending);
  cwaku__mcache_clear(&g->mcache);
  free(g->promises);
  free(g->ids);
  free(g);
}

/* ---- seen set -------------------------------------------------------------
 */

static bool seen(const struct cwaku__gossipsub *g, const uint8_t *id) {
  return cwaku__seen_has(&g->seen, id);
}

static void mark_seen(struct cwaku__gossipsub *g, const uint8_t *id) {
  cwaku__seen_add(&g->seen, id, g->now_ns);
}

/* ---- promises (gossipsub-v1.1.md §Spam Protection Measures) ---------------
 */

static void add_promise(struct cwaku__gossipsub *g,
                        const struct cwaku__gossipsub_peer *p,
                        const uint8_t *id) {
  if (g->n_promises >= MAX_PROMISES)
    return;
  if (!g->promises &&
      !(g->promises = malloc(MAX_PROMISES * sizeof *g->promises)))
    return;
  struct promise *pr = &g->promises[g->n_promises++];
  memcpy(pr->id, id, CWAKU_GOSSIPSUB_ID_BYTES);
  pr->peer = p->id;
  pr->expire_ns = g->now_ns + g->p.iwant_followup_ns;
}

static bool promised(const struct cwaku__gossipsub *g, const uint8_t *id) {
  for (size_t i = 0; i < g->n_promises; i++)
    if (memcmp(g->promises[i].id, id, CWAKU_GOSSIPSUB_ID_BYTES) == 0)
      return true;
  return false;
}

/* The message came (from anyone): every promise of it is kept. */
static void fulfil_promises(struct cwaku__gossipsub *g, const uint8_t *id) {
  for (size_t i = 0; i < g->n_promises;)
    if (memcmp(g->promises[i].id, id, CWAKU_GOSSIPSUB_ID_BYTES) == 0)
      g->promises[i] = g->promises[--g->n_promises];
    else
      i++;
}

static void check_promises(struct cwaku__gossipsub *g) {
  for (size_t i = 0; i < g->n_promises;) {
    struct promise *pr = &g->promises[i];
    if (pr->expire_ns > g->now_ns) {
      i++;
      continue;
    }
    struct cwaku__gossipsub_peer *p = find_peer(g, &pr->peer);
    if (p) {
      p->behaviour_penalty += 1;
      g->stats.broken_promises++;
    }
    *pr = g->promises[--g->n_promises];
  }
}

/* ---- receiving ------------------------------------------------------------
 */

static bool dontwant(const struct cwaku__gossipsub_peer *p, const uint8_t *id) {
  return cwaku__id_map_get(&p->dontwant[0], id) ||
         cwaku__id_map_get(&p->dontwant[1], id);
}

/* A valid message: to the application, then to the mesh (except where it
 * came from and who said they do not want it). */
static void accept_message(struct cwaku__gossipsub *g, uint32_t t,
                           const uint8_t *id, const uint8_t *data, size_t len,
                           struct cwaku__gossipsub_peer *from) {
  cwaku__mcache_put(&g->mcache, id, t, data, len);
  g->stats.delivered++;
  if (from) {
    struct topic_stats *st = stats_of(from, t, true);
    if (st && st->first_deliveries < g->p.topic.first_message_deliveries_cap)
      st->first_deliveries += 1;
  }
  struct topic *tp = &g->topics[t];
  /* gossipsub-v1.2.md: tell the mesh we have it before forwarding, so
   * peers about to send it to us can skip it. */
  if (len > IDONTWANT_MIN_BYTES)
    for (size_t i = 0; i < tp->mesh.n; i++) {
      struct cwaku__gossipsub_peer *m = tp->mesh.v[i];
      if (m != from && m->idontwant)
        cwaku__rpc_control_idontwant(ctrl_of(g, m), id,
                                     CWAKU_GOSSIPSUB_ID_BYTES, 1);
    }
  flush_control(g);
  for (size_t i = 0; i < tp->mesh.n; i++) {
    struct cwaku__gossipsub_peer *m = tp->mesh.v[i];
    if (m != from && !dontwant(m, id))
      send_message(g, m, tp, data, len);
  }
  g->cb.deliver(g->cb.arg, tp->name, data, len, id, from);
}

static void reject_message(struct cwaku__gossipsub *g, uint32_t t,
                           struct cwaku__gossipsub_peer *from) {
  g->stats.rejected++;
  if (!from)
    return;
  struct topic_stats *st = stats_of(from, t, true);
  if (st)
    st->invalid_deliveries += 1;
  compute_score(g, from);
}

static void handle_message(struct cwaku__gossipsub *g,
                           struct cwaku__gossipsub_peer *p,
                           const struct cwaku__rpc_item *it) {
  long t = it->has_topic
               ? find_topic(g, (const char *)it->topic.p, it->topic.len)
               : -1;
  if (t < 0 || !g->topics[t].subscribed) {
    g->stats.ignored++; /* not ours to judge (nim-libp2p drops them too) */
    return;
  }
  uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES];
  cwaku__sha256(id, it->data.p, it->data.len);
  if (seen(g, id)) {
    g->stats.duplicates++;
    return;
  }
  mark_seen(g, id);
  fulfil_promises(g, id);
  /* 11/WAKU2-RELAY §Security Analysis: StrictNoSign; gossipsub-v1.1.md
   * §Signature Policy: a message with any of these fields is invalid. */
  if (it->has_from || it->has_seqno || it->has_signature || it->has_key ||
      it->data.len > g->p.max_message_size) {
    reject_message(g, (uint32_t)t, p);
    return;
  }
  const char *name = g->topics[t].name;
  enum cwaku_gossipsub_validation v =
      g->cb.validate(g->cb.arg, name, it->data.p, it->data.len, id);
  switch (v) {
  case CWAKU_GOSSIPSUB_ACCEPT:
    accept_message(g, (uint32_t)t, id, it->data.p, it->data.len, p);
    return;
  case CWAKU_GOSSIPSUB_REJECT:
    reject_message(g, (uint32_t)t, p);
    return;
  case CWAKU_GOSSIPSUB_IGNORE:
    g->stats.ignored++;
    return;
  case CWAKU_GOSSIPSUB_PENDING:
    break;
  }
  struct pending_msg *pm = NULL;
  if (g->pending.n < MAX_PENDING)
    pm = malloc(sizeof *pm + it->data.len);
  if (!pm || cwaku__id_map_put(&g->pending, id, pm) != 0) {
    free(pm);
    g->stats.ignored++;
    return;
  }
  memcpy(pm->id, id, sizeof pm->id);
  pm->topic = (uint32_t)t;
  pm->topic_len = g->topics[t].len;
  memcpy(pm->topic_name, g->topics[t].name, pm->topic_len);
  pm->from = p->id;
  pm->len = it->data.len;
  pm->expire_ns = g->now_ns + g->p.seen_ttl_ns;
  memcpy(pm->data, it->data.p, it->data.len);
}

void cwaku__gossipsub_report(struct cwaku__gossipsub *g,
                             const uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES],
                             enum cwaku_gossipsub_validation result,
                             uint64_t now_ns) {
  g->now_ns = now_ns;
  struct pending_msg *pm = cwaku__id_map_remove(&g->pending, id);
  if (!pm)
    return;
  struct cwaku__gossipsub_peer *from = find_peer(g, &pm->from);
  if (from && !from->connected)
    from = NULL;
  if (!topic_is(&g->topics[pm->topic], pm->topic_name, pm->topic_len) ||
      !g->topics[pm->topic].subscribed)
    result = CWAKU_GOSSIPSUB_IGNORE;
  switch (result) {
  case CWAKU_GOSSIPSUB_ACCEPT:
    accept_message(g, pm->topic, pm->id, pm->data, pm->len, from);
    break;
  case CWAKU_GOSSIPSUB_REJECT:
    reject_message(g, pm->topic, from);
    break;
  case CWAKU_GOSSIPSUB_IGNORE:
  case CWAKU_GOSSIPSUB_PENDING:
    g->stats.ignored++;
    break;
  }
  free(pm);
  flush_control(g);
}

static void handle_subscription(struct cwaku__gossipsub *g,
                                struct cwaku__gossipsub_peer *p,
                                const struct cwaku__rpc_item *it) {
  const char *name = (const char *)it->topic.p;
  if (it->subscribe) {
    if (p->n_topics >= g->p.max_topics_per_peer || it->topic.len == 0 ||
        memchr(name, 0, it->topic.len))
      return;
    long t = get_topic(g, name, it->topic.len);
    if (t < 0 || plist_has(&g->topics[t].peers, p))
      return;
    if (grow((void **)&p->topics, &p->cap_topics, p->n_topics + 1,
             sizeof *p->topics) ||
        plist_add(&g->topics[t].peers, p))
      return;
    p->topics[p->n_topics++] = (uint32_t)t;
    return;
  }
  long t = find_topic(g, name, it->topic.len);
  if (t < 0)
    return;
  struct topic *tp = &g->topics[t];
  plist_remove(&tp->peers, p);
  plist_remove(&tp->fanout, p);
  leave_mesh(g, (uint32_t)t, p);
  for (size_t i = 0; i < p->n_topics; i++)
    if (p->topics[i] == (uint32_t)t) {
      p->topics[i] = p->topics[--p->n_topics];
      break;
    }
  maybe_free_topic(g, (uint32_t)t);
}

/* gossipsub-v1.1.md §Spam Protection: IHAVE from a peer below the gossip
 * threshold, past max_ihave_messages a heartbeat, or asking us to fetch
 * more than max_ihave_length ids a heartbeat, is ignored. */
static void handle_ihave(struct cwaku__gossipsub *g,
                         struct cwaku__gossipsub_peer *p,
                         const struct cwaku__rpc_item *it, double *penalty) {
  /* An honest peer sends one IHAVE per topic a heartbeat; more than
   * max_ihave_messages is a flood and costs 0.1 each (cwaku's rule: the
   * specs only ignore them, which leaves a flooder below the gossip
   * threshold but never graylisted). */
  if (++p->ihave_count > g->p.max_ihave_messages) {
    *penalty += 0.1;
    return;
  }
  if (p->score < g->p.gossip_threshold || p->iasked >= g->p.max_ihave_length)
    return;
  long t = find_topic(g, (const char *)it->topic.p, it->topic.len);
  if (t < 0 || !g->topics[t].subscribed)
    return;
  size_t room = g->p.max_ihave_length - p->iasked, n = 0;
  if (grow((void **)&g->ids, &g->ids_cap, (room + 1) * CWAKU__ID_BYTES, 1))
    return;
  struct cwaku__rpc_list l = it->list;
  struct cwaku__span id;
  while (n < room && cwaku__rpc_next_id(&l, &id)) {
    uint8_t *dst = g->ids + n * CWAKU__ID_BYTES;
    if (id.len != CWAKU_GOSSIPSUB_ID_BYTES || seen(g, id.p) ||
        promised(g, id.p))
      continue;
    memcpy(dst, id.p, CWAKU__ID_BYTES);
    bool dup = false; /* the same id twice in one IHAVE */
    for (size_t k = 0; k < n && !dup; k++)
      dup = memcmp(g->ids + k * CWAKU__ID_BYTES, dst, CWAKU__ID_BYTES) == 0;
    if (!dup)
      n++;
  }
  if (n == 0)
    return;
  p->iasked += (uint32_t)n;
  cwaku__rpc_control_iwant(ctrl_of(g, p), g->ids, CWAKU__ID_BYTES, n);
  g->stats.iwant_sent++;
  /* One promise per IWANT, on a random id of it, as go-libp2p. */
  add_promise(g, p, g->ids + rnd(g, (uint32_t)n) * CWAKU__ID_BYTES);
}

/* IWANT: the messages we still have, each at most gossip_retransmission
 * times to this peer. Ids we never had (or already gave it that often)
 * cost a small penalty, at most one point an RPC: honest peers only ask
 * for what we just announced. */
static void handle_iwant(struct cwaku__gossipsub *g,
                         struct cwaku__gossipsub_peer *p,
                         const struct cwaku__rpc_item *it, double *penalty) {
  struct cwaku__rpc_list l = it->list;
  struct cwaku__span id;
  /* We send no IHAVE below the gossip threshold: any IWANT from there was
   * not asked for. */
  if (p->score < g->p.gossip_threshold) {
    *penalty += 0.1 * (double)it->n;
    return;
  }
  while (cwaku__rpc_next_id(&l, &id)) {
    struct cwaku__mcache_entry *e =
        id.len == CWAKU__ID_BYTES ? cwaku__mcache_get(&g->mcache, id.p) : NULL;
    if (!e || !cwaku__mcache_tx(e, p, g->p.gossip_retransmission)) {
      *penalty += 0.1;
      continue;
    }
    send_message(g, p, &g->topics[e->topic], e->data, e->len);
  }
}

static void handle_graft(struct cwaku__gossipsub *g,
                         struct cwaku__gossipsub_peer *p,
                         const struct cwaku__rpc_item *it) {
  long t = find_topic(g, (const char *)it->topic.p, it->topic.len);
  if (t < 0 || !g->topics[t].subscribed)
    return; /* a topic we are not in: no PRUNE (and no PX) */
  struct topic *tp = &g->topics[t];
  if (plist_has(&tp->mesh, p))
    return;
  uint64_t until;
  /* gossipsub-v1.1.md §Prune Backoff: a GRAFT while the backoff runs is
   * penalized, twice when it came within graft_flood of the PRUNE, and
   * answered with a PRUNE that restarts the backoff. */
  if (in_backoff(tp, &p->id, g->now_ns, &until)) {
    p->behaviour_penalty += 1;
    if (g->now_ns + g->p.prune_backoff_ns < until + g->p.graft_flood_ns)
      p->behaviour_penalty += 1;
    compute_score(g, p);
    add_backoff(tp, &p->id, g->now_ns + g->p.prune_backoff_ns);
    send_prune(g, p, (uint32_t)t, g->p.prune_backoff_ns, false);
    return;
  }
  if (p->score < 0 || (tp->mesh.n >= g->p.d_high && !p->outbound)) {
    add_backoff(tp, &p->id, g->now_ns + g->p.prune_backoff_ns);
    send_prune(g, p, (uint32_t)t, g->p.prune_backoff_ns, p->score >= 0);
    return;
  }
  graft_peer(g, (uint32_t)t, p);
}

static void handle_prune(struct cwaku__gossipsub *g,
                         struct cwaku__gossipsub_peer *p,
                         const struct cwaku__rpc_item *it) {
  long t = find_topic(g, (const char *)it->topic.p, it->topic.len);
  if (t < 0)
    return;
  struct topic *tp = &g->topics[t];
  leave_mesh(g, (uint32_t)t, p);
  uint64_t backoff = g->p.prune_backoff_ns;
  if (it->has_backoff && it->backoff_s > 0 && it->backoff_s < 86400)
    backoff = it->backoff_s * NS_PER_S;
  add_backoff(tp, &p->id, g->now_ns + backoff);
  if (!g->p.enable_px || !g->cb.px_peer || p->score < g->p.accept_px_threshold)
    return;
  struct cwaku__rpc_list l = it->list;
  struct cwaku__span id;
  for (uint32_t n = 0; n < g->p.prune_peers && cwaku__rpc_next_peer(&l, &id);
       n++)
    if (id.len > 0 && id.len <= CWAKU_PEER_ID_MAX_BYTES)
      g->cb.px_peer(g->cb.arg, id.p, id.len);
}

static void handle_idontwant(struct cwaku__gossipsub *g,
                             struct cwaku__gossipsub_peer *p,
                             const struct cwaku__rpc_item *it) {
  p->idontwant = true; /* it speaks gossipsub v1.2 */
  struct cwaku__rpc_list l = it->list;
  struct cwaku__span id;
  while (cwaku__rpc_next_id(&l, &id))
    if (id.len == CWAKU__ID_BYTES && p->dontwant[0].n < MAX_DONTWANT)
      cwaku__id_map_put(&p->dontwant[0], id.p, CWAKU__ID_PRESENT);
}

int cwaku__gossipsub_recv_rpc(struct cwaku__gossipsub *g,
                              struct cwaku__gossipsub_peer *p,
                              const uint8_t *rpc, size_t len, uint64_t now_ns) {
  g->now_ns = now_ns;
  if (!p->connected)
    return CWAKU_EINVAL;
  /* gossipsub-v1.1.md §Score Thresholds: below the graylist threshold a
   * peer's RPCs are ignored whole. */
  if (p->score < g->p.graylist_threshold) {
    g->stats.graylisted_rpcs++;
    return 0;
  }
  /* First pass: the whole RPC must be well formed before any of it acts. */
  struct cwaku__rpc_reader r;
  struct cwaku__rpc_item it;
  int e;
  size_t subs = 0;
  cwaku__rpc_reader_init(&r, rpc, len);
  while ((e = cwaku__rpc_next(&r, &it)) > 0)
    subs += it.type == CWAKU__RPC_SUBSCRIPTION;
  if (e < 0) {
    penalize(g, p, 1);
    return e;
  }
  double penalty = subs > MAX_RPC_SUBSCRIPTIONS ? 0.1 : 0;
  size_t sub_seen = 0;
  cwaku__rpc_reader_init(&r, rpc, len);
  while (cwaku__rpc_next(&r, &it) > 0) {
    switch (it.type) {
    case CWAKU__RPC_SUBSCRIPTION:
      if (++sub_seen <= MAX_RPC_SUBSCRIPTIONS)
        handle_subscription(g, p, &it);
      break;
    case CWAKU__RPC_MESSAGE:
      handle_message(g, p, &it);
      break;
    case CWAKU__RPC_IHAVE:
      handle_ihave(g, p, &it, &penalty);
      break;
    case CWAKU__RPC_IWANT:
      handle_iwant(g, p, &it, &penalty);
      break;
    case CWAKU__RPC_GRAFT:
      handle_graft(g, p, &it);
      break;
    case CWAKU__RPC_PRUNE:
      handle_prune(g, p, &it);
      break;
    case CWAKU__RPC_IDONTWANT:
      handle_idontwant(g, p, &it);
      break;
    }
    if (!p->connected) /* a callback dropped it */
      break;
  }
  if (penalty > 0 && p->connected)
    penalize(g, p, penalty > 1 ? 1 : penalty);
  flush_control(g);
  return 0;
}

/* ---- local operations -----------------------------------------------------
 */

int cwaku__gossipsub_subscribe(struct cwaku__gossipsub *g, const char *topic,
                               uint64_t now_ns) {
  g->now_ns = now_ns;
  size_t len = strlen(topic);
  if (len == 0)
    return CWAKU_EINVAL;
  long t = get_topic(g, topic, len);
  if (t < 0)
    return len > CWAKU_GOSSIPSUB_TOPIC_MAX ? CWAKU_ETOOBIG : CWAKU_ENOMEM;
  struct topic *tp = &g->topics[t];
  if (tp->subscribed)
    return 0;
  tp->subscribed = true;
  for (size_t i = 0; i < g->n_peers; i++)
    if (g->peers[i]->connected)
      send_subscription(g, g->peers[i], tp, true);
  /* gossipsub-v1.0.md §join: the fanout peers first, then others. */
  struct cwaku__gossipsub_peer *cand[256];
  size_t n = 0;
  for (size_t i = 0; i < tp->fanout.n && n < 256; i++)
    if (tp->fanout.v[i]->score >= 0)
      cand[n++] = tp->fanout.v[i];
  shuffle(g, cand, n);
  size_t extra = n;
  for (size_t i = 0; i < tp->peers.n && n < 256; i++) {
    struct cwaku__gossipsub_peer *p = tp->peers.v[i];
    if (p->score >= 0 && !plist_has(&tp->fanout, p) &&
        !in_backoff(tp, &p->id, now_ns, NULL))
      cand[n++] = p;
  }
  shuffle(g, cand + extra, n - extra);
  tp->fanout.n = 0;
  tp->fanout_last_pub_ns = 0;
  for (size_t i = 0; i < n && tp->mesh.n < g->p.d; i++) {
    graft_peer(g, (uint32_t)t, cand[i]);
    send_graft(g, cand[i], (uint32_t)t);
  }
  flush_control(g);
  return 0;
}

int cwaku__gossipsub_unsubscribe(struct cwaku__gossipsub *g, const char *topic,
                                 uint64_t now_ns) {
  g->now_ns = now_ns;
  long t = find_topic(g, topic, strlen(topic));
  if (t < 0 || !g->topics[t].subscribed)
    return CWAKU_ENOTFOUND;
  struct topic *tp = &g->topics[t];
  tp->subscribed = false;
  /* gossipsub-v1.1.md §Prune Backoff: leaving uses the shorter
   * unsubscribe backoff. */
  while (tp->mesh.n) {
    struct cwaku__gossipsub_peer *p = tp->mesh.v[0];
    leave_mesh(g, (uint32_t)t, p);
    add_backoff(tp, &p->id, now_ns + g->p.unsubscribe_backoff_ns);
    send_prune(g, p, (uint32_t)t, g->p.unsubscribe_backoff_ns, true);
  }
  for (size_t i = 0; i < g->n_peers; i++)
    if (g->peers[i]->connected)
      send_subscription(g, g->peers[i], tp, false);
  flush_control(g);
  return 0;
}

bool cwaku__gossipsub_subscribed(const struct cwaku__gossipsub *g,
                                 const char *topic) {
  long t = find_topic(g, topic, strlen(topic));
  return t >= 0 && g->topics[t].subscribed;
}

int cwaku__gossipsub_publish(struct cwaku__gossipsub *g, const char *topic,
                             const uint8_t *data, size_t len, size_t *peers,
                             uint64_t now_ns) {
  g->now_ns = now_ns;
  *peers = 0;
  if (len > g->p.max_message_size)
    return CWAKU_ETOOBIG;
  size_t tlen = strlen(topic);
  if (tlen == 0)
    return CWAKU_EINVAL;
  long t = get_topic(g, topic, tlen);
  if (t < 0)
    return tlen > CWAKU_GOSSIPSUB_TOPIC_MAX ? CWAKU_ETOOBIG : CWAKU_ENOMEM;
  uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES];
  cwaku__sha256(id, data, len);
  if (seen(g, id))
    return CWAKU_EINVAL;
  mark_seen(g, id);
  cwaku__mcache_put(&g->mcache, id, (uint32_t)t, data, len);
  struct topic *tp = &g->topics[t];
  if (g->p.flood_publish) {
    /* gossipsub-v1.1.md §Flood Publishing: our own messages go to every
     * peer in the topic above the publish threshold. */
    for (size_t i = 0; i < tp->peers.n; i++)
      if (tp->peers.v[i]->score >= g->p.publish_threshold)
        *peers += send_message(g, tp->peers.v[i], tp, data, len);
  } else {
    struct plist *to = &tp->mesh;
    if (!tp->subscribed) {
      /* gossipsub-v1.0.md §fanout */
      if (tp->fanout.n == 0) {
        struct cwaku__gossipsub_peer *cand[256];
        size_t n = 0;
        for (size_t i = 0; i < tp->peers.n && n < 256; i++)
          if (tp->peers.v[i]->score >= g->p.publish_threshold)
            cand[n++] = tp->peers.v[i];
        shuffle(g, cand, n);
        for (size_t i = 0; i < n && i < g->p.d; i++)
          plist_add(&tp->fanout, cand[i]);
      }
      tp->fanout_last_pub_ns = now_ns;
      to = &tp->fanout;
    }
    for (size_t i = 0; i < to->n; i++)
      *peers += send_message(g, to->v[i], tp, data, len);
  }
  if (tp->subscribed && g->p.trigger_self)
    g->cb.deliver(g->cb.arg, tp->name, data, len, id, NULL);
  return 0;
}

/* ---- heartbeat (gossipsub-v1.1.md §Heartbeat) -----------------------------
 */

static int by_score_desc(const void *a, const void *b) {
  double x = (*(struct cwaku__gossipsub_peer *const *)a)->score;
  double y = (*(struct cwaku__gossipsub_peer *const *)b)->score;
  return x < y ? 1 : x > y ? -1 : 0;
}

static int by_score_asc(const void *a, const void *b) {
  return -by_score_desc(a, b);
}

static size_t count_outbound(const struct plist *l) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++)
    n += l->v[i]->outbound;
  return n;
}

/* Peers of the topic that may join its mesh: not in it, not backing off,
 * score at least min; shuffled. */
static size_t graft_candidates(struct cwaku__gossipsub *g, uint32_t t,
                               struct cwaku__gossipsub_peer **out, size_t max,
                               double min, bool outbound_only) {
  struct topic *tp = &g->topics[t];
  size_t n = 0;
  for (size_t i = 0; i < tp->peers.n && n < max; i++) {
    struct cwaku__gossipsub_peer *p = tp->peers.v[i];
    if (plist_has(&tp->mesh, p) || p->score < min ||
        (outbound_only && !p->outbound) ||
        in_backoff(tp, &p->id, g->now_ns, NULL))
      continue;
    out[n++] = p;
  }
  shuffle(g, out, n);
  return n;
}

static void prune_from_mesh(struct cwaku__gossipsub *g, uint32_t t,
                            struct cwaku__gossipsub_peer *p, bool px) {
  leave_mesh(g, t, p);
  add_backoff(&g->topics[t], &p->id, g->now_ns + g->p.prune_backoff_ns);
  send_prune(g, p, t, g->p.prune_backoff_ns, px);
}

static void maintain_mesh(struct cwaku__gossipsub *g, uint32_t t) {
  struct topic *tp = &g->topics[t];
  struct cwaku__gossipsub_peer *cand[256];
  /* negative scores leave (no PX for them) */
  for (size_t i = 0; i < tp->mesh.n;) {
    if (tp->mesh.v[i]->score < 0)
      prune_from_mesh(g, t, tp->mesh.v[i], false);
    else
      i++;
  }
  if (tp->mesh.n < g->p.d_low) {
    size_t n = graft_candidates(g, t, cand, 256, 0, false);
    for (size_t i = 0; i < n && tp->mesh.n < g->p.d; i++) {
      graft_peer(g, t, cand[i]);
      send_graft(g, cand[i], t);
    }
  }
  if (tp->mesh.n > g->p.d_high) {
    /* Keep the d_score best, then random ones up to d, with at least
     * d_out outbound peers among those kept. */
    struct cwaku__gossipsub_peer **v = tp->mesh.v;
    size_t n = tp->mesh.n;
    qsort(v, n, sizeof *v, by_score_desc);
    size_t keep_best = g->p.d_score < g->p.d ? g->p.d_score : g->p.d;
    shuffle(g, v + keep_best, n - keep_best);
    size_t out_kept = 0;
    for (size_t i = 0; i < g->p.d; i++)
      out_kept += v[i]->outbound;
    for (size_t i = g->p.d; i < n && out_kept < g->p.d_out; i++) {
      if (!v[i]->outbound)
        continue;
      /* swap it for the last inbound one among those kept */
      for (size_t k = g->p.d; k-- > 0;)
        if (!v[k]->outbound) {
          struct cwaku__gossipsub_peer *x = v[k];
          v[k] = v[i];
          v[i] = x;
          out_kept++;
          break;
        }
    }
    struct cwaku__gossipsub_peer *drop[256];
    size_t nd = 0;
    for (size_t i = g->p.d; i < n && nd < 256; i++)
      drop[nd++] = v[i];
    for (size_t i = 0; i < nd; i++)
      prune_from_mesh(g, t, drop[i], true);
  }
  if (tp->mesh.n >= g->p.d_low && count_outbound(&tp->mesh) < g->p.d_out) {
    size_t need = g->p.d_out - count_outbound(&tp->mesh);
    size_t n = graft_candidates(g, t, cand, 256, 0, true);
    for (size_t i = 0; i < n && i < need; i++) {
      graft_peer(g, t, cand[i]);
      send_graft(g, cand[i], t);
    }
  }
  /* §Opportunistic Grafting */
  if (g->p.opportunistic_graft_ticks &&
      g->heartbeats % g->p.opportunistic_graft_ticks == 0 && tp->mesh.n > 1) {
    struct cwaku__gossipsub_peer *sorted[256];
    size_t n = tp->mesh.n < 256 ? tp->mesh.n : 256;
    memcpy(sorted, tp->mesh.v, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_score_asc);
    double median = sorted[n / 2]->score;
    if (median < g->p.opportunistic_graft_threshold) {
      size_t nc = graft_candidates(g, t, cand, 256, median, false);
      uint32_t added = 0;
      for (size_t i = 0; i < nc && added < g->p.opportunistic_graft_peers; i++)
        if (cand[i]->score > median) {
          graft_peer(g, t, cand[i]);
          send_graft(g, cand[i], t);
          added++;
        }
    }
  }
}

static void maintain_fanout(struct cwaku__gossipsub *g, uint32_t t) {
  struct topic *tp = &g->topics[t];
  if (!tp->fanout_last_pub_ns)
    return;
  if (tp->fanout_last_pub_ns + g->p.fanout_ttl_ns < g->now_ns) {
    tp->fanout.n = 0;
    tp->fanout_last_pub_ns = 0;
    return;
  }
  for (size_t i = 0; i < tp->fanout.n;) {
    if (tp->fanout.v[i]->score < g->p.publish_threshold)
      tp->fanout.v[i] = tp->fanout.v[--tp->fanout.n];
    else
      i++;
  }
  if (tp->fanout.n < g->p.d) {
    struct cwaku__gossipsub_peer *cand[256];
    size_t n = 0;
    for (size_t i = 0; i < tp->peers.n && n < 256; i++) {
      struct cwaku__gossipsub_peer *p = tp->peers.v[i];
      if (!plist_has(&tp->fanout, p) && p->score >= g->p.publish_threshold)
        cand[n++] = p;
    }
    shuffle(g, cand, n);
    for (size_t i = 0; i < n && tp->fanout.n < g->p.d; i++)
      plist_add(&tp->fanout, cand[i]);
  }
}

/* §Adaptive Gossip Dissemination: IHAVE to max(d_lazy, gossip_factor x
 * candidates) random peers of the topic outside the mesh (and fanout). */
static void emit_gossip(struct cwaku__gossipsub *g, uint32_t t) {
  struct topic *tp = &g->topics[t];
  size_t max_ids = g->p.max_ihave_length;
  if (grow((void **)&g->ids, &g->ids_cap, (max_ids + 1) * CWAKU__ID_BYTES, 1))
    return;
  size_t nid = cwaku__mcache_gossip_ids(&g->mcache, t, g->ids, max_ids);
  if (nid == 0)
    return;
  struct cwaku__gossipsub_peer *cand[256];
  size_t n = 0;
  for (size_t i = 0; i < tp->peers.n && n < 256; i++) {
    struct cwaku__gossipsub_peer *p = tp->peers.v[i];
    if (plist_has(&tp->mesh, p) || plist_has(&tp->fanout, p) ||
        p->score < g->p.gossip_threshold)
      continue;
    cand[n++] = p;
  }
  size_t target = (size_t)(g->p.gossip_factor * (double)n);
  if (target < g->p.d_lazy)
    target = g->p.d_lazy;
  shuffle(g, cand, n);
  for (size_t i = 0; i < n && i < target; i++) {
    cwaku__rpc_control_ihave(ctrl_of(g, cand[i]), tp->name, tp->len, g->ids,
                             CWAKU__ID_BYTES, nid);
    g->stats.ihave_sent++;
  }
}

void cwaku__gossipsub_heartbeat(struct cwaku__gossipsub *g, uint64_t now_ns) {
  g->now_ns = now_ns;
  g->heartbeats++;
  if (!g->last_decay_ns)
    g->last_decay_ns = now_ns;
  if (now_ns >= g->last_decay_ns + g->p.decay_interval_ns) {
    g->last_decay_ns = now_ns;
    decay_scores(g);
  }
  check_promises(g);
  for (size_t i = 0; i < g->n_peers;) {
    struct cwaku__gossipsub_peer *p = g->peers[i];
    if (!p->connected && p->expire_ns <= now_ns) {
      drop_peer_slot(g, i);
      continue;
    }
    p->ihave_count = 0;
    p->iasked = 0;
    if (g->heartbeats % DONTWANT_GENERATION_HEARTBEATS == 0) {
      struct cwaku__id_map tmp = p->dontwant[1];
      p->dontwant[1] = p->dontwant[0];
      p->dontwant[0] = tmp;
      cwaku__id_map_reset(&p->dontwant[0]);
    }
    compute_score(g, p);
    i++;
  }
  for (size_t t = 0; t < g->n_topics; t++) {
    if (!g->topics[t].used)
      continue;
    expire_backoffs(&g->topics[t], now_ns);
    if (g->topics[t].subscribed)
      maintain_mesh(g, (uint32_t)t);
    else
      maintain_fanout(g, (uint32_t)t);
    emit_gossip(g, (uint32_t)t);
    maybe_free_topic(g, (uint32_t)t);
  }
  cwaku__mcache_shift(&g->mcache);
  cwaku__seen_tick(&g->seen, now_ns);
  /* Validations that never came back are forgotten. */
  for (size_t i = 0; g->pending.n && i < g->pending.cap; i++) {
    struct pending_msg *pm = g->pending.slots[i].value;
    if (pm && pm->expire_ns <= now_ns) {
      cwaku__id_map_remove(&g->pending, pm->id);
      free(pm);
      i--; /* the slot may hold a shifted entry now */
    }
  }
  flush_control(g);
  if (g->p.disconnect_bad_peers && g->cb.disconnect)
    for (size_t i = 0; i < g->n_peers; i++) {
      struct cwaku__gossipsub_peer *p = g->peers[i];
      if (p->connected && p->score < g->p.graylist_threshold &&
          !p->graylist_reported) {
        p->graylist_reported = true;
        g->cb.disconnect(g->cb.arg, p);
      }
    }
}

/* ---- introspection --------------------------------------------------------
 */

size_t cwaku__gossipsub_mesh_size(const struct cwaku__gossipsub *g,
                                  const char *topic) {
  long t = find_topic(g, topic, strlen(topic));
  return t < 0 ? 0 : g->topics[t].mesh.n;
}

bool cwaku__gossipsub_in_mesh(const struct cwaku__gossipsub *g,
                              const char *topic,
                              const struct cwaku__gossipsub_peer *p) {
  long t = find_topic(g, topic, strlen(topic));
  return t >= 0 && plist_has(&g->topics[t].mesh, p);
}

size_t cwaku__gossipsub_topics(const struct cwaku__gossipsub *g,
                               const char **out, size_t max) {
  size_t n = 0;
  for (size_t t = 0; t < g->n_topics; t++)
    if (g->topics[t].used && g->topics[t].subscribed) {
      if (n < max)
        out[n] = g->topics[t].name;
      n++;
    }
  return n;
}

void cwaku__gossipsub_foreach_peer(
    const struct cwaku__gossipsub *g,
    void (*fn)(const struct cwaku__gossipsub_peer *p, bool connected,
               void *arg),
    void *arg) {
  for (size_t i = 0; i < g->n_peers; i++)
    fn(g->peers[i], g->peers[i]->connected, arg);
}

size_t cwaku__gossipsub_topic_peers(const struct cwaku__gossipsub *g,
                                    const char *topic) {
  long t = find_topic(g, topic, strlen(topic));
  return t < 0 ? 0 : g->topics[t].peers.n;
}

void cwaku__gossipsub_stats(const struct cwaku__gossipsub *g,
                            struct cwaku_gossipsub_stats *out) {
  *out = g->stats;
}
