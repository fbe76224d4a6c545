/* The relay node's RLN check (src/rln/validate.c): every case of
 * vectors/rln_cases.json is accepted at its now_ns with its valid_roots,
 * and then each rule of validate.h is broken alone, from the same message,
 * and must give its own code; every case of vectors/rln_negative.json is
 * refused with the code its kind implies. Also the RateLimitProof codec:
 * round trip, field order, repeats, unknown fields, lengths. */
#include "check.h"
#include "rln/validate.h"
#include "rln_vectors.h"

#define MAX_BYTES 4096
#define SEC INT64_C(1000000000)

static cwaku_groth16_pvk pvk;

static int load_key(void) {
  const char *dir = getenv("CWAKU_SHARED");
  char path[4096];
  static char text[CWAKU_GROTH16_JSON_MAX];
  cwaku_groth16_vk vk;
  if (!dir)
    return 0;
  snprintf(path, sizeof path, "%s/rln/verification_key.json", dir);
  FILE *f = fopen(path, "rb");
  size_t n = f ? fread(text, 1, sizeof text, f) : 0;
  if (f)
    fclose(f);
  return n > 0 && cwaku__groth16_vk_from_snarkjs(&vk, text, n) &&
         cwaku__groth16_prepare(&pvk, &vk);
}

/* One valid message, taken apart so that a test can change one thing. */
struct fixture {
  int id;
  uint8_t msg[MAX_BYTES];
  size_t msg_len;
  struct cwaku_message m; /* decoded msg */
  struct cwaku__rln_wire_proof proof;
  char topic[64];
  int64_t now;
  cwaku_fr roots[8];
  size_t n_roots;
};

static int fixture_load(struct fixture *f, const json_t *c) {
  long n = vectors_hex(f->msg, sizeof f->msg,
                       json_object_get(c, "waku_message_pb_hex"));
  const json_t *roots = json_object_get(c, "valid_roots");
  const char *topic = json_string_value(json_object_get(c, "pubsub_topic"));
  uint64_t now;
  if (n < 0 || !topic || strlen(topic) >= sizeof f->topic ||
      !vectors_u64(&now, json_object_get(c, "now_ns")) ||
      json_array_size(roots) > 8)
    return 0;
  f->id = (int)json_integer_value(json_object_get(c, "id"));
  f->msg_len = (size_t)n;
  snprintf(f->topic, sizeof f->topic, "%s", topic);
  f->now = (int64_t)now;
  f->n_roots = json_array_size(roots);
  for (size_t i = 0; i < f->n_roots; i++)
    if (!vectors_fr(&f->roots[i], json_array_get(roots, i)))
      return 0;
  if (cwaku_message_decode(&f->m, f->msg, f->msg_len,
                           CWAKU_MESSAGE_MAX_DEFAULT) != 0)
    return 0;
  return cwaku__rln_wire_proof_decode(&f->proof, f->m.rate_limit_proof,
                                      f->m.rate_limit_proof_len) == 0;
}

/* Validates m carrying the RateLimitProof bytes rlp[0..rlp_len). */
static int validate_raw(const struct fixture *f, const struct cwaku_message *m,
                        const uint8_t *rlp, size_t rlp_len, int64_t now,
                        const cwaku_fr *roots, size_t n_roots) {
  struct cwaku_message copy = *m;
  copy.storage_ = NULL;
  copy.has_rate_limit_proof = rlp != NULL;
  copy.rate_limit_proof = rlp;
  copy.rate_limit_proof_len = rlp_len;
  uint8_t *enc;
  size_t enc_len;
  if (cwaku_message_encode(&enc, &enc_len, &copy, CWAKU_MESSAGE_MAX_DEFAULT))
    abort();
  struct cwaku__rln_validated out;
  memset(&out, 0xa5, sizeof out);
  int r = cwaku__rln_validate(&pvk, &out, enc, enc_len, f->topic, now, roots,
                              n_roots);
  free(enc);
  /* out is cleared on every refusal */
  if (r) {
    static const struct cwaku__rln_validated zero;
    CHECK(memcmp(&out, &zero, sizeof out) == 0);
  }
  return r;
}

/* Validates m with proof p, at the fixture's time and roots. */
static int validate_with(const struct fixture *f, const struct cwaku_message *m,
                         const struct cwaku__rln_wire_proof *p) {
  uint8_t rlp[CWAKU_RLN_WIRE_PROOF_BYTES];
  cwaku__rln_wire_proof_encode(rlp, p);
  return validate_raw(f, m, rlp, sizeof rlp, f->now, f->roots, f->n_roots);
}

/* 32 bytes little-endian plus one (mod 2^256). */
static void le_plus_one(uint8_t v[32]) {
  for (int i = 0; i < 32 && ++v[i] == 0; i++)
    ;
}

#define EXPECT(f, call, want)                                                  \
  do {                                                                         \
    int got_ = (call);                                                         \
    if (got_ != (want))                                                        \
      fprintf(stderr, "case %d: %s gives %s, %s expected\n", (f)->id, #call,   \
              cwaku_errname(got_), cwaku_errname(want));                       \
    CHECK_EQ_INT(got_, (want));                                                \
  } while (0)

static void test_case(struct fixture *f) {
  struct cwaku__rln_wire_proof p;
  struct cwaku_message m = f->m;
  struct cwaku__rln_validated out;

  /* accepted as it is, and what it proved is reported */
  EXPECT(f,
         cwaku__rln_validate(&pvk, &out, f->msg, f->msg_len, f->topic, f->now,
                             f->roots, f->n_roots),
         0);
  uint8_t hash[CWAKU_MESSAGE_HASH_BYTES], le[32];
  cwaku_message_hash(hash, f->topic, &f->m);
  CHECK_MEM(out.message_hash, hash, sizeof hash);
  CHECK_MEM(&out.proof, &f->proof, sizeof f->proof);
  CHECK(out.epoch == cwaku__rln_epoch((uint64_t)f->m.timestamp));
  cwaku__fr_to_bytes_le(le, &out.share.nullifier);
  CHECK_MEM(le, f->proof.nullifier, 32);
  cwaku__fr_to_bytes_le(le, &out.share.x);
  CHECK_MEM(le, f->proof.share_x, 32);
  cwaku__fr_to_bytes_le(le, &out.root);
  CHECK_MEM(le, f->proof.merkle_root, 32);
  CHECK_EQ_INT(cwaku__rln_validate(&pvk, NULL, f->msg, f->msg_len, f->topic,
                                   f->now, f->roots, f->n_roots),
               0);
  /* README "Wire": a decoder must also accept version absent */
  m.has_version = 0;
  EXPECT(f, validate_with(f, &m, &f->proof), 0);
  m = f->m;

  /* the message does not decode */
  EXPECT(f,
         cwaku__rln_validate(&pvk, NULL, f->msg, f->msg_len - 1, f->topic,
                             f->now, f->roots, f->n_roots),
         CWAKU_ETRUNC);
  /* no proof */
  EXPECT(f, validate_raw(f, &m, NULL, 0, f->now, f->roots, f->n_roots),
         CWAKU_ENOTFOUND);
  /* RateLimitProof: cut short, a field of the wrong length */
  uint8_t rlp[CWAKU_RLN_WIRE_PROOF_BYTES + 1];
  cwaku__rln_wire_proof_encode(rlp, &f->proof);
  EXPECT(f,
         validate_raw(f, &m, rlp, sizeof rlp - 2, f->now, f->roots, f->n_roots),
         CWAKU_ETRUNC);
  uint8_t cut[CWAKU_RLN_WIRE_PROOF_BYTES]; /* a proof of 127 bytes */
  cut[0] = 0x0a;
  cut[1] = 127;
  memcpy(cut + 2, f->proof.proof, 127);
  memcpy(cut + 129, rlp + 131, CWAKU_RLN_WIRE_PROOF_BYTES - 131);
  EXPECT(f,
         validate_raw(f, &m, cut, sizeof cut - 2, f->now, f->roots, f->n_roots),
         CWAKU_EMALFORMED);
  cwaku__rln_wire_proof_encode(rlp, &f->proof);
  rlp[sizeof rlp - 1] = 0; /* the last field (rln_identifier) 33 bytes */
  rlp[sizeof rlp - 1 - 33] = 33;
  EXPECT(f, validate_raw(f, &m, rlp, sizeof rlp, f->now, f->roots, f->n_roots),
         CWAKU_EMALFORMED);

  /* each 32-byte value at or above r */
  uint8_t *fields[6] = {p.merkle_root, p.epoch,     p.share_x,
                        p.share_y,     p.nullifier, p.rln_identifier};
  for (int i = 0; i < 6; i++) {
    p = f->proof;
    memset(fields[i], 0xff, 32);
    EXPECT(f, validate_with(f, &m, &p), CWAKU_ERANGE);
  }

  /* the clock: 20 s either way is still fine, a nanosecond more is not */
  cwaku__rln_wire_proof_encode(rlp, &f->proof);
  int64_t ts = f->m.timestamp;
  EXPECT(f,
         validate_raw(f, &m, rlp, CWAKU_RLN_WIRE_PROOF_BYTES, ts + 20 * SEC,
                      f->roots, f->n_roots),
         0);
  EXPECT(f,
         validate_raw(f, &m, rlp, CWAKU_RLN_WIRE_PROOF_BYTES, ts - 20 * SEC,
                      f->roots, f->n_roots),
         0);
  EXPECT(f,
         validate_raw(f, &m, rlp, CWAKU_RLN_WIRE_PROOF_BYTES, ts + 20 * SEC + 1,
                      f->roots, f->n_roots),
         CWAKU_ESTALE);
  EXPECT(f,
         validate_raw(f, &m, rlp, CWAKU_RLN_WIRE_PROOF_BYTES, ts - 20 * SEC - 1,
                      f->roots, f->n_roots),
         CWAKU_ESTALE);
  EXPECT(f,
         validate_raw(f, &m, rlp, CWAKU_RLN_WIRE_PROOF_BYTES, INT64_MIN,
                      f->roots, f->n_roots),
         CWAKU_ESTALE);
  m.has_timestamp = 0;
  EXPECT(f, validate_with(f, &m, &f->proof), CWAKU_ESTALE);
  m = f->m;

  /* the epoch: one before, one after, a high byte set */
  uint64_t epoch = cwaku__rln_epoch((uint64_t)ts);
  p = f->proof;
  cwaku__rln_epoch_bytes(p.epoch, epoch - 1);
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EEPOCH);
  cwaku__rln_epoch_bytes(p.epoch, epoch + 1);
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EEPOCH);
  cwaku__rln_epoch_bytes(p.epoch, epoch);
  p.epoch[8] = 1;
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EEPOCH);
  /* a timestamp in the next epoch (the vectors lie >= 30 s from a
   * boundary, so 20 s does not reach it: move by an epoch) */
  m.timestamp = ts + CWAKU_RLN_EPOCH_SECONDS * SEC;
  cwaku__rln_wire_proof_encode(rlp, &f->proof);
  EXPECT(f,
         validate_raw(f, &m, rlp, CWAKU_RLN_WIRE_PROOF_BYTES, m.timestamp,
                      f->roots, f->n_roots),
         CWAKU_EEPOCH);
  m = f->m;

  /* the root: not among the roots, or no roots at all */
  p = f->proof;
  le_plus_one(p.merkle_root);
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EROOT);
  EXPECT(f,
         validate_raw(f, &m, rlp, CWAKU_RLN_WIRE_PROOF_BYTES, f->now, NULL, 0),
         CWAKU_EROOT);

  /* the signal: share_x, payload, content topic, timestamp */
  p = f->proof;
  p.share_x[0] ^= 1;
  EXPECT(f, validate_with(f, &m, &p), CWAKU_ESIGNAL);
  uint8_t payload[512];
  CHECK(m.payload_len < sizeof payload);
  memcpy(payload, m.payload, m.payload_len);
  payload[0] ^= 1;
  m.payload = payload;
  EXPECT(f, validate_with(f, &m, &f->proof), CWAKU_ESIGNAL);
  m = f->m;
  char topic[512];
  snprintf(topic, sizeof topic, "%sx", m.content_topic);
  m.content_topic = topic;
  m.content_topic_len = strlen(topic);
  EXPECT(f, validate_with(f, &m, &f->proof), CWAKU_ESIGNAL);
  m = f->m;
  m.timestamp = ts + 1;
  EXPECT(f, validate_with(f, &m, &f->proof), CWAKU_ESIGNAL);
  m = f->m;

  /* the proof: its statement (y, nullifier, rln_identifier) or its bytes */
  p = f->proof;
  le_plus_one(p.share_y);
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EPROOF);
  p = f->proof;
  le_plus_one(p.nullifier);
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EPROOF);
  p = f->proof;
  p.rln_identifier[20] ^= 1;
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EPROOF);
  p = f->proof;
  p.proof[31] ^= 0xc0; /* both flags of A */
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EPROOF);
  p = f->proof;
  memcpy(p.proof, f->proof.proof + 96, 32); /* C in place of A */
  EXPECT(f, validate_with(f, &m, &p), CWAKU_EPROOF);
}

static void test_cases(void) {
  json_t *doc = vectors_load("rln_cases.json");
  const json_t *cases = json_object_get(doc, "cases");
  CHECK(json_array_size(cases) == 12);
  size_t i;
  const json_t *c;
  json_array_foreach(cases, i, c) {
    static struct fixture f;
    CHECK(fixture_load(&f, c));
    test_case(&f);
    cwaku_message_clear(&f.m);
  }
  json_decref(doc);
}

/* README "vectors/rln_negative.json": every case refused at the message
 * level, for the reason of its kind. */
static void test_negative(void) {
  static const struct {
    const char *kind;
    int code;
  } want[] = {
      {"flip_a", CWAKU_EPROOF},        {"flip_b", CWAKU_EPROOF},
      {"flip_c", CWAKU_EPROOF},        {"x_plus_1", CWAKU_ESIGNAL},
      {"wrong_root", CWAKU_EPROOF},    {"wrong_ext", CWAKU_EPROOF},
      {"y_swapped", CWAKU_EPROOF},     {"noncanon_x", CWAKU_ERANGE},
      {"a_off_curve", CWAKU_EPROOF},   {"inf_a", CWAKU_EPROOF},
      {"truncated", CWAKU_EMALFORMED}, {"epoch_far", CWAKU_EEPOCH},
  };
  json_t *doc = vectors_load("rln_negative.json");
  const json_t *cases = json_object_get(doc, "cases");
  CHECK(json_array_size(cases) == sizeof want / sizeof want[0]);
  size_t i;
  const json_t *c;
  json_array_foreach(cases, i, c) {
    static uint8_t msg[MAX_BYTES];
    long n =
        vectors_hex(msg, sizeof msg, json_object_get(c, "waku_message_pb_hex"));
    const char *kind = json_string_value(json_object_get(c, "kind"));
    const char *topic = json_string_value(json_object_get(c, "pubsub_topic"));
    const json_t *jr = json_object_get(c, "valid_roots");
    cwaku_fr roots[8];
    uint64_t now;
    CHECK(n > 0 && topic && kind && json_array_size(jr) <= 8);
    CHECK(vectors_u64(&now, json_object_get(c, "now_ns")));
    for (size_t k = 0; k < json_array_size(jr) && k < 8; k++)
      CHECK(vectors_fr(&roots[k], json_array_get(jr, k)));
    int code = 1;
    for (size_t k = 0; kind && k < sizeof want / sizeof want[0]; k++)
      if (strcmp(kind, want[k].kind) == 0)
        code = want[k].code;
    CHECK(code != 1);
    int got = cwaku__rln_validate(&pvk, NULL, msg, (size_t)n, topic,
                                  (int64_t)now, roots, json_array_size(jr));
    if (got != code)
      fprintf(stderr, "negative %zu (%s): %s, %s expected\n", i, kind,
              cwaku_errname(got), cwaku_errname(code));
    CHECK_EQ_INT(got, code);
  }
  json_decref(doc);
}

static void test_codec(void) {
  struct cwaku__rln_wire_proof p, q;
  uint8_t enc[CWAKU_RLN_WIRE_PROOF_BYTES], buf[2 * CWAKU_RLN_WIRE_PROOF_BYTES];
  for (size_t i = 0; i < sizeof p; i++)
    ((uint8_t *)&p)[i] = (uint8_t)(i * 7 + 1);
  cwaku__rln_wire_proof_encode(enc, &p);
  CHECK_EQ_INT(sizeof enc, 335);
  CHECK(enc[0] == 0x0a && enc[1] == 0x80 && enc[2] == 0x01);
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, enc, sizeof enc), 0);
  CHECK_MEM(&p, &q, sizeof p);

  /* fields in reverse order: the same proof */
  size_t off[8] = {0}, o = 0;
  for (int n = 1; n <= 7; n++) {
    off[n] = o;
    o += n == 1 ? 131 : 34;
  }
  size_t w = 0;
  for (int n = 7; n >= 1; n--) {
    size_t len = n == 1 ? 131 : 34;
    memcpy(buf + w, enc + off[n], len);
    w += len;
  }
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, buf, w), 0);
  CHECK_MEM(&p, &q, sizeof p);

  /* a repeated field: the last wins, good after good, bad after good,
   * good after bad */
  memcpy(buf, enc, sizeof enc);
  memcpy(buf + sizeof enc, enc + off[2], 34);
  buf[sizeof enc + 2] ^= 0x55;
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, buf, sizeof enc + 34), 0);
  CHECK(q.merkle_root[0] == (p.merkle_root[0] ^ 0x55));
  buf[sizeof enc + 1] = 31; /* now the last merkle_root is 31 bytes */
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, buf, sizeof enc + 33),
               CWAKU_EMALFORMED);
  CHECK(q.proof[0] == 0); /* cleared */
  memcpy(buf, enc + off[2], 33);
  buf[1] = 31;
  memcpy(buf + 33, enc, sizeof enc);
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, buf, 33 + sizeof enc), 0);
  CHECK_MEM(&p, &q, sizeof p);

  /* unknown fields of every wire type are skipped */
  static const uint8_t unknown[] = {0x40, 0x05, /* 8 varint */
                                    0x49, 1,    2,    3,    4,
                                    5,    6,    7,    8,        /* 9 i64 */
                                    0x52, 0x02, 0xaa, 0xbb,     /* 10 len */
                                    0x5d, 1,    2,    3,    4}; /* 11 i32 */
  memcpy(buf, unknown, sizeof unknown);
  memcpy(buf + sizeof unknown, enc, sizeof enc);
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, buf, sizeof unknown + 335), 0);
  CHECK_MEM(&p, &q, sizeof p);

  /* a known field with another wire type; a group; field 0 */
  memcpy(buf, enc, sizeof enc);
  buf[off[3]] = 0x18; /* field 3 as a varint */
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, buf, sizeof enc),
               CWAKU_EMALFORMED);
  static const uint8_t group[] = {0x43}, zero[] = {0x02, 0x00};
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, group, 1), CWAKU_EMALFORMED);
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, zero, 2), CWAKU_EMALFORMED);
  /* a field missing, nothing at all, input cut anywhere */
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, enc, sizeof enc - 34),
               CWAKU_EMALFORMED);
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, enc, 0), CWAKU_EMALFORMED);
  int all_refused = 1;
  for (size_t n = 1; n < sizeof enc; n++)
    all_refused &= cwaku__rln_wire_proof_decode(&q, enc, n) != 0;
  CHECK(all_refused);
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, enc, 1), CWAKU_ETRUNC);
  CHECK_EQ_INT(cwaku__rln_wire_proof_decode(&q, enc, 100), CWAKU_ETRUNC);
}

int main(void) {
  test_codec();
  if (!load_key()) {
    fprintf(stderr, "cannot read $CWAKU_SHARED/rln/verification_key.json\n");
    CHECK(0);
    return check_summary("test_rln_validate");
  }
  test_cases();
  test_negative();
  return check_summary("test_rln_validate");
}
