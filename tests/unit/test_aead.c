/* ChaCha20-Poly1305 over OpenSSL (src/crypto/aead.c): the RFC 8439 §2.8.2
 * example, and agreement with libsodium's implementation on random input. */
#include <sodium.h>

#include "check.h"
#include "crypto/aead.h"
#include "cwaku/env.h"

static void test_rfc8439(void) {
  uint8_t key[32], nonce[12], ad[12], tag[16], want_tag[16];
  check_unhex(key, sizeof key,
              "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e"
              "9f");
  check_unhex(nonce, sizeof nonce, "070000004041424344454647");
  check_unhex(ad, sizeof ad, "50515253c0c1c2c3c4c5c6c7");
  const char *pt = "Ladies and Gentlemen of the class of '99: If I could "
                   "offer you only one tip for the future, sunscreen would "
                   "be it.";
  size_t len = strlen(pt);
  uint8_t ct[200], back[200];
  uint8_t want_ct[200];
  check_unhex(want_ct, sizeof want_ct,
              "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62"
              "d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd"
              "3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b48"
              "31d7bc3ff4def08e4b7a9de576d26586cec64b6116");
  check_unhex(want_tag, sizeof want_tag, "1ae10b594f09e26a7e902ecbd0600691");
  CHECK(cwaku__aead_encrypt(ct, tag, key, nonce, ad, sizeof ad,
                            (const uint8_t *)pt, len));
  CHECK_MEM(ct, want_ct, len);
  CHECK_MEM(tag, want_tag, 16);
  CHECK(cwaku__aead_decrypt(back, key, nonce, ad, sizeof ad, ct, len, tag));
  CHECK_MEM(back, pt, len);
  tag[0] ^= 1; /* a forged tag fails and clears the output */
  CHECK(!cwaku__aead_decrypt(back, key, nonce, ad, sizeof ad, ct, len, tag));
  CHECK(back[0] == 0 && back[len - 1] == 0);
}

static void test_against_libsodium(void) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 3);
  static uint8_t pt[70000], ct[70000 + 16], ref[70000 + 16];
  int mismatches = 0;
  for (int round = 0; round < 200; round++) {
    uint8_t key[32], nonce[12], ad[40], tag[16];
    uint16_t len16;
    cwaku_random(&rng.rng, key, sizeof key);
    cwaku_random(&rng.rng, nonce, sizeof nonce);
    cwaku_random(&rng.rng, ad, sizeof ad);
    cwaku_random(&rng.rng, &len16, sizeof len16);
    size_t len = round == 0 ? 0 : round == 1 ? 65519 : len16 % 70000;
    size_t adlen = (size_t)round % sizeof ad;
    cwaku_random(&rng.rng, pt, len);
    unsigned long long rlen;
    crypto_aead_chacha20poly1305_ietf_encrypt(ref, &rlen, pt, len, ad, adlen,
                                              NULL, nonce, key);
    if (!cwaku__aead_encrypt(ct, tag, key, nonce, ad, adlen, pt, len) ||
        memcmp(ct, ref, len) != 0 || memcmp(tag, ref + len, 16) != 0)
      mismatches++;
    /* in place, as Noise uses it */
    memcpy(ct, pt, len);
    if (!cwaku__aead_encrypt(ct, ct + len, key, nonce, ad, adlen, ct, len) ||
        memcmp(ct, ref, len + 16) != 0 ||
        !cwaku__aead_decrypt(ct, key, nonce, ad, adlen, ct, len, ct + len) ||
        memcmp(ct, pt, len) != 0)
      mismatches++;
  }
  CHECK_EQ_INT(mismatches, 0);
}

int main(void) {
  if (sodium_init() < 0)
    return 1;
  test_rfc8439();
  test_against_libsodium();
  return check_summary("aead");
}
