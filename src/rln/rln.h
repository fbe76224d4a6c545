/* RLN v2 as the Waku network uses it (17/WAKU2-RLN-RELAY with the RLN v2
 * circuit of circom-rln, rln_identifier "rln/waku-rln-relay/v2.0.0"): the
 * values a member derives from its identity and a message, and the secret
 * recovery a slasher runs on two shares of one epoch and message id. The
 * zero-knowledge proof itself is elsewhere (src/zk).
 *
 * Every field element is a cwaku_fr (BN254 Fr); on the wire they are 32
 * bytes little-endian (cwaku__fr_from_bytes_le refuses values >= r).
 * Crypto convention: 1 on success, 0 with the outputs cleared. */
#ifndef CWAKU_RLN_RLN_H
#define CWAKU_RLN_RLN_H

#include <stddef.h>
#include <stdint.h>

#include "zk/field.h"

/* The epoch length of cluster 1, in seconds. */
#define CWAKU_RLN_EPOCH_SECONDS 600
/* Wire sizes of the epoch and the rln_identifier (RateLimitProof fields 3
 * and 7). */
#define CWAKU_RLN_EPOCH_BYTES 32
#define CWAKU_RLN_IDENTIFIER_BYTES 32
/* The Waku network's rln_identifier (25 ASCII bytes, zero-padded). */
#define CWAKU_RLN_IDENTIFIER "rln/waku-rln-relay/v2.0.0"
/* user_message_limit must lie in 1..2^16: message_id < limit, and the
 * circuit's range check holds message_id to 16 bits. */
#define CWAKU_RLN_MAX_USER_MESSAGE_LIMIT 65536u
/* The circuit's public signals, in the verifier's order: y, root,
 * nullifier, x, external nullifier. */
#define CWAKU_RLN_PUBLIC_SIGNALS 5

/* An identity as zerokit's extended keys hold it. */
struct cwaku__rln_identity {
  cwaku_fr trapdoor;
  cwaku_fr nullifier;
  cwaku_fr secret;     /* a0 = Poseidon(trapdoor, nullifier) */
  cwaku_fr commitment; /* id_commitment = Poseidon(a0) */
};

/* What a message reveals of its sender's line y = a0 + x a1. */
struct cwaku__rln_share {
  cwaku_fr x;         /* hash_to_field(signal) */
  cwaku_fr y;         /* a0 + x a1 */
  cwaku_fr nullifier; /* Poseidon(a1): one per epoch and message id */
};

/* keccak256(data) (Keccak's own padding, not SHA3-256's) read as a
 * little-endian integer, reduced mod r. */
void cwaku__rln_hash_to_field(cwaku_fr *out, const uint8_t *data, size_t len);

/* Derives secret and commitment from trapdoor and nullifier. */
void cwaku__rln_identity_from_keys(struct cwaku__rln_identity *id,
                                   const cwaku_fr *trapdoor,
                                   const cwaku_fr *nullifier);
/* Wipes an identity. */
void cwaku__rln_identity_clear(struct cwaku__rln_identity *id);
/* id_commitment = Poseidon(a0). */
void cwaku__rln_id_commitment(cwaku_fr *out, const cwaku_fr *secret);

/* 1 if user_message_limit is in 1..CWAKU_RLN_MAX_USER_MESSAGE_LIMIT. */
int cwaku__rln_limit_is_valid(uint32_t user_message_limit);
/* rate_commitment = Poseidon(id_commitment, user_message_limit), the
 * member's Merkle leaf; 0 for a limit out of range. */
CWAKU_MUST_CHECK int cwaku__rln_rate_commitment(cwaku_fr *out,
                                                const cwaku_fr *id_commitment,
                                                uint32_t user_message_limit);

/* The signal of a message: payload || content_topic (its UTF-8 bytes as
 * given) || timestamp_ns as 8 bytes little-endian. signal_len is its
 * length, or 0 when that does not fit a size_t; cwaku__rln_signal writes
 * it into out[signal_len]. */
size_t cwaku__rln_signal_len(size_t payload_len, size_t topic_len);
void cwaku__rln_signal(uint8_t *out, const uint8_t *payload, size_t payload_len,
                       const char *content_topic, size_t topic_len,
                       uint64_t timestamp_ns);
/* x = hash_to_field(signal), hashed without building the signal. */
void cwaku__rln_signal_hash(cwaku_fr *x, const uint8_t *payload,
                            size_t payload_len, const char *content_topic,
                            size_t topic_len, uint64_t timestamp_ns);

/* epoch = floor(timestamp_ns / 10^9 / CWAKU_RLN_EPOCH_SECONDS). */
uint64_t cwaku__rln_epoch(uint64_t timestamp_ns);
/* Its wire form: the epoch as 8 bytes little-endian, then 24 zero bytes. */
void cwaku__rln_epoch_bytes(uint8_t out[CWAKU_RLN_EPOCH_BYTES], uint64_t epoch);
/* The epoch of a wire form; 0 when the 24 high bytes are not zero. */
CWAKU_MUST_CHECK int
cwaku__rln_epoch_from_bytes(uint64_t *epoch,
                            const uint8_t in[CWAKU_RLN_EPOCH_BYTES]);
/* An rln_identifier's wire form: its bytes, zero-padded; 0 when longer
 * than CWAKU_RLN_IDENTIFIER_BYTES. */
CWAKU_MUST_CHECK int
cwaku__rln_identifier_bytes(uint8_t out[CWAKU_RLN_IDENTIFIER_BYTES],
                            const char *identifier, size_t len);

/* external_nullifier = Poseidon(hash_to_field(epoch bytes),
 * hash_to_field(rln_identifier bytes)). */
void cwaku__rln_external_nullifier(
    cwaku_fr *out, const uint8_t epoch[CWAKU_RLN_EPOCH_BYTES],
    const uint8_t rln_identifier[CWAKU_RLN_IDENTIFIER_BYTES]);

/* a1 = Poseidon(a0, external_nullifier, message_id); 0 unless
 * 0 <= message_id < user_message_limit <= CWAKU_RLN_MAX_USER_MESSAGE_LIMIT.
 * a1 is as secret as a0 (one share and a1 give a0). */
CWAKU_MUST_CHECK int cwaku__rln_a1(cwaku_fr *a1, const cwaku_fr *secret,
                                   const cwaku_fr *external_nullifier,
                                   uint32_t message_id,
                                   uint32_t user_message_limit);
/* The share of a message with signal hash x: y = a0 + x a1 and
 * nullifier = Poseidon(a1); the same checks as cwaku__rln_a1. */
CWAKU_MUST_CHECK int
cwaku__rln_share(struct cwaku__rln_share *share, const cwaku_fr *secret,
                 const cwaku_fr *external_nullifier, uint32_t message_id,
                 uint32_t user_message_limit, const cwaku_fr *x);

/* The sender's a0 from two shares of one line: a1 = (y1 - y2)/(x1 - x2),
 * a0 = y1 - x1 a1; a1_out (may be NULL) receives a1. 0 when the
 * nullifiers differ (two lines) or x1 = x2 (one point). */
CWAKU_MUST_CHECK int
cwaku__rln_recover_secret(cwaku_fr *secret, cwaku_fr *a1_out,
                          const struct cwaku__rln_share *s1,
                          const struct cwaku__rln_share *s2);

/* [y, root, nullifier, x, external_nullifier]: the verifier's inputs. */
void cwaku__rln_public_signals(cwaku_fr out[CWAKU_RLN_PUBLIC_SIGNALS],
                               const struct cwaku__rln_share *share,
                               const cwaku_fr *root,
                               const cwaku_fr *external_nullifier);

#endif
