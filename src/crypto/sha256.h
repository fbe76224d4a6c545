/* SHA-256 (libsodium). */
#ifndef CWAKU_CRYPTO_SHA256_H
#define CWAKU_CRYPTO_SHA256_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#define CWAKU_SHA256_BYTES 32

struct cwaku__sha256 {
  crypto_hash_sha256_state st;
};

static inline void cwaku__sha256_init(struct cwaku__sha256 *h) {
  crypto_hash_sha256_init(&h->st);
}
static inline void cwaku__sha256_update(struct cwaku__sha256 *h,
                                        const void *data, size_t n) {
  crypto_hash_sha256_update(&h->st, (const unsigned char *)data, n);
}
static inline void cwaku__sha256_final(struct cwaku__sha256 *h,
                                       uint8_t out[CWAKU_SHA256_BYTES]) {
  crypto_hash_sha256_final(&h->st, out);
}
static inline void cwaku__sha256(uint8_t out[CWAKU_SHA256_BYTES],
                                 const void *data, size_t n) {
  crypto_hash_sha256(out, (const unsigned char *)data, n);
}

#endif
