/* secp256k1 keys: the node key (libp2p identity and ENR "v4" identity) and
 * ECDSA over 32-byte hashes. Crypto convention: functions return 1 on
 * success and 0 on failure, clearing their outputs on failure. */
#ifndef CWAKU_KEY_H
#define CWAKU_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"
#include "cwaku/error.h"

#define CWAKU_SECKEY_BYTES 32
#define CWAKU_PUBKEY_BYTES 33              /* compressed SEC1 */
#define CWAKU_PUBKEY_UNCOMPRESSED_BYTES 65 /* 0x04 || x || y */
#define CWAKU_ECDSA_SIG_BYTES 64           /* r || s, low s */

typedef struct {
  uint8_t data[CWAKU_SECKEY_BYTES];
} cwaku_seckey;

typedef struct {
  uint8_t data[CWAKU_PUBKEY_BYTES];
} cwaku_pubkey;

/* A uniformly random valid key from rng. */
CWAKU_MUST_CHECK int cwaku_seckey_generate(cwaku_seckey *out,
                                           const struct cwaku_rng *rng);
/* 1 when 0 < key < n. */
CWAKU_MUST_CHECK int cwaku_seckey_is_valid(const cwaku_seckey *sk);
CWAKU_MUST_CHECK int cwaku_pubkey_from_seckey(cwaku_pubkey *out,
                                              const cwaku_seckey *sk);
/* Accepts 33-byte compressed or 65-byte uncompressed encodings. */
CWAKU_MUST_CHECK int cwaku_pubkey_parse(cwaku_pubkey *out, const uint8_t *in,
                                        size_t inlen);
CWAKU_MUST_CHECK int
cwaku_pubkey_uncompressed(uint8_t out[CWAKU_PUBKEY_UNCOMPRESSED_BYTES],
                          const cwaku_pubkey *pk);

/* Deterministic (RFC 6979) signature of a 32-byte hash, low-s form. */
CWAKU_MUST_CHECK int cwaku_ecdsa_sign(uint8_t sig[CWAKU_ECDSA_SIG_BYTES],
                                      const cwaku_seckey *sk,
                                      const uint8_t hash[32]);
/* Rejects high-s signatures, as libsecp256k1 and go-ethereum do. */
CWAKU_MUST_CHECK int
cwaku_ecdsa_verify(const uint8_t sig[CWAKU_ECDSA_SIG_BYTES],
                   const uint8_t hash[32], const cwaku_pubkey *pk);

#endif
