/* libp2p identity keys: encodings and signatures (peer-ids.md). */
#include "cwaku/identity.h"

#include <secp256k1.h>
#include <sodium.h>
#include <string.h>

#include "base/cursor.h"
#include "crypto/sha256.h"

#define PB_TAG_TYPE 0x08 /* field 1, varint */
#define PB_TAG_DATA 0x12 /* field 2, length-delimited */

static size_t pubkey_len(enum cwaku_key_type type) {
  switch (type) {
  case CWAKU_KEY_ED25519:
    return CWAKU_ED25519_PUBKEY_BYTES;
  case CWAKU_KEY_SECP256K1:
    return CWAKU_PUBKEY_BYTES;
  }
  return 0;
}

void cwaku_identity_key_clear(cwaku_identity_key *k) {
  sodium_memzero(k, sizeof *k);
}

int cwaku_identity_from_secp256k1(cwaku_identity_key *out,
                                  const cwaku_seckey *sk) {
  memset(out, 0, sizeof *out);
  if (!cwaku_seckey_is_valid(sk))
    return 0;
  out->type = CWAKU_KEY_SECP256K1;
  memcpy(out->secret, sk->data, CWAKU_SECKEY_BYTES);
  return 1;
}

int cwaku_identity_from_ed25519_seed(
    cwaku_identity_key *out, const uint8_t seed[CWAKU_ED25519_SEED_BYTES]) {
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  memset(out, 0, sizeof *out);
  if (crypto_sign_seed_keypair(pk, out->secret, seed) != 0) {
    cwaku_identity_key_clear(out);
    return 0;
  }
  out->type = CWAKU_KEY_ED25519;
  return 1;
}

int cwaku_identity_generate(cwaku_identity_key *out, enum cwaku_key_type type,
                            const struct cwaku_rng *rng) {
  int ok = 0;
  switch (type) {
  case CWAKU_KEY_SECP256K1: {
    cwaku_seckey sk;
    ok = cwaku_seckey_generate(&sk, rng) &&
         cwaku_identity_from_secp256k1(out, &sk);
    sodium_memzero(&sk, sizeof sk);
    break;
  }
  case CWAKU_KEY_ED25519: {
    uint8_t seed[CWAKU_ED25519_SEED_BYTES];
    cwaku_random(rng, seed, sizeof seed);
    ok = cwaku_identity_from_ed25519_seed(out, seed);
    sodium_memzero(seed, sizeof seed);
    break;
  }
  }
  if (!ok)
    cwaku_identity_key_clear(out);
  return ok;
}

int cwaku_identity_public(cwaku_identity_pubkey *out,
                          const cwaku_identity_key *k) {
  memset(out, 0, sizeof *out);
  switch (k->type) {
  case CWAKU_KEY_SECP256K1: {
    cwaku_seckey sk;
    cwaku_pubkey pk;
    memcpy(sk.data, k->secret, sizeof sk.data);
    int ok = cwaku_pubkey_from_seckey(&pk, &sk);
    sodium_memzero(&sk, sizeof sk);
    if (!ok)
      return 0;
    out->type = CWAKU_KEY_SECP256K1;
    out->len = CWAKU_PUBKEY_BYTES;
    memcpy(out->data, pk.data, CWAKU_PUBKEY_BYTES);
    return 1;
  }
  case CWAKU_KEY_ED25519:
    /* libsodium keeps the public key in the second half. */
    out->type = CWAKU_KEY_ED25519;
    out->len = CWAKU_ED25519_PUBKEY_BYTES;
    memcpy(out->data, k->secret + 32, CWAKU_ED25519_PUBKEY_BYTES);
    return 1;
  }
  return 0;
}

/* The PublicKey and PrivateKey protobufs share one shape: Type (field 1,
 * varint) then Data (field 2, bytes). Both values always fit in one varint
 * byte, so we write exactly those four header bytes and read nothing else. */
static size_t write_key_pb(uint8_t *out, enum cwaku_key_type type,
                           const uint8_t *data, size_t n) {
  out[0] = PB_TAG_TYPE;
  out[1] = (uint8_t)type;
  out[2] = PB_TAG_DATA;
  out[3] = (uint8_t)n;
  memcpy(out + 4, data, n);
  return 4 + n;
}

static int read_key_header(uint8_t *type, uint8_t *len, struct cwaku__rcur *c) {
  uint8_t tag1 = cwaku__rcur_u8(c);
  *type = cwaku__rcur_u8(c);
  uint8_t tag2 = cwaku__rcur_u8(c);
  *len = cwaku__rcur_u8(c);
  if (cwaku__rcur_err(c))
    return cwaku__rcur_err(c);
  if (tag1 != PB_TAG_TYPE || tag2 != PB_TAG_DATA || (*type & 0x80) ||
      (*len & 0x80))
    return CWAKU_EMALFORMED;
  return 0;
}

void cwaku_identity_pubkey_encode(uint8_t out[CWAKU_IDENTITY_PUBKEY_PB_MAX],
                                  size_t *outlen,
                                  const cwaku_identity_pubkey *pk) {
  /* peer-ids.md §Note about deterministic encoding: "implementors SHOULD
   * use a protobuf encoder that orders fields by their field number". */
  *outlen = write_key_pb(out, pk->type, pk->data, pk->len);
}

int cwaku_identity_pubkey_decode(cwaku_identity_pubkey *out, const uint8_t *in,
                                 size_t inlen) {
  struct cwaku__rcur c;
  memset(out, 0, sizeof *out);
  cwaku__rcur_init(&c, in, inlen);
  /* peer-ids.md §Note about deterministic encoding: fields in order, and
   * "implementors MUST avoid extending the PublicKey message with
   * additional fields". Both values fit in one varint byte, so anything
   * longer is a non-canonical form of a key we would encode differently. */
  uint8_t type, len;
  int r = read_key_header(&type, &len, &c);
  if (r)
    return r;
  if (type != CWAKU_KEY_ED25519 && type != CWAKU_KEY_SECP256K1)
    return type <= 3 ? CWAKU_EUNSUPPORTED : CWAKU_EMALFORMED;
  const uint8_t *key = cwaku__rcur_take(&c, len);
  if (cwaku__rcur_err(&c))
    return cwaku__rcur_err(&c);
  if (cwaku__rcur_left(&c) != 0 || len != pubkey_len((enum cwaku_key_type)type))
    return CWAKU_EMALFORMED;
  if (type == CWAKU_KEY_SECP256K1) {
    cwaku_pubkey pk;
    /* Only the compressed form: it is what the key encodes to. */
    if (!cwaku_pubkey_parse(&pk, key, len) || memcmp(pk.data, key, len) != 0)
      return CWAKU_EKEY;
  }
  out->type = (enum cwaku_key_type)type;
  out->len = len;
  memcpy(out->data, key, len);
  return 0;
}

int cwaku_identity_pubkey_equal(const cwaku_identity_pubkey *a,
                                const cwaku_identity_pubkey *b) {
  return a->type == b->type && a->len == b->len &&
         memcmp(a->data, b->data, a->len) == 0;
}

void cwaku_identity_private_encode(uint8_t out[CWAKU_IDENTITY_PRIVKEY_PB_MAX],
                                   size_t *outlen,
                                   const cwaku_identity_key *k) {
  size_t n = k->type == CWAKU_KEY_ED25519 ? 64 : CWAKU_SECKEY_BYTES;
  *outlen = write_key_pb(out, k->type, k->secret, n);
}

int cwaku_identity_private_decode(cwaku_identity_key *out, const uint8_t *in,
                                  size_t inlen) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, in, inlen);
  memset(out, 0, sizeof *out);
  uint8_t type, len;
  int r = read_key_header(&type, &len, &c);
  if (r)
    return r;
  const uint8_t *data = cwaku__rcur_take(&c, len);
  if (cwaku__rcur_err(&c))
    return cwaku__rcur_err(&c);
  if (cwaku__rcur_left(&c) != 0)
    return CWAKU_EMALFORMED;
  switch (type) {
  case CWAKU_KEY_SECP256K1: {
    cwaku_seckey sk;
    if (len != CWAKU_SECKEY_BYTES)
      return CWAKU_EMALFORMED;
    memcpy(sk.data, data, CWAKU_SECKEY_BYTES);
    int ok = cwaku_identity_from_secp256k1(out, &sk);
    sodium_memzero(&sk, sizeof sk);
    return ok ? 0 : CWAKU_EKEY;
  }
  case CWAKU_KEY_ED25519:
    /* peer-ids.md §Ed25519: "[private key][public key]" (64 bytes), or the
     * older "[private key][public key][public key]" (96 bytes) whose two
     * public keys must be identical. */
    if (len != 64 && len != 96)
      return CWAKU_EMALFORMED;
    if (len == 96 && memcmp(data + 32, data + 64, 32) != 0)
      return CWAKU_EKEY;
    if (!cwaku_identity_from_ed25519_seed(out, data))
      return CWAKU_EKEY;
    if (sodium_memcmp(out->secret + 32, data + 32, 32) != 0) {
      cwaku_identity_key_clear(out);
      return CWAKU_EKEY;
    }
    return 0;
  default:
    return type <= 3 ? CWAKU_EUNSUPPORTED : CWAKU_EMALFORMED;
  }
}

int cwaku_identity_sign(uint8_t sig[CWAKU_IDENTITY_SIG_MAX], size_t *siglen,
                        const cwaku_identity_key *k, const uint8_t *msg,
                        size_t msglen) {
  int ok = 0;
  *siglen = 0;
  switch (k->type) {
  case CWAKU_KEY_ED25519: {
    unsigned long long n = 0;
    ok = crypto_sign_detached(sig, &n, msg, msglen, k->secret) == 0 &&
         n == CWAKU_ED25519_SIG_BYTES;
    if (ok)
      *siglen = CWAKU_ED25519_SIG_BYTES;
    break;
  }
  case CWAKU_KEY_SECP256K1: {
    /* peer-ids.md §Secp256k1: "we hash the message with SHA 256, then sign
     * it using the standard Bitcoin EC signature algorithm (BIP0062), and
     * then use standard Bitcoin encoding" (DER). */
    uint8_t digest[CWAKU_SHA256_BYTES];
    secp256k1_ecdsa_signature s;
    size_t n = CWAKU_IDENTITY_SIG_MAX;
    cwaku__sha256(digest, msg, msglen);
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    ok = ctx && secp256k1_ecdsa_sign(ctx, &s, digest, k->secret, NULL, NULL) &&
         secp256k1_ecdsa_signature_serialize_der(ctx, sig, &n, &s);
    if (ctx)
      secp256k1_context_destroy(ctx);
    if (ok)
      *siglen = n;
    break;
  }
  }
  if (!ok)
    memset(sig, 0, CWAKU_IDENTITY_SIG_MAX);
  return ok;
}

static int verify_secp256k1(const cwaku_identity_pubkey *pk, const uint8_t *sig,
                            size_t siglen, const uint8_t *msg, size_t msglen) {
  const secp256k1_context *ctx = secp256k1_context_static;
  secp256k1_pubkey p;
  secp256k1_ecdsa_signature s;
  uint8_t again[CWAKU_IDENTITY_SIG_MAX];
  size_t againlen = sizeof again;
  uint8_t digest[CWAKU_SHA256_BYTES];
  if (pk->len != CWAKU_PUBKEY_BYTES || siglen > CWAKU_IDENTITY_SIG_MAX ||
      !secp256k1_ec_pubkey_parse(ctx, &p, pk->data, pk->len) ||
      !secp256k1_ecdsa_signature_parse_der(ctx, &s, sig, siglen))
    return 0;
  /* Canonical DER only: what parses must serialize back to the same bytes
   * (no padding, no long-form lengths, no trailing data). */
  if (!secp256k1_ecdsa_signature_serialize_der(ctx, again, &againlen, &s) ||
      againlen != siglen || memcmp(again, sig, siglen) != 0)
    return 0;
  /* High-s forms are malleable copies; secp256k1_ecdsa_verify refuses them
   * too, and so does js-libp2p. */
  if (secp256k1_ecdsa_signature_normalize(ctx, NULL, &s))
    return 0;
  cwaku__sha256(digest, msg, msglen);
  return secp256k1_ecdsa_verify(ctx, &s, digest, &p);
}

int cwaku_identity_verify(const cwaku_identity_pubkey *pk, const uint8_t *sig,
                          size_t siglen, const uint8_t *msg, size_t msglen) {
  switch (pk->type) {
  case CWAKU_KEY_ED25519:
    return pk->len == CWAKU_ED25519_PUBKEY_BYTES &&
           siglen == CWAKU_ED25519_SIG_BYTES &&
           crypto_sign_verify_detached(sig, msg, msglen, pk->data) == 0;
  case CWAKU_KEY_SECP256K1:
    return verify_secp256k1(pk, sig, siglen, msg, msglen);
  }
  return 0;
}
