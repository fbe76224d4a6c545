/* Thin wrappers over libsecp256k1. */
#include <secp256k1.h>
#include <sodium.h>
#include <string.h>

#include "cwaku/key.h"

int cwaku_seckey_is_valid(const cwaku_seckey *sk) {
  return secp256k1_ec_seckey_verify(secp256k1_context_static, sk->data);
}

int cwaku_seckey_generate(cwaku_seckey *out, const struct cwaku_rng *rng) {
  /* The chance that 32 random bytes are not a valid key is about 2^-128. */
  for (int i = 0; i < 64; i++) {
    cwaku_random(rng, out->data, sizeof out->data);
    if (cwaku_seckey_is_valid(out))
      return 1;
  }
  sodium_memzero(out, sizeof *out);
  return 0;
}

/* Operations with the secret key (signing, deriving the public key) need a
 * context of their own: the static one cannot do them. With libsecp256k1 >=
 * 0.2 creating one is cheap (no table to build), so each call makes one and
 * no context lives in a global. */
int cwaku_pubkey_from_seckey(cwaku_pubkey *out, const cwaku_seckey *sk) {
  secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  secp256k1_pubkey pk;
  size_t len = sizeof out->data;
  int ok = ctx && secp256k1_ec_pubkey_create(ctx, &pk, sk->data) &&
           secp256k1_ec_pubkey_serialize(ctx, out->data, &len, &pk,
                                         SECP256K1_EC_COMPRESSED);
  if (ctx)
    secp256k1_context_destroy(ctx);
  if (!ok)
    memset(out, 0, sizeof *out);
  return ok;
}

static int parse_point(secp256k1_pubkey *pk, const cwaku_pubkey *in) {
  return secp256k1_ec_pubkey_parse(secp256k1_context_static, pk, in->data,
                                   sizeof in->data);
}

int cwaku_pubkey_parse(cwaku_pubkey *out, const uint8_t *in, size_t inlen) {
  secp256k1_pubkey pk;
  size_t len = sizeof out->data;
  if ((inlen != CWAKU_PUBKEY_BYTES &&
       inlen != CWAKU_PUBKEY_UNCOMPRESSED_BYTES) ||
      !secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, in, inlen) ||
      !secp256k1_ec_pubkey_serialize(secp256k1_context_static, out->data, &len,
                                     &pk, SECP256K1_EC_COMPRESSED)) {
    memset(out, 0, sizeof *out);
    return 0;
  }
  return 1;
}

int cwaku_pubkey_uncompressed(uint8_t out[CWAKU_PUBKEY_UNCOMPRESSED_BYTES],
                              const cwaku_pubkey *pk) {
  secp256k1_pubkey p;
  size_t len = CWAKU_PUBKEY_UNCOMPRESSED_BYTES;
  if (!parse_point(&p, pk) ||
      !secp256k1_ec_pubkey_serialize(secp256k1_context_static, out, &len, &p,
                                     SECP256K1_EC_UNCOMPRESSED)) {
    memset(out, 0, CWAKU_PUBKEY_UNCOMPRESSED_BYTES);
    return 0;
  }
  return 1;
}

int cwaku_ecdsa_sign(uint8_t sig[CWAKU_ECDSA_SIG_BYTES], const cwaku_seckey *sk,
                     const uint8_t hash[32]) {
  secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  secp256k1_ecdsa_signature s;
  int ok = ctx && secp256k1_ecdsa_sign(ctx, &s, hash, sk->data, NULL, NULL) &&
           secp256k1_ecdsa_signature_serialize_compact(ctx, sig, &s);
  if (ctx)
    secp256k1_context_destroy(ctx);
  if (!ok)
    memset(sig, 0, CWAKU_ECDSA_SIG_BYTES);
  return ok;
}

int cwaku_ecdsa_verify(const uint8_t sig[CWAKU_ECDSA_SIG_BYTES],
                       const uint8_t hash[32], const cwaku_pubkey *pk) {
  secp256k1_pubkey p;
  secp256k1_ecdsa_signature s;
  return parse_point(&p, pk) &&
         secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &s,
                                                 sig) &&
         secp256k1_ecdsa_verify(secp256k1_context_static, &s, hash, &p);
}
