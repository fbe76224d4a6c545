/* The BN254 extension tower (src/zk/fp2.c, fp6.c, fp12.c): every operation
 * against a plain reference on seeded random values — Fp12 products against
 * schoolbook multiplication in the basis 1, w, ..., w^5 with w^6 = xi, the
 * Frobenius maps against exponentiation by p (which also recomputes their
 * constants), the cyclotomic squaring against the general one — and the
 * inline Fp copy (fp_inline.h) against fp.c. */
#include "check.h"
#include "cwaku/env.h"
#include "zk/fp_inline.h"
#include "zk/tower.h"

/* Fewer rounds in unoptimised (sanitizer) builds. */
#ifdef __OPTIMIZE__
#define ROUNDS 100
#else
#define ROUNDS 25
#endif

static struct cwaku_seeded_rng rng;

/* p as limbs, the exponent of the Frobenius map. */
static const uint64_t P_LIMBS[4] = {
    0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
    0x30644e72e131a029ULL};

static void rand_fp(cwaku_fp *r) {
  uint8_t b[32];
  cwaku_random(&rng.rng, b, sizeof b);
  cwaku__fp_reduce_bytes_le(r, b);
}

static void rand_fp2(cwaku_fp2 *r) {
  rand_fp(&r->c0);
  rand_fp(&r->c1);
}

static void rand_fp6(cwaku_fp6 *r) {
  rand_fp2(&r->c0);
  rand_fp2(&r->c1);
  rand_fp2(&r->c2);
}

static void rand_fp12(cwaku_fp12 *r) {
  rand_fp6(&r->c0);
  rand_fp6(&r->c1);
}

/* Reference Fp2 product from the Fp functions of field.h. */
static void ref_fp2_mul(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b) {
  cwaku_fp t0, t1, t2, t3;
  cwaku__fp_mul(&t0, &a->c0, &b->c0);
  cwaku__fp_mul(&t1, &a->c1, &b->c1);
  cwaku__fp_mul(&t2, &a->c0, &b->c1);
  cwaku__fp_mul(&t3, &a->c1, &b->c0);
  cwaku__fp_sub(&r->c0, &t0, &t1);
  cwaku__fp_add(&r->c1, &t2, &t3);
}

static void xi(cwaku_fp2 *r) {
  cwaku__fp_from_u64(&r->c0, 9);
  cwaku__fp_from_u64(&r->c1, 1);
}

/* Fp12 in the w-basis: e[i] is the coefficient of w^i. */
static void to_wbasis(cwaku_fp2 e[6], const cwaku_fp12 *a) {
  e[0] = a->c0.c0;
  e[1] = a->c1.c0;
  e[2] = a->c0.c1;
  e[3] = a->c1.c1;
  e[4] = a->c0.c2;
  e[5] = a->c1.c2;
}

static void from_wbasis(cwaku_fp12 *a, const cwaku_fp2 e[6]) {
  a->c0.c0 = e[0];
  a->c1.c0 = e[1];
  a->c0.c1 = e[2];
  a->c1.c1 = e[3];
  a->c0.c2 = e[4];
  a->c1.c2 = e[5];
}

/* Schoolbook product mod w^6 - xi. */
static void ref_fp12_mul(cwaku_fp12 *r, const cwaku_fp12 *a,
                         const cwaku_fp12 *b) {
  cwaku_fp2 x[6], y[6], z[11], out[6], t, k;
  to_wbasis(x, a);
  to_wbasis(y, b);
  for (int i = 0; i < 11; i++)
    cwaku__fp2_zero(&z[i]);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) {
      ref_fp2_mul(&t, &x[i], &y[j]);
      cwaku__fp2_add(&z[i + j], &z[i + j], &t);
    }
  xi(&k);
  for (int i = 0; i < 6; i++) {
    out[i] = z[i];
    if (i + 6 < 11) {
      ref_fp2_mul(&t, &z[i + 6], &k);
      cwaku__fp2_add(&out[i], &out[i], &t);
    }
  }
  from_wbasis(r, out);
}

static void test_fp_inline(void) {
  for (int i = 0; i < ROUNDS; i++) {
    cwaku_fp a, b, r1, r2;
    rand_fp(&a);
    rand_fp(&b);
    fp_mul(&r1, &a, &b);
    cwaku__fp_mul(&r2, &a, &b);
    CHECK(fp_equal(&r1, &r2));
    fp_sqr(&r1, &a);
    cwaku__fp_sqr(&r2, &a);
    CHECK(fp_equal(&r1, &r2));
    fp_sub(&r1, &a, &b);
    cwaku__fp_sub(&r2, &a, &b);
    CHECK(fp_equal(&r1, &r2));
    /* the lazy product: redc(a*b) == a*b/R */
    uint64_t w[8];
    fp_mul_wide(w, a.v, b.v);
    fp_redc_wide(&r1, w);
    cwaku__fp_mul(&r2, &a, &b);
    CHECK(fp_equal(&r1, &r2));
  }
  cwaku_fp one;
  cwaku__fp_one(&one);
  cwaku_fp one2;
  fp_set_one(&one2);
  CHECK(fp_equal(&one, &one2));
  /* the assembly (when the CPU has it) on edge values: 0, 1, 2, p - 1,
   * p - 2, 2^64 - 1, 2^255-ish values reduced, as Montgomery forms */
  static const uint64_t edges[][4] = {
      {0, 0, 0, 0},
      {1, 0, 0, 0},
      {2, 0, 0, 0},
      {0x3c208c16d87cfd46ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
       0x30644e72e131a029ULL},
      {0x3c208c16d87cfd45ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
       0x30644e72e131a029ULL},
      {UINT64_MAX, 0, 0, 0},
      {UINT64_MAX, UINT64_MAX, UINT64_MAX, 0x30644e72e131a028ULL},
  };
  const size_t ne = sizeof edges / sizeof edges[0];
  for (size_t i = 0; i < ne; i++)
    for (size_t j = 0; j < ne; j++) {
      cwaku_fp a, b, r1, r2;
      memcpy(a.v, edges[i], 32); /* raw limbs, all below p */
      memcpy(b.v, edges[j], 32);
      fp_mul_asm(r1.v, a.v, b.v);
      cwaku__fp_mul(&r2, &a, &b);
      CHECK(fp_equal(&r1, &r2));
      fp_add(&r1, &a, &b);
      cwaku__fp_add(&r2, &a, &b);
      CHECK(fp_equal(&r1, &r2));
      fp_sub(&r1, &a, &b);
      cwaku__fp_sub(&r2, &a, &b);
      CHECK(fp_equal(&r1, &r2));
      fp_dbl(&r1, &a);
      cwaku__fp_double(&r2, &a);
      CHECK(fp_equal(&r1, &r2));
      fp_neg(&r1, &a);
      cwaku__fp_neg(&r2, &a);
      CHECK(fp_equal(&r1, &r2));
    }
  for (int i = 0; i < 10 * ROUNDS; i++) {
    cwaku_fp a, b, r1, r2;
    rand_fp(&a);
    rand_fp(&b);
    fp_mul_asm(r1.v, a.v, b.v);
    cwaku__fp_mul(&r2, &a, &b);
    CHECK(fp_equal(&r1, &r2));
    fp_mul_asm(r1.v, a.v, a.v);
    cwaku__fp_sqr(&r2, &a);
    CHECK(fp_equal(&r1, &r2));
    fp_add(&r1, &a, &b);
    cwaku__fp_add(&r2, &a, &b);
    CHECK(fp_equal(&r1, &r2));
    fp_sub(&r1, &a, &b);
    cwaku__fp_sub(&r2, &a, &b);
    CHECK(fp_equal(&r1, &r2));
    /* aliasing */
    r1 = a;
    fp_sub(&r1, &r1, &r1);
    CHECK(fp_is_zero(&r1));
    r1 = a;
    fp_add(&r1, &r1, &r1);
    cwaku__fp_double(&r2, &a);
    CHECK(fp_equal(&r1, &r2));
  }
}

static void test_fp_sqrt(void) {
  for (int i = 0; i < ROUNDS; i++) {
    cwaku_fp a, r1, r2;
    rand_fp(&a);
    int ok = cwaku__fp_sqrt(&r1, &a);
    CHECK_EQ_INT(cwaku__fp_sqrt_vartime(&r2, &a), ok);
    CHECK(fp_equal(&r1, &r2)); /* the same root, or both cleared */
    fp_sqr(&a, &a);
    CHECK(cwaku__fp_sqrt_vartime(&r2, &a));
    fp_sqr(&r2, &r2);
    CHECK(fp_equal(&r2, &a));
  }
  cwaku_fp z, r;
  cwaku__fp_zero(&z);
  CHECK(cwaku__fp_sqrt_vartime(&r, &z) && fp_is_zero(&r));
}

static void test_fp2(void) {
  cwaku_fp2 a, b, r1, r2, k;
  int squares = 0;
  for (int i = 0; i < ROUNDS; i++) {
    rand_fp2(&a);
    rand_fp2(&b);
    cwaku__fp2_mul(&r1, &a, &b);
    ref_fp2_mul(&r2, &a, &b);
    CHECK(cwaku__fp2_equal(&r1, &r2));
    cwaku__fp2_sqr(&r1, &a);
    ref_fp2_mul(&r2, &a, &a);
    CHECK(cwaku__fp2_equal(&r1, &r2));
    xi(&k);
    cwaku__fp2_mul_xi(&r1, &a);
    ref_fp2_mul(&r2, &a, &k);
    CHECK(cwaku__fp2_equal(&r1, &r2));
    cwaku__fp2_mul_fp(&r1, &a, &b.c0);
    k.c0 = b.c0;
    cwaku__fp_zero(&k.c1);
    ref_fp2_mul(&r2, &a, &k);
    CHECK(cwaku__fp2_equal(&r1, &r2));
    /* inverses */
    cwaku__fp2_inverse(&r1, &a);
    cwaku__fp2_inverse_vartime(&r2, &a);
    CHECK(cwaku__fp2_equal(&r1, &r2));
    cwaku__fp2_mul(&r2, &r1, &a);
    cwaku__fp2_one(&k);
    CHECK(cwaku__fp2_equal(&r2, &k));
    /* Frobenius = conjugation = a^p */
    cwaku__fp2_pow_vartime(&r1, &a, P_LIMBS, 4);
    cwaku__fp2_conj(&r2, &a);
    CHECK(cwaku__fp2_equal(&r1, &r2));
    /* square roots */
    cwaku__fp2_sqr(&r1, &a);
    CHECK(cwaku__fp2_sqrt_vartime(&r2, &r1));
    cwaku__fp2_sqr(&r2, &r2);
    CHECK(cwaku__fp2_equal(&r1, &r2));
    if (cwaku__fp2_sqrt_vartime(&r2, &b)) {
      squares++;
      cwaku__fp2_sqr(&r2, &r2);
      CHECK(cwaku__fp2_equal(&r2, &b));
    } else {
      CHECK(cwaku__fp2_is_zero(&r2));
    }
    /* real and imaginary inputs */
    cwaku__fp_zero(&a.c1);
    cwaku__fp2_sqr(&r1, &a);
    CHECK(cwaku__fp2_sqrt_vartime(&r2, &r1));
    cwaku__fp2_sqr(&r2, &r2);
    CHECK(cwaku__fp2_equal(&r1, &r2));
    CHECK(cwaku__fp2_sqrt_vartime(&r2, &a)); /* every Fp element is a square
                                                in Fp2 */
    cwaku__fp2_sqr(&r2, &r2);
    CHECK(cwaku__fp2_equal(&a, &r2));
    a.c1 = a.c0;
    cwaku__fp_zero(&a.c0);
    cwaku__fp2_sqr(&r1, &a);
    CHECK(cwaku__fp2_sqrt_vartime(&r2, &r1));
    cwaku__fp2_sqr(&r2, &r2);
    CHECK(cwaku__fp2_equal(&r1, &r2));
  }
  CHECK(squares > ROUNDS / 4 && squares < 3 * ROUNDS / 4);
  cwaku__fp2_zero(&a);
  CHECK(cwaku__fp2_sqrt_vartime(&r1, &a) && cwaku__fp2_is_zero(&r1));
  /* xi is not a square (nor a cube): the tower is sound */
  xi(&a);
  CHECK(!cwaku__fp2_sqrt_vartime(&r1, &a));
}

static void test_fp6(void) {
  for (int i = 0; i < ROUNDS; i++) {
    cwaku_fp6 a, b, r1, r2;
    cwaku_fp12 x, y, z;
    rand_fp6(&a);
    rand_fp6(&b);
    /* an Fp6 product is an Fp12 product of elements with c1 = 0 */
    memset(&x, 0, sizeof x);
    memset(&y, 0, sizeof y);
    x.c0 = a;
    y.c0 = b;
    ref_fp12_mul(&z, &x, &y);
    cwaku__fp6_mul(&r1, &a, &b);
    CHECK(cwaku__fp6_equal(&r1, &z.c0));
    cwaku__fp6_sqr(&r1, &a);
    cwaku__fp6_mul(&r2, &a, &a);
    CHECK(cwaku__fp6_equal(&r1, &r2));
    r2 = b;
    cwaku__fp2_zero(&r2.c2);
    cwaku__fp6_mul(&r1, &a, &r2);
    cwaku__fp6_mul_by_01(&r2, &a, &b.c0, &b.c1);
    CHECK(cwaku__fp6_equal(&r1, &r2));
    r2 = b;
    cwaku__fp2_zero(&r2.c1);
    cwaku__fp2_zero(&r2.c2);
    cwaku__fp6_mul(&r1, &a, &r2);
    cwaku__fp6_mul_fp2(&r2, &a, &b.c0);
    CHECK(cwaku__fp6_equal(&r1, &r2));
    /* v */
    memset(&r2, 0, sizeof r2);
    cwaku__fp2_one(&r2.c1);
    cwaku__fp6_mul(&r1, &a, &r2);
    cwaku__fp6_mul_by_v(&r2, &a);
    CHECK(cwaku__fp6_equal(&r1, &r2));
    cwaku__fp6_inverse_vartime(&r1, &a);
    cwaku__fp6_mul(&r1, &r1, &a);
    cwaku__fp6_one(&r2);
    CHECK(cwaku__fp6_equal(&r1, &r2));
    /* Frobenius against a^p, a^(p^2), a^(p^3) */
    r2 = a;
    for (int k = 1; k <= 3; k++) {
      cwaku_fp12 e, f;
      memset(&e, 0, sizeof e);
      e.c0 = r2;
      cwaku__fp12_pow_vartime(&f, &e, P_LIMBS, 4);
      r2 = f.c0;
      cwaku__fp6_frobenius(&r1, &a, k);
      CHECK(cwaku__fp6_equal(&r1, &r2));
      if (i > 3)
        break; /* the exponentiation is slow: few rounds of k > 1 */
    }
  }
}

static void test_fp12(void) {
  for (int i = 0; i < ROUNDS; i++) {
    cwaku_fp12 a, b, r1, r2, one;
    rand_fp12(&a);
    rand_fp12(&b);
    cwaku__fp12_one(&one);
    cwaku__fp12_mul(&r1, &a, &b);
    ref_fp12_mul(&r2, &a, &b);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    cwaku__fp12_sqr(&r1, &a);
    ref_fp12_mul(&r2, &a, &a);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    /* aliasing */
    r1 = a;
    cwaku__fp12_mul(&r1, &r1, &r1);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    cwaku__fp12_inverse_vartime(&r1, &a);
    cwaku__fp12_mul(&r1, &r1, &a);
    CHECK(cwaku__fp12_is_one(&r1));
    /* lines */
    cwaku_fp2 l0, l1, l3;
    rand_fp2(&l0);
    rand_fp2(&l1);
    rand_fp2(&l3);
    memset(&b, 0, sizeof b);
    b.c0.c0 = l0;
    b.c1.c0 = l1;
    b.c1.c1 = l3;
    ref_fp12_mul(&r2, &a, &b);
    cwaku__fp12_mul_by_line(&r1, &a, &l0, &l1, &l3);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    cwaku__fp2_one(&b.c0.c0);
    ref_fp12_mul(&r2, &a, &b);
    cwaku__fp12_mul_by_line1(&r1, &a, &l1, &l3);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    if (i >= 8)
      continue;
    /* Frobenius against a^p, a^(p^2), a^(p^3); conj = a^(p^6) */
    r2 = a;
    for (int k = 1; k <= 6; k++) {
      cwaku__fp12_pow_vartime(&r2, &r2, P_LIMBS, 4);
      cwaku__fp12_frobenius(&r1, &a, k);
      CHECK(cwaku__fp12_equal(&r1, &r2));
    }
    cwaku__fp12_conj(&r1, &a);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    /* the cyclotomic subgroup: m = a^((p^6 - 1)(p^2 + 1)) */
    cwaku_fp12 m, t;
    cwaku__fp12_conj(&t, &a);
    cwaku__fp12_inverse_vartime(&m, &a);
    cwaku__fp12_mul(&m, &m, &t);
    cwaku__fp12_frobenius(&t, &m, 2);
    cwaku__fp12_mul(&m, &m, &t);
    cwaku__fp12_cyclotomic_sqr(&r1, &m);
    cwaku__fp12_sqr(&r2, &m);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    cwaku__fp12_conj(&r1, &m); /* the inverse there */
    cwaku__fp12_mul(&r1, &r1, &m);
    CHECK(cwaku__fp12_is_one(&r1));
    uint64_t e = 0x44e992b44a6909f1ULL ^ (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    cwaku__fp12_cyclotomic_pow_u64(&r1, &m, e);
    cwaku__fp12_pow_vartime(&r2, &m, &e, 1);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    cwaku__fp12_cyclotomic_pow_u64(&r1, &m, UINT64_MAX);
    e = UINT64_MAX;
    cwaku__fp12_pow_vartime(&r2, &m, &e, 1);
    CHECK(cwaku__fp12_equal(&r1, &r2));
    cwaku__fp12_cyclotomic_pow_u64(&r1, &m, 0);
    CHECK(cwaku__fp12_is_one(&r1));
  }
}

int main(void) {
  /* everything with the assembly field multiplication (where the CPU has
   * it), then with the portable one */
  for (int pass = 0; pass < 2; pass++) {
    int on = cwaku__fp_asm_enable(pass == 0);
    printf("Fp multiplication: %s\n", on ? "assembly" : "portable");
    cwaku_seeded_rng_init(&rng, 12);
    test_fp_inline();
    test_fp_sqrt();
    test_fp2();
    test_fp6();
    test_fp12();
  }
  return check_summary("test_tower");
}
