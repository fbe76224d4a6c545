/* gossipsub's message cache (gossipsub-v1.0.md §Message Cache): the
 * messages of the last history_length heartbeats, by id for IWANT
 * answers, and the ids of the last history_gossip heartbeats per topic for
 * IHAVE gossip. Each entry also counts how often each peer had it
 * through IWANT (gossipsub-v1.1.md §Spam Protection: a message goes at most
 * gossip_retransmission times to one peer that way). */
#ifndef CWAKU_WAKU_MESSAGE_CACHE_H
#define CWAKU_WAKU_MESSAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "id_map.h"

#define CWAKU__MCACHE_TX_PEERS 8

struct cwaku__mcache_entry {
  uint8_t id[CWAKU__ID_BYTES];
  uint32_t topic; /* the router's topic index */
  size_t len;
  uint8_t n_tx;
  uint8_t tx_count[CWAKU__MCACHE_TX_PEERS];
  const void *tx_peer[CWAKU__MCACHE_TX_PEERS];
  uint8_t data[];
};

struct cwaku__mcache_window {
  struct cwaku__mcache_entry **entries;
  size_t first; /* entries before it were dropped to stay within max_bytes */
  size_t n, cap;
};

struct cwaku__mcache {
  struct cwaku__id_map index;
  struct cwaku__mcache_window *windows; /* a ring, windows[head] newest */
  size_t history, gossip, head;
  size_t bytes;     /* data held */
  size_t max_bytes; /* past it the oldest messages go first */
};

/* max_bytes caps the data held (0: no cap): under a flood the oldest
 * messages leave before their windows end. */
int cwaku__mcache_init(struct cwaku__mcache *mc, size_t history, size_t gossip,
                       size_t max_bytes, const struct cwaku_rng *rng);
void cwaku__mcache_clear(struct cwaku__mcache *mc);
/* Keeps a copy of data under id in the newest window (a known id is left
 * as it is). */
int cwaku__mcache_put(struct cwaku__mcache *mc,
                      const uint8_t id[CWAKU__ID_BYTES], uint32_t topic,
                      const uint8_t *data, size_t len);
struct cwaku__mcache_entry *
cwaku__mcache_get(const struct cwaku__mcache *mc,
                  const uint8_t id[CWAKU__ID_BYTES]);
/* Counts one IWANT answer of e to peer; false when peer had it limit
 * times already (or the entry tracks too many peers to tell). */
bool cwaku__mcache_tx(struct cwaku__mcache_entry *e, const void *peer,
                      uint32_t limit);
/* Ids of topic in the gossip windows, up to max, written back to back
 * into out; returns how many. */
size_t cwaku__mcache_gossip_ids(const struct cwaku__mcache *mc, uint32_t topic,
                                uint8_t *out, size_t max);
/* Opens a new window and drops the oldest (every heartbeat). */
void cwaku__mcache_shift(struct cwaku__mcache *mc);

#endif
