/* gossipsub v1.1 (libp2p/specs pubsub/gossipsub/gossipsub-v1.0.md,
 * gossipsub-v1.1.md; IDONTWANT of gossipsub-v1.2.md) as a sans-IO router,
 * in the form 11/WAKU2-RELAY uses it: StrictNoSign (from, seqno,
 * signature and key never sent, and a message carrying any of them
 * rejected) and message id = sha256(data).
 *
 * The driver tells the router about peers (add_peer / remove_peer), feeds
 * it each complete RPC a peer sent (recv_rpc), calls heartbeat every
 * heartbeat interval, and sends what the router queued for each peer
 * (next_pending / output / output_consumed) on that peer's outbound
 * stream. The time comes in as an argument, randomness from the injected
 * rng; the router never touches a socket or a clock. Everything a peer can
 * make it hold is capped: topics per peer, ids per IHAVE/IWANT, queued
 * output per peer, the seen set and the message cache by their TTLs. */
#ifndef CWAKU_WAKU_GOSSIPSUB_H
#define CWAKU_WAKU_GOSSIPSUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"
#include "cwaku/error.h"
#include "cwaku/peer_id.h"

#define CWAKU_GOSSIPSUB_ID_BYTES 32
#define CWAKU_GOSSIPSUB_TOPIC_MAX 255

/* Per-topic score parameters (gossipsub-v1.1.md §Topic Parameter
 * Calculation). P3 and P3b (mesh message delivery deficit, mesh failure
 * penalty) are not implemented: Waku sets their weights to 0. */
struct cwaku_gossipsub_topic_params {
  double topic_weight;
  double time_in_mesh_weight; /* P1 */
  uint64_t time_in_mesh_quantum_ns;
  double time_in_mesh_cap;
  double first_message_deliveries_weight; /* P2 */
  double first_message_deliveries_decay;
  double first_message_deliveries_cap;
  double invalid_message_deliveries_weight; /* P4 */
  double invalid_message_deliveries_decay;
};

struct cwaku_gossipsub_params {
  /* mesh degree */
  uint32_t d, d_low, d_high, d_score, d_out, d_lazy;
  uint64_t heartbeat_ns;
  uint32_t history_length, history_gossip; /* in heartbeats */
  uint64_t fanout_ttl_ns;
  uint64_t seen_ttl_ns;
  uint64_t prune_backoff_ns, unsubscribe_backoff_ns;
  double gossip_factor;
  bool flood_publish;
  bool trigger_self; /* deliver our own messages to our application */
  bool enable_px;    /* send and accept peer exchange on PRUNE */
  uint32_t prune_peers;
  /* score thresholds */
  double gossip_threshold, publish_threshold, graylist_threshold;
  double accept_px_threshold, opportunistic_graft_threshold;
  uint32_t opportunistic_graft_ticks, opportunistic_graft_peers;
  /* score */
  uint64_t decay_interval_ns;
  double decay_to_zero;
  uint64_t retain_score_ns;
  double ip_colocation_factor_weight, ip_colocation_factor_threshold; /* P6 */
  double behaviour_penalty_weight, behaviour_penalty_threshold;       /* P7 */
  double behaviour_penalty_decay;
  bool disconnect_bad_peers;
  struct cwaku_gossipsub_topic_params topic; /* for every topic we join */
  /* spam limits (go-libp2p's defaults, which nim-libp2p shares) */
  uint32_t max_ihave_length;      /* ids we ask for per peer per heartbeat */
  uint32_t max_ihave_messages;    /* IHAVEs we heed per peer per heartbeat */
  uint32_t gossip_retransmission; /* times we answer an IWANT per id, peer */
  uint64_t iwant_followup_ns;     /* a promised message must come by then */
  uint64_t graft_flood_ns;        /* a GRAFT this soon after PRUNE: flood */
  uint32_t max_topics_per_peer;
  size_t max_message_size; /* Message.data */
  size_t max_peer_output;  /* bytes queued for one peer; then we drop */
  /* Memory under floods: ids in one generation of the seen set (it then
   * turns over before seen_ttl), and bytes of the message cache (the
   * oldest leave first). */
  size_t max_seen;
  size_t max_cache_bytes;
};

/* nwaku's parameters (waku_relay/protocol.nim GossipsubParameters and
 * TopicParameters; waku-facts item 2). */
void cwaku_gossipsub_params_default(struct cwaku_gossipsub_params *p);

enum cwaku_gossipsub_validation {
  CWAKU_GOSSIPSUB_ACCEPT, /* deliver and forward */
  CWAKU_GOSSIPSUB_REJECT, /* drop, and count against the sender's score */
  CWAKU_GOSSIPSUB_IGNORE, /* drop */
  /* the validator answers later through cwaku__gossipsub_report */
  CWAKU_GOSSIPSUB_PENDING,
};

struct cwaku__gossipsub_peer; /* opaque */

struct cwaku_gossipsub_callbacks {
  /* Decides about a message on a topic we subscribe to (data is the
   * Message.data; the id is sha256(data)). */
  enum cwaku_gossipsub_validation (*validate)(
      void *arg, const char *topic, const uint8_t *data, size_t len,
      const uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES]);
  /* A valid message for the application, once per id (from is NULL for
   * our own). */
  void (*deliver)(void *arg, const char *topic, const uint8_t *data, size_t len,
                  const uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES],
                  struct cwaku__gossipsub_peer *from);
  /* The peer's score fell below the graylist threshold (with
   * disconnect_bad_peers): close its connection. Optional. */
  void (*disconnect)(void *arg, struct cwaku__gossipsub_peer *p);
  /* Peer exchange: a peer worth connecting to (enable_px). Optional. */
  void (*px_peer)(void *arg, const uint8_t *peer_id, size_t len);
  void *arg;
};

struct cwaku__gossipsub;

/* The params and callbacks are copied; rng must outlive the router. */
int cwaku__gossipsub_new(struct cwaku__gossipsub **out,
                         const struct cwaku_gossipsub_params *params,
                         const struct cwaku_gossipsub_callbacks *cb,
                         const struct cwaku_rng *rng);
void cwaku__gossipsub_free(struct cwaku__gossipsub *g);

/* A peer that speaks the protocol (its stream is up). ip: its address
 * bytes (4 or 16; NULL when unknown) for the IP colocation factor;
 * outbound: we dialed it. arg is the driver's handle. */
int cwaku__gossipsub_add_peer(struct cwaku__gossipsub *g,
                              struct cwaku__gossipsub_peer **out,
                              const cwaku_peer_id *id, bool outbound,
                              const uint8_t *ip, size_t ip_len, void *arg,
                              uint64_t now_ns);
/* The peer is gone; its score is kept for retain_score. */
void cwaku__gossipsub_remove_peer(struct cwaku__gossipsub *g,
                                  struct cwaku__gossipsub_peer *p,
                                  uint64_t now_ns);
void *cwaku__gossipsub_peer_arg(const struct cwaku__gossipsub_peer *p);
const cwaku_peer_id *
cwaku__gossipsub_peer_id(const struct cwaku__gossipsub_peer *p);
double cwaku__gossipsub_peer_score(const struct cwaku__gossipsub_peer *p);
/* The peer understands IDONTWANT (gossipsub v1.2); set by the driver when
 * it knows, and by the router when the peer sends one. */
void cwaku__gossipsub_peer_set_idontwant(struct cwaku__gossipsub_peer *p,
                                         bool yes);

/* One RPC the peer sent (without its length prefix). A malformed RPC is
 * dropped whole and costs the peer a behaviour penalty; the return value
 * says why (the driver need not act on it). */
int cwaku__gossipsub_recv_rpc(struct cwaku__gossipsub *g,
                              struct cwaku__gossipsub_peer *p,
                              const uint8_t *rpc, size_t len, uint64_t now_ns);

int cwaku__gossipsub_subscribe(struct cwaku__gossipsub *g, const char *topic,
                               uint64_t now_ns);
int cwaku__gossipsub_unsubscribe(struct cwaku__gossipsub *g, const char *topic,
                                 uint64_t now_ns);
bool cwaku__gossipsub_subscribed(const struct cwaku__gossipsub *g,
                                 const char *topic);

/* Publishes data (already validated by the caller) to topic. *peers gets
 * how many peers it was sent to. A message already seen is refused
 * (CWAKU_EINVAL). */
int cwaku__gossipsub_publish(struct cwaku__gossipsub *g, const char *topic,
                             const uint8_t *data, size_t len, size_t *peers,
                             uint64_t now_ns);

/* The verdict on a message the validator left PENDING. */
void cwaku__gossipsub_report(struct cwaku__gossipsub *g,
                             const uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES],
                             enum cwaku_gossipsub_validation result,
                             uint64_t now_ns);

/* Mesh maintenance, gossip, score decay; every heartbeat_ns. */
void cwaku__gossipsub_heartbeat(struct cwaku__gossipsub *g, uint64_t now_ns);

/* ---- output --------------------------------------------------------------
 * A peer with queued bytes (length-prefixed RPCs), or NULL. Each peer
 * appears once until its output was all consumed. */
struct cwaku__gossipsub_peer *
cwaku__gossipsub_next_pending(struct cwaku__gossipsub *g);
void cwaku__gossipsub_output(struct cwaku__gossipsub_peer *p,
                             const uint8_t **data, size_t *len);
void cwaku__gossipsub_output_consumed(struct cwaku__gossipsub *g,
                                      struct cwaku__gossipsub_peer *p,
                                      size_t n);

/* ---- introspection (tests, REST, metrics) -------------------------------- */
size_t cwaku__gossipsub_mesh_size(const struct cwaku__gossipsub *g,
                                  const char *topic);
bool cwaku__gossipsub_in_mesh(const struct cwaku__gossipsub *g,
                              const char *topic,
                              const struct cwaku__gossipsub_peer *p);
/* The topics we subscribe to, up to max (pointers valid until the next
 * call into the router); returns how many there are. */
size_t cwaku__gossipsub_topics(const struct cwaku__gossipsub *g,
                               const char **out, size_t max);
/* Calls fn for every peer the router holds, connected or kept for its
 * score. */
void cwaku__gossipsub_foreach_peer(
    const struct cwaku__gossipsub *g,
    void (*fn)(const struct cwaku__gossipsub_peer *p, bool connected,
               void *arg),
    void *arg);
/* How many peers we know to be subscribed to topic. */
size_t cwaku__gossipsub_topic_peers(const struct cwaku__gossipsub *g,
                                    const char *topic);

struct cwaku_gossipsub_stats {
  uint64_t delivered;         /* first copies of valid messages */
  uint64_t duplicates;        /* copies of messages already seen */
  uint64_t rejected, ignored; /* by validation */
  uint64_t dropped_output;    /* messages not queued: peer output full */
  uint64_t iwant_sent, ihave_sent, graft_sent, prune_sent;
  uint64_t broken_promises;
  uint64_t graylisted_rpcs; /* RPCs ignored: sender below graylist */
};
void cwaku__gossipsub_stats(const struct cwaku__gossipsub *g,
                            struct cwaku_gossipsub_stats *out);

#endif
