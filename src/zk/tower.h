/* The BN254 extension tower over Fp (field.h), where the pairing lives:
 *
 *   Fp2  = Fp[u]  / (u^2 + 1)
 *   Fp6  = Fp2[v] / (v^3 - xi),  xi = 9 + u
 *   Fp12 = Fp6[w] / (w^2 - v)
 *
 * so w^6 = xi, and an Fp12 element c0 + c1 w with c0 = a0 + a1 v + a2 v^2,
 * c1 = b0 + b1 v + b2 v^2 is a0 + b0 w + a1 w^2 + b1 w^3 + a2 w^4 + b2 w^5.
 * This is the tower of EIP-197, arkworks, gnark and snarkjs (ffjavascript).
 *
 * Everything is in Montgomery form, results may alias inputs, and the
 * arithmetic is constant time unless the name says _vartime; the Fp12 code
 * serves pairings of public points and makes no constant-time claim beyond
 * the Fp operations it is built from. */
#ifndef CWAKU_ZK_TOWER_H
#define CWAKU_ZK_TOWER_H

#include <stdint.h>

#include "zk/field.h"

typedef struct {
  cwaku_fp c0, c1; /* c0 + c1 u */
} cwaku_fp2;

typedef struct {
  cwaku_fp2 c0, c1, c2; /* c0 + c1 v + c2 v^2 */
} cwaku_fp6;

typedef struct {
  cwaku_fp6 c0, c1; /* c0 + c1 w */
} cwaku_fp12;

/* --- Fp2 */

void cwaku__fp2_zero(cwaku_fp2 *r);
void cwaku__fp2_one(cwaku_fp2 *r);
int cwaku__fp2_is_zero(const cwaku_fp2 *a);
int cwaku__fp2_equal(const cwaku_fp2 *a, const cwaku_fp2 *b);
void cwaku__fp2_cmov(cwaku_fp2 *r, const cwaku_fp2 *a, int flag);
void cwaku__fp2_add(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b);
void cwaku__fp2_sub(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b);
void cwaku__fp2_neg(cwaku_fp2 *r, const cwaku_fp2 *a);
void cwaku__fp2_dbl(cwaku_fp2 *r, const cwaku_fp2 *a);
/* The conjugate c0 - c1 u, which is also the Frobenius map a^p. */
void cwaku__fp2_conj(cwaku_fp2 *r, const cwaku_fp2 *a);
/* Karatsuba with one reduction per output coefficient (lazy). */
void cwaku__fp2_mul(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b);
/* Complex squaring: (c0 + c1)(c0 - c1) + 2 c0 c1 u. */
void cwaku__fp2_sqr(cwaku_fp2 *r, const cwaku_fp2 *a);
void cwaku__fp2_mul_fp(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp *b);
/* r = a * xi = a * (9 + u). */
void cwaku__fp2_mul_xi(cwaku_fp2 *r, const cwaku_fp2 *a);
/* 1/a (1/0 = 0): through the norm c0^2 + c1^2 and one Fp inversion. */
void cwaku__fp2_inverse(cwaku_fp2 *r, const cwaku_fp2 *a);
void cwaku__fp2_inverse_vartime(cwaku_fp2 *r, const cwaku_fp2 *a);
/* r = a^e for a public exponent of nlimbs 64-bit limbs (little-endian). */
void cwaku__fp2_pow_vartime(cwaku_fp2 *r, const cwaku_fp2 *a, const uint64_t *e,
                            size_t nlimbs);
/* A square root in Fp, as cwaku__fp_sqrt (field.h) but with the faster
 * multiplication of fp_inline.h; for public values (decompression). */
CWAKU_MUST_CHECK int cwaku__fp_sqrt_vartime(cwaku_fp *r, const cwaku_fp *a);
/* A square root of a (which of the two is unspecified); returns 1, or 0
 * and clears r if a is not a square. Variable time: for public values
 * (point decompression). */
CWAKU_MUST_CHECK int cwaku__fp2_sqrt_vartime(cwaku_fp2 *r, const cwaku_fp2 *a);
/* 1 if a > -a in the order of compressed points (arkworks): compare c1
 * first, and c0 when c1 = 0; "a > -a" means above (p-1)/2. */
int cwaku__fp2_sign(const cwaku_fp2 *a);

/* --- Fp6 */

void cwaku__fp6_zero(cwaku_fp6 *r);
void cwaku__fp6_one(cwaku_fp6 *r);
int cwaku__fp6_is_zero(const cwaku_fp6 *a);
int cwaku__fp6_equal(const cwaku_fp6 *a, const cwaku_fp6 *b);
void cwaku__fp6_add(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp6 *b);
void cwaku__fp6_sub(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp6 *b);
void cwaku__fp6_neg(cwaku_fp6 *r, const cwaku_fp6 *a);
void cwaku__fp6_dbl(cwaku_fp6 *r, const cwaku_fp6 *a);
void cwaku__fp6_mul(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp6 *b);
void cwaku__fp6_sqr(cwaku_fp6 *r, const cwaku_fp6 *a);
/* r = a * v: (c0, c1, c2) -> (xi c2, c0, c1). */
void cwaku__fp6_mul_by_v(cwaku_fp6 *r, const cwaku_fp6 *a);
/* r = a * (b0 + b1 v): 5 Fp2 multiplications. */
void cwaku__fp6_mul_by_01(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp2 *b0,
                          const cwaku_fp2 *b1);
void cwaku__fp6_mul_fp2(cwaku_fp6 *r, const cwaku_fp6 *a, const cwaku_fp2 *b);
/* 1/a (1/0 = 0) with the variable-time Fp inversion: public values. */
void cwaku__fp6_inverse_vartime(cwaku_fp6 *r, const cwaku_fp6 *a);
/* r = a^(p^k), k = 1, 2 or 3 (other k: taken mod 6). */
void cwaku__fp6_frobenius(cwaku_fp6 *r, const cwaku_fp6 *a, int k);

/* --- Fp12 */

void cwaku__fp12_zero(cwaku_fp12 *r);
void cwaku__fp12_one(cwaku_fp12 *r);
int cwaku__fp12_is_one(const cwaku_fp12 *a);
int cwaku__fp12_equal(const cwaku_fp12 *a, const cwaku_fp12 *b);
void cwaku__fp12_mul(cwaku_fp12 *r, const cwaku_fp12 *a, const cwaku_fp12 *b);
/* Complex squaring over Fp6: two Fp6 multiplications. */
void cwaku__fp12_sqr(cwaku_fp12 *r, const cwaku_fp12 *a);
/* c0 - c1 w = a^(p^6); the inverse of an element of norm 1 over Fp6
 * (the cyclotomic subgroup, where every pairing value lies). */
void cwaku__fp12_conj(cwaku_fp12 *r, const cwaku_fp12 *a);
/* 1/a, variable time (public values). */
void cwaku__fp12_inverse_vartime(cwaku_fp12 *r, const cwaku_fp12 *a);
/* r = a^(p^k) for k = 1, 2, 3 (other k: taken mod 12, by repetition). */
void cwaku__fp12_frobenius(cwaku_fp12 *r, const cwaku_fp12 *a, int k);
/* Multiplication by a line value l0 + l1 w + l3 w^3 (the only non-zero
 * coefficients of a line of the D-type twist evaluated at a G1 point):
 * 13 Fp2 multiplications; with l0 = 1, mul_by_line1, 10. */
void cwaku__fp12_mul_by_line(cwaku_fp12 *r, const cwaku_fp12 *a,
                             const cwaku_fp2 *l0, const cwaku_fp2 *l1,
                             const cwaku_fp2 *l3);
void cwaku__fp12_mul_by_line1(cwaku_fp12 *r, const cwaku_fp12 *a,
                              const cwaku_fp2 *l1, const cwaku_fp2 *l3);
/* Squaring in the cyclotomic subgroup {a : a^(p^4 - p^2 + 1) = 1}, where
 * every value lies after the easy part of the final exponentiation
 * (Granger-Scott, 2010): 9 Fp2 squarings. Wrong for other elements. */
void cwaku__fp12_cyclotomic_sqr(cwaku_fp12 *r, const cwaku_fp12 *a);
/* r = a^e for a in the cyclotomic subgroup and a public 64-bit e, by the
 * width-4 non-adjacent form of e (the inverse there is the conjugate). */
void cwaku__fp12_cyclotomic_pow_u64(cwaku_fp12 *r, const cwaku_fp12 *a,
                                    uint64_t e);
/* r = a^e, a public exponent of nlimbs limbs, plain square-and-multiply
 * (tests and the GT side of the bench only). */
void cwaku__fp12_pow_vartime(cwaku_fp12 *r, const cwaku_fp12 *a,
                             const uint64_t *e, size_t nlimbs);

#endif
