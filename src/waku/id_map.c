#include "id_map.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/error.h"

void cwaku__id_map_init(struct cwaku__id_map *m, const struct cwaku_rng *rng) {
  memset(m, 0, sizeof *m);
  cwaku_random(rng, m->key, sizeof m->key);
}

void cwaku__id_map_clear(struct cwaku__id_map *m) {
  free(m->slots);
  m->slots = NULL;
  m->cap = m->n = 0;
}

void cwaku__id_map_reset(struct cwaku__id_map *m) {
  if (m->slots)
    memset(m->slots, 0, m->cap * sizeof *m->slots);
  m->n = 0;
}

static size_t slot_of(const struct cwaku__id_map *m, const uint8_t *id) {
  uint8_t h[crypto_shorthash_siphash24_BYTES];
  crypto_shorthash_siphash24(h, id, CWAKU__ID_BYTES, m->key);
  uint64_t v;
  memcpy(&v, h, sizeof v);
  return (size_t)v & (m->cap - 1);
}

void *cwaku__id_map_get(const struct cwaku__id_map *m,
                        const uint8_t id[CWAKU__ID_BYTES]) {
  if (m->n == 0)
    return NULL;
  for (size_t i = slot_of(m, id);; i = (i + 1) & (m->cap - 1)) {
    const struct cwaku__id_map_slot *s = &m->slots[i];
    if (!s->value)
      return NULL;
    if (memcmp(s->id, id, CWAKU__ID_BYTES) == 0)
      return s->value;
  }
}

static void insert(struct cwaku__id_map *m, const uint8_t *id, void *value) {
  size_t i = slot_of(m, id);
  while (m->slots[i].value && memcmp(m->slots[i].id, id, CWAKU__ID_BYTES))
    i = (i + 1) & (m->cap - 1);
  if (!m->slots[i].value)
    m->n++;
  memcpy(m->slots[i].id, id, CWAKU__ID_BYTES);
  m->slots[i].value = value;
}

/* Keeps the load at or below one half, so probe runs stay short. */
static int grow(struct cwaku__id_map *m) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  struct cwaku__id_map_slot *old = m->slots;
  size_t oldcap = m->cap;
  m->slots = calloc(cap, sizeof *m->slots);
  if (!m->slots) {
    m->slots = old;
    return CWAKU_ENOMEM;
  }
  m->cap = cap;
  m->n = 0;
  for (size_t i = 0; i < oldcap; i++)
    if (old[i].value)
      insert(m, old[i].id, old[i].value);
  free(old);
  return 0;
}

int cwaku__id_map_put(struct cwaku__id_map *m,
                      const uint8_t id[CWAKU__ID_BYTES], void *value) {
  if ((m->n + 1) * 2 > m->cap) {
    int r = grow(m);
    if (r)
      return r;
  }
  insert(m, id, value);
  return 0;
}

void *cwaku__id_map_remove(struct cwaku__id_map *m,
                           const uint8_t id[CWAKU__ID_BYTES]) {
  if (m->n == 0)
    return NULL;
  size_t mask = m->cap - 1, i = slot_of(m, id);
  while (m->slots[i].value && memcmp(m->slots[i].id, id, CWAKU__ID_BYTES))
    i = (i + 1) & mask;
  void *value = m->slots[i].value;
  if (!value)
    return NULL;
  /* Backward shift: move later members of the run into the hole when
   * their home slot does not lie after the hole (cyclically). */
  size_t hole = i;
  for (size_t j = (i + 1) & mask; m->slots[j].value; j = (j + 1) & mask) {
    size_t home = slot_of(m, m->slots[j].id);
    bool stays =
        hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!stays) {
      m->slots[hole] = m->slots[j];
      hole = j;
    }
  }
  memset(&m->slots[hole], 0, sizeof m->slots[hole]);
  m->n--;
  return value;
}
