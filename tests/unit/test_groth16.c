/* Groth16 (src/zk/groth16.c, groth16_codec.c) against the RLN v2 vectors
 * of ../shared/rln (README.md there):
 * - every valid case of vectors/rln_cases.json: the zerokit and the snarkjs
 *   proof, as arkworks bytes and as snarkjs JSON, verify against
 *   verification_key.json with the public signals in decimal and in
 *   32-byte little-endian form; both forms of one proof decode to the same
 *   points and re-encode to the same bytes; a changed public input fails;
 * - every case of vectors/rln_negative.json whose reject_at names "proof"
 *   is refused, by the proof decoder, the input decoder or the pairing
 *   check (printed per case); the message-level-only case verifies;
 * - both proofs of each vectors/slashing.json case verify;
 * - batch verification of all valid proofs passes, and fails with one
 *   proof or one input corrupted;
 * - the JSON readers' refusals. */
#include <jansson.h>
#include <stdlib.h>

#include "check.h"
#include "cwaku/env.h"
#include "zk/groth16.h"

#define MAX_PROOFS 64

static cwaku_groth16_vk vk;
static cwaku_groth16_pvk pvk;
static struct cwaku_seeded_rng rng;

/* The valid proofs met along the way, for the batch tests. */
static cwaku_groth16_proof all_proofs[MAX_PROOFS];
static cwaku_fr all_inputs[MAX_PROOFS][5];
static size_t n_all;

static json_t *load_shared(const char *rel) {
  const char *dir = getenv("CWAKU_SHARED");
  char path[4096];
  json_error_t err;
  if (!dir) {
    fprintf(stderr, "CWAKU_SHARED is not set\n");
    return NULL;
  }
  snprintf(path, sizeof path, "%s/rln/%s", dir, rel);
  json_t *v = json_load_file(path, 0, &err);
  if (!v)
    fprintf(stderr, "%s: %s\n", path, err.text);
  return v;
}

static char *read_shared(const char *rel, size_t *len) {
  const char *dir = getenv("CWAKU_SHARED");
  char path[4096];
  if (!dir)
    return NULL;
  snprintf(path, sizeof path, "%s/rln/%s", dir, rel);
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = malloc(1 << 20);
  *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
  fclose(f);
  return buf;
}

static const char *str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

/* Hex to bytes; returns the length. */
static size_t unhex(uint8_t *buf, size_t cap, const char *hex) {
  return check_unhex(buf, cap, hex);
}

static int proof_equal(const cwaku_groth16_proof *x,
                       const cwaku_groth16_proof *y) {
  return cwaku__g1_equal(&x->a, &y->a) && cwaku__g2_equal(&x->b, &y->b) &&
         cwaku__g1_equal(&x->c, &y->c);
}

static void remember(const cwaku_groth16_proof *p, const cwaku_fr *x) {
  if (n_all >= MAX_PROOFS)
    abort();
  all_proofs[n_all] = *p;
  memcpy(all_inputs[n_all], x, sizeof all_inputs[n_all]);
  n_all++;
}

static void test_key(void) {
  size_t len = 0;
  char *text = read_shared("verification_key.json", &len);
  CHECK(text != NULL);
  if (!text)
    exit(check_summary("test_groth16"));
  CHECK(cwaku__groth16_vk_from_snarkjs(&vk, text, len));
  CHECK_EQ_INT(vk.n_public, 5);
  CHECK(cwaku__groth16_prepare(&pvk, &vk));
  /* the same through a parsed value */
  json_t *v = json_loadb(text, len, 0, NULL);
  cwaku_groth16_vk again;
  CHECK(cwaku__groth16_vk_from_json(&again, v));
  CHECK(memcmp(&again, &vk, sizeof vk) == 0);
  json_decref(v);
  free(text);
}

/* Decodes an arkworks hex proof; checks the byte round trip. */
static int ark_proof(cwaku_groth16_proof *p, const char *hex) {
  uint8_t b[256], again[CWAKU_GROTH16_PROOF_BYTES];
  size_t n = unhex(b, sizeof b, hex);
  if (!cwaku__groth16_proof_from_bytes(p, b, n))
    return 0;
  cwaku__groth16_proof_to_bytes(again, p);
  CHECK_MEM(again, b, sizeof again);
  return 1;
}

static void test_cases(void) {
  json_t *doc = load_shared("vectors/rln_cases.json");
  json_t *cases = json_object_get(doc, "cases");
  CHECK(json_array_size(cases) == 12);
  for (size_t i = 0; i < json_array_size(cases); i++) {
    json_t *c = json_array_get(cases, i);
    cwaku_fr dec[5], le[5];
    size_t n = 0;
    /* public signals, decimal and LE bytes */
    CHECK(cwaku__groth16_public_from_json(
        dec, &n, 5, json_object_get(c, "public_signals")));
    CHECK_EQ_INT(n, 5);
    json_t *lehex = json_object_get(c, "public_signals_le_hex");
    CHECK_EQ_INT(json_array_size(lehex), 5);
    for (size_t k = 0; k < 5; k++) {
      uint8_t b[32];
      CHECK_EQ_INT(unhex(b, 32, json_string_value(json_array_get(lehex, k))),
                   32);
      CHECK(cwaku__fr_from_bytes_le(&le[k], b));
      CHECK(cwaku__fr_equal(&le[k], &dec[k]));
    }
    /* the four forms of the two proofs */
    cwaku_groth16_proof zk_ark, zk_json, sj_ark, sj_json;
    CHECK(ark_proof(&zk_ark, str(c, "proof_zerokit_ark_hex")));
    CHECK(ark_proof(&sj_ark, str(c, "proof_snarkjs_ark_hex")));
    CHECK(cwaku__groth16_proof_from_json(
        &zk_json, json_object_get(c, "proof_zerokit_snarkjs")));
    CHECK(cwaku__groth16_proof_from_json(&sj_json,
                                         json_object_get(c, "proof_snarkjs")));
    CHECK(proof_equal(&zk_ark, &zk_json));
    CHECK(proof_equal(&sj_ark, &sj_json));
    CHECK(!proof_equal(&zk_ark, &sj_ark)); /* two proofs, fresh randomness */
    /* zerokit's 288-byte output starts with the proof */
    uint8_t out288[288], proof_bytes[128];
    CHECK_EQ_INT(unhex(out288, sizeof out288, str(c, "zerokit_output_288_hex")),
                 288);
    CHECK_EQ_INT(
        unhex(proof_bytes, sizeof proof_bytes, str(c, "proof_zerokit_ark_hex")),
        128);
    CHECK_MEM(out288, proof_bytes, 128);
    /* and the text form of the JSON */
    char *text = json_dumps(json_object_get(c, "proof_snarkjs"), 0);
    cwaku_groth16_proof from_text;
    CHECK(text &&
          cwaku__groth16_proof_from_snarkjs(&from_text, text, strlen(text)));
    CHECK(proof_equal(&from_text, &sj_ark));
    free(text);

    CHECK(cwaku__groth16_verify(&pvk, &zk_ark, dec, 5));
    CHECK(cwaku__groth16_verify(&pvk, &zk_ark, le, 5));
    CHECK(cwaku__groth16_verify(&pvk, &sj_ark, le, 5));
    CHECK(cwaku__groth16_verify(&pvk, &zk_json, le, 5));
    CHECK(cwaku__groth16_verify(&pvk, &sj_json, dec, 5));
    /* a changed public input: each in turn for the first cases, then one */
    for (size_t k = i < 2 ? 0 : i % 5; k < (i < 2 ? 5 : i % 5 + 1); k++) {
      cwaku_fr x[5], one;
      memcpy(x, le, sizeof x);
      cwaku__fr_one(&one);
      cwaku__fr_add(&x[k], &x[k], &one);
      CHECK(!cwaku__groth16_verify(&pvk, &zk_ark, x, 5));
    }
    /* wrong number of inputs */
    CHECK(!cwaku__groth16_verify(&pvk, &zk_ark, le, 4));
    /* the zerokit proof with the snarkjs proof's C */
    cwaku_groth16_proof mixed = zk_ark;
    mixed.c = sj_ark.c;
    CHECK(!cwaku__groth16_verify(&pvk, &mixed, le, 5));
    remember(&zk_ark, le);
    remember(&sj_ark, le);
  }
  json_decref(doc);
}

static int has_level(const json_t *c, const char *level) {
  json_t *a = json_object_get(c, "reject_at");
  for (size_t i = 0; i < json_array_size(a); i++)
    if (strcmp(json_string_value(json_array_get(a, i)), level) == 0)
      return 1;
  return 0;
}

static void test_negative(void) {
  json_t *doc = load_shared("vectors/rln_negative.json");
  json_t *cases = json_object_get(doc, "cases");
  int proof_cases = 0;
  CHECK(json_array_size(cases) == 12);
  for (size_t i = 0; i < json_array_size(cases); i++) {
    json_t *c = json_array_get(cases, i);
    const char *where = "accepted";
    cwaku_groth16_proof p;
    cwaku_fr x[5];
    uint8_t b[256];
    size_t n = unhex(b, sizeof b, str(c, "proof_ark_hex"));
    json_t *lehex = json_object_get(c, "public_signals_le_hex");
    int inputs_ok = json_array_size(lehex) == 5;
    for (size_t k = 0; k < 5 && inputs_ok; k++) {
      uint8_t v[32];
      inputs_ok =
          unhex(v, 32, json_string_value(json_array_get(lehex, k))) == 32 &&
          cwaku__fr_from_bytes_le(&x[k], v);
    }
    if (!cwaku__groth16_proof_from_bytes(&p, b, n))
      where = "proof decoding";
    else if (!inputs_ok)
      where = "public input decoding";
    else if (!cwaku__groth16_verify(&pvk, &p, x, 5))
      where = "pairing check";
    /* the decimal form must be refused too where a value is >= r */
    cwaku_fr dec[5];
    size_t nd;
    int dec_ok = cwaku__groth16_public_from_json(
        dec, &nd, 5, json_object_get(c, "public_signals"));
    CHECK_EQ_INT(dec_ok, inputs_ok);
    printf("  negative %2zu %-12s reject_at proof=%d: %s\n", i, str(c, "kind"),
           has_level(c, "proof"), where);
    if (has_level(c, "proof")) {
      proof_cases++;
      CHECK(strcmp(where, "accepted") != 0);
    } else {
      CHECK(strcmp(where, "accepted") == 0);
    }
  }
  CHECK_EQ_INT(proof_cases, 11);
  json_decref(doc);
}

static void test_slashing(void) {
  json_t *doc = load_shared("vectors/slashing.json");
  json_t *cases = json_object_get(doc, "cases");
  CHECK(json_array_size(cases) == 3);
  for (size_t i = 0; i < json_array_size(cases); i++) {
    json_t *msgs = json_object_get(json_array_get(cases, i), "messages");
    CHECK_EQ_INT(json_array_size(msgs), 2);
    for (size_t k = 0; k < json_array_size(msgs); k++) {
      json_t *m = json_array_get(msgs, k);
      cwaku_groth16_proof p;
      cwaku_fr x[5];
      size_t n = 0;
      CHECK(ark_proof(&p, str(m, "proof_zerokit_ark_hex")));
      CHECK(cwaku__groth16_public_from_json(
                x, &n, 5, json_object_get(m, "public_signals")) &&
            n == 5);
      CHECK(cwaku__groth16_verify(&pvk, &p, x, 5));
      remember(&p, x);
    }
  }
  json_decref(doc);
}

static void test_batch(void) {
  CHECK_EQ_INT(n_all, 30);
  const struct cwaku_rng *r = &rng.rng;
  CHECK(cwaku__groth16_verify_batch(&pvk, r, all_proofs, &all_inputs[0][0],
                                    n_all));
  CHECK(cwaku__groth16_verify_batch(&pvk, r, all_proofs, &all_inputs[0][0], 0));
  for (size_t n = 1; n <= 17; n += 8)
    CHECK(cwaku__groth16_verify_batch(&pvk, r, all_proofs + n_all - n,
                                      &all_inputs[n_all - n][0], n));
  /* one input changed */
  cwaku_fr one, saved = all_inputs[20][3];
  cwaku__fr_one(&one);
  cwaku__fr_add(&all_inputs[20][3], &all_inputs[20][3], &one);
  CHECK(!cwaku__groth16_verify_batch(&pvk, r, all_proofs, &all_inputs[0][0],
                                     n_all));
  all_inputs[20][3] = saved;
  /* one proof changed: A and C of two proofs swapped */
  cwaku_groth16_proof p3 = all_proofs[3];
  all_proofs[3].a = all_proofs[2].a;
  CHECK(!cwaku__groth16_verify_batch(&pvk, r, all_proofs, &all_inputs[0][0],
                                     n_all));
  all_proofs[3] = p3;
  /* two proofs exchanged: each alone is valid, not for the other's inputs */
  cwaku_groth16_proof t = all_proofs[0];
  all_proofs[0] = all_proofs[29];
  all_proofs[29] = t;
  CHECK(!cwaku__groth16_verify_batch(&pvk, r, all_proofs, &all_inputs[0][0],
                                     n_all));
  all_proofs[29] = all_proofs[0];
  all_proofs[0] = t;
  CHECK(cwaku__groth16_verify_batch(&pvk, r, all_proofs, &all_inputs[0][0],
                                    n_all));
  /* with the system's generator */
  CHECK(cwaku__groth16_verify_batch(&pvk, cwaku_rng_system(), all_proofs,
                                    &all_inputs[0][0], n_all));
}

/* The JSON readers refuse what is not a valid snarkjs proof or key. */
static void test_json_refusals(void) {
  cwaku_groth16_proof p;
  cwaku_groth16_vk key;
  cwaku_fr x[8];
  size_t n;
  json_t *doc = load_shared("vectors/rln_cases.json");
  json_t *good = json_object_get(
      json_array_get(json_object_get(doc, "cases"), 0), "proof_snarkjs");
  CHECK(cwaku__groth16_proof_from_json(&p, good));
  struct {
    const char *path; /* key / index / index */
    const char *value;
  } edits[] = {
      {"pi_a/2", "2"},  /* z not 1 */
      {"pi_a/0", "01"}, /* leading zero */
      {"pi_a/0",
       "21888242871839275222246405745257275088696311157297823662689037894645"
       "226208583"},     /* p itself */
      {"pi_a/1", "1"},   /* off the curve */
      {"pi_b/2/0", "0"}, /* z = 0 with other coordinates */
      {"pi_b/0/0", "1"}, /* off the twist */
      {"pi_c/0", "-1"},
      {"pi_c/0", " 1"},
      {"protocol", "plonk"},
      {"curve", "bls12381"},
  };
  for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
    json_t *bad = json_deep_copy(good);
    char path[32];
    snprintf(path, sizeof path, "%s", edits[i].path);
    json_t *parent = bad, *leaf;
    char *tok = strtok(path, "/"), *next;
    while ((next = strtok(NULL, "/")) != NULL) {
      parent = json_is_object(parent) ? json_object_get(parent, tok)
                                      : json_array_get(parent, atoi(tok));
      tok = next;
    }
    leaf = json_string(edits[i].value);
    if (json_is_object(parent))
      json_object_set_new(parent, tok, leaf);
    else
      json_array_set_new(parent, (size_t)atoi(tok), leaf);
    CHECK(!cwaku__groth16_proof_from_json(&p, bad));
    static const cwaku_groth16_proof zero;
    CHECK(memcmp(&p, &zero, sizeof p) == 0);
    json_decref(bad);
  }
  /* the twist point outside G2 of rln_negative.json's flip_b, as JSON */
  {
    json_t *neg = load_shared("vectors/rln_negative.json");
    json_t *c = json_array_get(json_object_get(neg, "cases"), 1);
    CHECK(strcmp(str(c, "kind"), "flip_b") == 0);
    uint8_t b[128];
    CHECK_EQ_INT(unhex(b, sizeof b, str(c, "proof_ark_hex")), 128);
    b[95] &= 0x3f; /* the flags of B */
    cwaku_g2 q;
    cwaku_fp2 rhs;
    q.infinity = 0;
    CHECK(cwaku__fp_from_bytes_le(&q.x.c0, b + 32) &&
          cwaku__fp_from_bytes_le(&q.x.c1, b + 64));
    cwaku__g2_rhs(&rhs, &q.x);
    CHECK(cwaku__fp2_sqrt_vartime(&q.y, &rhs));
    CHECK(cwaku__g2_is_on_curve(&q) && !cwaku__g2_is_in_subgroup_vartime(&q));
    json_t *bad = json_deep_copy(good);
    json_t *pb = json_object_get(bad, "pi_b");
    char d[CWAKU_FIELD_DEC_MAX];
    const cwaku_fp *coords[4] = {&q.x.c0, &q.x.c1, &q.y.c0, &q.y.c1};
    for (int k = 0; k < 4; k++) {
      cwaku__fp_to_dec(d, coords[k]);
      json_array_set_new(json_array_get(pb, (size_t)(k / 2)), (size_t)(k % 2),
                         json_string(d));
    }
    CHECK(!cwaku__groth16_proof_from_json(&p, bad));
    json_decref(bad);
    json_decref(neg);
  }
  /* missing members, wrong shapes */
  /* (parenthesised: one string each, split over lines) */
  static const char *texts[] = {
      "",
      "[]",
      "{}",
      "{\"pi_a\": [\"1\", \"2\", \"1\"]}",
      ("{\"pi_a\": [\"1\", \"2\", \"1\"], \"pi_b\": [], "
       "\"pi_c\": [\"1\", \"2\", \"1\"]}"),
      ("{\"pi_a\": [1, 2, 1], \"pi_b\": [[\"0\", \"0\"], [\"1\", \"0\"], "
       "[\"0\", \"0\"]], \"pi_c\": [\"1\", \"2\", \"1\"]}"),
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    CHECK(!cwaku__groth16_proof_from_snarkjs(&p, texts[i], strlen(texts[i])));
  /* the points at infinity in snarkjs' form are accepted */
  static const char inf[] =
      "{\"pi_a\": [\"0\", \"1\", \"0\"], \"pi_b\": [[\"0\", \"0\"], [\"1\", "
      "\"0\"], [\"0\", \"0\"]], \"pi_c\": [\"1\", \"2\", \"1\"]}";
  CHECK(cwaku__groth16_proof_from_snarkjs(&p, inf, strlen(inf)));
  CHECK(p.a.infinity && p.b.infinity && !p.c.infinity);
  /* duplicate keys */
  static const char dup[] =
      "{\"pi_a\": [\"0\", \"1\", \"0\"], \"pi_a\": [\"0\", \"1\", \"0\"], "
      "\"pi_b\": [[\"0\", \"0\"], [\"1\", \"0\"], [\"0\", \"0\"]], \"pi_c\": "
      "[\"1\", \"2\", \"1\"]}";
  CHECK(!cwaku__groth16_proof_from_snarkjs(&p, dup, strlen(dup)));
  /* public signals */
  static const char pub_ok[] = "[\"0\", \"1\", "
                               "\"2188824287183927522224640574525727508854836"
                               "4400416034343698204186575808495616\"]";
  CHECK(cwaku__groth16_public_from_snarkjs(x, &n, 8, pub_ok, strlen(pub_ok)));
  CHECK_EQ_INT(n, 3);
  CHECK(!cwaku__groth16_public_from_snarkjs(x, &n, 2, pub_ok, strlen(pub_ok)));
  static const char pub_r[] = "[\"2188824287183927522224640574525727508854836"
                              "4400416034343698204186575808495617\"]";
  CHECK(!cwaku__groth16_public_from_snarkjs(x, &n, 8, pub_r, strlen(pub_r)));
  CHECK(!cwaku__groth16_public_from_snarkjs(x, &n, 8, "[1]", 3));
  CHECK(!cwaku__groth16_public_from_snarkjs(x, &n, 8, "{}", 2));
  /* keys: nPublic against IC */
  size_t len = 0;
  char *text = read_shared("verification_key.json", &len);
  json_t *kv = json_loadb(text, len, 0, NULL);
  json_object_set_new(kv, "nPublic", json_integer(4));
  CHECK(!cwaku__groth16_vk_from_json(&key, kv));
  json_object_set_new(kv, "nPublic", json_integer(-1));
  CHECK(!cwaku__groth16_vk_from_json(&key, kv));
  json_object_set_new(kv, "nPublic", json_integer(5));
  CHECK(cwaku__groth16_vk_from_json(&key, kv));
  json_array_remove(json_object_get(kv, "IC"), 5);
  CHECK(!cwaku__groth16_vk_from_json(&key, kv));
  json_decref(kv);
  CHECK(!cwaku__groth16_vk_from_snarkjs(&key, text, len - 10));
  free(text);
  json_decref(doc);
}

int main(void) {
  cwaku_seeded_rng_init(&rng, 16);
  test_key();
  test_cases();
  test_negative();
  test_slashing();
  test_batch();
  test_json_refusals();
  return check_summary("test_groth16");
}
