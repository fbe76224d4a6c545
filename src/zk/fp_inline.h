/* Inline Fp arithmetic for the extension tower and the curves (private to
 * the src/zk sources): mont256.h instantiated once more with p, so that the hot
 * loops of Fp2, Fp6, Fp12 and the point formulas inline the field
 * multiplication instead of calling cwaku__fp_mul. The modulus constants
 * are the ones of fp.c; tests/unit/test_tower.c checks that both agree.
 *
 * Also the unreduced ("lazy") products for Fp2: a 512-bit product, 512-bit
 * additions, and one Montgomery reduction of a sum of products.
 *
 * Same rules as field.h: Montgomery form, results may alias inputs,
 * constant time. */
#ifndef CWAKU_ZK_FP_INLINE_H
#define CWAKU_ZK_FP_INLINE_H

#include <stdint.h>
#include <string.h>

#include "zk/field.h"
#include "zk/mont256.h"

static const struct mont256_modulus FP_MOD __attribute__((unused)) = {
    .m = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
          0x30644e72e131a029ULL},
    .n0 = 0x87d20782e4866389ULL,
    .one = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
            0x0e0a77c19a07df2fULL},
    .r2 = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL,
           0x06d89f71cab8351fULL},
    .r3 = {0xb1cd6dafda1530dfULL, 0x62f210e6a7283db6ULL, 0xef7f0b0c0ada0afbULL,
           0x20fd6e902d592544ULL},
    .m62 = {0x3c208c16d87cfd47LL, 0x1e05aa45a1c72a34LL, 0x5045b68181585d9LL,
            0x19139cb84c680a6eLL, 48},
    .minv62 = 0x382df87d1b799c77ULL,
};

/* p^2 as a 512-bit integer: added to a negative difference of products. */
static const uint64_t FP_P2[8] __attribute__((unused)) = {
    0x3b5458a2275d69b1ULL, 0xa602072d09eac101ULL, 0x4a50189c6d96cadcULL,
    0x04689e957a1242c8ULL, 0x26edfa5c34c6b38dULL, 0xb00b855116375606ULL,
    0x599a6f7c0348d21cULL, 0x0925c4b8763cbf9cULL};

/* 1/2 in Montgomery form. */
static const cwaku_fp FP_HALF
    __attribute__((unused)) = {{0x87bee7d24f060572ULL, 0xd0fd2add2f1c6ae5ULL,
                                0x8f5f7492fcfd4f44ULL, 0x1f37631a3d9cbfacULL}};

#define FP_INLINE MONT256_INLINE

/* --- Addition and subtraction: on x86-64 in assembly (base instruction
 * set: add/adc, sub/sbb and cmov, no branch), elsewhere mont256.h. */

#if defined(__x86_64__) && !defined(CWAKU_ZK_PORTABLE)
/* r = a + b - (a + b >= p ? p : 0); p < 2^254, so a + b never carries. */
FP_INLINE void fp_add(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  uint64_t t0 = a->v[0], t1 = a->v[1], t2 = a->v[2], t3 = a->v[3];
  uint64_t s0, s1, s2, s3;
  __asm__("addq %[b0], %[t0]\n\t"
          "adcq %[b1], %[t1]\n\t"
          "adcq %[b2], %[t2]\n\t"
          "adcq %[b3], %[t3]\n\t"
          "movq %[t0], %[s0]\n\t"
          "subq %[q0], %[s0]\n\t"
          "movq %[t1], %[s1]\n\t"
          "sbbq %[q1], %[s1]\n\t"
          "movq %[t2], %[s2]\n\t"
          "sbbq %[q2], %[s2]\n\t"
          "movq %[t3], %[s3]\n\t"
          "sbbq %[q3], %[s3]\n\t"
          "cmovncq %[s0], %[t0]\n\t" /* no borrow: a + b >= p */
          "cmovncq %[s1], %[t1]\n\t"
          "cmovncq %[s2], %[t2]\n\t"
          "cmovncq %[s3], %[t3]\n\t"
          : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3),
            [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3)
          : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]),
            [b3] "m"(b->v[3]), [q0] "m"(FP_MOD.m[0]), [q1] "m"(FP_MOD.m[1]),
            [q2] "m"(FP_MOD.m[2]), [q3] "m"(FP_MOD.m[3])
          : "cc");
  r->v[0] = t0;
  r->v[1] = t1;
  r->v[2] = t2;
  r->v[3] = t3;
}

/* r = a - b + (a < b ? p : 0). */
FP_INLINE void fp_sub(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  uint64_t t0 = a->v[0], t1 = a->v[1], t2 = a->v[2], t3 = a->v[3];
  uint64_t s0, s1, s2, s3, m;
  __asm__("subq %[b0], %[t0]\n\t"
          "sbbq %[b1], %[t1]\n\t"
          "sbbq %[b2], %[t2]\n\t"
          "sbbq %[b3], %[t3]\n\t"
          "sbbq %[m], %[m]\n\t" /* all ones on a borrow */
          "movq %[t0], %[s0]\n\t"
          "addq %[q0], %[s0]\n\t"
          "movq %[t1], %[s1]\n\t"
          "adcq %[q1], %[s1]\n\t"
          "movq %[t2], %[s2]\n\t"
          "adcq %[q2], %[s2]\n\t"
          "movq %[t3], %[s3]\n\t"
          "adcq %[q3], %[s3]\n\t"
          "testq %[m], %[m]\n\t"
          "cmovnzq %[s0], %[t0]\n\t"
          "cmovnzq %[s1], %[t1]\n\t"
          "cmovnzq %[s2], %[t2]\n\t"
          "cmovnzq %[s3], %[t3]\n\t"
          : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3),
            [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3),
            [m] "=&r"(m)
          : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]),
            [b3] "m"(b->v[3]), [q0] "m"(FP_MOD.m[0]), [q1] "m"(FP_MOD.m[1]),
            [q2] "m"(FP_MOD.m[2]), [q3] "m"(FP_MOD.m[3])
          : "cc");
  r->v[0] = t0;
  r->v[1] = t1;
  r->v[2] = t2;
  r->v[3] = t3;
}
#else
FP_INLINE void fp_add(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  mont256_add(r->v, a->v, b->v, &FP_MOD);
}

FP_INLINE void fp_sub(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  mont256_sub(r->v, a->v, b->v, &FP_MOD);
}
#endif

FP_INLINE void fp_neg(cwaku_fp *r, const cwaku_fp *a) {
  mont256_neg(r->v, a->v, &FP_MOD);
}

FP_INLINE void fp_dbl(cwaku_fp *r, const cwaku_fp *a) {
  fp_add(r, a, a);
}

/* --- Multiplication: on x86-64 CPUs with BMI2 and ADX, Montgomery
 * multiplication in inline assembly with mulx and the two carry chains of
 * adcx/adox (chosen at run time, fp_dispatch.c); elsewhere mont256.h. */

/* Out of line (fp_dispatch.c), so that the portable code is not inlined
 * beside the assembly at every call site. */
void cwaku__fp_mul_portable(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b);
void cwaku__fp_sqr_portable(cwaku_fp *r, const cwaku_fp *a);
/* Turns the assembly on (where the CPU has it) or off, for tests and
 * benchmarks; returns whether it is now used. Not thread-safe against
 * running arithmetic. */
int cwaku__fp_asm_enable(int on);

#if defined(__x86_64__) && !defined(CWAKU_ZK_PORTABLE)
#define FP_HAVE_ASM 1

/* -1 before the CPU was asked, then 1 if the assembly is used, else 0. */
extern int cwaku__fp_asm_state;
int cwaku__fp_asm_detect(void);

FP_INLINE int fp_use_asm(void) {
  int s = __atomic_load_n(&cwaku__fp_asm_state, __ATOMIC_RELAXED);
  if (__builtin_expect(s < 0, 0))
    s = cwaku__fp_asm_detect();
  return s;
}

/* t += a * b[i] (t in t0..t3 and the fifth word t4); then one reduction
 * round t = (t + m p) / 2^64, m = t0 n0 mod 2^64. The products' low words
 * go along the OF chain (adox), their high words along the CF chain (adcx);
 * "xor" clears both flags, "mov" touches neither. p < 2^254 keeps t below
 * 2^320 before and below 2^256 after each round (CIOS without the final
 * carry word), so the last carries fit in t4 and t3. */
#define FP_ASM_MULADD(OFF)                                                     \
  "movq " OFF "(%[b]), %%rdx\n\t"                                              \
  "xorl %k[lo], %k[lo]\n\t"                                                    \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t"                                            \
  "adoxq %[lo], %[t0]\n\t"                                                     \
  "adcxq %[hi], %[t1]\n\t"                                                     \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"                                            \
  "adoxq %[lo], %[t1]\n\t"                                                     \
  "adcxq %[hi], %[t2]\n\t"                                                     \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"                                           \
  "adoxq %[lo], %[t2]\n\t"                                                     \
  "adcxq %[hi], %[t3]\n\t"                                                     \
  "mulxq 24(%[a]), %[lo], %[t4]\n\t"                                           \
  "adoxq %[lo], %[t3]\n\t"                                                     \
  "movl $0, %k[lo]\n\t"                                                        \
  "adcxq %[lo], %[t4]\n\t"                                                     \
  "adoxq %[lo], %[t4]\n\t"

#define FP_ASM_REDUCE                                                          \
  "movq %[n0], %%rdx\n\t"                                                      \
  "imulq %[t0], %%rdx\n\t"                                                     \
  "xorl %k[lo], %k[lo]\n\t"                                                    \
  "mulxq %[q0], %[lo], %[hi]\n\t"                                              \
  "adcxq %[t0], %[lo]\n\t" /* zero, and the carry */                           \
  "movq %[hi], %[t0]\n\t"                                                      \
  "adcxq %[t1], %[t0]\n\t"                                                     \
  "mulxq %[q1], %[lo], %[t1]\n\t"                                              \
  "adoxq %[lo], %[t0]\n\t"                                                     \
  "adcxq %[t2], %[t1]\n\t"                                                     \
  "mulxq %[q2], %[lo], %[t2]\n\t"                                              \
  "adoxq %[lo], %[t1]\n\t"                                                     \
  "adcxq %[t3], %[t2]\n\t"                                                     \
  "mulxq %[q3], %[lo], %[t3]\n\t"                                              \
  "adoxq %[lo], %[t2]\n\t"                                                     \
  "movl $0, %k[lo]\n\t"                                                        \
  "adcxq %[lo], %[t3]\n\t"                                                     \
  "adoxq %[t4], %[t3]\n\t"

/* r = a b / 2^256 mod p for a, b < p; r may alias a or b. */
FP_INLINE void fp_mul_asm(uint64_t r[4], const uint64_t a[4],
                          const uint64_t b[4]) {
  uint64_t t0, t1, t2, t3, t4, lo, hi;
  __asm__("movq 0(%[b]), %%rdx\n\t"
          "xorl %k[lo], %k[lo]\n\t"
          "mulxq 0(%[a]), %[t0], %[t1]\n\t"
          "mulxq 8(%[a]), %[lo], %[t2]\n\t"
          "adoxq %[lo], %[t1]\n\t"
          "mulxq 16(%[a]), %[lo], %[t3]\n\t"
          "adoxq %[lo], %[t2]\n\t"
          "mulxq 24(%[a]), %[lo], %[t4]\n\t"
          "adoxq %[lo], %[t3]\n\t"
          "movl $0, %k[lo]\n\t"
          "adoxq %[lo], %[t4]\n\t" FP_ASM_REDUCE FP_ASM_MULADD("8")
              FP_ASM_REDUCE FP_ASM_MULADD("16")
                  FP_ASM_REDUCE FP_ASM_MULADD("24") FP_ASM_REDUCE
          : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3),
            [t4] "=&r"(t4), [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [a] "r"(a), [b] "r"(b), "m"(*(const uint64_t(*)[4])a),
            "m"(*(const uint64_t(*)[4])b), [q0] "m"(FP_MOD.m[0]),
            [q1] "m"(FP_MOD.m[1]), [q2] "m"(FP_MOD.m[2]), [q3] "m"(FP_MOD.m[3]),
            [n0] "m"(FP_MOD.n0)
          : "rdx", "cc");
  uint64_t t[4] = {t0, t1, t2, t3};
  mont256_reduce_once(r, t, &FP_MOD); /* t < 2p */
}
#else
#define FP_HAVE_ASM 0
FP_INLINE int fp_use_asm(void) {
  return 0;
}
FP_INLINE void fp_mul_asm(uint64_t r[4], const uint64_t a[4],
                          const uint64_t b[4]) {
  mont256_mul(r, a, b, &FP_MOD);
}
#endif

FP_INLINE void fp_mul(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  if (fp_use_asm())
    fp_mul_asm(r->v, a->v, b->v);
  else
    cwaku__fp_mul_portable(r, a, b);
}

FP_INLINE void fp_sqr(cwaku_fp *r, const cwaku_fp *a) {
  if (fp_use_asm())
    fp_mul_asm(r->v, a->v, a->v);
  else
    cwaku__fp_sqr_portable(r, a);
}

FP_INLINE int fp_is_zero(const cwaku_fp *a) {
  return mont256_is_zero(a->v);
}

FP_INLINE int fp_equal(const cwaku_fp *a, const cwaku_fp *b) {
  return mont256_equal(a->v, b->v);
}

FP_INLINE void fp_set_one(cwaku_fp *r) {
  memcpy(r->v, FP_MOD.one, 32);
}

/* r = flag ? a : r, flag 0 or 1. */
FP_INLINE void fp_cmov(cwaku_fp *r, const cwaku_fp *a, int flag) {
  mont256_select(r->v, (uint64_t)0 - (uint64_t)(flag & 1), a->v, r->v);
}

/* --- Unreduced products: integers of 8 limbs, little-endian */

/* t = a * b, the full 512-bit product of two 256-bit integers. */
FP_INLINE void fp_mul_wide(uint64_t t[8], const uint64_t a[4],
                           const uint64_t b[4]) {
  uint64_t c, t1, t2, t3, t4, t5, t6;
  /* row 0 */
  t[0] = mont256_mac(a[0], b[0], 0, 0, &c);
  t1 = mont256_mac(a[1], b[0], 0, c, &c);
  t2 = mont256_mac(a[2], b[0], 0, c, &c);
  t3 = mont256_mac(a[3], b[0], 0, c, &t4);
  /* row 1 */
  t[1] = mont256_mac(a[0], b[1], t1, 0, &c);
  t2 = mont256_mac(a[1], b[1], t2, c, &c);
  t3 = mont256_mac(a[2], b[1], t3, c, &c);
  t4 = mont256_mac(a[3], b[1], t4, c, &t5);
  /* row 2 */
  t[2] = mont256_mac(a[0], b[2], t2, 0, &c);
  t3 = mont256_mac(a[1], b[2], t3, c, &c);
  t4 = mont256_mac(a[2], b[2], t4, c, &c);
  t5 = mont256_mac(a[3], b[2], t5, c, &t6);
  /* row 3 */
  t[3] = mont256_mac(a[0], b[3], t3, 0, &c);
  t[4] = mont256_mac(a[1], b[3], t4, c, &c);
  t[5] = mont256_mac(a[2], b[3], t5, c, &c);
  t[6] = mont256_mac(a[3], b[3], t6, c, &t[7]);
}

/* r = a + b on 512 bits; the callers keep sums below 2^512. */
FP_INLINE void fp_wide_add(uint64_t r[8], const uint64_t a[8],
                           const uint64_t b[8]) {
  uint64_t c = 0;
  for (int i = 0; i < 8; i++)
    r[i] = mont256_adc(a[i], b[i], &c);
}

/* r = a - b on 512 bits; returns the borrow. */
FP_INLINE uint64_t fp_wide_sub(uint64_t r[8], const uint64_t a[8],
                               const uint64_t b[8]) {
  uint64_t c = 0;
  for (int i = 0; i < 8; i++)
    r[i] = mont256_sbb(a[i], b[i], &c);
  return c;
}

/* r = a - b + (a < b ? p^2 : 0), for a, b below p^2 + something small
 * enough that the result stays below 2p^2. */
FP_INLINE void fp_wide_sub_p2(uint64_t r[8], const uint64_t a[8],
                              const uint64_t b[8]) {
  uint64_t t[8], m[8];
  uint64_t mask = (uint64_t)0 - fp_wide_sub(t, a, b);
  for (int i = 0; i < 8; i++)
    m[i] = FP_P2[i] & mask;
  fp_wide_add(r, t, m);
}

/* r = t / 2^256 mod p for t < p * 2^256: REDC of the low half (at most p)
 * plus the high half (below p), then one masked subtraction. */
FP_INLINE void fp_redc_wide(cwaku_fp *r, const uint64_t t[8]) {
  uint64_t lo[4] = {t[0], t[1], t[2], t[3]};
  mont256_redc4(lo, &FP_MOD);
  mont256_add_raw(lo, lo, t + 4);
  mont256_reduce_once(r->v, lo, &FP_MOD);
}

#endif
