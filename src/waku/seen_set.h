/* The set of message ids a router has seen, in 16 bytes an id (the first
 * half of the sha256 id: ids are hashes we computed, so no peer can make
 * two messages share one). Two generations: an id stays at least one
 * generation; a generation ends after the TTL, or sooner once it holds
 * max ids, which is what bounds memory under a flood (duplicates older
 * than that may then be accepted again). */
#ifndef CWAKU_WAKU_SEEN_SET_H
#define CWAKU_WAKU_SEEN_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"

struct cwaku__seen_gen {
  uint8_t (*keys)[16]; /* all-zero: empty slot */
  size_t cap, n;       /* cap a power of two */
};

struct cwaku__seen_set {
  struct cwaku__seen_gen gen[2]; /* gen[0] takes new ids */
  uint64_t started_ns;           /* of gen[0] */
  uint64_t ttl_ns;
  size_t max;
  uint8_t key[16];
};

void cwaku__seen_init(struct cwaku__seen_set *s, uint64_t ttl_ns, size_t max,
                      const struct cwaku_rng *rng);
void cwaku__seen_clear(struct cwaku__seen_set *s);
bool cwaku__seen_has(const struct cwaku__seen_set *s, const uint8_t id[32]);
/* Adds id (rotating first when the generation is due); false only when
 * memory ran out. */
bool cwaku__seen_add(struct cwaku__seen_set *s, const uint8_t id[32],
                     uint64_t now_ns);
/* Rotates when the TTL is up (called each heartbeat). */
void cwaku__seen_tick(struct cwaku__seen_set *s, uint64_t now_ns);

#endif
