/* A hash map from 32-byte message ids to pointers: the seen set, the
 * message cache's index, the IDONTWANT sets. Open addressing with linear
 * probing, slots chosen by a keyed hash (SipHash with a random key), so
 * ids a peer picks cannot pile up in one probe run. Grows by doubling;
 * removal shifts the run back, so no tombstones accumulate. */
#ifndef CWAKU_WAKU_ID_MAP_H
#define CWAKU_WAKU_ID_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"

#define CWAKU__ID_BYTES 32

struct cwaku__id_map_slot {
  uint8_t id[CWAKU__ID_BYTES];
  void *value; /* NULL marks an empty slot: values are never NULL */
};

struct cwaku__id_map {
  struct cwaku__id_map_slot *slots;
  size_t cap; /* a power of two, or 0 */
  size_t n;
  uint8_t key[16];
};

void cwaku__id_map_init(struct cwaku__id_map *m, const struct cwaku_rng *rng);
void cwaku__id_map_clear(struct cwaku__id_map *m); /* frees the slots */
/* Forgets every entry, keeps the storage. */
void cwaku__id_map_reset(struct cwaku__id_map *m);
void *cwaku__id_map_get(const struct cwaku__id_map *m,
                        const uint8_t id[CWAKU__ID_BYTES]);
/* Sets (or replaces) the value of id; value must not be NULL. */
int cwaku__id_map_put(struct cwaku__id_map *m,
                      const uint8_t id[CWAKU__ID_BYTES], void *value);
/* Removes id; returns its value, NULL when absent. */
void *cwaku__id_map_remove(struct cwaku__id_map *m,
                           const uint8_t id[CWAKU__ID_BYTES]);

/* The value of sets: any non-NULL pointer. */
#define CWAKU__ID_PRESENT ((void *)1)

#endif
