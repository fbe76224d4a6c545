#include "aead.h"

#include <limits.h>
#include <openssl/evp.h>
#include <string.h>

static int aead_run(int enc, uint8_t *out, uint8_t *tag, const uint8_t *key,
                    const uint8_t *nonce, const uint8_t *ad, size_t adlen,
                    const uint8_t *in, size_t len) {
  if (len > INT_MAX || adlen > INT_MAX)
    return 0;
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  int n = 0, ok = ctx != NULL &&
                  EVP_CipherInit_ex(ctx, EVP_chacha20_poly1305(), NULL, NULL,
                                    NULL, enc) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
                                      CWAKU_AEAD_NONCE_BYTES, NULL) == 1 &&
                  EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) == 1;
  if (ok && !enc)
    ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, CWAKU_AEAD_TAG_BYTES,
                             tag) == 1;
  if (ok && adlen)
    ok = EVP_CipherUpdate(ctx, NULL, &n, ad, (int)adlen) == 1;
  if (ok && len)
    ok = EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1;
  uint8_t rest[CWAKU_AEAD_TAG_BYTES]; /* a stream cipher leaves nothing */
  if (ok) /* decrypting: this is where the tag is checked */
    ok = EVP_CipherFinal_ex(ctx, rest, &n) == 1;
  if (ok && enc)
    ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, CWAKU_AEAD_TAG_BYTES,
                             tag) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok && len)
    memset(out, 0, len);
  return ok;
}

int cwaku__aead_encrypt(uint8_t *out, uint8_t tag[CWAKU_AEAD_TAG_BYTES],
                        const uint8_t key[CWAKU_AEAD_KEY_BYTES],
                        const uint8_t nonce[CWAKU_AEAD_NONCE_BYTES],
                        const uint8_t *ad, size_t adlen, const uint8_t *in,
                        size_t len) {
  return aead_run(1, out, tag, key, nonce, ad, adlen, in, len);
}

int cwaku__aead_decrypt(uint8_t *out, const uint8_t key[CWAKU_AEAD_KEY_BYTES],
                        const uint8_t nonce[CWAKU_AEAD_NONCE_BYTES],
                        const uint8_t *ad, size_t adlen, const uint8_t *in,
                        size_t len, const uint8_t tag[CWAKU_AEAD_TAG_BYTES]) {
  return aead_run(0, out, (uint8_t *)tag, key, nonce, ad, adlen, in, len);
}
