/* What the node knows about peers: addresses, protocols, agent version,
 * latency, and where it learned of them. A bounded table: when full, the
 * peer heard of least recently (and not connected) makes room. */
#ifndef CWAKU_P2P_PEER_STORE_H
#define CWAKU_P2P_PEER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/peer_id.h"

#define CWAKU_PEER_MAX_ADDRS 8
#define CWAKU_PEER_MAX_ADDR_BYTES 64
#define CWAKU_PEER_MAX_PROTOCOLS 32
#define CWAKU_PEER_MAX_PROTOCOL_LEN 64
#define CWAKU_PEER_AGENT_MAX 64
#define CWAKU_PEER_MAX_SHARDS 64

enum cwaku_peer_source {
  CWAKU_PEER_SOURCE_STATIC,   /* --staticnode */
  CWAKU_PEER_SOURCE_INBOUND,  /* it connected to us */
  CWAKU_PEER_SOURCE_IDENTIFY, /* learned over identify */
  CWAKU_PEER_SOURCE_DISCOVERY /* peer exchange, discv5, DNS (later) */
};

struct cwaku_peer {
  cwaku_peer_id id;
  enum cwaku_peer_source source;
  bool connected;
  uint64_t last_seen_ns; /* monotonic */
  uint64_t rtt_ns;       /* 0: not measured */
  char agent[CWAKU_PEER_AGENT_MAX + 1];
  size_t n_addrs;
  uint8_t addr_len[CWAKU_PEER_MAX_ADDRS];
  uint8_t addrs[CWAKU_PEER_MAX_ADDRS][CWAKU_PEER_MAX_ADDR_BYTES];
  size_t n_protocols;
  char protocols[CWAKU_PEER_MAX_PROTOCOLS][CWAKU_PEER_MAX_PROTOCOL_LEN + 1];
  /* From 66/WAKU2-METADATA: the peer's cluster and shards. */
  bool has_cluster;
  uint32_t cluster;
  size_t n_shards;
  uint16_t shards[CWAKU_PEER_MAX_SHARDS];
};

struct cwaku_peer_store;

int cwaku_peer_store_new(struct cwaku_peer_store **out, size_t capacity);
void cwaku_peer_store_free(struct cwaku_peer_store *ps);

/* The entry for id, created when absent (NULL when the store is full of
 * connected peers or memory ran out). The source of a new entry is set to
 * source; an existing entry keeps its first source. */
struct cwaku_peer *cwaku_peer_store_upsert(struct cwaku_peer_store *ps,
                                           const cwaku_peer_id *id,
                                           enum cwaku_peer_source source,
                                           uint64_t now_ns);
struct cwaku_peer *cwaku_peer_store_get(struct cwaku_peer_store *ps,
                                        const cwaku_peer_id *id);
size_t cwaku_peer_store_count(const struct cwaku_peer_store *ps);
/* Calls fn for every peer known (the store must not change meanwhile). */
void cwaku_peer_store_foreach(const struct cwaku_peer_store *ps,
                              void (*fn)(const struct cwaku_peer *p, void *arg),
                              void *arg);

/* Adds an address (binary multiaddr) unless known; oldest out when full. */
void cwaku_peer_add_addr(struct cwaku_peer *p, const uint8_t *addr, size_t len);
/* Replaces the protocol list (ids longer than the cap are skipped). */
void cwaku_peer_set_protocols(struct cwaku_peer *p, const char *const *ids,
                              const size_t *lens, size_t n);
void cwaku_peer_set_agent(struct cwaku_peer *p, const char *agent, size_t len);
bool cwaku_peer_supports(const struct cwaku_peer *p, const char *protocol);

#endif
