/* The RLN check a relay node runs on every WakuMessage before it forwards
 * it (17/WAKU2-RLN-RELAY, with the rules of ../shared/rln/README.md
 * "Wire"), and the RateLimitProof codec it needs.
 *
 * A protocol engine: bytes, the time and the node's state in, a verdict
 * out, no I/O. The verdict is 0 (accept) or the first rule the message
 * breaks, as a CWAKU_E* code, tried in this order (cheap rules first):
 *
 *   ETRUNC, EMALFORMED, ETOOBIG  the WakuMessage does not decode
 *   ENOTFOUND                    it carries no rate_limit_proof
 *   ETRUNC, EMALFORMED           the RateLimitProof does not decode, a
 *                                32-byte field is not 32 bytes, the proof
 *                                is not 128 bytes
 *   ERANGE                       a 32-byte value is not a canonical field
 *                                element (>= r, little-endian)
 *   ESTALE                       no timestamp, or |now - timestamp| > 20 s
 *   EEPOCH                       the proof's epoch is not the epoch of the
 *                                message timestamp
 *   EROOT                        merkle_root is not an acceptable root
 *   ESIGNAL                      share_x is not the hash of the message's
 *                                signal: the proof is not for this message
 *   EPROOF                       the proof's points do not decode (off the
 *                                curve, outside G2, bad flags) or the
 *                                Groth16 check fails
 *   ENOMEM                       decoding the message ran out of memory (a
 *                                local failure, not a verdict on the
 *                                message)
 *
 * What is not here: the nullifier log (one message per nullifier and
 * epoch, slashing on a second share) needs state across messages and sits
 * above this check; so does the membership set that gives the roots. */
#ifndef CWAKU_RLN_VALIDATE_H
#define CWAKU_RLN_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/message.h"
#include "rln/rln.h"
#include "zk/groth16.h"

/* ../shared/rln/README.md "Wire": |now - timestamp| <= 20 s. */
#define CWAKU_RLN_MAX_CLOCK_GAP_NS (20 * INT64_C(1000000000))

/* A RateLimitProof as it travels (fields 1..7, all bytes): the values are
 * kept as their wire bytes, 32 bytes little-endian each. */
struct cwaku__rln_wire_proof {
  uint8_t proof[CWAKU_GROTH16_PROOF_BYTES]; /* arkworks A || B || C */
  uint8_t merkle_root[CWAKU_FIELD_BYTES];
  uint8_t epoch[CWAKU_RLN_EPOCH_BYTES];
  uint8_t share_x[CWAKU_FIELD_BYTES];
  uint8_t share_y[CWAKU_FIELD_BYTES];
  uint8_t nullifier[CWAKU_FIELD_BYTES];
  uint8_t rln_identifier[CWAKU_RLN_IDENTIFIER_BYTES];
};

/* Decodes a RateLimitProof: 0; CWAKU_ETRUNC for input that ends inside a
 * field; CWAKU_EMALFORMED for a known field with another wire type, a bad
 * tag, or a field (absent counts as empty) whose length is not exactly 128
 * (proof) or 32 (the others). Protobuf rules otherwise: fields in any
 * order, the last of a repeated field wins, unknown fields are skipped.
 * Values are not checked to be below r here. *out is cleared on failure. */
CWAKU_MUST_CHECK int
cwaku__rln_wire_proof_decode(struct cwaku__rln_wire_proof *out,
                             const uint8_t *in, size_t len);

/* The canonical encoding: fields 1..7 in order, 335 bytes. */
#define CWAKU_RLN_WIRE_PROOF_BYTES                                             \
  (3 + CWAKU_GROTH16_PROOF_BYTES + 6 * (2 + CWAKU_FIELD_BYTES))
void cwaku__rln_wire_proof_encode(uint8_t out[CWAKU_RLN_WIRE_PROOF_BYTES],
                                  const struct cwaku__rln_wire_proof *p);

/* What an accepted message proved, for the nullifier log and slashing. */
struct cwaku__rln_validated {
  struct cwaku__rln_wire_proof proof;
  uint64_t epoch;
  cwaku_fr root;
  cwaku_fr external_nullifier;
  struct cwaku__rln_share share; /* share_x, share_y, nullifier */
  uint8_t message_hash[CWAKU_MESSAGE_HASH_BYTES]; /* on pubsub_topic */
};

/* Validates the encoded WakuMessage msg[0..msg_len) (at most
 * CWAKU_MESSAGE_MAX_DEFAULT bytes) received on pubsub_topic at now_ns (Unix
 * nanoseconds), against the roots[0..n_roots) the node accepts and the
 * prepared key of the RLN circuit. Returns 0 or the code of the first rule
 * broken (above). out, when not NULL, is filled on acceptance and cleared
 * otherwise. The topic is not part of any RLN v2 rule (proofs do not bind
 * it); it only names the message in out->message_hash. */
CWAKU_MUST_CHECK int cwaku__rln_validate(const cwaku_groth16_pvk *pvk,
                                         struct cwaku__rln_validated *out,
                                         const uint8_t *msg, size_t msg_len,
                                         const char *pubsub_topic,
                                         int64_t now_ns, const cwaku_fr *roots,
                                         size_t n_roots);

#endif
