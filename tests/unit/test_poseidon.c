/* Poseidon (src/zk/poseidon.c): every case of vectors/poseidon.json
 * (circomlibjs 0.1.7, arities 1-6), a few of circomlib's constants quoted,
 * the optimised form against the textbook one on random and edge inputs of
 * every arity 1-8 (both instances: portable and BMI2/ADX), the fixed-arity
 * paths, refused arities, and the one-time initialisation raced by several
 * threads. */
#include <pthread.h>

#include "check.h"
#include "cwaku/env.h"
#include "rln_vectors.h"
#include "zk/poseidon.h"

#define RANDOM_ROUNDS 100
#define THREADS 4

static struct cwaku_seeded_rng rng;

static void random_fr(cwaku_fr *x) {
  uint8_t b[32];
  cwaku_random(&rng.rng, b, sizeof b);
  cwaku__fr_reduce_bytes_le(x, b);
}

static void fr_from_hex_be(cwaku_fr *x, const char *hex) {
  uint8_t b[32];
  check_unhex(b, sizeof b, hex);
  if (!cwaku__fr_from_bytes_be(x, b))
    abort();
}

static void test_vectors(void) {
  json_t *doc = vectors_load("poseidon.json");
  json_t *cases = json_object_get(doc, "cases");
  size_t i, per_arity[7] = {0};
  json_t *c;
  CHECK(json_array_size(cases) == 144);
  json_array_foreach(cases, i, c) {
    json_t *inputs = json_object_get(c, "inputs");
    json_t *inputs_hex = json_object_get(c, "inputs_le_hex");
    size_t n = (size_t)json_integer_value(json_object_get(c, "arity"));
    cwaku_fr in[CWAKU_POSEIDON_MAX_INPUTS], want, got, ref;
    uint8_t le[32], want_le[32];
    int ok = n >= 1 && n <= 6 && json_array_size(inputs) == n;
    CHECK(ok);
    if (!ok)
      continue;
    per_arity[n]++;
    for (size_t k = 0; k < n; k++) {
      CHECK(vectors_fr(&in[k], json_array_get(inputs, k)));
      CHECK(vectors_hex(le, sizeof le, json_array_get(inputs_hex, k)) == 32);
      cwaku_fr from_le;
      CHECK(cwaku__fr_from_bytes_le(&from_le, le));
      CHECK(cwaku__fr_equal(&from_le, &in[k]));
    }
    CHECK(vectors_fr_at(&want, c, "output"));
    CHECK(vectors_hex(want_le, sizeof want_le,
                      json_object_get(c, "output_le_hex")) == 32);
    CHECK(cwaku__poseidon(&got, in, n));
    CHECK(cwaku__poseidon_reference(&ref, in, n));
    if (!cwaku__fr_equal(&got, &want) || !cwaku__fr_equal(&ref, &want)) {
      char dec[CWAKU_FIELD_DEC_MAX];
      cwaku__fr_to_dec(dec, &got);
      fprintf(stderr, "poseidon.json case %zu (arity %zu): got %s\n", i, n,
              dec);
    }
    CHECK(cwaku__fr_equal(&got, &want));
    CHECK(cwaku__fr_equal(&ref, &want));
    cwaku__fr_to_bytes_le(le, &got);
    CHECK_MEM(le, want_le, 32);
  }
  for (size_t n = 1; n <= 6; n++)
    CHECK_EQ_INT(per_arity[n], 24);
  json_decref(doc);
}

/* circomlib's poseidon_constants: C[t-2][k] and M[t-2][i][j], quoted. */
static void test_constants(void) {
  static const struct {
    size_t t, k;
    const char *hex;
  } rc[] = {
      {2, 0,
       "09c46e9ec68e9bd4fe1faaba294cba38a71aa177534cdd1b6c7dc0dbd0abd7a7"},
      {2, 1,
       "0c0356530896eec42a97ed937f3135cfc5142b3ae405b8343c1d83ffa604cb81"},
      {3, 0,
       "0ee9a592ba9a9518d05986d656f40c2114c4993c11bb29938d21d47304cd8e6e"},
      {3, 2,
       "08dff3487e8ac99e1f29a058d0fa80b930c728730b7ab36ce879f3890ecf73f5"},
  };
  static const struct {
    size_t t, i, j;
    const char *hex;
  } mds[] = {
      {3, 0, 0,
       "109b7f411ba0e4c9b2b70caf5c36a7b194be7c11ad24378bfedb68592ba8118b"},
      {3, 0, 2,
       "2b90bba00fca0589f617e7dcbfe82e0df706ab640ceb247b791a93b74e36736d"},
      {3, 2, 1,
       "176cc029695ad02582a70eff08a6fd99d057e12e58e7d7b6b16cdfabc8ee2911"},
  };
  cwaku_fr want, got;
  for (size_t i = 0; i < sizeof rc / sizeof rc[0]; i++) {
    fr_from_hex_be(&want, rc[i].hex);
    CHECK(cwaku__poseidon_round_constant(&got, rc[i].t, rc[i].k));
    CHECK(cwaku__fr_equal(&got, &want));
  }
  for (size_t i = 0; i < sizeof mds / sizeof mds[0]; i++) {
    fr_from_hex_be(&want, mds[i].hex);
    CHECK(cwaku__poseidon_mds(&got, mds[i].t, mds[i].i, mds[i].j));
    CHECK(cwaku__fr_equal(&got, &want));
  }
  /* counts and bounds */
  static const size_t rp[] = {56, 57, 56, 60, 60, 63, 64, 63};
  for (size_t t = 2; t <= 9; t++) {
    CHECK_EQ_INT(cwaku__poseidon_partial_rounds(t), rp[t - 2]);
    size_t last = (8 + rp[t - 2]) * t - 1;
    CHECK(cwaku__poseidon_round_constant(&got, t, last));
    CHECK(!cwaku__poseidon_round_constant(&got, t, last + 1));
    CHECK(cwaku__fr_is_zero(&got));
    CHECK(cwaku__poseidon_mds(&got, t, t - 1, t - 1));
    CHECK(!cwaku__poseidon_mds(&got, t, t, 0));
  }
  CHECK_EQ_INT(cwaku__poseidon_partial_rounds(1), 0);
  CHECK_EQ_INT(cwaku__poseidon_partial_rounds(10), 0);
  CHECK(!cwaku__poseidon_round_constant(&got, 10, 0));
}

/* Whether this CPU runs the BMI2/ADX instance (set in main). */
static int have_adx;

static void check_against_reference(const cwaku_fr *in, size_t n) {
  cwaku_fr a, b, c;
  CHECK(cwaku__poseidon(&a, in, n));
  CHECK(cwaku__poseidon_reference(&b, in, n));
  CHECK(cwaku__fr_equal(&a, &b));
  CHECK(cwaku__poseidon_with(&c, in, n, 0));
  CHECK(cwaku__fr_equal(&c, &b));
  if (have_adx) {
    CHECK(cwaku__poseidon_with(&c, in, n, 1));
    CHECK(cwaku__fr_equal(&c, &b));
  }
  switch (n) {
  case 1:
    cwaku__poseidon1(&c, &in[0]);
    CHECK(cwaku__fr_equal(&c, &b));
    break;
  case 2:
    cwaku__poseidon2(&c, &in[0], &in[1]);
    CHECK(cwaku__fr_equal(&c, &b));
    break;
  case 3:
    cwaku__poseidon3(&c, &in[0], &in[1], &in[2]);
    CHECK(cwaku__fr_equal(&c, &b));
    break;
  }
}

static void test_optimised_form(void) {
  cwaku_fr in[CWAKU_POSEIDON_MAX_INPUTS], edge[3];
  cwaku__fr_zero(&edge[0]);
  cwaku__fr_one(&edge[1]);
  cwaku__fr_neg(&edge[2], &edge[1]); /* r - 1 */
  for (size_t n = 1; n <= CWAKU_POSEIDON_MAX_INPUTS; n++) {
    for (int round = 0; round < RANDOM_ROUNDS; round++) {
      for (size_t k = 0; k < n; k++)
        random_fr(&in[k]);
      check_against_reference(in, n);
    }
    for (int e = 0; e < 3; e++) {
      for (size_t k = 0; k < n; k++)
        in[k] = edge[e];
      check_against_reference(in, n);
      for (size_t k = 0; k < n; k++)
        in[k] = edge[(e + k) % 3];
      check_against_reference(in, n);
    }
  }
  /* Outputs differ with the arity and the position of an input. */
  cwaku_fr a, b;
  cwaku__fr_zero(&in[0]);
  cwaku__fr_zero(&in[1]);
  CHECK(cwaku__poseidon(&a, in, 1));
  CHECK(cwaku__poseidon(&b, in, 2));
  CHECK(!cwaku__fr_equal(&a, &b));
  cwaku__fr_one(&in[0]);
  cwaku__poseidon2(&a, &in[0], &in[1]);
  cwaku__poseidon2(&b, &in[1], &in[0]);
  CHECK(!cwaku__fr_equal(&a, &b));
}

static void test_refused_arities(void) {
  cwaku_fr in[10], out;
  for (int k = 0; k < 10; k++)
    cwaku__fr_from_u64(&in[k], (uint64_t)k + 1);
  cwaku__fr_one(&out);
  CHECK(!cwaku__poseidon(&out, in, 0));
  CHECK(cwaku__fr_is_zero(&out));
  cwaku__fr_one(&out);
  CHECK(!cwaku__poseidon(&out, in, 9));
  CHECK(cwaku__fr_is_zero(&out));
  cwaku__fr_one(&out);
  CHECK(!cwaku__poseidon_reference(&out, in, 0));
  CHECK(cwaku__fr_is_zero(&out));
  cwaku__fr_one(&out);
  CHECK(!cwaku__poseidon_reference(&out, in, 9));
  CHECK(cwaku__fr_is_zero(&out));
  CHECK(cwaku__poseidon(&out, in, 8));
  for (int adx = -1; adx <= 1; adx++) {
    cwaku__fr_one(&out);
    CHECK(!cwaku__poseidon_with(&out, in, 0, adx));
    CHECK(cwaku__fr_is_zero(&out));
    CHECK(!cwaku__poseidon_with(&out, in, 9, adx));
  }
}

/* The first calls of the process race here for the one-time init. */
static void *thread_hash(void *arg) {
  cwaku_fr *out = arg, a, b;
  cwaku__fr_from_u64(&a, 1);
  cwaku__fr_from_u64(&b, 2);
  cwaku__poseidon2(out, &a, &b);
  return NULL;
}

static void test_concurrent_init(void) {
  pthread_t th[THREADS];
  cwaku_fr out[THREADS], want;
  int started[THREADS];
  for (int i = 0; i < THREADS; i++)
    started[i] = pthread_create(&th[i], NULL, thread_hash, &out[i]) == 0;
  for (int i = 0; i < THREADS; i++)
    if (started[i])
      pthread_join(th[i], NULL);
  /* circomlibjs: poseidon([1, 2]) */
  const char *dec = "78532001207760628786847983640950724588150293760927320092"
                    "49414926327459813530";
  CHECK(cwaku__fr_from_dec(&want, dec, strlen(dec)));
  for (int i = 0; i < THREADS; i++) {
    CHECK(started[i]);
    CHECK(started[i] && cwaku__fr_equal(&out[i], &want));
  }
}

int main(void) {
  cwaku_seeded_rng_init(&rng, 0x9053);
  test_concurrent_init();
  cwaku_fr probe, one;
  cwaku__fr_one(&one);
  have_adx = cwaku__poseidon_with(&probe, &one, 1, 1);
  printf("test_poseidon: BMI2/ADX instance %s\n",
         have_adx ? "tested" : "not available on this CPU");
  test_vectors();
  test_constants();
  test_optimised_form();
  test_refused_arities();
  return check_summary("test_poseidon");
}
