#include "message_cache.h"

#include <stdlib.h>
#include <string.h>

#include "cwaku/error.h"

int cwaku__mcache_init(struct cwaku__mcache *mc, size_t history, size_t gossip,
                       size_t max_bytes, const struct cwaku_rng *rng) {
  memset(mc, 0, sizeof *mc);
  if (history == 0 || gossip > history)
    return CWAKU_EINVAL;
  mc->windows = calloc(history, sizeof *mc->windows);
  if (!mc->windows)
    return CWAKU_ENOMEM;
  mc->history = history;
  mc->gossip = gossip;
  mc->max_bytes = max_bytes;
  cwaku__id_map_init(&mc->index, rng);
  return 0;
}

static void drop_entry(struct cwaku__mcache *mc,
                       struct cwaku__mcache_entry *e) {
  cwaku__id_map_remove(&mc->index, e->id);
  mc->bytes -= e->len;
  free(e);
}

static void drop_window(struct cwaku__mcache *mc,
                        struct cwaku__mcache_window *w) {
  for (size_t i = w->first; i < w->n; i++)
    drop_entry(mc, w->entries[i]);
  w->n = w->first = 0;
}

/* Oldest first: windows from the oldest, entries in arrival order. */
static void trim(struct cwaku__mcache *mc) {
  for (size_t k = mc->history; k-- > 0 && mc->bytes > mc->max_bytes;) {
    struct cwaku__mcache_window *w =
        &mc->windows[(mc->head + mc->history - k) % mc->history];
    while (w->first < w->n && mc->bytes > mc->max_bytes)
      drop_entry(mc, w->entries[w->first++]);
  }
}

void cwaku__mcache_clear(struct cwaku__mcache *mc) {
  for (size_t i = 0; mc->windows && i < mc->history; i++) {
    drop_window(mc, &mc->windows[i]);
    free(mc->windows[i].entries);
  }
  free(mc->windows);
  cwaku__id_map_clear(&mc->index);
  memset(mc, 0, sizeof *mc);
}

int cwaku__mcache_put(struct cwaku__mcache *mc,
                      const uint8_t id[CWAKU__ID_BYTES], uint32_t topic,
                      const uint8_t *data, size_t len) {
  if (cwaku__id_map_get(&mc->index, id))
    return 0;
  struct cwaku__mcache_window *w = &mc->windows[mc->head];
  if (w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 16;
    void *p = realloc(w->entries, cap * sizeof *w->entries);
    if (!p)
      return CWAKU_ENOMEM;
    w->entries = p;
    w->cap = cap;
  }
  struct cwaku__mcache_entry *e = malloc(sizeof *e + len);
  if (!e)
    return CWAKU_ENOMEM;
  memcpy(e->id, id, CWAKU__ID_BYTES);
  e->topic = topic;
  e->len = len;
  e->n_tx = 0;
  if (len)
    memcpy(e->data, data, len);
  if (cwaku__id_map_put(&mc->index, id, e) != 0) {
    free(e);
    return CWAKU_ENOMEM;
  }
  w->entries[w->n++] = e;
  mc->bytes += len;
  if (mc->max_bytes && mc->bytes > mc->max_bytes)
    trim(mc);
  return 0;
}

struct cwaku__mcache_entry *
cwaku__mcache_get(const struct cwaku__mcache *mc,
                  const uint8_t id[CWAKU__ID_BYTES]) {
  return cwaku__id_map_get(&mc->index, id);
}

bool cwaku__mcache_tx(struct cwaku__mcache_entry *e, const void *peer,
                      uint32_t limit) {
  for (uint8_t i = 0; i < e->n_tx; i++)
    if (e->tx_peer[i] == peer) {
      if (e->tx_count[i] >= limit)
        return false;
      e->tx_count[i]++;
      return true;
    }
  if (e->n_tx == CWAKU__MCACHE_TX_PEERS || limit == 0)
    return false;
  e->tx_peer[e->n_tx] = peer;
  e->tx_count[e->n_tx++] = 1;
  return true;
}

size_t cwaku__mcache_gossip_ids(const struct cwaku__mcache *mc, uint32_t topic,
                                uint8_t *out, size_t max) {
  size_t n = 0;
  for (size_t k = 0; k < mc->gossip; k++) {
    const struct cwaku__mcache_window *w =
        &mc->windows[(mc->head + mc->history - k) % mc->history];
    for (size_t i = w->first; i < w->n && n < max; i++)
      if (w->entries[i]->topic == topic)
        memcpy(out + CWAKU__ID_BYTES * n++, w->entries[i]->id, CWAKU__ID_BYTES);
  }
  return n;
}

void cwaku__mcache_shift(struct cwaku__mcache *mc) {
  mc->head = (mc->head + 1) % mc->history;
  drop_window(mc, &mc->windows[mc->head]); /* the oldest, reused */
}
