/* The optimal ate pairing (src/zk/pairing.c): bilinearity on random
 * scalars, non-degeneracy, e(P, -Q) e(P, Q) = 1, the values lie in GT, the
 * final exponentiation against a plain exponentiation by (p^12 - 1)/r,
 * prepared against unprepared G2 points, multi-pairings of many pairs
 * against products of single pairings, the EIP-197 pairing-check vectors
 * (go-ethereum core/vm/testdata/precompiles/bn256Pairing.json, in
 * test_pairing_eip197.inc), and the known value vk_alphabeta_12 of the RLN
 * verification key (../shared/rln/verification_key.json, computed by
 * snarkjs), which is e(alpha, beta)^(2x(6x^2 + 3x + 1)): snarkjs' final
 * exponentiation (Fuentes-Castaneda et al.) computes that power of the
 * pairing. The known answers are checked with both field
 * multiplications (assembly and portable). */
#include <jansson.h>
#include <openssl/bn.h>
#include <stdlib.h>

#include "check.h"
#include "cwaku/env.h"
#include "zk/fp_inline.h"
#include "zk/pairing.h"

#define ROUNDS 4

static struct cwaku_seeded_rng rng;

static const char P_DEC[] = "2188824287183927522224640574525727508869631115729"
                            "7823662689037894645226208583";
static const char R_DEC[] = "2188824287183927522224640574525727508854836440041"
                            "6034343698204186575808495617";

static void rand_fr(cwaku_fr *k) {
  uint8_t b[32];
  cwaku_random(&rng.rng, b, sizeof b);
  cwaku__fr_reduce_bytes_le(k, b);
}

static void g1_mul_gen(cwaku_g1 *r, const cwaku_fr *k) {
  cwaku_g1 g;
  cwaku_g1_jac j;
  cwaku__g1_generator(&g);
  cwaku__g1_from_affine(&j, &g);
  cwaku__g1_mul_vartime(&j, &j, k);
  cwaku__g1_to_affine_vartime(r, &j);
}

static void g2_mul_gen(cwaku_g2 *r, const cwaku_fr *k) {
  cwaku_g2 g;
  cwaku_g2_jac j;
  cwaku__g2_generator(&g);
  cwaku__g2_from_affine(&j, &g);
  cwaku__g2_mul_vartime(&j, &j, k);
  cwaku__g2_to_affine_vartime(r, &j);
}

/* BIGNUM to little-endian 64-bit limbs; returns the number of limbs. */
static size_t bn_limbs(uint64_t *out, size_t cap, const BIGNUM *x) {
  uint8_t le[512];
  size_t n = (size_t)BN_num_bytes(x);
  size_t nl = (n + 7) / 8;
  if (nl > cap || nl * 8 > sizeof le ||
      BN_bn2lebinpad(x, le, (int)(nl * 8)) < 0)
    abort();
  for (size_t i = 0; i < nl; i++) {
    uint64_t w = 0;
    for (int j = 7; j >= 0; j--)
      w = (w << 8) | le[8 * i + (size_t)j];
    out[i] = w;
  }
  return nl;
}

static void gt_pow_fr(cwaku_fp12 *r, const cwaku_fp12 *a, const cwaku_fr *k) {
  uint64_t l[4];
  cwaku__fr_to_limbs(l, k);
  cwaku__fp12_pow_vartime(r, a, l, 4);
}

static void test_bilinearity(void) {
  cwaku_g1 g1, p, np;
  cwaku_g2 g2, q, nq;
  cwaku_fp12 e, e1, e2;
  cwaku_fr a, b, ab;
  cwaku__g1_generator(&g1);
  cwaku__g2_generator(&g2);
  cwaku__pairing(&e, &g1, &g2);
  CHECK(!cwaku__fp12_is_one(&e));
  /* e is in GT: e^r = 1 */
  uint64_t rl[4];
  cwaku_fr zero;
  cwaku__fr_zero(&zero);
  {
    BIGNUM *r = NULL;
    BN_dec2bn(&r, R_DEC);
    bn_limbs(rl, 4, r);
    BN_free(r);
  }
  cwaku__fp12_pow_vartime(&e1, &e, rl, 4);
  CHECK(cwaku__fp12_is_one(&e1));
  for (int i = 0; i < ROUNDS; i++) {
    rand_fr(&a);
    rand_fr(&b);
    cwaku__fr_mul(&ab, &a, &b);
    g1_mul_gen(&p, &a);
    g2_mul_gen(&q, &b);
    cwaku__pairing(&e1, &p, &q);
    gt_pow_fr(&e2, &e, &ab);
    CHECK(cwaku__fp12_equal(&e1, &e2));
    /* e(aP, Q) = e(P, aQ) */
    g1_mul_gen(&p, &ab);
    cwaku__pairing(&e2, &p, &g2);
    CHECK(cwaku__fp12_equal(&e1, &e2));
    /* e(P, -Q) e(P, Q) = 1 and e(-P, Q) e(P, Q) = 1 */
    g1_mul_gen(&p, &a);
    cwaku_g1 ps[2];
    cwaku_g2 qs[2];
    cwaku__g2_neg(&nq, &q);
    ps[0] = p, qs[0] = q, ps[1] = p, qs[1] = nq;
    CHECK(cwaku__pairing_product_is_one(ps, qs, 2));
    cwaku__g1_neg(&np, &p);
    qs[1] = q, ps[1] = np;
    CHECK(cwaku__pairing_product_is_one(ps, qs, 2));
    ps[1] = p;
    CHECK(!cwaku__pairing_product_is_one(ps, qs, 2));
    CHECK(!cwaku__pairing_product_is_one(ps, qs, 1));
  }
  /* the points at infinity give 1 */
  cwaku_g1 inf1;
  cwaku_g2 inf2;
  cwaku__g1_infinity(&inf1);
  cwaku__g2_infinity(&inf2);
  cwaku__pairing(&e1, &inf1, &g2);
  CHECK(cwaku__fp12_is_one(&e1));
  cwaku__pairing(&e1, &g1, &inf2);
  CHECK(cwaku__fp12_is_one(&e1));
  CHECK(cwaku__pairing_product_is_one(&g1, &g2, 0));
}

/* The final exponentiation is exactly f^((p^12 - 1)/r). */
static void test_final_exponentiation(void) {
  BIGNUM *p = NULL, *r = NULL, *e = BN_new(), *t = BN_new();
  BN_CTX *ctx = BN_CTX_new();
  BN_dec2bn(&p, P_DEC);
  BN_dec2bn(&r, R_DEC);
  BN_set_word(t, 12);
  BN_exp(e, p, t, ctx);
  BN_sub_word(e, 1);
  BN_div(e, t, e, r, ctx);
  CHECK(BN_is_zero(t)); /* r divides p^12 - 1 */
  uint64_t el[64];
  size_t n = bn_limbs(el, 64, e);
  cwaku_g1 g1;
  cwaku_g2 g2;
  cwaku_fp12 f, want, got;
  cwaku__g1_generator(&g1);
  cwaku__g2_generator(&g2);
  cwaku__miller_loop(&f, NULL, NULL, 0, &g1, &g2, 1);
  cwaku__final_exponentiation(&got, &f);
  cwaku__fp12_pow_vartime(&want, &f, el, n);
  CHECK(cwaku__fp12_equal(&got, &want));
  BN_free(p);
  BN_free(r);
  BN_free(e);
  BN_free(t);
  BN_CTX_free(ctx);
}

/* Prepared and unprepared G2 points, and multi-pairings across the
 * grouping of the Miller loop (32 pairs per group; groups of 4 or more raw
 * pairs keep their points affine, smaller ones projective). */
static void test_prepared_and_multi(void) {
  enum { N = 37 };
  cwaku_fp12 part[N + 1]; /* part[k] = product of the first k pairings */
  cwaku_g1 ps[N], pp[N];
  cwaku_g2 qs[N];
  static cwaku_g2_prepared prep[N];
  const cwaku_g2_prepared *qp[N];
  cwaku_fp12 f, e, want, t;
  cwaku__fp12_one(&want);
  part[0] = want;
  for (int i = 0; i < N; i++) {
    cwaku_fr a, b;
    rand_fr(&a);
    rand_fr(&b);
    g1_mul_gen(&ps[i], &a);
    g2_mul_gen(&qs[i], &b);
    if (i == 3)
      cwaku__g1_infinity(&ps[i]);
    if (i == 4)
      cwaku__g2_infinity(&qs[i]);
    cwaku__g2_prepare(&prep[i], &qs[i]);
    qp[i] = &prep[i];
    pp[i] = ps[i];
    if (i < 3) { /* single pairings */
      cwaku__pairing(&t, &ps[i], &qs[i]);
      cwaku__miller_loop(&f, &ps[i], &qp[i], 1, NULL, NULL, 0);
      cwaku__final_exponentiation(&e, &f);
      CHECK(cwaku__fp12_equal(&e, &t));
    } else {
      cwaku__pairing(&t, &ps[i], &qs[i]);
    }
    cwaku__fp12_mul(&want, &want, &t);
    part[i + 1] = want;
  }
  for (size_t k = 2; k <= 6; k++) { /* around the affine threshold */
    cwaku__miller_loop(&f, NULL, NULL, 0, ps, qs, k);
    cwaku__final_exponentiation(&e, &f);
    CHECK(cwaku__fp12_equal(&e, &part[k]));
    cwaku__miller_loop(&f, pp, qp, 1, ps + 1, qs + 1, k - 1);
    cwaku__final_exponentiation(&e, &f);
    CHECK(cwaku__fp12_equal(&e, &part[k]));
  }
  cwaku__miller_loop(&f, NULL, NULL, 0, ps, qs, N);
  cwaku__final_exponentiation(&e, &f);
  CHECK(cwaku__fp12_equal(&e, &want));
  cwaku__miller_loop(&f, pp, qp, N, NULL, NULL, 0);
  cwaku__final_exponentiation(&e, &f);
  CHECK(cwaku__fp12_equal(&e, &want));
  /* prepared and raw, across two groups */
  cwaku__miller_loop(&f, pp, qp, 10, ps + 10, qs + 10, N - 10);
  cwaku__final_exponentiation(&e, &f);
  CHECK(cwaku__fp12_equal(&e, &want));
}

static const struct {
  const char *name;
  int expect;
  const char *hex;
} EIP197[] = {
#include "test_pairing_eip197.inc"
};

static void test_eip197(void) {
  for (size_t i = 0; i < sizeof EIP197 / sizeof EIP197[0]; i++) {
    uint8_t buf[192 * 4];
    size_t n = check_unhex(buf, sizeof buf, EIP197[i].hex) / 192;
    cwaku_g1 ps[4];
    cwaku_g2 qs[4];
    int ok = 1;
    for (size_t k = 0; k < n; k++) {
      ok &= cwaku__g1_from_uncompressed(&ps[k], buf + 192 * k);
      ok &= cwaku__g2_from_uncompressed(&qs[k], buf + 192 * k + 64);
      /* and back */
      uint8_t again[128];
      cwaku__g1_to_uncompressed(again, &ps[k]);
      CHECK_MEM(again, buf + 192 * k, 64);
      cwaku__g2_to_uncompressed(again, &qs[k]);
      CHECK_MEM(again, buf + 192 * k + 64, 128);
    }
    CHECK(ok);
    int got = cwaku__pairing_product_is_one(ps, qs, n);
    if (got != EIP197[i].expect)
      fprintf(stderr, "EIP-197 %s: got %d, want %d\n", EIP197[i].name, got,
              EIP197[i].expect);
    CHECK_EQ_INT(got, EIP197[i].expect);
  }
}

static int json_fp(cwaku_fp *r, json_t *s) {
  const char *t = json_string_value(s);
  return t && cwaku__fp_from_dec(r, t, strlen(t));
}

static int json_fp2(cwaku_fp2 *r, json_t *a) {
  return json_fp(&r->c0, json_array_get(a, 0)) &&
         json_fp(&r->c1, json_array_get(a, 1));
}

/* snarkjs' e(alpha, beta): [[c0.c0, c0.c1, c0.c2], [c1.c0, c1.c1, c1.c2]],
 * each [c0, c1]. */
static void test_alphabeta(void) {
  const char *dir = getenv("CWAKU_SHARED");
  char path[4096];
  CHECK(dir != NULL);
  if (!dir)
    return;
  snprintf(path, sizeof path, "%s/rln/verification_key.json", dir);
  json_error_t err;
  json_t *vk = json_load_file(path, 0, &err);
  CHECK(vk != NULL);
  if (!vk)
    return;
  cwaku_g1 alpha;
  cwaku_g2 beta;
  cwaku_fp12 want, got;
  json_t *a = json_object_get(vk, "vk_alpha_1");
  json_t *b = json_object_get(vk, "vk_beta_2");
  json_t *ab = json_object_get(vk, "vk_alphabeta_12");
  alpha.infinity = beta.infinity = 0;
  CHECK(json_fp(&alpha.x, json_array_get(a, 0)) &&
        json_fp(&alpha.y, json_array_get(a, 1)));
  CHECK(json_fp2(&beta.x, json_array_get(b, 0)) &&
        json_fp2(&beta.y, json_array_get(b, 1)));
  CHECK(cwaku__g1_is_on_curve(&alpha));
  CHECK(cwaku__g2_is_in_subgroup_vartime(&beta));
  cwaku_fp6 *half[2] = {&want.c0, &want.c1};
  for (int i = 0; i < 2; i++) {
    json_t *h = json_array_get(ab, (size_t)i);
    CHECK(json_fp2(&half[i]->c0, json_array_get(h, 0)) &&
          json_fp2(&half[i]->c1, json_array_get(h, 1)) &&
          json_fp2(&half[i]->c2, json_array_get(h, 2)));
  }
  /* snarkjs (ffjavascript/wasmcurves) ends its pairing with the final
   * exponentiation of Fuentes-Castaneda et al., which computes the
   * reduced pairing to the power m = 2x(6x^2 + 3x + 1); ours is exact */
  BIGNUM *m = BN_new(), *x = BN_new(), *t = BN_new(), *r = NULL;
  BN_CTX *ctx = BN_CTX_new();
  BN_dec2bn(&r, R_DEC);
  BN_set_word(x, CWAKU_BN_X);
  BN_mul(t, x, x, ctx);
  BN_mul_word(t, 6);
  BN_copy(m, x);
  BN_mul_word(m, 3);
  BN_add(t, t, m);
  BN_add_word(t, 1);
  BN_mul(m, t, x, ctx);
  BN_mul_word(m, 2);
  BN_nnmod(m, m, r, ctx);
  uint64_t ml[4] = {0, 0, 0, 0};
  bn_limbs(ml, 4, m);
  cwaku__pairing(&got, &alpha, &beta);
  CHECK(!cwaku__fp12_equal(&got, &want));
  cwaku__fp12_pow_vartime(&got, &got, ml, 4);
  CHECK(cwaku__fp12_equal(&got, &want));
  BN_free(m);
  BN_free(x);
  BN_free(t);
  BN_free(r);
  BN_CTX_free(ctx);
  json_decref(vk);
}

int main(void) {
  cwaku_seeded_rng_init(&rng, 197);
  test_bilinearity();
  test_final_exponentiation();
  test_prepared_and_multi();
  test_eip197();
  test_alphabeta();
  /* the known answers again with the portable field multiplication */
  if (cwaku__fp_asm_enable(0) == 0) {
    test_eip197();
    test_alphabeta();
    test_final_exponentiation();
  }
  cwaku__fp_asm_enable(1);
  return check_summary("test_pairing");
}
