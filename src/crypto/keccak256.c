#include "keccak256.h"

#include <string.h>

/* rate = 1600 - 2*256 bits */
#define KECCAK256_RATE 136

static void absorb_byte(struct cwaku__keccak256 *h, unsigned pos, uint8_t b) {
  /* Lanes are little-endian: byte i of the block is byte i%8 of lane i/8. */
  h->st.a[pos / 8] ^= (uint64_t)b << (8 * (pos % 8));
}

static void permute(struct cwaku__keccak256 *h) {
  sha3_permute(&h->st);
}

void cwaku__keccak256_init(struct cwaku__keccak256 *h) {
  memset(h, 0, sizeof *h);
}

void cwaku__keccak256_update(struct cwaku__keccak256 *h, const void *data,
                             size_t n) {
  const uint8_t *p = data;
  for (size_t i = 0; i < n; i++) {
    absorb_byte(h, h->pos, p[i]);
    if (++h->pos == KECCAK256_RATE) {
      permute(h);
      h->pos = 0;
    }
  }
}

void cwaku__keccak256_final(struct cwaku__keccak256 *h,
                            uint8_t out[CWAKU_KECCAK256_BYTES]) {
  absorb_byte(h, h->pos, 0x01);
  absorb_byte(h, KECCAK256_RATE - 1, 0x80);
  permute(h);
  for (unsigned i = 0; i < CWAKU_KECCAK256_BYTES; i++)
    out[i] = (uint8_t)(h->st.a[i / 8] >> (8 * (i % 8)));
  memset(h, 0, sizeof *h);
}

void cwaku__keccak256(uint8_t out[CWAKU_KECCAK256_BYTES], const void *data,
                      size_t n) {
  struct cwaku__keccak256 h;
  cwaku__keccak256_init(&h);
  cwaku__keccak256_update(&h, data, n);
  cwaku__keccak256_final(&h, out);
}
