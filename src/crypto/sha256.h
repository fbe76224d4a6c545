/* SHA-256 through OpenSSL's EVP, which uses the CPU's SHA extensions
 * (SHA-NI) where present: about five times libsodium's portable code
 * here, and every relayed message is hashed for its id. */
#ifndef CWAKU_CRYPTO_SHA256_H
#define CWAKU_CRYPTO_SHA256_H

#include <openssl/evp.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#define CWAKU_SHA256_BYTES 32

/* Incremental hashing; falls back to libsodium when OpenSSL cannot
 * allocate its context, so init never fails. Every init needs a final. */
struct cwaku__sha256 {
  EVP_MD_CTX *ctx;
  crypto_hash_sha256_state st;
};

static inline void cwaku__sha256_init(struct cwaku__sha256 *h) {
  h->ctx = EVP_MD_CTX_new();
  if (h->ctx && EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
  }
  if (!h->ctx)
    crypto_hash_sha256_init(&h->st);
}
static inline void cwaku__sha256_update(struct cwaku__sha256 *h,
                                        const void *data, size_t n) {
  if (h->ctx)
    EVP_DigestUpdate(h->ctx, data, n);
  else
    crypto_hash_sha256_update(&h->st, (const unsigned char *)data, n);
}
static inline void cwaku__sha256_final(struct cwaku__sha256 *h,
                                       uint8_t out[CWAKU_SHA256_BYTES]) {
  if (h->ctx) {
    unsigned len = CWAKU_SHA256_BYTES;
    EVP_DigestFinal_ex(h->ctx, out, &len);
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
  } else {
    crypto_hash_sha256_final(&h->st, out);
  }
}
static inline void cwaku__sha256(uint8_t out[CWAKU_SHA256_BYTES],
                                 const void *data, size_t n) {
  if (EVP_Digest(data, n, out, NULL, EVP_sha256(), NULL) != 1)
    crypto_hash_sha256(out, (const unsigned char *)data, n);
}

#endif
