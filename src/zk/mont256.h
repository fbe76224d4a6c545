/* Generic Montgomery arithmetic on 4x64-bit limbs (little-endian limb order)
 * for odd moduli m < 2^254, R = 2^256. Everything is static and takes the
 * modulus as a pointer to a static const struct mont256_modulus, so each
 * field (fp.c, fr.c) gets its own copy with the constants folded in.
 *
 * Constant time: add, sub, neg, mul, sqr, the selects and comparisons, and
 * pow_ct never branch on or index memory by values; pow_pub branches on its
 * exponent only (a public constant such as m - 2); the _var functions and
 * the decimal conversions are for public values only. Results may alias
 * inputs everywhere except in batch_inverse. */
#ifndef CWAKU_ZK_MONT256_H
#define CWAKU_ZK_MONT256_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

typedef unsigned __int128 mont256_u128;
typedef __int128 mont256_i128;

struct mont256_modulus {
  uint64_t m[4];   /* the modulus, odd and < 2^254 */
  uint64_t n0;     /* -m^-1 mod 2^64 */
  uint64_t one[4]; /* R mod m: 1 in Montgomery form */
  uint64_t r2[4];  /* R^2 mod m: converts into Montgomery form */
  uint64_t r3[4];  /* R^3 mod m: fixes up the plain-integer inverse */
  int64_t m62[5];  /* m in signed 62-bit limbs, for inverse_var */
  uint64_t minv62; /* m^-1 mod 2^62 */
};

#define MONT256_M62 (UINT64_MAX >> 2)

/* The hot functions are forced inline so the modulus folds into them. */
#define MONT256_INLINE static inline __attribute__((always_inline))

/* All-ones if x != 0, else zero, without a branch. The empty asm hides the
 * mask's two possible values from the optimiser, which otherwise turns
 * masked table scans back into branches (clang 14 does, in pow_ct). */
MONT256_INLINE uint64_t mont256_nonzero_mask(uint64_t x) {
  uint64_t mask = (uint64_t)0 - ((x | ((uint64_t)0 - x)) >> 63);
  __asm__("" : "+r"(mask));
  return mask;
}

/* r = mask ? a : b, for mask all-ones or zero. */
MONT256_INLINE void mont256_select(uint64_t r[4], uint64_t mask,
                                   const uint64_t a[4], const uint64_t b[4]) {
  r[0] = b[0] ^ ((a[0] ^ b[0]) & mask);
  r[1] = b[1] ^ ((a[1] ^ b[1]) & mask);
  r[2] = b[2] ^ ((a[2] ^ b[2]) & mask);
  r[3] = b[3] ^ ((a[3] ^ b[3]) & mask);
}

/* 1 if a == 0 (as limbs), else 0. */
MONT256_INLINE int mont256_is_zero(const uint64_t a[4]) {
  return (int)(1 & ~mont256_nonzero_mask(a[0] | a[1] | a[2] | a[3]));
}

MONT256_INLINE int mont256_equal(const uint64_t a[4], const uint64_t b[4]) {
  uint64_t d = (a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]);
  return (int)(1 & ~mont256_nonzero_mask(d));
}

/* a + b + *carry with the carry (0 or 1) in and out; x86-64's intrinsic
 * gives GCC a plain adc chain, which it does not find from __int128. */
MONT256_INLINE uint64_t mont256_adc(uint64_t a, uint64_t b, uint64_t *carry) {
#if defined(__x86_64__)
  unsigned long long s;
  *carry = _addcarry_u64((unsigned char)*carry, a, b, &s);
  return s;
#else
  mont256_u128 s = (mont256_u128)a + b + *carry;
  *carry = (uint64_t)(s >> 64);
  return (uint64_t)s;
#endif
}

/* a - b - *borrow with the borrow (0 or 1) in and out. */
MONT256_INLINE uint64_t mont256_sbb(uint64_t a, uint64_t b, uint64_t *borrow) {
#if defined(__x86_64__)
  unsigned long long d;
  *borrow = _subborrow_u64((unsigned char)*borrow, a, b, &d);
  return d;
#else
  mont256_u128 d = (mont256_u128)a - b - *borrow;
  *borrow = (uint64_t)(d >> 64) & 1;
  return (uint64_t)d;
#endif
}

/* r = a - b as 256-bit integers; returns the borrow (0 or 1). */
MONT256_INLINE uint64_t mont256_sub_raw(uint64_t r[4], const uint64_t a[4],
                                        const uint64_t b[4]) {
  uint64_t borrow = 0;
  r[0] = mont256_sbb(a[0], b[0], &borrow);
  r[1] = mont256_sbb(a[1], b[1], &borrow);
  r[2] = mont256_sbb(a[2], b[2], &borrow);
  r[3] = mont256_sbb(a[3], b[3], &borrow);
  return borrow;
}

/* r = a + b as 256-bit integers; returns the carry (0 or 1). */
MONT256_INLINE uint64_t mont256_add_raw(uint64_t r[4], const uint64_t a[4],
                                        const uint64_t b[4]) {
  uint64_t carry = 0;
  r[0] = mont256_adc(a[0], b[0], &carry);
  r[1] = mont256_adc(a[1], b[1], &carry);
  r[2] = mont256_adc(a[2], b[2], &carry);
  r[3] = mont256_adc(a[3], b[3], &carry);
  return carry;
}

/* 1 if a < m (a canonical integer), else 0. */
MONT256_INLINE int mont256_is_canonical(const uint64_t a[4],
                                        const struct mont256_modulus *M) {
  uint64_t t[4];
  return (int)mont256_sub_raw(t, a, M->m);
}

/* r = t < m ? t : t - m, for t < 2m. */
MONT256_INLINE void mont256_reduce_once(uint64_t r[4], const uint64_t t[4],
                                        const struct mont256_modulus *M) {
  uint64_t s[4];
  uint64_t borrow = mont256_sub_raw(s, t, M->m);
  mont256_select(r, (uint64_t)0 - borrow, t, s);
}

/* m < 2^254 so a + b < 2m < 2^256 never carries out; one masked subtraction
 * brings it below m. */
MONT256_INLINE void mont256_add(uint64_t r[4], const uint64_t a[4],
                                const uint64_t b[4],
                                const struct mont256_modulus *M) {
  uint64_t t[4];
  mont256_add_raw(t, a, b);
  mont256_reduce_once(r, t, M);
}

MONT256_INLINE void mont256_sub(uint64_t r[4], const uint64_t a[4],
                                const uint64_t b[4],
                                const struct mont256_modulus *M) {
  uint64_t t[4], mm[4];
  uint64_t mask = (uint64_t)0 - mont256_sub_raw(t, a, b);
  mm[0] = M->m[0] & mask;
  mm[1] = M->m[1] & mask;
  mm[2] = M->m[2] & mask;
  mm[3] = M->m[3] & mask;
  mont256_add_raw(r, t, mm);
}

/* m - a, masked to 0 when a == 0 so the result stays below m. */
MONT256_INLINE void mont256_neg(uint64_t r[4], const uint64_t a[4],
                                const struct mont256_modulus *M) {
  uint64_t t[4];
  uint64_t mask = mont256_nonzero_mask(a[0] | a[1] | a[2] | a[3]);
  mont256_sub_raw(t, M->m, a);
  r[0] = t[0] & mask;
  r[1] = t[1] & mask;
  r[2] = t[2] & mask;
  r[3] = t[3] & mask;
}

/* lo(a*b + c + d), with the high word in *hi; never overflows 128 bits. */
MONT256_INLINE uint64_t mont256_mac(uint64_t a, uint64_t b, uint64_t c,
                                    uint64_t d, uint64_t *hi) {
  mont256_u128 w = (mont256_u128)a * b + c + d;
  *hi = (uint64_t)(w >> 64);
  return (uint64_t)w;
}

/* One CIOS round: t = (t + a*bi + q*m) / 2^64 with q = -t0/m mod 2^64. */
MONT256_INLINE void mont256_cios_round(uint64_t t[4], const uint64_t a[4],
                                       uint64_t bi,
                                       const struct mont256_modulus *M) {
  uint64_t A, C, q, t0, t1, t2, t3;
  t0 = mont256_mac(a[0], bi, t[0], 0, &A);
  t1 = mont256_mac(a[1], bi, t[1], A, &A);
  t2 = mont256_mac(a[2], bi, t[2], A, &A);
  t3 = mont256_mac(a[3], bi, t[3], A, &A);
  q = t0 * M->n0;
  (void)mont256_mac(q, M->m[0], t0, 0, &C); /* low word is zero */
  t[0] = mont256_mac(q, M->m[1], t1, C, &C);
  t[1] = mont256_mac(q, M->m[2], t2, C, &C);
  t[2] = mont256_mac(q, M->m[3], t3, C, &C);
  t[3] = A + C;
}

/* r = a*b/R mod m by CIOS (one row of a*b[i], then one row of q*m, per
 * word of b). a must be < m; b may be any 256-bit value (reduce_bytes uses
 * this), and the result is then below a + m < 2m before the final masked
 * subtraction. m < 2^254 keeps every intermediate (t + a*b[i] + q*m) / 2^64
 * below 2^256, so the top word A + C cannot carry ("no final carry" CIOS). */
MONT256_INLINE void mont256_mul(uint64_t r[4], const uint64_t a[4],
                                const uint64_t b[4],
                                const struct mont256_modulus *M) {
  uint64_t t[4] = {0, 0, 0, 0};
  mont256_cios_round(t, a, b[0], M);
  mont256_cios_round(t, a, b[1], M);
  mont256_cios_round(t, a, b[2], M);
  mont256_cios_round(t, a, b[3], M);
  mont256_reduce_once(r, t, M);
}

/* One reduction round: t = (t + q*m) / 2^64. */
MONT256_INLINE void mont256_redc_round(uint64_t t[4],
                                       const struct mont256_modulus *M) {
  uint64_t C, q = t[0] * M->n0;
  (void)mont256_mac(q, M->m[0], t[0], 0, &C);
  t[0] = mont256_mac(q, M->m[1], t[1], C, &C);
  t[1] = mont256_mac(q, M->m[2], t[2], C, &C);
  t[2] = mont256_mac(q, M->m[3], t[3], C, &C);
  t[3] = C;
}

/* t = t / R mod m for any 256-bit t; the result is at most
 * (t + (R - 1) m) / R <= m. */
MONT256_INLINE void mont256_redc4(uint64_t t[4],
                                  const struct mont256_modulus *M) {
  mont256_redc_round(t, M);
  mont256_redc_round(t, M);
  mont256_redc_round(t, M);
  mont256_redc_round(t, M);
}

/* r = a^2/R mod m, a < m: the 512-bit square with the six cross products
 * computed once and doubled (10 multiplications instead of 16), then
 * REDC(T) = REDC(T_lo) + T_hi, both terms below m since T < m^2 < m*R. */
MONT256_INLINE void mont256_sqr(uint64_t r[4], const uint64_t a[4],
                                const struct mont256_modulus *M) {
  uint64_t x0, x1, x2, x3, x4, x5, x6, x7, c, h0, h1, h2, h3;
  /* cross products a_i*a_j, i < j, into words 1..6 */
  x1 = mont256_mac(a[0], a[1], 0, 0, &c);
  x2 = mont256_mac(a[0], a[2], c, 0, &c);
  x3 = mont256_mac(a[0], a[3], c, 0, &x4);
  x3 = mont256_mac(a[1], a[2], x3, 0, &c);
  x4 = mont256_mac(a[1], a[3], x4, c, &x5);
  x5 = mont256_mac(a[2], a[3], x5, 0, &x6);
  /* double; x7 takes the bit shifted out of x6 */
  x7 = x6 >> 63;
  x6 = (x6 << 1) | (x5 >> 63);
  x5 = (x5 << 1) | (x4 >> 63);
  x4 = (x4 << 1) | (x3 >> 63);
  x3 = (x3 << 1) | (x2 >> 63);
  x2 = (x2 << 1) | (x1 >> 63);
  x1 <<= 1;
  /* add the squares a_i^2 at words 2i, 2i+1 */
  x0 = mont256_mac(a[0], a[0], 0, 0, &h0);
  uint64_t l1 = mont256_mac(a[1], a[1], 0, 0, &h1);
  uint64_t l2 = mont256_mac(a[2], a[2], 0, 0, &h2);
  uint64_t l3 = mont256_mac(a[3], a[3], 0, 0, &h3);
  c = 0;
  x1 = mont256_adc(x1, h0, &c);
  x2 = mont256_adc(x2, l1, &c);
  x3 = mont256_adc(x3, h1, &c);
  x4 = mont256_adc(x4, l2, &c);
  x5 = mont256_adc(x5, h2, &c);
  x6 = mont256_adc(x6, l3, &c);
  x7 = x7 + h3 + c; /* T = a^2 < 2^508: no carry out */
  uint64_t lo[4] = {x0, x1, x2, x3}, hi[4] = {x4, x5, x6, x7};
  mont256_redc4(lo, M);
  mont256_add_raw(lo, lo, hi);
  mont256_reduce_once(r, lo, M);
}

/* Montgomery form to canonical integer: a/R mod m. */
MONT256_INLINE void mont256_from_mont(uint64_t r[4], const uint64_t a[4],
                                      const struct mont256_modulus *M) {
  uint64_t t[4] = {a[0], a[1], a[2], a[3]};
  mont256_redc4(t, M);
  mont256_reduce_once(r, t, M); /* only a == 0 mod m can reach m */
}

/* Any 256-bit integer x to Montgomery form of x mod m: mul(R^2, x) with x as
 * the word-by-word operand, which mont256_mul allows to be >= m. */
MONT256_INLINE void mont256_to_mont(uint64_t r[4], const uint64_t x[4],
                                    const struct mont256_modulus *M) {
  mont256_mul(r, M->r2, x, M);
}

/* Out-of-line copies for the exponentiation loops: GCC 12 runs them faster
 * around a call than around the inlined bodies (6.9 against 7.7 us for the
 * Fp inverse here). */
static __attribute__((noinline, unused)) void
mont256_mul_call(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                 const struct mont256_modulus *M) {
  mont256_mul(r, a, b, M);
}

static __attribute__((noinline, unused)) void
mont256_sqr_call(uint64_t r[4], const uint64_t a[4],
                 const struct mont256_modulus *M) {
  mont256_sqr(r, a, M);
}

/* r = a^e for a secret exponent e: fixed 4-bit windows, each table entry
 * read by a masked scan of all sixteen, so the memory trace and the
 * operation count (252 sqr + 64 mul + 14 for the table) are fixed. */
static inline void mont256_pow_ct(uint64_t r[4], const uint64_t a[4],
                                  const uint64_t e[4],
                                  const struct mont256_modulus *M) {
  uint64_t tab[16][4], acc[4], w[4];
  memcpy(tab[0], M->one, 32);
  memcpy(tab[1], a, 32);
  for (int i = 2; i < 16; i++)
    mont256_mul_call(tab[i], tab[i - 1], a, M);
  memcpy(acc, M->one, 32);
  for (int k = 63; k >= 0; k--) {
    if (k != 63)
      for (int j = 0; j < 4; j++)
        mont256_sqr_call(acc, acc, M);
    uint64_t nib = (e[k / 16] >> (4 * (k % 16))) & 15;
    memset(w, 0, sizeof w);
    for (uint64_t i = 0; i < 16; i++) {
      uint64_t mask = ~mont256_nonzero_mask(i ^ nib);
      for (int j = 0; j < 4; j++)
        w[j] |= tab[i][j] & mask;
    }
    mont256_mul_call(acc, acc, w, M);
  }
  memcpy(r, acc, 32);
}

/* r = a^e for a public exponent e (m - 2, (m + 1) / 4, ...): left-to-right
 * sliding windows of up to 5 bits over the odd powers a, a^3, ..., a^31.
 * Which operations run depends on e only, never on a. */
static inline void mont256_pow_pub(uint64_t r[4], const uint64_t a[4],
                                   const uint64_t e[4],
                                   const struct mont256_modulus *M) {
  uint64_t tab[16][4], a2[4], acc[4];
  int started = 0;
  memcpy(tab[0], a, 32);
  mont256_sqr_call(a2, a, M);
  for (int i = 1; i < 16; i++)
    mont256_mul_call(tab[i], tab[i - 1], a2, M);
  memcpy(acc, M->one, 32);
#define MONT256_BIT(i) ((e[(i) / 64] >> ((i) % 64)) & 1)
  for (int i = 255; i >= 0;) {
    if (!MONT256_BIT(i)) {
      if (started)
        mont256_sqr_call(acc, acc, M);
      i--;
      continue;
    }
    int j = i >= 4 ? i - 4 : 0; /* window e[i..j], lowest bit set */
    while (!MONT256_BIT(j))
      j++;
    unsigned win = 0;
    for (int k = i; k >= j; k--)
      win = (win << 1) | (unsigned)MONT256_BIT(k);
    if (started) {
      for (int k = i; k >= j; k--)
        mont256_sqr_call(acc, acc, M);
      mont256_mul_call(acc, acc, tab[win >> 1], M);
    } else {
      memcpy(acc, tab[win >> 1], 32);
      started = 1;
    }
    i = j - 1;
  }
#undef MONT256_BIT
  memcpy(r, acc, 32);
}

/* r = 1/a by Fermat, a^(m-2) with the public exponent m - 2: constant time
 * in a; 0 maps to 0. */
static inline void mont256_inverse(uint64_t r[4], const uint64_t a[4],
                                   const struct mont256_modulus *M) {
  uint64_t e[4] = {M->m[0] - 2, M->m[1], M->m[2], M->m[3]}; /* m0 is odd, > 2 */
  mont256_pow_pub(r, a, e, M);
}

/* --- Variable-time inverse: Bernstein-Yang divsteps ("safegcd", 2019), in
 * batches of 62 on the low words, applied to f, g and to the Bezout
 * coefficients d, e in signed 62-bit limbs. Invariants: f is odd, f and g
 * have the same gcd as (m, a), and d*a == f, e*a == g (mod m), with d and e
 * in (-2m, m). Ends when g == 0, with f = +-1 and 1/a = +-d. */

static inline void mont256_to_s62(int64_t r[5], const uint64_t a[4]) {
  r[0] = (int64_t)(a[0] & MONT256_M62);
  r[1] = (int64_t)((a[0] >> 62 | a[1] << 2) & MONT256_M62);
  r[2] = (int64_t)((a[1] >> 60 | a[2] << 4) & MONT256_M62);
  r[3] = (int64_t)((a[2] >> 58 | a[3] << 6) & MONT256_M62);
  r[4] = (int64_t)(a[3] >> 56);
}

/* For 0 <= a < 2^256 with limbs 0..3 in [0, 2^62). */
static inline void mont256_from_s62(uint64_t r[4], const int64_t a[5]) {
  uint64_t a0 = (uint64_t)a[0], a1 = (uint64_t)a[1], a2 = (uint64_t)a[2],
           a3 = (uint64_t)a[3], a4 = (uint64_t)a[4];
  r[0] = a0 | a1 << 62;
  r[1] = a1 >> 2 | a2 << 60;
  r[2] = a2 >> 4 | a3 << 58;
  r[3] = a3 >> 6 | a4 << 56;
}

/* Up to 62 divsteps on the low bits of f (odd) and g, eta = -delta. Returns
 * the new eta and the transition matrix t = (u v; q r) scaled by 2^62:
 * 2^62 * (f', g') = (u f + v g, q f + r g), with |u|+|v|, |q|+|r| <= 2^62.
 * Zero bits of g are skipped in one shift; an odd g gets a multiple w of f
 * added that clears up to 6 low bits at once (the divsteps that follow
 * while delta <= 0 only ever add f, so they add the same w*f). */
static inline int64_t mont256_divsteps62_var(int64_t eta, uint64_t f,
                                             uint64_t g, int64_t t[4]) {
  uint64_t u = 1, v = 0, q = 0, r = 1, tmp;
  int i = 62;
  for (;;) {
    int zeros = __builtin_ctzll(g | (UINT64_MAX << i));
    g >>= zeros;
    u <<= zeros;
    v <<= zeros;
    eta -= zeros;
    i -= zeros;
    if (i == 0)
      break;
    if (eta < 0) { /* delta > 0 and g odd: (f, g) = (g, -f) */
      eta = -eta;
      tmp = f, f = g, g = (uint64_t)0 - tmp;
      tmp = u, u = q, q = (uint64_t)0 - tmp;
      tmp = v, v = r, r = (uint64_t)0 - tmp;
    }
    /* the next eta + 1 divsteps cannot swap; take up to 6 of them */
    int limit = eta + 1 < i ? (int)eta + 1 : i;
    if (limit > 6)
      limit = 6;
    uint64_t mask = UINT64_MAX >> (64 - limit);
    /* 1/f mod 2^6 = f (2 - f^2) (Newton step from 1/f = f mod 8) */
    uint64_t w = (f * g * (f * f - 2)) & mask;
    g += f * w;
    q += u * w;
    r += v * w;
  }
  t[0] = (int64_t)u, t[1] = (int64_t)v, t[2] = (int64_t)q, t[3] = (int64_t)r;
  return eta;
}

/* (f, g) = t (f, g) / 2^62; exact, the low 62 bits cancel. */
static inline void mont256_update_fg(int64_t f[5], int64_t g[5],
                                     const int64_t t[4]) {
  const int64_t u = t[0], v = t[1], q = t[2], r = t[3];
  mont256_i128 cf = (mont256_i128)u * f[0] + (mont256_i128)v * g[0];
  mont256_i128 cg = (mont256_i128)q * f[0] + (mont256_i128)r * g[0];
  cf >>= 62;
  cg >>= 62;
  for (int i = 1; i < 5; i++) {
    cf += (mont256_i128)u * f[i] + (mont256_i128)v * g[i];
    cg += (mont256_i128)q * f[i] + (mont256_i128)r * g[i];
    f[i - 1] = (int64_t)((uint64_t)cf & MONT256_M62);
    g[i - 1] = (int64_t)((uint64_t)cg & MONT256_M62);
    cf >>= 62;
    cg >>= 62;
  }
  f[4] = (int64_t)cf;
  g[4] = (int64_t)cg;
}

/* (d, e) = t (d, e) / 2^62 mod m: first add m to the inputs that are
 * negative (through the matrix), then the multiple of m that clears the low
 * 62 bits. Keeps d, e in (-2m, m). */
static inline void mont256_update_de(int64_t d[5], int64_t e[5],
                                     const int64_t t[4],
                                     const struct mont256_modulus *M) {
  const int64_t u = t[0], v = t[1], q = t[2], r = t[3];
  const int64_t sd = d[4] >> 63, se = e[4] >> 63;
  int64_t md = (u & sd) + (v & se);
  int64_t me = (q & sd) + (r & se);
  mont256_i128 cd = (mont256_i128)u * d[0] + (mont256_i128)v * e[0];
  mont256_i128 ce = (mont256_i128)q * d[0] + (mont256_i128)r * e[0];
  md -= (int64_t)((M->minv62 * (uint64_t)cd + (uint64_t)md) & MONT256_M62);
  me -= (int64_t)((M->minv62 * (uint64_t)ce + (uint64_t)me) & MONT256_M62);
  cd += (mont256_i128)M->m62[0] * md;
  ce += (mont256_i128)M->m62[0] * me;
  cd >>= 62;
  ce >>= 62;
  for (int i = 1; i < 5; i++) {
    cd += (mont256_i128)u * d[i] + (mont256_i128)v * e[i] +
          (mont256_i128)M->m62[i] * md;
    ce += (mont256_i128)q * d[i] + (mont256_i128)r * e[i] +
          (mont256_i128)M->m62[i] * me;
    d[i - 1] = (int64_t)((uint64_t)cd & MONT256_M62);
    e[i - 1] = (int64_t)((uint64_t)ce & MONT256_M62);
    cd >>= 62;
    ce >>= 62;
  }
  d[4] = (int64_t)cd;
  e[4] = (int64_t)ce;
}

/* Carries limbs 0..3 into [0, 2^62); the sign ends in limb 4. */
static inline void mont256_s62_carry(int64_t a[5]) {
  for (int i = 0; i < 4; i++) {
    a[i + 1] += a[i] >> 62; /* arithmetic shift: floor division */
    a[i] = (int64_t)((uint64_t)a[i] & MONT256_M62);
  }
}

/* a += sign * m, sign = +1 or -1, then carried. */
static inline void mont256_s62_add_m(int64_t a[5], int64_t sign,
                                     const struct mont256_modulus *M) {
  for (int i = 0; i < 5; i++)
    a[i] += sign * M->m62[i];
  mont256_s62_carry(a);
}

/* r = 1/x mod m for a plain integer x < m (not Montgomery form); 0 maps to
 * 0. Variable time: for public values only. */
static inline void mont256_inverse_int_var(uint64_t r[4], const uint64_t x[4],
                                           const struct mont256_modulus *M) {
  int64_t d[5] = {0, 0, 0, 0, 0}, e[5] = {1, 0, 0, 0, 0}, f[5], g[5], t[4];
  int64_t eta = -1; /* delta = 1 */
  memcpy(f, M->m62, sizeof f);
  mont256_to_s62(g, x);
  while ((g[0] | g[1] | g[2] | g[3] | g[4]) != 0) {
    eta = mont256_divsteps62_var(eta, (uint64_t)f[0], (uint64_t)g[0], t);
    mont256_update_de(d, e, t, M);
    mont256_update_fg(f, g, t);
  }
  if (f[4] < 0) { /* f = -1: 1/x = -d */
    for (int i = 0; i < 5; i++)
      d[i] = -d[i];
    mont256_s62_carry(d);
  }
  while (d[4] < 0)
    mont256_s62_add_m(d, 1, M);
  for (;;) { /* subtract m while d >= m */
    int64_t s[5];
    memcpy(s, d, sizeof s);
    mont256_s62_add_m(s, -1, M);
    if (s[4] < 0)
      break;
    memcpy(d, s, sizeof s);
  }
  mont256_from_s62(r, d);
}

/* Montgomery-form 1/a, variable time: 1/(aR) * R^3 / R = R/a. */
static inline void mont256_inverse_var(uint64_t r[4], const uint64_t a[4],
                                       const struct mont256_modulus *M) {
  uint64_t t[4];
  mont256_inverse_int_var(t, a, M);
  mont256_mul(r, t, M->r3, M);
}

/* out[i] = 1/in[i] for n elements of 4 limbs, with one inversion
 * (Montgomery's trick); zeros are replaced by 1 in the running product and
 * give 0, all by masks. out holds the prefix products and must not overlap
 * in. */
static inline void mont256_batch_inverse(uint64_t (*out)[4],
                                         const uint64_t (*in)[4], size_t n,
                                         const struct mont256_modulus *M) {
  uint64_t acc[4], x[4], t[4];
  memcpy(acc, M->one, 32);
  for (size_t i = 0; i < n; i++) {
    uint64_t z = (uint64_t)0 - (uint64_t)mont256_is_zero(in[i]);
    mont256_select(x, z, M->one, in[i]);
    memcpy(out[i], acc, 32);
    mont256_mul(acc, acc, x, M);
  }
  mont256_inverse(acc, acc, M);
  for (size_t i = n; i-- > 0;) {
    uint64_t z = (uint64_t)0 - (uint64_t)mont256_is_zero(in[i]);
    mont256_select(x, z, M->one, in[i]);
    mont256_mul(t, out[i], acc, M);
    mont256_mul(acc, acc, x, M);
    for (int j = 0; j < 4; j++)
      out[i][j] = t[j] & ~z;
  }
}

/* --- Encodings */

static inline void mont256_limbs_from_le(uint64_t x[4], const uint8_t in[32]) {
  for (int i = 0; i < 4; i++) {
    uint64_t w = 0;
    for (int j = 7; j >= 0; j--)
      w = (w << 8) | in[8 * i + j];
    x[i] = w;
  }
}

static inline void mont256_limbs_to_le(uint8_t out[32], const uint64_t x[4]) {
  for (int i = 0; i < 32; i++)
    out[i] = (uint8_t)(x[i / 8] >> (8 * (i % 8)));
}

/* Canonical integer x (< m) into Montgomery form; returns 1, or 0 and
 * clears r if x >= m. */
static inline int mont256_from_int(uint64_t r[4], const uint64_t x[4],
                                   const struct mont256_modulus *M) {
  int ok = mont256_is_canonical(x, M);
  uint64_t t[4], mask = (uint64_t)0 - (uint64_t)ok;
  mont256_to_mont(t, x, M);
  for (int i = 0; i < 4; i++)
    r[i] = t[i] & mask;
  return ok;
}

/* Decimal digits of the canonical value into out (NUL-terminated, at most
 * 77 digits since m < 10^77); returns the number of digits. Not constant
 * time: for public values and serialisation. */
static inline size_t mont256_to_dec(char *out, const uint64_t a[4],
                                    const struct mont256_modulus *M) {
  const uint64_t chunk = 10000000000000000000ULL; /* 10^19 */
  uint64_t x[4];
  char rev[96];
  size_t n = 0;
  mont256_from_mont(x, a, M);
  do { /* x /= 10^19; emit the remainder's 19 digits */
    uint64_t rem = 0;
    for (int i = 3; i >= 0; i--) {
      mont256_u128 cur = ((mont256_u128)rem << 64) | x[i];
      x[i] = (uint64_t)(cur / chunk);
      rem = (uint64_t)(cur % chunk);
    }
    int last = (x[0] | x[1] | x[2] | x[3]) == 0;
    for (int k = 0; k < 19 && (!last || rem != 0 || k == 0); k++) {
      rev[n++] = (char)('0' + rem % 10);
      rem /= 10;
    }
    if (last)
      break;
  } while (1);
  for (size_t i = 0; i < n; i++)
    out[i] = rev[n - 1 - i];
  out[n] = '\0';
  return n;
}

/* Canonical decimal only: 1 to max_digits digits, no sign, no leading zero
 * except "0" itself, value < m. Returns 1, or 0 and clears r. */
static inline int mont256_from_dec(uint64_t r[4], const char *s, size_t len,
                                   size_t max_digits,
                                   const struct mont256_modulus *M) {
  uint64_t x[4] = {0, 0, 0, 0};
  memset(r, 0, 32);
  if (len == 0 || len > max_digits || (s[0] == '0' && len > 1))
    return 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    uint64_t carry = (uint64_t)(s[i] - '0');
    for (int j = 0; j < 4; j++)
      x[j] = mont256_mac(x[j], 10, carry, 0, &carry);
    if (carry != 0)
      return 0;
  }
  return mont256_from_int(r, x, M);
}

#endif
