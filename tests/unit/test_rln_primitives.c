/* RLN v2 primitives (src/rln/rln.c): every derived value of every case of
 * vectors/rln_cases.json recomputed from the identity keys and the message
 * (a0, id_commitment, rate_commitment, signal, x, epoch and its wire form
 * and hash, rln_identifier and its hash, external_nullifier, a1, y,
 * nullifier, public signals) and each case's Merkle path checked against
 * its root; secret recovery on vectors/slashing.json; and the refusals:
 * message_id >= limit, limits out of 1..2^16, x1 = x2, two different
 * lines, oversized identifiers and epochs. */
#include "check.h"
#include "rln/merkle_tree.h"
#include "rln/rln.h"
#include "rln_vectors.h"
#include "zk/poseidon.h"

#define MAX_BYTES 4096

static void print_fr(const char *what, const cwaku_fr *x) {
  char dec[CWAKU_FIELD_DEC_MAX];
  cwaku__fr_to_dec(dec, x);
  fprintf(stderr, "  %s = %s\n", what, dec);
}

/* CHECKs that x equals the decimal at obj[key] (and obj[key_le_hex] when
 * present); names the case on a mismatch. */
static void check_fr(const cwaku_fr *x, const json_t *obj, const char *key,
                     int id) {
  cwaku_fr want;
  char hex_key[64];
  CHECK(vectors_fr_at(&want, obj, key));
  if (!cwaku__fr_equal(x, &want)) {
    fprintf(stderr, "case %d: %s differs\n", id, key);
    print_fr("got", x);
    print_fr("want", &want);
  }
  CHECK(cwaku__fr_equal(x, &want));
  snprintf(hex_key, sizeof hex_key, "%s_le_hex", key);
  const json_t *hex = json_object_get(obj, hex_key);
  if (hex) {
    uint8_t le[32], got[32];
    CHECK(vectors_hex(le, sizeof le, hex) == 32);
    cwaku__fr_to_bytes_le(got, x);
    CHECK_MEM(got, le, 32);
  }
}

static uint32_t u32_at(const json_t *obj, const char *key) {
  return (uint32_t)json_integer_value(json_object_get(obj, key));
}

static void test_cases(void) {
  json_t *doc = vectors_load("rln_cases.json");
  json_t *cases = json_object_get(doc, "cases");
  size_t i;
  json_t *c;
  static uint8_t payload[MAX_BYTES], signal[MAX_BYTES], want_signal[MAX_BYTES];
  CHECK_EQ_INT(json_array_size(cases), 12);
  json_array_foreach(cases, i, c) {
    int id = (int)json_integer_value(json_object_get(c, "id"));
    uint32_t limit = u32_at(c, "user_message_limit");
    uint32_t message_id = u32_at(c, "message_id");
    struct cwaku__rln_identity ident;
    cwaku_fr trapdoor, nullifier, rate, x, x2, epoch_hash, id_hash, ext, a1;
    cwaku_fr root;
    uint8_t epoch_bytes[CWAKU_RLN_EPOCH_BYTES], want32[32];
    uint8_t ident_bytes[CWAKU_RLN_IDENTIFIER_BYTES];
    uint64_t ts, epoch, want_epoch, back;

    /* identity */
    CHECK(vectors_fr_at(&trapdoor, c, "identity_trapdoor"));
    CHECK(vectors_fr_at(&nullifier, c, "identity_nullifier"));
    cwaku__rln_identity_from_keys(&ident, &trapdoor, &nullifier);
    check_fr(&ident.secret, c, "identity_secret", id);
    check_fr(&ident.commitment, c, "id_commitment", id);
    CHECK(cwaku__rln_rate_commitment(&rate, &ident.commitment, limit));
    check_fr(&rate, c, "rate_commitment", id);

    /* signal and x */
    long plen =
        vectors_hex(payload, sizeof payload, json_object_get(c, "payload_hex"));
    long slen = vectors_hex(want_signal, sizeof want_signal,
                            json_object_get(c, "signal_hex"));
    const char *topic = json_string_value(json_object_get(c, "content_topic"));
    CHECK(plen >= 1 && slen > plen && topic);
    CHECK(vectors_u64(&ts, json_object_get(c, "timestamp_ns")));
    if (plen < 1 || slen <= plen || !topic)
      continue;
    size_t n = cwaku__rln_signal_len((size_t)plen, strlen(topic));
    CHECK_EQ_INT(n, slen);
    if (n == (size_t)slen) {
      cwaku__rln_signal(signal, payload, (size_t)plen, topic, strlen(topic),
                        ts);
      CHECK_MEM(signal, want_signal, n);
    }
    cwaku__rln_signal_hash(&x, payload, (size_t)plen, topic, strlen(topic), ts);
    check_fr(&x, c, "x", id);
    cwaku__rln_hash_to_field(&x2, want_signal, (size_t)slen);
    CHECK(cwaku__fr_equal(&x2, &x));

    /* epoch */
    epoch = cwaku__rln_epoch(ts);
    CHECK(vectors_u64(&want_epoch, json_object_get(c, "epoch")));
    CHECK(epoch == want_epoch);
    cwaku__rln_epoch_bytes(epoch_bytes, epoch);
    CHECK(vectors_hex(want32, 32, json_object_get(c, "epoch_le_hex")) == 32);
    CHECK_MEM(epoch_bytes, want32, 32);
    CHECK(cwaku__rln_epoch_from_bytes(&back, epoch_bytes));
    CHECK(back == epoch);
    cwaku__rln_hash_to_field(&epoch_hash, epoch_bytes, sizeof epoch_bytes);
    check_fr(&epoch_hash, c, "epoch_hash", id);

    /* rln_identifier and the external nullifier */
    CHECK(cwaku__rln_identifier_bytes(ident_bytes, CWAKU_RLN_IDENTIFIER,
                                      strlen(CWAKU_RLN_IDENTIFIER)));
    CHECK(vectors_hex(want32, 32, json_object_get(c, "rln_identifier_hex")) ==
          32);
    CHECK_MEM(ident_bytes, want32, 32);
    cwaku__rln_hash_to_field(&id_hash, ident_bytes, sizeof ident_bytes);
    check_fr(&id_hash, c, "rln_identifier_hash", id);
    cwaku__rln_external_nullifier(&ext, epoch_bytes, ident_bytes);
    check_fr(&ext, c, "external_nullifier", id);

    /* the share */
    struct cwaku__rln_share share;
    CHECK(cwaku__rln_a1(&a1, &ident.secret, &ext, message_id, limit));
    check_fr(&a1, c, "a1", id);
    CHECK(cwaku__rln_share(&share, &ident.secret, &ext, message_id, limit, &x));
    check_fr(&share.x, c, "x", id);
    check_fr(&share.y, c, "y", id);
    check_fr(&share.nullifier, c, "nullifier", id);

    /* Merkle path and public signals */
    struct cwaku__merkle_path path;
    json_t *pe = json_object_get(c, "path_elements");
    json_t *pi = json_object_get(c, "identity_path_index");
    CHECK(json_array_size(pe) == CWAKU_MERKLE_DEPTH &&
          json_array_size(pi) == CWAKU_MERKLE_DEPTH);
    for (unsigned h = 0; h < CWAKU_MERKLE_DEPTH; h++) {
      CHECK(vectors_fr(&path.elements[h], json_array_get(pe, h)));
      path.index_bits[h] = (uint8_t)json_integer_value(json_array_get(pi, h));
    }
    CHECK_EQ_INT(cwaku__merkle_path_index(&path), u32_at(c, "leaf_index"));
    CHECK(cwaku__merkle_path_root(&root, &rate, &path));
    check_fr(&root, c, "root", id);
    CHECK(cwaku__merkle_path_verify(&root, &rate, &path));
    CHECK(
        vectors_fr(&x2, json_array_get(json_object_get(c, "valid_roots"), 0)));
    CHECK(cwaku__fr_equal(&x2, &root));

    cwaku_fr pub[CWAKU_RLN_PUBLIC_SIGNALS];
    json_t *want_pub = json_object_get(c, "public_signals");
    json_t *want_pub_hex = json_object_get(c, "public_signals_le_hex");
    cwaku__rln_public_signals(pub, &share, &root, &ext);
    CHECK_EQ_INT(json_array_size(want_pub), CWAKU_RLN_PUBLIC_SIGNALS);
    for (int k = 0; k < CWAKU_RLN_PUBLIC_SIGNALS; k++) {
      cwaku_fr w;
      uint8_t got_le[32];
      CHECK(vectors_fr(&w, json_array_get(want_pub, k)));
      CHECK(cwaku__fr_equal(&pub[k], &w));
      CHECK(vectors_hex(want32, 32, json_array_get(want_pub_hex, k)) == 32);
      cwaku__fr_to_bytes_le(got_le, &pub[k]);
      CHECK_MEM(got_le, want32, 32);
    }

    /* the circuit inputs carry the same values */
    json_t *ci = json_object_get(c, "circuit_inputs");
    check_fr(&ident.secret, ci, "identitySecret", id);
    check_fr(&x, ci, "x", id);
    check_fr(&ext, ci, "externalNullifier", id);
    cwaku_fr small;
    cwaku__fr_from_u64(&small, limit);
    check_fr(&small, ci, "userMessageLimit", id);
    cwaku__fr_from_u64(&small, message_id);
    check_fr(&small, ci, "messageId", id);

    cwaku__rln_identity_clear(&ident);
    CHECK(cwaku__fr_is_zero(&ident.secret));
  }
  json_decref(doc);
}

static void test_slashing(void) {
  json_t *doc = vectors_load("slashing.json");
  json_t *cases = json_object_get(doc, "cases");
  size_t i;
  json_t *c;
  static uint8_t payload[MAX_BYTES];
  CHECK_EQ_INT(json_array_size(cases), 3);
  json_array_foreach(cases, i, c) {
    int id = (int)json_integer_value(json_object_get(c, "id"));
    struct cwaku__rln_share s1, s2;
    cwaku_fr secret, a1, commitment, rate, ext;
    json_t *j1 = json_object_get(c, "share1"),
           *j2 = json_object_get(c, "share2");
    CHECK(vectors_fr_at(&s1.x, j1, "x") && vectors_fr_at(&s1.y, j1, "y"));
    CHECK(vectors_fr_at(&s2.x, j2, "x") && vectors_fr_at(&s2.y, j2, "y"));
    CHECK(vectors_fr_at(&s1.nullifier, c, "nullifier"));
    s2.nullifier = s1.nullifier;
    CHECK(cwaku__rln_recover_secret(&secret, &a1, &s1, &s2));
    check_fr(&a1, c, "a1", id);
    check_fr(&secret, c, "recovered_identity_secret", id);
    CHECK(cwaku__rln_recover_secret(&secret, NULL, &s2, &s1));
    check_fr(&secret, c, "recovered_identity_secret", id);
    cwaku__rln_id_commitment(&commitment, &secret);
    check_fr(&commitment, c, "id_commitment", id);
    uint32_t limit = u32_at(c, "user_message_limit");
    uint32_t message_id = u32_at(c, "message_id");
    CHECK(cwaku__rln_rate_commitment(&rate, &commitment, limit));
    check_fr(&rate, c, "rate_commitment", id);

    /* the two messages give the two shares again */
    uint64_t epoch;
    uint8_t epoch_bytes[32], want32[32], ident_bytes[32];
    CHECK(vectors_u64(&epoch, json_object_get(c, "epoch")));
    cwaku__rln_epoch_bytes(epoch_bytes, epoch);
    CHECK(vectors_hex(want32, 32, json_object_get(c, "epoch_le_hex")) == 32);
    CHECK_MEM(epoch_bytes, want32, 32);
    CHECK(cwaku__rln_identifier_bytes(ident_bytes, CWAKU_RLN_IDENTIFIER,
                                      strlen(CWAKU_RLN_IDENTIFIER)));
    cwaku__rln_external_nullifier(&ext, epoch_bytes, ident_bytes);
    check_fr(&ext, c, "external_nullifier", id);
    json_t *msgs = json_object_get(c, "messages");
    CHECK_EQ_INT(json_array_size(msgs), 2);
    for (size_t k = 0; k < 2 && k < json_array_size(msgs); k++) {
      json_t *m = json_array_get(msgs, k);
      const struct cwaku__rln_share *want = k ? &s2 : &s1;
      const char *topic =
          json_string_value(json_object_get(m, "content_topic"));
      long plen = vectors_hex(payload, sizeof payload,
                              json_object_get(m, "payload_hex"));
      uint64_t ts;
      cwaku_fr x;
      struct cwaku__rln_share got;
      CHECK(topic && plen >= 0 &&
            vectors_u64(&ts, json_object_get(m, "timestamp_ns")));
      if (!topic || plen < 0)
        continue;
      CHECK(cwaku__rln_epoch(ts) == epoch);
      cwaku__rln_signal_hash(&x, payload, (size_t)plen, topic, strlen(topic),
                             ts);
      CHECK(cwaku__fr_equal(&x, &want->x));
      CHECK(cwaku__rln_share(&got, &secret, &ext, message_id, limit, &x));
      CHECK(cwaku__fr_equal(&got.y, &want->y));
      CHECK(cwaku__fr_equal(&got.nullifier, &want->nullifier));
    }
  }
  json_decref(doc);
}

static void test_refusals(void) {
  cwaku_fr secret, ext, x, out, zero;
  struct cwaku__rln_share share, s1, s2;
  cwaku__fr_from_u64(&secret, 12345);
  cwaku__fr_from_u64(&ext, 678);
  cwaku__fr_from_u64(&x, 9);
  cwaku__fr_zero(&zero);

  /* limits: 1..65536 */
  CHECK(!cwaku__rln_limit_is_valid(0));
  CHECK(cwaku__rln_limit_is_valid(1));
  CHECK(cwaku__rln_limit_is_valid(65536));
  CHECK(!cwaku__rln_limit_is_valid(65537));
  cwaku__fr_one(&out);
  CHECK(!cwaku__rln_rate_commitment(&out, &secret, 0));
  CHECK(cwaku__fr_is_zero(&out));
  cwaku__fr_one(&out);
  CHECK(!cwaku__rln_rate_commitment(&out, &secret, 65537));
  CHECK(cwaku__fr_is_zero(&out));
  CHECK(cwaku__rln_rate_commitment(&out, &secret, 65536));

  /* message ids: 0 <= id < limit */
  CHECK(cwaku__rln_a1(&out, &secret, &ext, 0, 1));
  cwaku__fr_one(&out);
  CHECK(!cwaku__rln_a1(&out, &secret, &ext, 1, 1));
  CHECK(cwaku__fr_is_zero(&out));
  CHECK(!cwaku__rln_a1(&out, &secret, &ext, 20, 20));
  CHECK(cwaku__rln_a1(&out, &secret, &ext, 19, 20));
  CHECK(cwaku__rln_a1(&out, &secret, &ext, 65535, 65536));
  CHECK(!cwaku__rln_a1(&out, &secret, &ext, 65536, 65536));
  CHECK(!cwaku__rln_a1(&out, &secret, &ext, 0, 0));
  CHECK(!cwaku__rln_a1(&out, &secret, &ext, 5, 70000));
  CHECK(!cwaku__rln_share(&share, &secret, &ext, 3, 3, &x));
  CHECK(cwaku__fr_is_zero(&share.x) && cwaku__fr_is_zero(&share.y) &&
        cwaku__fr_is_zero(&share.nullifier));
  CHECK(cwaku__rln_share(&share, &secret, &ext, 2, 3, &x));

  /* recovery: a second point of the same line gives the secret back; the
   * same x twice, or two lines (other message id), are refused */
  cwaku_fr x2, a1, a1_want;
  cwaku__fr_from_u64(&x2, 10);
  CHECK(cwaku__rln_share(&s1, &secret, &ext, 2, 3, &x));
  CHECK(cwaku__rln_share(&s2, &secret, &ext, 2, 3, &x2));
  CHECK(cwaku__rln_recover_secret(&out, &a1, &s1, &s2));
  CHECK(cwaku__fr_equal(&out, &secret));
  CHECK(cwaku__rln_a1(&a1_want, &secret, &ext, 2, 3));
  CHECK(cwaku__fr_equal(&a1, &a1_want));
  cwaku__fr_one(&out);
  CHECK(!cwaku__rln_recover_secret(&out, &a1, &s1, &s1));
  CHECK(cwaku__fr_is_zero(&out) && cwaku__fr_is_zero(&a1));
  struct cwaku__rln_share same_x = s2;
  same_x.x = s1.x;
  CHECK(!cwaku__rln_recover_secret(&out, NULL, &s1, &same_x));
  CHECK(cwaku__rln_share(&s2, &secret, &ext, 1, 3, &x2));
  CHECK(!cwaku__rln_recover_secret(&out, NULL, &s1, &s2));
  CHECK(cwaku__fr_is_zero(&out));

  /* wire forms */
  uint8_t bytes[32];
  uint64_t epoch = 7;
  CHECK(cwaku__rln_identifier_bytes(bytes, "0123456789abcdef0123456789abcdef",
                                    32));
  CHECK(!cwaku__rln_identifier_bytes(bytes, "0123456789abcdef0123456789abcdefX",
                                     33));
  CHECK(cwaku__rln_identifier_bytes(bytes, "", 0));
  static const uint8_t zero32[32];
  CHECK_MEM(bytes, zero32, 32);
  cwaku__rln_epoch_bytes(bytes, UINT64_MAX);
  CHECK(cwaku__rln_epoch_from_bytes(&epoch, bytes));
  CHECK(epoch == UINT64_MAX);
  bytes[8] = 1;
  CHECK(!cwaku__rln_epoch_from_bytes(&epoch, bytes));
  CHECK(epoch == 0);
  cwaku__rln_epoch_bytes(bytes, 5);
  bytes[31] = 0x80;
  CHECK(!cwaku__rln_epoch_from_bytes(&epoch, bytes));

  /* epochs: 600 s each, floor */
  CHECK(cwaku__rln_epoch(0) == 0);
  CHECK(cwaku__rln_epoch(UINT64_C(599999999999)) == 0);
  CHECK(cwaku__rln_epoch(UINT64_C(600000000000)) == 1);
  CHECK(cwaku__rln_epoch(UINT64_MAX) == UINT64_MAX / UINT64_C(600000000000));

  /* signal sizes */
  CHECK_EQ_INT(cwaku__rln_signal_len(0, 0), 8);
  CHECK_EQ_INT(cwaku__rln_signal_len(SIZE_MAX - 8, 0), SIZE_MAX);
  CHECK_EQ_INT(cwaku__rln_signal_len(SIZE_MAX - 7, 0), 0);
  CHECK_EQ_INT(cwaku__rln_signal_len(SIZE_MAX - 10, 3), 0);
  /* an empty payload and topic: the signal is the timestamp alone */
  uint8_t sig[8];
  cwaku_fr hx, hs;
  cwaku__rln_signal(sig, NULL, 0, NULL, 0, 0x0102030405060708ULL);
  CHECK(sig[0] == 0x08 && sig[7] == 0x01);
  cwaku__rln_signal_hash(&hx, NULL, 0, NULL, 0, 0x0102030405060708ULL);
  cwaku__rln_hash_to_field(&hs, sig, sizeof sig);
  CHECK(cwaku__fr_equal(&hx, &hs));
  /* hash_to_field reduces: keccak256("") as a little-endian integer is
   * above r, and r fits below 2^254 */
  cwaku__rln_hash_to_field(&hx, NULL, 0);
  uint8_t le[32];
  cwaku__fr_to_bytes_le(le, &hx);
  CHECK((le[31] & 0xc0) == 0);
}

int main(void) {
  test_cases();
  test_slashing();
  test_refusals();
  return check_summary("test_rln_primitives");
}
