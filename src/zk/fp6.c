/* Fp6 = Fp2[v] / (v^3 - xi), xi = 9 + u. */
#include <string.h>

#include "zk/tower.h"
#include "zk/tower_inline.h"

/* Frobenius coefficients, Montgomery form, computed from xi:
 * v^(p^k) = v * xi^((p^k - 1)/3) and (v^2)^(p^k) = v^2 * xi^(2(p^k - 1)/3).
 * With gamma_{k,j} = xi^(j (p^k - 1)/6) these are gamma_{k,2} and
 * gamma_{k,4}; tests/unit/test_tower.c recomputes them. */
static const cwaku_fp2 FROB_V[4][2] = {
    /* k = 0 */
    {{{{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
        0x0e0a77c19a07df2fULL}},
      {{0, 0, 0, 0}}},
     {{{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
        0x0e0a77c19a07df2fULL}},
      {{0, 0, 0, 0}}}},
    /* k = 1: gamma_{1,2}, gamma_{1,4} */
    {{{{0xb5773b104563ab30ULL, 0x347f91c8a9aa6454ULL, 0x7a007127242e0991ULL,
        0x1956bcd8118214ecULL}},
      {{0x6e849f1ea0aa4757ULL, 0xaa1c7b6d89f89141ULL, 0xb6e713cdfae0ca3aULL,
        0x26694fbb4e82ebc3ULL}}},
     {{{0x7361d77f843abe92ULL, 0xa5bb2bd3273411fbULL, 0x9c941f314b3e2399ULL,
        0x15df9cddbb9fd3ecULL}},
      {{0x5dddfd154bd8c949ULL, 0x62cb29a5a4445b60ULL, 0x37bc870a0c7dd2b9ULL,
        0x24830a9d3171f0fdULL}}}},
    /* k = 2: gamma_{2,2}, gamma_{2,4} (in Fp) */
    {{{{0x3350c88e13e80b9cULL, 0x7dce557cdb5e56b9ULL, 0x6001b4b8b615564aULL,
        0x2682e617020217e0ULL}},
      {{0, 0, 0, 0}}},
     {{{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL, 0xaa303344d4741444ULL,
        0x2c3b3f0d26594943ULL}},
      {{0, 0, 0, 0}}}},
    /* k = 3: gamma_{3,2}, gamma_{3,4} */
    {{{{0xc9af22f716ad6badULL, 0xb311782a4aa662b2ULL, 0x19eeaf64e248c7f4ULL,
        0x20273e77e3439f82ULL}},
      {{0xacc02860f7ce93acULL, 0x3933d5817ba76b4cULL, 0x69e6188b446c8467ULL,
        0x0a46036d4417cc55ULL}}},
     {{{0x448a93a57b6762dfULL, 0xbfd62df528fdeadfULL, 0xd858f5d00e9bd47aULL,
        0x06b03d4d3476ec58ULL}},
      {{0x2b19daf4bcc936d1ULL, 0xa1a54e7a56f4299fULL, 0xb533eee05adeaef1ULL,
        0x170c812b84dda0b2ULL}}}},
};

void cwaku__fp6_zero(cwaku_fp6 *r) {
  memset(r, 0, sizeof *r);
}

void cwaku__fp6_one(cwaku_fp6 *r) {
  memset(r, 0, sizeof *r);
  fp2_set_one(&r->c0);
}

int cwaku__fp6_is_zero(const cwaku_fp6 *a) {
  return fp2_is_zero(&a->c0) & fp2_is_zero(&a->c1) & fp2_is_zero(&a->c2);
}

int cwaku__fp6_equal(const cwaku_fp6 *a, const cwaku_fp6 *b) {
  return fp2_equal(&a->c0, &b->c0) & fp2_equal(&a->c1, &b->c1) &
         fp2_equal(&a->c2, &b->c2);
}

void cwaku__fp6_add(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp6 *b) {
  fp2_add(&r->c0, &a->c0, &b->c0);
  fp2_add(&r->c1, &a->c1, &b->c1);
  fp2_add(&r->c2, &a->c2, &b->c2);
}

void cwaku__fp6_sub(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp6 *b) {
  fp2_sub(&r->c0, &a->c0, &b->c0);
  fp2_sub(&r->c1, &a->c1, &b->c1);
  fp2_sub(&r->c2, &a->c2, &b->c2);
}

void cwaku__fp6_neg(cwaku_fp6 *r, const cwaku_fp6 *a) {
  fp2_neg(&r->c0, &a->c0);
  fp2_neg(&r->c1, &a->c1);
  fp2_neg(&r->c2, &a->c2);
}

void cwaku__fp6_dbl(cwaku_fp6 *r, const cwaku_fp6 *a) {
  fp2_dbl(&r->c0, &a->c0);
  fp2_dbl(&r->c1, &a->c1);
  fp2_dbl(&r->c2, &a->c2);
}

void cwaku__fp6_mul_by_v(cwaku_fp6 *r, const cwaku_fp6 *a) {
  cwaku_fp2 t;
  fp2_mul_xi(&t, &a->c2);
  r->c2 = a->c1;
  r->c1 = a->c0;
  r->c0 = t;
}

/* Karatsuba, 6 Fp2 multiplications:
 *   c0 = t0 + xi ((a1 + a2)(b1 + b2) - t1 - t2)
 *   c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2
 *   c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1,   ti = ai bi */
void cwaku__fp6_mul(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp6 *b) {
  cwaku_fp2 t0, t1, t2, s, u, c0, c1, c2;
  cwaku__fp2_mul(&t0, &a->c0, &b->c0);
  cwaku__fp2_mul(&t1, &a->c1, &b->c1);
  cwaku__fp2_mul(&t2, &a->c2, &b->c2);

  fp2_add(&s, &a->c1, &a->c2);
  fp2_add(&u, &b->c1, &b->c2);
  cwaku__fp2_mul(&c0, &s, &u);
  fp2_sub(&c0, &c0, &t1);
  fp2_sub(&c0, &c0, &t2);
  fp2_mul_xi(&c0, &c0);
  fp2_add(&c0, &c0, &t0);

  fp2_add(&s, &a->c0, &a->c1);
  fp2_add(&u, &b->c0, &b->c1);
  cwaku__fp2_mul(&c1, &s, &u);
  fp2_sub(&c1, &c1, &t0);
  fp2_sub(&c1, &c1, &t1);
  fp2_mul_xi(&s, &t2);
  fp2_add(&c1, &c1, &s);

  fp2_add(&s, &a->c0, &a->c2);
  fp2_add(&u, &b->c0, &b->c2);
  cwaku__fp2_mul(&c2, &s, &u);
  fp2_sub(&c2, &c2, &t0);
  fp2_sub(&c2, &c2, &t2);
  fp2_add(&c2, &c2, &t1);

  r->c0 = c0;
  r->c1 = c1;
  r->c2 = c2;
}

/* Chung-Hasan SQR2: s0 = a0^2, s1 = 2 a0 a1, s2 = (a0 - a1 + a2)^2,
 * s3 = 2 a1 a2, s4 = a2^2; c0 = s0 + xi s3, c1 = s1 + xi s4,
 * c2 = s1 + s2 + s3 - s0 - s4. */
void cwaku__fp6_sqr(cwaku_fp6 *r, const cwaku_fp6 *a) {
  cwaku_fp2 s0, s1, s2, s3, s4, t;
  cwaku__fp2_sqr(&s0, &a->c0);
  cwaku__fp2_mul(&s1, &a->c0, &a->c1);
  fp2_dbl(&s1, &s1);
  fp2_sub(&t, &a->c0, &a->c1);
  fp2_add(&t, &t, &a->c2);
  cwaku__fp2_sqr(&s2, &t);
  cwaku__fp2_mul(&s3, &a->c1, &a->c2);
  fp2_dbl(&s3, &s3);
  cwaku__fp2_sqr(&s4, &a->c2);

  fp2_add(&r->c2, &s1, &s2);
  fp2_add(&r->c2, &r->c2, &s3);
  fp2_sub(&r->c2, &r->c2, &s0);
  fp2_sub(&r->c2, &r->c2, &s4);
  fp2_mul_xi(&t, &s3);
  fp2_add(&r->c0, &s0, &t);
  fp2_mul_xi(&t, &s4);
  fp2_add(&r->c1, &s1, &t);
}

/* (a0 + a1 v + a2 v^2)(b0 + b1 v):
 *   c0 = a0 b0 + xi a2 b1 = t0 + xi ((a1 + a2) b1 - t1)
 *   c1 = (a0 + a1)(b0 + b1) - t0 - t1
 *   c2 = a1 b1 + a2 b0 = (a0 + a2) b0 - t0 + t1,   t0 = a0 b0, t1 = a1 b1 */
void cwaku__fp6_mul_by_01(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp2 *b0,
                          const cwaku_fp2 *b1) {
  cwaku_fp2 t0, t1, s, u, c0, c1, c2;
  cwaku__fp2_mul(&t0, &a->c0, b0);
  cwaku__fp2_mul(&t1, &a->c1, b1);

  fp2_add(&s, &a->c1, &a->c2);
  cwaku__fp2_mul(&c0, &s, b1);
  fp2_sub(&c0, &c0, &t1);
  fp2_mul_xi(&c0, &c0);
  fp2_add(&c0, &c0, &t0);

  fp2_add(&s, &a->c0, &a->c1);
  fp2_add(&u, b0, b1);
  cwaku__fp2_mul(&c1, &s, &u);
  fp2_sub(&c1, &c1, &t0);
  fp2_sub(&c1, &c1, &t1);

  fp2_add(&s, &a->c0, &a->c2);
  cwaku__fp2_mul(&c2, &s, b0);
  fp2_sub(&c2, &c2, &t0);
  fp2_add(&c2, &c2, &t1);

  r->c0 = c0;
  r->c1 = c1;
  r->c2 = c2;
}

void cwaku__fp6_mul_fp2(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp2 *b) {
  cwaku__fp2_mul(&r->c0, &a->c0, b);
  cwaku__fp2_mul(&r->c1, &a->c1, b);
  cwaku__fp2_mul(&r->c2, &a->c2, b);
}

/* A = a0^2 - xi a1 a2, B = xi a2^2 - a0 a1, C = a1^2 - a0 a2,
 * F = a0 A + xi (a2 B + a1 C); 1/a = (A + B v + C v^2) / F. */
void cwaku__fp6_inverse_vartime(cwaku_fp6 *r, const cwaku_fp6 *a) {
  cwaku_fp2 A, B, C, F, t;
  cwaku__fp2_sqr(&A, &a->c0);
  cwaku__fp2_mul(&t, &a->c1, &a->c2);
  fp2_mul_xi(&t, &t);
  fp2_sub(&A, &A, &t);

  cwaku__fp2_sqr(&B, &a->c2);
  fp2_mul_xi(&B, &B);
  cwaku__fp2_mul(&t, &a->c0, &a->c1);
  fp2_sub(&B, &B, &t);

  cwaku__fp2_sqr(&C, &a->c1);
  cwaku__fp2_mul(&t, &a->c0, &a->c2);
  fp2_sub(&C, &C, &t);

  cwaku__fp2_mul(&F, &a->c2, &B);
  cwaku__fp2_mul(&t, &a->c1, &C);
  fp2_add(&F, &F, &t);
  fp2_mul_xi(&F, &F);
  cwaku__fp2_mul(&t, &a->c0, &A);
  fp2_add(&F, &F, &t);
  cwaku__fp2_inverse_vartime(&F, &F);

  cwaku__fp2_mul(&r->c0, &A, &F);
  cwaku__fp2_mul(&r->c1, &B, &F);
  cwaku__fp2_mul(&r->c2, &C, &F);
}

/* (a0 + a1 v + a2 v^2)^(p^k) = a0^(p^k) + a1^(p^k) v^(p^k) + ...; the
 * coefficients' own Frobenius is the conjugate for odd k. */
void cwaku__fp6_frobenius(cwaku_fp6 *r, const cwaku_fp6 *a, int k) {
  k = ((k % 6) + 6) % 6;
  if (k > 3) { /* a^(p^k) = (a^(p^3))^(p^(k-3)) */
    cwaku_fp6 t;
    cwaku__fp6_frobenius(&t, a, 3);
    cwaku__fp6_frobenius(r, &t, k - 3);
    return;
  }
  cwaku_fp2 c0 = a->c0, c1 = a->c1, c2 = a->c2;
  if (k & 1) {
    fp2_conj(&c0, &c0);
    fp2_conj(&c1, &c1);
    fp2_conj(&c2, &c2);
  }
  r->c0 = c0;
  if (k == 2) { /* the coefficients are in Fp */
    fp2_mul_fp(&r->c1, &c1, &FROB_V[2][0].c0);
    fp2_mul_fp(&r->c2, &c2, &FROB_V[2][1].c0);
  } else {
    cwaku__fp2_mul(&r->c1, &c1, &FROB_V[k][0]);
    cwaku__fp2_mul(&r->c2, &c2, &FROB_V[k][1]);
  }
}
