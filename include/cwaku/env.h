/* The clock and the random source, injected into everything that needs
 * them, so that tests and the simulator can run on their own time and their
 * own (deterministic) randomness. */
#ifndef CWAKU_ENV_H
#define CWAKU_ENV_H

#include <stddef.h>
#include <stdint.h>

struct cwaku_clock {
  /* Unix time in nanoseconds (the unit of WakuMessage timestamps). */
  int64_t (*now_ns)(void *arg);
  /* Monotonic time in nanoseconds, for timers and timeouts. */
  uint64_t (*mono_ns)(void *arg);
  void *arg;
};

struct cwaku_rng {
  void (*fill)(void *arg, uint8_t *out, size_t n);
  void *arg;
};

/* The operating system's clocks. */
const struct cwaku_clock *cwaku_clock_system(void);

/* A clock the caller moves by hand; starts at the given Unix time. */
struct cwaku_manual_clock {
  struct cwaku_clock clock;
  int64_t now_ns;
  uint64_t mono_ns;
};
void cwaku_manual_clock_init(struct cwaku_manual_clock *c, int64_t unix_ns);
void cwaku_manual_clock_advance(struct cwaku_manual_clock *c, uint64_t ns);

/* libsodium's CSPRNG (the OS source). */
const struct cwaku_rng *cwaku_rng_system(void);

/* A deterministic stream (ChaCha20 keyed by the seed), for tests and the
 * simulator; never for keys. */
struct cwaku_seeded_rng {
  struct cwaku_rng rng;
  uint8_t seed[32];
  uint64_t counter;
};
void cwaku_seeded_rng_init(struct cwaku_seeded_rng *r, uint64_t seed);

static inline void cwaku_random(const struct cwaku_rng *rng, void *out,
                                size_t n) {
  rng->fill(rng->arg, (uint8_t *)out, n);
}

#endif
