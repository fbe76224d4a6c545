/* libp2p identity keys (peer-ids.md): the node's long-term key, of type
 * secp256k1 (our default, as nwaku) or Ed25519, its PublicKey/PrivateKey
 * protobuf encodings, and libp2p-style signatures.
 *
 * Crypto convention: generate, derive, sign and verify return 1 on success
 * and 0 on failure, clearing their outputs on failure. The protobuf codecs
 * return 0 or a negative CWAKU_E* code (ETRUNC when the input ends early,
 * EMALFORMED or EKEY when it is complete but wrong, EUNSUPPORTED for the RSA
 * and ECDSA key types). */
#ifndef CWAKU_IDENTITY_H
#define CWAKU_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"
#include "cwaku/error.h"
#include "cwaku/key.h"

/* peer-ids.md KeyType values. */
enum cwaku_key_type {
  CWAKU_KEY_ED25519 = 1,
  CWAKU_KEY_SECP256K1 = 2,
};

#define CWAKU_ED25519_PUBKEY_BYTES 32
#define CWAKU_ED25519_SEED_BYTES 32
#define CWAKU_ED25519_SIG_BYTES 64
/* A DER-encoded secp256k1 ECDSA signature is at most 72 bytes. */
#define CWAKU_IDENTITY_SIG_MAX 72
/* Encoded PublicKey: 08 <type> 12 <len> <key>; at most 4 + 33. */
#define CWAKU_IDENTITY_PUBKEY_PB_MAX 37
/* Encoded PrivateKey: 08 <type> 12 <len> <key>; at most 4 + 64. */
#define CWAKU_IDENTITY_PRIVKEY_PB_MAX 68

/* A private identity key. secp256k1: the 32-byte scalar in secret[0..32];
 * Ed25519: libsodium's 64-byte form (seed || public key). Wipe it with
 * cwaku_identity_key_clear when done. */
typedef struct {
  enum cwaku_key_type type;
  uint8_t secret[64];
} cwaku_identity_key;

/* A public identity key: 33-byte compressed secp256k1 point or 32-byte
 * Ed25519 key in data[0..len]. */
typedef struct {
  enum cwaku_key_type type;
  uint8_t len;
  uint8_t data[CWAKU_PUBKEY_BYTES];
} cwaku_identity_pubkey;

/* A fresh key of the given type from rng. */
CWAKU_MUST_CHECK int cwaku_identity_generate(cwaku_identity_key *out,
                                             enum cwaku_key_type type,
                                             const struct cwaku_rng *rng);
/* Wraps an existing secp256k1 node key (the ENR key). */
CWAKU_MUST_CHECK int cwaku_identity_from_secp256k1(cwaku_identity_key *out,
                                                   const cwaku_seckey *sk);
CWAKU_MUST_CHECK int
cwaku_identity_from_ed25519_seed(cwaku_identity_key *out,
                                 const uint8_t seed[CWAKU_ED25519_SEED_BYTES]);
void cwaku_identity_key_clear(cwaku_identity_key *k);

CWAKU_MUST_CHECK int cwaku_identity_public(cwaku_identity_pubkey *out,
                                           const cwaku_identity_key *k);

/* PublicKey protobuf, deterministic form (peer-ids.md "Note about
 * deterministic encoding"): Type then Data, nothing else. out holds
 * CWAKU_IDENTITY_PUBKEY_PB_MAX bytes; *outlen gets the length. */
void cwaku_identity_pubkey_encode(uint8_t out[CWAKU_IDENTITY_PUBKEY_PB_MAX],
                                  size_t *outlen,
                                  const cwaku_identity_pubkey *pk);
/* Strict: exactly the two fields in order, minimal one-byte varints, a
 * valid key of the right length, no trailing bytes. */
CWAKU_MUST_CHECK int cwaku_identity_pubkey_decode(cwaku_identity_pubkey *out,
                                                  const uint8_t *in,
                                                  size_t inlen);
int cwaku_identity_pubkey_equal(const cwaku_identity_pubkey *a,
                                const cwaku_identity_pubkey *b);

/* PrivateKey protobuf, as libp2p stores keys on disk. Ed25519 Data is
 * seed || public key (64 bytes); the legacy 96-byte form (public key twice)
 * is accepted on decode when both copies agree, and the public key must
 * match the seed. Secp256k1 Data is the 32-byte scalar. The caller wipes
 * out and the encoded bytes. */
void cwaku_identity_private_encode(uint8_t out[CWAKU_IDENTITY_PRIVKEY_PB_MAX],
                                   size_t *outlen, const cwaku_identity_key *k);
CWAKU_MUST_CHECK int cwaku_identity_private_decode(cwaku_identity_key *out,
                                                   const uint8_t *in,
                                                   size_t inlen);

/* libp2p signatures (peer-ids.md "How Keys are Encoded and Messages
 * Signed"): secp256k1 = ECDSA over SHA-256(msg), low-s, DER-encoded;
 * Ed25519 = plain Ed25519 (64 bytes). sig holds CWAKU_IDENTITY_SIG_MAX
 * bytes; *siglen gets the length. */
CWAKU_MUST_CHECK int cwaku_identity_sign(uint8_t sig[CWAKU_IDENTITY_SIG_MAX],
                                         size_t *siglen,
                                         const cwaku_identity_key *k,
                                         const uint8_t *msg, size_t msglen);
/* secp256k1 signatures must be canonical DER with low s, as js-libp2p
 * (@noble/curves, format 'der', lowS) requires. */
CWAKU_MUST_CHECK int cwaku_identity_verify(const cwaku_identity_pubkey *pk,
                                           const uint8_t *sig, size_t siglen,
                                           const uint8_t *msg, size_t msglen);

#endif
