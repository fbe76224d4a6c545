/* A relay node's RLN check of one message (see validate.h). */
#include "rln/validate.h"

#include <string.h>

#include "base/cursor.h"
#include "base/protowire.h"

/* RateLimitProof field n (1..7): where it goes and how long it must be. */
static uint8_t *wire_proof_field(struct cwaku__rln_wire_proof *p, uint64_t n,
                                 size_t *len) {
  *len = CWAKU_FIELD_BYTES;
  switch (n) {
  case 1:
    *len = CWAKU_GROTH16_PROOF_BYTES;
    return p->proof;
  case 2:
    return p->merkle_root;
  case 3:
    return p->epoch;
  case 4:
    return p->share_x;
  case 5:
    return p->share_y;
  case 6:
    return p->nullifier;
  case 7:
    return p->rln_identifier;
  }
  return NULL;
}

int cwaku__rln_wire_proof_decode(struct cwaku__rln_wire_proof *out,
                                 const uint8_t *in, size_t len) {
  struct cwaku__rln_wire_proof p;
  unsigned seen = 0; /* bit n: field n arrived with the right length */
  struct cwaku__rcur c;
  memset(&p, 0, sizeof p);
  cwaku__rcur_init(&c, in, len);
  while (cwaku__rcur_left(&c) > 0 && !cwaku__rcur_err(&c)) {
    uint32_t wt, field = cwaku__pb_key(&c, &wt);
    if (cwaku__rcur_err(&c))
      break;
    size_t want;
    uint8_t *dst = wire_proof_field(&p, field, &want);
    if (!dst) {
      cwaku__pb_skip(&c, wt);
      continue;
    }
    if (wt != CWAKU__PB_LEN) {
      cwaku__rcur_fail(&c, CWAKU_EMALFORMED);
      break;
    }
    size_t n;
    const uint8_t *v = cwaku__pb_bytes(&c, &n);
    if (cwaku__rcur_err(&c))
      break;
    /* protobuf: the last occurrence of a field wins */
    if (n == want) {
      memcpy(dst, v, want);
      seen |= 1u << field;
    } else {
      seen &= ~(1u << field);
    }
  }
  int r = cwaku__rcur_err(&c);
  if (!r && seen != 0xfe) /* fields 1..7 */
    r = CWAKU_EMALFORMED;
  if (r) {
    memset(out, 0, sizeof *out);
    return r;
  }
  *out = p;
  return 0;
}

void cwaku__rln_wire_proof_encode(uint8_t out[CWAKU_RLN_WIRE_PROOF_BYTES],
                                  const struct cwaku__rln_wire_proof *p) {
  struct cwaku__rln_wire_proof q = *p; /* wire_proof_field takes no const */
  size_t o = 0;
  for (uint64_t n = 1; n <= 7; n++) {
    size_t len;
    const uint8_t *v = wire_proof_field(&q, n, &len);
    out[o++] = (uint8_t)(n << 3 | CWAKU__PB_LEN);
    if (len >= 0x80) {
      out[o++] = (uint8_t)(len | 0x80);
      out[o++] = (uint8_t)(len >> 7);
    } else {
      out[o++] = (uint8_t)len;
    }
    memcpy(out + o, v, len);
    o += len;
  }
}

static int root_is_acceptable(const cwaku_fr *root, const cwaku_fr *roots,
                              size_t n_roots) {
  for (size_t i = 0; i < n_roots; i++)
    if (cwaku__fr_equal(root, &roots[i]))
      return 1;
  return 0;
}

/* The rules of validate.h, in its order, on a decoded message. */
static int check(const cwaku_groth16_pvk *pvk, struct cwaku__rln_validated *v,
                 const struct cwaku_message *m, int64_t now_ns,
                 const cwaku_fr *roots, size_t n_roots) {
  if (!m->has_rate_limit_proof)
    return CWAKU_ENOTFOUND;
  int r = cwaku__rln_wire_proof_decode(&v->proof, m->rate_limit_proof,
                                       m->rate_limit_proof_len);
  if (r)
    return r;
  const struct cwaku__rln_wire_proof *p = &v->proof;

  /* README "Wire": every 32-byte value is a canonical field element (< r).
   * epoch and rln_identifier are hashed, not used as elements, but a value
   * >= r is no honest encoding of either. */
  cwaku_fr epoch_fr, id_fr;
  if (!cwaku__fr_from_bytes_le(&v->root, p->merkle_root) ||
      !cwaku__fr_from_bytes_le(&v->share.x, p->share_x) ||
      !cwaku__fr_from_bytes_le(&v->share.y, p->share_y) ||
      !cwaku__fr_from_bytes_le(&v->share.nullifier, p->nullifier) ||
      !cwaku__fr_from_bytes_le(&epoch_fr, p->epoch) ||
      !cwaku__fr_from_bytes_le(&id_fr, p->rln_identifier))
    return CWAKU_ERANGE;

  /* README "Wire": |now - timestamp| <= 20 s (the maximum clock gap
   * between peers). The difference of two int64 always fits a uint64. */
  if (!m->has_timestamp || m->timestamp < 0)
    return CWAKU_ESTALE;
  uint64_t gap = now_ns >= m->timestamp
                     ? (uint64_t)now_ns - (uint64_t)m->timestamp
                     : (uint64_t)m->timestamp - (uint64_t)now_ns;
  if (gap > (uint64_t)CWAKU_RLN_MAX_CLOCK_GAP_NS)
    return CWAKU_ESTALE;

  /* README "Wire": the proof's epoch equals the epoch of the timestamp. */
  uint8_t want_epoch[CWAKU_RLN_EPOCH_BYTES];
  v->epoch = cwaku__rln_epoch((uint64_t)m->timestamp);
  cwaku__rln_epoch_bytes(want_epoch, v->epoch);
  if (memcmp(want_epoch, p->epoch, sizeof want_epoch) != 0)
    return CWAKU_EEPOCH;

  if (!root_is_acceptable(&v->root, roots, n_roots))
    return CWAKU_EROOT;

  /* RLN v2: x = hash_to_field(payload || content_topic || timestamp LE) */
  cwaku_fr x;
  cwaku__rln_signal_hash(&x, m->payload, m->payload_len, m->content_topic,
                         m->content_topic_len, (uint64_t)m->timestamp);
  if (!cwaku__fr_equal(&x, &v->share.x))
    return CWAKU_ESIGNAL;

  /* The external nullifier is not on the wire: the receiver recomputes it
   * from the proof's epoch and rln_identifier. */
  cwaku__rln_external_nullifier(&v->external_nullifier, p->epoch,
                                p->rln_identifier);
  cwaku_groth16_proof proof;
  if (!cwaku__groth16_proof_from_bytes(&proof, p->proof, sizeof p->proof))
    return CWAKU_EPROOF;
  cwaku_fr pub[CWAKU_RLN_PUBLIC_SIGNALS];
  cwaku__rln_public_signals(pub, &v->share, &v->root, &v->external_nullifier);
  if (!cwaku__groth16_verify(pvk, &proof, pub, CWAKU_RLN_PUBLIC_SIGNALS))
    return CWAKU_EPROOF;
  return 0;
}

int cwaku__rln_validate(const cwaku_groth16_pvk *pvk,
                        struct cwaku__rln_validated *out, const uint8_t *msg,
                        size_t msg_len, const char *pubsub_topic,
                        int64_t now_ns, const cwaku_fr *roots, size_t n_roots) {
  struct cwaku__rln_validated v;
  struct cwaku_message m;
  memset(&v, 0, sizeof v);
  int r = cwaku_message_decode(&m, msg, msg_len, CWAKU_MESSAGE_MAX_DEFAULT);
  if (r == 0) {
    r = check(pvk, &v, &m, now_ns, roots, n_roots);
    if (r == 0)
      cwaku_message_hash(v.message_hash, pubsub_topic, &m);
    cwaku_message_clear(&m);
  }
  if (out) {
    if (r == 0)
      *out = v;
    else
      memset(out, 0, sizeof *out);
  }
  return r;
}
