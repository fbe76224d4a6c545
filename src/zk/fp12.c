/* Fp12 = Fp6[w] / (w^2 - v), the target group's field. */
#include <string.h>

#include "zk/tower.h"
#include "zk/tower_inline.h"

/* w^(p^k) = w * xi^((p^k - 1)/6) = w * gamma_{k,1}, Montgomery form,
 * computed from xi (tests/unit/test_tower.c recomputes them); k = 2 is in
 * Fp. */
static const cwaku_fp2 FROB_W[4] = {
    {{{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
       0x0e0a77c19a07df2fULL}},
     {{0, 0, 0, 0}}},
    {{{0xaf9ba69633144907ULL, 0xca6b1d7387afb78aULL, 0x11bded5ef08a2087ULL,
       0x02f34d751a1f3a7cULL}},
     {{0xa222ae234c492d72ULL, 0xd00f02a4565de15bULL, 0xdc2ff3a253dfc926ULL,
       0x10a75716b3899551ULL}}},
    {{{0xca8d800500fa1bf2ULL, 0xf0c5d61468b39769ULL, 0x0e201271ad0d4418ULL,
       0x04290f65bad856e6ULL}},
     {{0, 0, 0, 0}}},
    {{{0x365316184e46d97dULL, 0x0af7129ed4c96d9fULL, 0x659da72fca1009b5ULL,
       0x08116d8983a20d23ULL}},
     {{0xb1df4af7c39c1939ULL, 0x3d9f02878a73bf7fULL, 0x9b2220928caf0ae0ULL,
       0x26684515eff054a6ULL}}},
};

void cwaku__fp12_zero(cwaku_fp12 *r) {
  memset(r, 0, sizeof *r);
}

void cwaku__fp12_one(cwaku_fp12 *r) {
  memset(r, 0, sizeof *r);
  fp2_set_one(&r->c0.c0);
}

int cwaku__fp12_is_one(const cwaku_fp12 *a) {
  cwaku_fp12 one;
  cwaku__fp12_one(&one);
  return cwaku__fp12_equal(a, &one);
}

int cwaku__fp12_equal(const cwaku_fp12 *a, const cwaku_fp12 *b) {
  return cwaku__fp6_equal(&a->c0, &b->c0) & cwaku__fp6_equal(&a->c1, &b->c1);
}

/* Karatsuba over Fp6: c0 = t0 + v t1, c1 = (a0 + a1)(b0 + b1) - t0 - t1. */
void cwaku__fp12_mul(cwaku_fp12 *r, const cwaku_fp12 *a, const cwaku_fp12 *b) {
  cwaku_fp6 t0, t1, s, u;
  cwaku__fp6_mul(&t0, &a->c0, &b->c0);
  cwaku__fp6_mul(&t1, &a->c1, &b->c1);
  cwaku__fp6_add(&s, &a->c0, &a->c1);
  cwaku__fp6_add(&u, &b->c0, &b->c1);
  cwaku__fp6_mul(&s, &s, &u);
  cwaku__fp6_sub(&s, &s, &t0);
  cwaku__fp6_sub(&r->c1, &s, &t1);
  cwaku__fp6_mul_by_v(&t1, &t1);
  cwaku__fp6_add(&r->c0, &t0, &t1);
}

/* (a0 + a1 w)^2 = a0^2 + v a1^2 + 2 a0 a1 w, with
 * a0^2 + v a1^2 = (a0 + a1)(a0 + v a1) - t - v t, t = a0 a1. */
void cwaku__fp12_sqr(cwaku_fp12 *r, const cwaku_fp12 *a) {
  cwaku_fp6 t, s, u;
  cwaku__fp6_mul(&t, &a->c0, &a->c1);
  cwaku__fp6_add(&s, &a->c0, &a->c1);
  cwaku__fp6_mul_by_v(&u, &a->c1);
  cwaku__fp6_add(&u, &u, &a->c0);
  cwaku__fp6_mul(&s, &s, &u);
  cwaku__fp6_sub(&s, &s, &t);
  cwaku__fp6_mul_by_v(&u, &t);
  cwaku__fp6_sub(&r->c0, &s, &u);
  cwaku__fp6_dbl(&r->c1, &t);
}

void cwaku__fp12_conj(cwaku_fp12 *r, const cwaku_fp12 *a) {
  r->c0 = a->c0;
  cwaku__fp6_neg(&r->c1, &a->c1);
}

/* 1/(a0 + a1 w) = (a0 - a1 w) / (a0^2 - v a1^2). */
void cwaku__fp12_inverse_vartime(cwaku_fp12 *r, const cwaku_fp12 *a) {
  cwaku_fp6 t0, t1;
  cwaku__fp6_sqr(&t0, &a->c0);
  cwaku__fp6_sqr(&t1, &a->c1);
  cwaku__fp6_mul_by_v(&t1, &t1);
  cwaku__fp6_sub(&t0, &t0, &t1);
  cwaku__fp6_inverse_vartime(&t0, &t0);
  cwaku__fp6_mul(&r->c0, &a->c0, &t0);
  cwaku__fp6_mul(&t1, &a->c1, &t0);
  cwaku__fp6_neg(&r->c1, &t1);
}

void cwaku__fp12_frobenius(cwaku_fp12 *r, const cwaku_fp12 *a, int k) {
  k = ((k % 12) + 12) % 12;
  if (k > 3) {
    cwaku_fp12 t;
    cwaku__fp12_frobenius(&t, a, 3);
    cwaku__fp12_frobenius(r, &t, k - 3);
    return;
  }
  if (k == 0) {
    *r = *a;
    return;
  }
  cwaku_fp6 c1;
  cwaku__fp6_frobenius(&r->c0, &a->c0, k);
  cwaku__fp6_frobenius(&c1, &a->c1, k);
  if (k == 2) {
    fp2_mul_fp(&r->c1.c0, &c1.c0, &FROB_W[2].c0);
    fp2_mul_fp(&r->c1.c1, &c1.c1, &FROB_W[2].c0);
    fp2_mul_fp(&r->c1.c2, &c1.c2, &FROB_W[2].c0);
  } else {
    cwaku__fp6_mul_fp2(&r->c1, &c1, &FROB_W[k]);
  }
}

/* a = g + h w, l = l0 + (l1 + l3 v) w (w^3 = v w):
 *   a l = (g l0 + v h (l1 + l3 v)) + (g (l1 + l3 v) + h l0) w
 * with the second coefficient by Karatsuba:
 *   (g + h)(l0 + l1 + l3 v) - g l0 - h (l1 + l3 v). */
void cwaku__fp12_mul_by_line(cwaku_fp12 *r, const cwaku_fp12 *a,
                             const cwaku_fp2 *l0, const cwaku_fp2 *l1,
                             const cwaku_fp2 *l3) {
  cwaku_fp6 t0, t1, s;
  cwaku_fp2 m;
  cwaku__fp6_mul_fp2(&t0, &a->c0, l0);
  cwaku__fp6_mul_by_01(&t1, &a->c1, l1, l3);
  cwaku__fp6_add(&s, &a->c0, &a->c1);
  fp2_add(&m, l0, l1);
  cwaku__fp6_mul_by_01(&s, &s, &m, l3);
  cwaku__fp6_sub(&s, &s, &t0);
  cwaku__fp6_sub(&r->c1, &s, &t1);
  cwaku__fp6_mul_by_v(&t1, &t1);
  cwaku__fp6_add(&r->c0, &t0, &t1);
}

/* The same with l0 = 1: (g + v h l') + (g l' + h) w, l' = l1 + l3 v. */
void cwaku__fp12_mul_by_line1(cwaku_fp12 *r, const cwaku_fp12 *a,
                              const cwaku_fp2 *l1, const cwaku_fp2 *l3) {
  cwaku_fp6 t0, t1;
  cwaku__fp6_mul_by_01(&t0, &a->c1, l1, l3);
  cwaku__fp6_mul_by_01(&t1, &a->c0, l1, l3);
  cwaku__fp6_add(&r->c1, &t1, &a->c1);
  cwaku__fp6_mul_by_v(&t0, &t0);
  cwaku__fp6_add(&r->c0, &a->c0, &t0);
}

/* (x + y s)^2 in Fp4 = Fp2[s]/(s^2 - xi): X = x^2 + xi y^2, Y = 2 x y. */
static void fp4_sqr(cwaku_fp2 *X, cwaku_fp2 *Y, const cwaku_fp2 *x,
                    const cwaku_fp2 *y) {
  cwaku_fp2 t0, t1, t2;
  cwaku__fp2_sqr(&t0, x);
  cwaku__fp2_sqr(&t1, y);
  fp2_add(&t2, x, y);
  cwaku__fp2_sqr(&t2, &t2);
  fp2_sub(&t2, &t2, &t0);
  fp2_sub(Y, &t2, &t1);
  fp2_mul_xi(&t1, &t1);
  fp2_add(X, &t0, &t1);
}

/* 3 X - 2 x and 3 X + 2 x. */
static void three_minus_two(cwaku_fp2 *r, const cwaku_fp2 *X,
                            const cwaku_fp2 *x) {
  cwaku_fp2 t;
  fp2_sub(&t, X, x);
  fp2_dbl(&t, &t);
  fp2_add(r, &t, X);
}

static void three_plus_two(cwaku_fp2 *r, const cwaku_fp2 *X,
                           const cwaku_fp2 *x) {
  cwaku_fp2 t;
  fp2_add(&t, X, x);
  fp2_dbl(&t, &t);
  fp2_add(r, &t, X);
}

/* Granger-Scott. Seen as g0 + g1 w + g2 w^2 over Fp4 = Fp2[s], s = w^3,
 * s^2 = xi: g0 = a0 + b1 s, g1 = b0 + a2 s, g2 = a1 + b2 s (c0 = a0 + a1 v
 * + a2 v^2, c1 = b0 + b1 v + b2 v^2). For a cyclotomic element the square
 * is h0 + h1 w + h2 w^2 with
 *   h0 = 3 g0^2 - 2 conj(g0), h1 = 3 s g2^2 + 2 conj(g1),
 *   h2 = 3 g1^2 - 2 conj(g2),
 * conj(x + y s) = x - y s. */
void cwaku__fp12_cyclotomic_sqr(cwaku_fp12 *r, const cwaku_fp12 *a) {
  cwaku_fp2 X0, Y0, X1, Y1, X2, Y2;
  const cwaku_fp2 x0 = a->c0.c0, y0 = a->c1.c1;
  const cwaku_fp2 x1 = a->c1.c0, y1 = a->c0.c2;
  const cwaku_fp2 x2 = a->c0.c1, y2 = a->c1.c2;
  fp4_sqr(&X0, &Y0, &x0, &y0);
  fp4_sqr(&X1, &Y1, &x1, &y1);
  fp4_sqr(&X2, &Y2, &x2, &y2);
  /* h0 = (3 X0 - 2 x0) + (3 Y0 + 2 y0) s */
  three_minus_two(&r->c0.c0, &X0, &x0);
  three_plus_two(&r->c1.c1, &Y0, &y0);
  /* h1 = (3 xi Y2 + 2 x1) + (3 X2 - 2 y1) s */
  fp2_mul_xi(&Y2, &Y2);
  three_plus_two(&r->c1.c0, &Y2, &x1);
  three_minus_two(&r->c0.c2, &X2, &y1);
  /* h2 = (3 X1 - 2 x2) + (3 Y1 + 2 y2) s */
  three_minus_two(&r->c0.c1, &X1, &x2);
  three_plus_two(&r->c1.c2, &Y1, &y2);
}

/* Width-4 NAF of e, least significant digit first: digits 0 or odd in
 * [-7, 7], each non-zero one followed by at least three zeros. Returns the
 * number of digits (at most 65). */
static int wnaf4_u64(int8_t d[65], uint64_t e) {
  unsigned __int128 n = e;
  int len = 0;
  while (n != 0) {
    int z = 0;
    if (n & 1) {
      z = (int)(n & 15);
      if (z >= 8)
        z -= 16;
      if (z > 0)
        n -= (unsigned)z;
      else
        n += (unsigned)-z;
    }
    d[len++] = (int8_t)z;
    n >>= 1;
  }
  return len;
}

/* Left to right over the width-4 NAF with a, a^3, a^5, a^7 precomputed;
 * a^-k is the conjugate of a^k. For x = 4965661367192848881: 63
 * squarings and 16 multiplications (the plain NAF needs 23). */
void cwaku__fp12_cyclotomic_pow_u64(cwaku_fp12 *r, const cwaku_fp12 *a,
                                    uint64_t e) {
  int8_t d[65];
  int len = wnaf4_u64(d, e);
  cwaku_fp12 pow[4], a2, acc, t;
  if (len == 0) {
    cwaku__fp12_one(r);
    return;
  }
  pow[0] = *a;
  cwaku__fp12_cyclotomic_sqr(&a2, a);
  for (int i = 1; i < 4; i++)
    cwaku__fp12_mul(&pow[i], &pow[i - 1], &a2);
  acc = pow[d[len - 1] >> 1]; /* the top digit is positive */
  for (int i = len - 2; i >= 0; i--) {
    cwaku__fp12_cyclotomic_sqr(&acc, &acc);
    if (d[i] > 0) {
      cwaku__fp12_mul(&acc, &acc, &pow[d[i] >> 1]);
    } else if (d[i] < 0) {
      cwaku__fp12_conj(&t, &pow[(-d[i]) >> 1]);
      cwaku__fp12_mul(&acc, &acc, &t);
    }
  }
  *r = acc;
}

void cwaku__fp12_pow_vartime(cwaku_fp12 *r, const cwaku_fp12 *a,
                             const uint64_t *e, size_t nlimbs) {
  cwaku_fp12 acc, base = *a;
  cwaku__fp12_one(&acc);
  for (size_t i = nlimbs * 64; i-- > 0;) {
    cwaku__fp12_sqr(&acc, &acc);
    if ((e[i / 64] >> (i % 64)) & 1)
      cwaku__fp12_mul(&acc, &acc, &base);
  }
  *r = acc;
}
