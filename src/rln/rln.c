/* RLN v2 primitives (see rln.h); the rules are those of
 * ../shared/rln/README.md "RLN v2", which the vectors follow. */
#include <sodium.h>
#include <string.h>

#include "crypto/keccak256.h"
#include "rln/rln.h"
#include "zk/poseidon.h"

/* RLN v2: hash_to_field(b) = keccak256(b) as a little-endian integer mod r */
void cwaku__rln_hash_to_field(cwaku_fr *out, const uint8_t *data, size_t len) {
  uint8_t h[CWAKU_KECCAK256_BYTES];
  cwaku__keccak256(h, data, len);
  cwaku__fr_reduce_bytes_le(out, h);
}

void cwaku__rln_identity_from_keys(struct cwaku__rln_identity *id,
                                   const cwaku_fr *trapdoor,
                                   const cwaku_fr *nullifier) {
  cwaku_fr t = *trapdoor, n = *nullifier;
  id->trapdoor = t;
  id->nullifier = n;
  /* RLN v2: a0 = Poseidon(identity_trapdoor, identity_nullifier) */
  cwaku__poseidon2(&id->secret, &t, &n);
  cwaku__rln_id_commitment(&id->commitment, &id->secret);
  sodium_memzero(&t, sizeof t);
  sodium_memzero(&n, sizeof n);
}

void cwaku__rln_identity_clear(struct cwaku__rln_identity *id) {
  sodium_memzero(id, sizeof *id);
}

/* RLN v2: id_commitment = Poseidon(a0) */
void cwaku__rln_id_commitment(cwaku_fr *out, const cwaku_fr *secret) {
  cwaku__poseidon1(out, secret);
}

int cwaku__rln_limit_is_valid(uint32_t user_message_limit) {
  return user_message_limit >= 1 &&
         user_message_limit <= CWAKU_RLN_MAX_USER_MESSAGE_LIMIT;
}

/* RLN v2: rate_commitment = Poseidon(id_commitment, user_message_limit) */
int cwaku__rln_rate_commitment(cwaku_fr *out, const cwaku_fr *id_commitment,
                               uint32_t user_message_limit) {
  cwaku_fr limit;
  if (!cwaku__rln_limit_is_valid(user_message_limit)) {
    cwaku__fr_zero(out);
    return 0;
  }
  cwaku__fr_from_u64(&limit, user_message_limit);
  cwaku__poseidon2(out, id_commitment, &limit);
  return 1;
}

/* RLN v2: signal = payload || utf8(content_topic) || timestamp_ns (u64 LE) */
size_t cwaku__rln_signal_len(size_t payload_len, size_t topic_len) {
  if (payload_len > SIZE_MAX - 8 || topic_len > SIZE_MAX - 8 - payload_len)
    return 0;
  return payload_len + topic_len + 8;
}

static void u64_le(uint8_t out[8], uint64_t v) {
  for (int i = 0; i < 8; i++)
    out[i] = (uint8_t)(v >> (8 * i));
}

void cwaku__rln_signal(uint8_t *out, const uint8_t *payload, size_t payload_len,
                       const char *content_topic, size_t topic_len,
                       uint64_t timestamp_ns) {
  if (payload_len)
    memcpy(out, payload, payload_len);
  if (topic_len)
    memcpy(out + payload_len, content_topic, topic_len);
  u64_le(out + payload_len + topic_len, timestamp_ns);
}

void cwaku__rln_signal_hash(cwaku_fr *x, const uint8_t *payload,
                            size_t payload_len, const char *content_topic,
                            size_t topic_len, uint64_t timestamp_ns) {
  struct cwaku__keccak256 h;
  uint8_t ts[8], digest[CWAKU_KECCAK256_BYTES];
  u64_le(ts, timestamp_ns);
  cwaku__keccak256_init(&h);
  cwaku__keccak256_update(&h, payload, payload_len);
  cwaku__keccak256_update(&h, content_topic, topic_len);
  cwaku__keccak256_update(&h, ts, sizeof ts);
  cwaku__keccak256_final(&h, digest);
  cwaku__fr_reduce_bytes_le(x, digest);
}

/* RLN v2: epoch = floor(timestamp_ns / 10^9 / 600) (cluster 1) */
uint64_t cwaku__rln_epoch(uint64_t timestamp_ns) {
  return timestamp_ns / (UINT64_C(1000000000) * CWAKU_RLN_EPOCH_SECONDS);
}

/* RLN v2: the epoch on the wire is a u64 LE, then 24 zero bytes */
void cwaku__rln_epoch_bytes(uint8_t out[CWAKU_RLN_EPOCH_BYTES],
                            uint64_t epoch) {
  memset(out, 0, CWAKU_RLN_EPOCH_BYTES);
  u64_le(out, epoch);
}

int cwaku__rln_epoch_from_bytes(uint64_t *epoch,
                                const uint8_t in[CWAKU_RLN_EPOCH_BYTES]) {
  uint64_t v = 0;
  uint8_t high = 0;
  for (int i = CWAKU_RLN_EPOCH_BYTES - 1; i >= 8; i--)
    high |= in[i];
  for (int i = 7; i >= 0; i--)
    v = v << 8 | in[i];
  *epoch = high ? 0 : v;
  return !high;
}

/* RLN v2: rln_identifier = its ASCII bytes, zero-padded to 32 */
int cwaku__rln_identifier_bytes(uint8_t out[CWAKU_RLN_IDENTIFIER_BYTES],
                                const char *identifier, size_t len) {
  memset(out, 0, CWAKU_RLN_IDENTIFIER_BYTES);
  if (len > CWAKU_RLN_IDENTIFIER_BYTES)
    return 0;
  if (len)
    memcpy(out, identifier, len);
  return 1;
}

/* RLN v2: external_nullifier = Poseidon(hash_to_field(epoch),
 * hash_to_field(rln_identifier)) over their 32 wire bytes */
void cwaku__rln_external_nullifier(
    cwaku_fr *out, const uint8_t epoch[CWAKU_RLN_EPOCH_BYTES],
    const uint8_t rln_identifier[CWAKU_RLN_IDENTIFIER_BYTES]) {
  cwaku_fr e, id;
  cwaku__rln_hash_to_field(&e, epoch, CWAKU_RLN_EPOCH_BYTES);
  cwaku__rln_hash_to_field(&id, rln_identifier, CWAKU_RLN_IDENTIFIER_BYTES);
  cwaku__poseidon2(out, &e, &id);
}

/* RLN v2: 0 <= message_id < user_message_limit; a1 = Poseidon(a0,
 * external_nullifier, message_id) */
int cwaku__rln_a1(cwaku_fr *a1, const cwaku_fr *secret,
                  const cwaku_fr *external_nullifier, uint32_t message_id,
                  uint32_t user_message_limit) {
  cwaku_fr id;
  if (!cwaku__rln_limit_is_valid(user_message_limit) ||
      message_id >= user_message_limit) {
    cwaku__fr_zero(a1);
    return 0;
  }
  cwaku__fr_from_u64(&id, message_id);
  cwaku__poseidon3(a1, secret, external_nullifier, &id);
  return 1;
}

/* RLN v2: y = a0 + x a1 mod r; nullifier = Poseidon(a1) */
int cwaku__rln_share(struct cwaku__rln_share *share, const cwaku_fr *secret,
                     const cwaku_fr *external_nullifier, uint32_t message_id,
                     uint32_t user_message_limit, const cwaku_fr *x) {
  cwaku_fr a1, xa1, xv = *x;
  if (!cwaku__rln_a1(&a1, secret, external_nullifier, message_id,
                     user_message_limit)) {
    memset(share, 0, sizeof *share);
    return 0;
  }
  cwaku__fr_mul(&xa1, &xv, &a1);
  cwaku__fr_add(&share->y, secret, &xa1);
  cwaku__poseidon1(&share->nullifier, &a1);
  share->x = xv;
  sodium_memzero(&a1, sizeof a1);
  sodium_memzero(&xa1, sizeof xa1);
  return 1;
}

/* Two points of the line y = a0 + x a1 give a1 = (y1 - y2)/(x1 - x2) and
 * a0 = y1 - x1 a1. */
int cwaku__rln_recover_secret(cwaku_fr *secret, cwaku_fr *a1_out,
                              const struct cwaku__rln_share *s1,
                              const struct cwaku__rln_share *s2) {
  cwaku_fr dx, dy, a1, t;
  cwaku__fr_sub(&dx, &s1->x, &s2->x);
  if (cwaku__fr_is_zero(&dx) ||
      !cwaku__fr_equal(&s1->nullifier, &s2->nullifier)) {
    cwaku__fr_zero(secret);
    if (a1_out)
      cwaku__fr_zero(a1_out);
    return 0;
  }
  cwaku__fr_sub(&dy, &s1->y, &s2->y);
  cwaku__fr_inverse_vartime(&dx, &dx); /* x1, x2 are public */
  cwaku__fr_mul(&a1, &dy, &dx);
  cwaku__fr_mul(&t, &s1->x, &a1);
  cwaku__fr_sub(secret, &s1->y, &t);
  if (a1_out)
    *a1_out = a1;
  sodium_memzero(&a1, sizeof a1);
  sodium_memzero(&t, sizeof t);
  sodium_memzero(&dy, sizeof dy);
  return 1;
}

/* RLN v2: public signals [y, root, nullifier, x, externalNullifier] */
void cwaku__rln_public_signals(cwaku_fr out[CWAKU_RLN_PUBLIC_SIGNALS],
                               const struct cwaku__rln_share *share,
                               const cwaku_fr *root,
                               const cwaku_fr *external_nullifier) {
  out[0] = share->y;
  out[1] = *root;
  out[2] = share->nullifier;
  out[3] = share->x;
  out[4] = *external_nullifier;
}
