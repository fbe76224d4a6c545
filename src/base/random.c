#include <sodium.h>
#include <string.h>

#include "cwaku/env.h"

static void system_fill(void *arg, uint8_t *out, size_t n) {
  (void)arg;
  randombytes_buf(out, n);
}

static const struct cwaku_rng system_rng = {system_fill, NULL};

const struct cwaku_rng *cwaku_rng_system(void) {
  /* sodium_init is idempotent and thread-safe; randombytes needs it. */
  if (sodium_init() < 0)
    return NULL;
  return &system_rng;
}

/* Each call keys ChaCha20 with the seed and a fresh counter folded into the
 * last 8 seed bytes, so successive calls never repeat output. */
static void seeded_fill(void *arg, uint8_t *out, size_t n) {
  struct cwaku_seeded_rng *r = arg;
  uint8_t key[32];
  memcpy(key, r->seed, 32);
  uint64_t c = r->counter++;
  for (int i = 0; i < 8; i++)
    key[24 + i] ^= (uint8_t)(c >> (8 * i));
  randombytes_buf_deterministic(out, n, key);
  sodium_memzero(key, sizeof key);
}

void cwaku_seeded_rng_init(struct cwaku_seeded_rng *r, uint64_t seed) {
  memset(r->seed, 0, sizeof r->seed);
  for (int i = 0; i < 8; i++)
    r->seed[i] = (uint8_t)(seed >> (8 * i));
  r->counter = 0;
  r->rng.fill = seeded_fill;
  r->rng.arg = r;
}
