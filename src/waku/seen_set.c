#include "seen_set.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void cwaku__seen_init(struct cwaku__seen_set *s, uint64_t ttl_ns, size_t max,
                      const struct cwaku_rng *rng) {
  memset(s, 0, sizeof *s);
  s->ttl_ns = ttl_ns;
  s->max = max;
  cwaku_random(rng, s->key, sizeof s->key);
}

void cwaku__seen_clear(struct cwaku__seen_set *s) {
  free(s->gen[0].keys);
  free(s->gen[1].keys);
  memset(s->gen, 0, sizeof s->gen);
}

/* The stored key: the id's first half, never all zero (that marks an
 * empty slot). */
static void key_of(uint8_t k[16], const uint8_t *id) {
  memcpy(k, id, 16);
  k[0] |= (uint8_t) !(k[0] | k[1] | k[2] | k[3] | k[4] | k[5] | k[6] | k[7]);
}

static size_t slot_of(const struct cwaku__seen_set *s, const uint8_t k[16],
                      size_t cap) {
  uint8_t h[crypto_shorthash_siphash24_BYTES];
  crypto_shorthash_siphash24(h, k, 16, s->key);
  uint64_t v;
  memcpy(&v, h, sizeof v);
  return (size_t)v & (cap - 1);
}

static bool gen_has(const struct cwaku__seen_set *s,
                    const struct cwaku__seen_gen *g, const uint8_t k[16]) {
  static const uint8_t zero[16];
  if (g->n == 0)
    return false;
  for (size_t i = slot_of(s, k, g->cap);; i = (i + 1) & (g->cap - 1)) {
    if (memcmp(g->keys[i], zero, 16) == 0)
      return false;
    if (memcmp(g->keys[i], k, 16) == 0)
      return true;
  }
}

bool cwaku__seen_has(const struct cwaku__seen_set *s, const uint8_t id[32]) {
  uint8_t k[16];
  key_of(k, id);
  return gen_has(s, &s->gen[0], k) || gen_has(s, &s->gen[1], k);
}

static void gen_insert(const struct cwaku__seen_set *s,
                       struct cwaku__seen_gen *g, const uint8_t k[16]) {
  static const uint8_t zero[16];
  size_t i = slot_of(s, k, g->cap);
  while (memcmp(g->keys[i], zero, 16) != 0) {
    if (memcmp(g->keys[i], k, 16) == 0)
      return;
    i = (i + 1) & (g->cap - 1);
  }
  memcpy(g->keys[i], k, 16);
  g->n++;
}

static void rotate(struct cwaku__seen_set *s, uint64_t now_ns) {
  struct cwaku__seen_gen old = s->gen[1];
  s->gen[1] = s->gen[0];
  s->gen[0] = old;
  if (s->gen[0].keys)
    memset(s->gen[0].keys, 0, s->gen[0].cap * sizeof *s->gen[0].keys);
  s->gen[0].n = 0;
  s->started_ns = now_ns;
}

void cwaku__seen_tick(struct cwaku__seen_set *s, uint64_t now_ns) {
  if (now_ns >= s->started_ns + s->ttl_ns)
    rotate(s, now_ns);
}

bool cwaku__seen_add(struct cwaku__seen_set *s, const uint8_t id[32],
                     uint64_t now_ns) {
  if (s->max && s->gen[0].n >= s->max)
    rotate(s, now_ns);
  struct cwaku__seen_gen *g = &s->gen[0];
  if ((g->n + 1) * 2 > g->cap) { /* load at most one half */
    size_t cap = g->cap ? g->cap * 2 : 256;
    uint8_t(*keys)[16] = calloc(cap, sizeof *keys);
    if (!keys)
      return false;
    struct cwaku__seen_gen grown = {keys, cap, 0};
    for (size_t i = 0; i < g->cap; i++) {
      static const uint8_t zero[16];
      if (memcmp(g->keys[i], zero, 16) != 0)
        gen_insert(s, &grown, g->keys[i]);
    }
    free(g->keys);
    *g = grown;
  }
  uint8_t k[16];
  key_of(k, id);
  gen_insert(s, g, k);
  return true;
}
