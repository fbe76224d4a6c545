/* Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not the
 * FIPS 202 SHA3 padding 0x06). OpenSSL 3.0 has no such digest, so the sponge
 * is built here on nettle's Keccak-f[1600] permutation. */
#ifndef CWAKU_CRYPTO_KECCAK256_H
#define CWAKU_CRYPTO_KECCAK256_H

#include <nettle/sha3.h>
#include <stddef.h>
#include <stdint.h>

#define CWAKU_KECCAK256_BYTES 32

struct cwaku__keccak256 {
  struct sha3_state st;
  unsigned pos; /* bytes absorbed into the current block */
};

void cwaku__keccak256_init(struct cwaku__keccak256 *h);
void cwaku__keccak256_update(struct cwaku__keccak256 *h, const void *data,
                             size_t n);
void cwaku__keccak256_final(struct cwaku__keccak256 *h,
                            uint8_t out[CWAKU_KECCAK256_BYTES]);
void cwaku__keccak256(uint8_t out[CWAKU_KECCAK256_BYTES], const void *data,
                      size_t n);

#endif
