/* Batches of affine additions on eight lanes (msm_ifma.h): the additions
 * of a batch go eight at a time through the IFMA arithmetic of mont52.h,
 * with the batch's inversion done as in msm_template.h, the prefix
 * products kept per lane (two vectors of lanes, alternating, for 16
 * chains) and one scalar inversion for all of them. */
#include "zk/msm_ifma.h"

#include <stdlib.h>
#include <string.h>

#include "zk/fp_inline.h"

#if defined(__x86_64__) && !defined(CWAKU_ZK_PORTABLE)
#include <cpuid.h>

#include "zk/mont52.h"

#define REF_IDX 0x7fffffffu

/* p in radix 2^52, 2p, and -1/p mod 2^52 */
static const struct m52_consts FP52 = {
    .m = {0x08c16d87cfd47ULL, 0x916871ca8d3c2ULL, 0x181585d97816aULL,
          0xa029b85045b68ULL, 0x030644e72e131ULL},
    .m2 = {0x1182db0f9fa8eULL, 0x22d0e3951a784ULL, 0x302b0bb2f02d5ULL,
           0x405370a08b6d0ULL, 0x060c89ce5c263ULL},
    .n0 = 0x20782e4866389ULL,
};

/* 256 in the scalar Montgomery form: 2^8 2^256 mod p */
static const cwaku_fp FP_256 = {{0xfbdb0f2afaec667aULL, 0xad825aed9626b0ffULL,
                                 0x276f48b709e2a0fcULL, 0x0d791464ef86e357ULL}};

/* -1: not asked yet, 0 off, 1 on */
static int ifma_state = -1;

/* CPUID leaf 7 EBX: AVX512F bit 16, DQ 17, IFMA 21, BW 30, VL 31; and the
 * OS must save the opmask and the upper ZMM state (XCR0 bits 1, 2, 5, 6,
 * 7), which OSXSAVE (leaf 1 ECX bit 27) lets us read. */
static int ifma_cpu(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1))
    return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo & 0xe6) != 0xe6)
    return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return 0;
  const unsigned need =
      (1u << 16) | (1u << 17) | (1u << 21) | (1u << 30) | (1u << 31);
  return (b & need) == need;
}

int cwaku__msm_ifma_enable(int on) {
  const char *env = getenv("CWAKU_ZK_IFMA");
  if (env && env[0] == '0')
    on = 0;
  int s = on && fp_use_asm() && ifma_cpu();
  __atomic_store_n(&ifma_state, s, __ATOMIC_RELAXED);
  return s;
}

int cwaku__msm_ifma_active(void) {
  int s = __atomic_load_n(&ifma_state, __ATOMIC_RELAXED);
  if (s < 0)
    s = cwaku__msm_ifma_enable(1);
  return s;
}

/* Per group of eight additions: two vectors (the prefix product and the
 * denominator or its norm), and a byte of lanes to leave out. */
size_t cwaku__msm_ifma_scratch_bytes(size_t n) {
  size_t ng = (n + 7) / 8;
  return ng * (2 * sizeof(m52) + 1) + 64;
}

/* v[k] = 1/v[k] for the 16 lane products, in the IFMA form: read as the
 * scalar form, x 2^260 is the element 16 x, whose inverse is held as
 * 2^256 / (16 x); times 256 that is 2^260 / x, the IFMA form of 1/x. */
static void inverse16(cwaku_fp v[16]) {
  cwaku_fp pre[16], acc, t;
  fp_set_one(&acc);
  for (int k = 0; k < 16; k++) {
    pre[k] = acc;
    fp_mul(&acc, &acc, &v[k]);
  }
  cwaku__fp_inverse_vartime(&acc, &acc);
  fp_mul(&acc, &acc, &FP_256);
  for (int k = 16; k-- > 0;) {
    fp_mul(&t, &acc, &pre[k]);
    fp_mul(&acc, &acc, &v[k]);
    v[k] = t;
  }
}

/* acc[0], acc[1] (values below 2p) to their inverses. */
M52_TARGET static void invert_lanes(m52 acc[2], const struct m52_mod *M) {
  uint64_t w[2][4][8] __attribute__((aligned(64)));
  cwaku_fp v[16];
  for (int c = 0; c < 2; c++) {
    m52 t;
    __m512i ww[4];
    m52_canon(&t, &acc[c], M);
    m52_to_words(ww, &t);
    for (int j = 0; j < 4; j++)
      _mm512_store_si512(w[c][j], ww[j]);
  }
  for (int c = 0; c < 2; c++)
    for (int l = 0; l < 8; l++)
      for (int j = 0; j < 4; j++)
        v[c * 8 + l].v[j] = w[c][j][l];
  inverse16(v);
  for (int c = 0; c < 2; c++) {
    __m512i ww[4];
    for (int l = 0; l < 8; l++)
      for (int j = 0; j < 4; j++)
        w[c][j][l] = v[c * 8 + l].v[j];
    for (int j = 0; j < 4; j++)
      ww[j] = _mm512_load_si512(w[c][j]);
    m52_from_words(&acc[c], ww, M);
  }
}

M52_INLINE void m52_set_small(m52 *r, uint64_t v) {
  r->l[0] = _mm512_set1_epi64((long long)v);
#pragma GCC unroll 8
  for (int i = 1; i < 5; i++)
    r->l[i] = _mm512_setzero_si512();
}

/* The points of group g + MSM_IFMA_AHEAD on their way into the cache:
 * the bases and buckets are read in no order. */
#define MSM_IFMA_AHEAD 2
static inline void prefetch_group(const void *src, size_t size,
                                  const uint32_t *ia, const uint32_t *ib,
                                  size_t g, size_t n) {
  const uint8_t *base = src;
  size_t lo = 8 * (g + MSM_IFMA_AHEAD), hi = lo + 8 < n ? lo + 8 : n;
  for (size_t k = lo; k < hi; k++) {
    __builtin_prefetch(base + (size_t)(ia[k] & REF_IDX) * size);
    __builtin_prefetch(base + (size_t)(ib[k] & REF_IDX) * size);
  }
}

/* Lanes of group g that hold additions (the last group may be short). */
static __mmask8 lanes_valid(size_t g, size_t n) {
  size_t left = n - 8 * g;
  return left >= 8 ? 0xff : (__mmask8)((1u << left) - 1);
}

/* The lanes where the n words of a equal those of b, and (words_zero)
 * where they are all zero. */
M52_INLINE __mmask8 words_equal(const __m512i *a, const __m512i *b, int n) {
  __mmask8 k = 0xff;
  for (int j = 0; j < n; j++)
    k &= _mm512_cmpeq_epi64_mask(a[j], b[j]);
  return k;
}

M52_INLINE __mmask8 words_zero(const __m512i *a, int n) {
  __m512i o = a[0];
  for (int j = 1; j < n; j++)
    o = _mm512_or_si512(o, a[j]);
  return _mm512_cmpeq_epi64_mask(o, _mm512_setzero_si512());
}

/* Bit 31 of the eight references: the lanes to negate. */
M52_INLINE __mmask8 lanes_neg(const uint32_t *ref, size_t g, size_t n) {
  if (8 * g + 8 <= n)
    return _mm256_movepi32_mask(
        _mm256_loadu_si256((const void *)(ref + 8 * g)));
  __mmask8 k = 0;
  for (size_t l = 0; 8 * g + l < n; l++)
    k |= (__mmask8)((ref[8 * g + l] >> 31) << l);
  return k;
}

/* The addresses of the points ref[8g + l] in lane l (the last addition
 * repeated in empty lanes). */
static inline void lane_ptrs(const uint8_t *p[8], const void *src, size_t size,
                             const uint32_t *ref, size_t g, size_t n) {
  const uint8_t *base = src;
#pragma GCC unroll 8
  for (size_t l = 0; l < 8; l++) {
    size_t k = 8 * g + l < n ? 8 * g + l : n - 1;
    p[l] = base + (size_t)(ref[k] & REF_IDX) * size;
  }
}

/* w[j] = word j (of four) at byte offset off of the points p[l], lane l. */
M52_INLINE void load_words(__m512i w[4], const uint8_t *const p[8],
                           size_t off) {
  __m512i r[4];
#pragma GCC unroll 8
  for (int k = 0; k < 4; k++)
    r[k] = _mm512_inserti64x4(
        _mm512_castsi256_si512(_mm256_loadu_si256((const void *)(p[k] + off))),
        _mm256_loadu_si256((const void *)(p[k + 4] + off)), 1);
  m52_transpose4x2(w, r);
}

/* The element at byte offset off of the points p[l], lane l. */
M52_INLINE void load_m52(m52 *r, const uint8_t *const p[8], size_t off,
                         const struct m52_mod *M) {
  __m512i w[4];
  load_words(w, p, off);
  m52_from_words(r, w, M);
}

/* --- G1 */

M52_TARGET size_t cwaku__g1_batch_add_ifma(cwaku__g1_xy *dst,
                                           const cwaku__g1_xy *src,
                                           const uint32_t *ia,
                                           const uint32_t *ib,
                                           const uint32_t *io, size_t n,
                                           void *scratch, uint32_t *special) {
  if (n == 0)
    return 0;
  struct m52_mod M;
  m52_mod_load(&M, &FP52);
  size_t ng = (n + 7) / 8, nsp = 0;
  m52 *pre = scratch, *den = pre + ng, acc[2], one;
  uint8_t *skip = (uint8_t *)(den + ng);
  m52_set_small(&one, 1);
  acc[0] = acc[1] = one;
  for (size_t g = 0; g < ng; g++) {
    __m512i wa[4], wb[4];
    const uint8_t *pa[8], *pb[8];
    prefetch_group(src, sizeof *src, ia, ib, g, n);
    lane_ptrs(pa, src, sizeof *src, ia, g, n);
    lane_ptrs(pb, src, sizeof *src, ib, g, n);
    load_words(wa, pa, 0);
    load_words(wb, pb, 0);
    __mmask8 valid = lanes_valid(g, n);
    __mmask8 sp =
        (words_equal(wa, wb, 4) | words_zero(wa, 4) | words_zero(wb, 4)) &
        valid;
    m52 xa, xb, d;
    m52_from_words(&xa, wa, &M);
    m52_from_words(&xb, wb, &M);
    m52_sub_lazy(&d, &xb, &xa, M.m, &M); /* below 2p */
    __mmask8 out = sp | (__mmask8)~valid;
#pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
      d.l[i] = _mm512_mask_blend_epi64(out, d.l[i], one.l[i]);
    den[g] = d;
    pre[g] = acc[g & 1];
    m52_mul(&acc[g & 1], &acc[g & 1], &d, &M);
    skip[g] = sp;
    for (unsigned l = 0; sp; l++, sp >>= 1)
      if (sp & 1)
        special[nsp++] = (uint32_t)(8 * g + l);
  }
  invert_lanes(acc, &M);
  for (size_t g = ng; g-- > 0;) {
    m52 ninv, xa, ya, xb, yb, lam, t, x3, y3;
    m52 *c = &acc[g & 1];
    m52_mul(&ninv, c, &pre[g], &M);
    m52_mul(c, c, &den[g], &M);
    const uint8_t *pa[8], *pb[8];
    lane_ptrs(pa, src, sizeof *src, ia, g, n);
    lane_ptrs(pb, src, sizeof *src, ib, g, n);
    load_m52(&xa, pa, 0, &M);
    load_m52(&ya, pa, 32, &M);
    load_m52(&xb, pb, 0, &M);
    load_m52(&yb, pb, 32, &M);
    /* the references' signs: ya' = -ya where na (limb by limb, the
     * multiples of p added below make up for it), yb' likewise */
    __mmask8 na = lanes_neg(ia, g, n), nb = lanes_neg(ib, g, n);
    const __m512i z = _mm512_setzero_si512();
#pragma GCC unroll 8
    for (int i = 0; i < 5; i++) {
      ya.l[i] = _mm512_mask_sub_epi64(ya.l[i], na, z, ya.l[i]);
      yb.l[i] = _mm512_mask_sub_epi64(yb.l[i], nb, z, yb.l[i]);
    }
    /* lambda = (yb' - ya') / (xb - xa), x3 = lambda^2 - xa - xb,
     * y3 = lambda (xa - x3) - ya', with the bounds (ya, yb below p): */
#pragma GCC unroll 8
    for (int i = 0; i < 5; i++) { /* (1 + [nb] - [na]) p + yb' - ya' */
      __m512i k = _mm512_mask_add_epi64(M.m[i], nb, M.m[i], M.m[i]);
      k = _mm512_mask_sub_epi64(k, na, k, M.m[i]);
      t.l[i] = _mm512_sub_epi64(_mm512_add_epi64(k, yb.l[i]), ya.l[i]);
    }
    m52_norm(&t, &M); /* in (0, 2p] */
    m52_mul(&lam, &t, &ninv, &M);
    m52_mul(&t, &lam, &lam, &M);
#pragma GCC unroll 8
    for (int i = 0; i < 5; i++) /* below 4p */
      x3.l[i] = _mm512_sub_epi64(_mm512_add_epi64(t.l[i], M.m2[i]),
                                 _mm512_add_epi64(xa.l[i], xb.l[i]));
    m52_norm(&x3, &M);
    m52_csub(&x3, &x3, M.m2, &M);
    m52_canon(&x3, &x3, &M);
    m52_sub_lazy(&t, &xa, &x3, M.m, &M); /* below 2p */
    m52_mul(&t, &t, &lam, &M);
#pragma GCC unroll 8
    for (int i = 0; i < 5; i++) /* + p - ya', below 3p */
      y3.l[i] = _mm512_sub_epi64(
          _mm512_add_epi64(t.l[i],
                           _mm512_maskz_mov_epi64((__mmask8)~na, M.m[i])),
          ya.l[i]);
    m52_norm(&y3, &M);
    m52_csub(&y3, &y3, M.m2, &M);
    m52_canon(&y3, &y3, &M);
    __m512i rows[8];
    m52_to_words(rows, &x3);
    m52_to_words(rows + 4, &y3);
    m52_transpose8(rows);
    __mmask8 st = lanes_valid(g, n) & (__mmask8)~skip[g];
#pragma GCC unroll 8
    for (size_t l = 0; l < 8; l++)
      if ((st >> l) & 1)
        _mm512_storeu_si512(&dst[io[8 * g + l]], rows[l]);
  }
  return nsp;
}

/* --- G2: Fp2 = Fp[u] / (u^2 + 1) on pairs of m52 */

/* Karatsuba, a and b below 2p: r0 = a0 b0 - a1 b1 + 2p below 4p, r1 =
 * (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 + 4p below 6p, both unreduced. */
M52_INLINE void m52x2_mul_raw(m52 r[2], const m52 a[2], const m52 b[2],
                              const struct m52_mod *M) {
  m52 t0, t1, s, u;
  m52_mul(&t0, &a[0], &b[0], M);
  m52_mul(&t1, &a[1], &b[1], M);
  m52_add_lazy(&s, &a[0], &a[1], M);
  m52_add_lazy(&u, &b[0], &b[1], M);
  m52_mul(&s, &s, &u, M);
  m52_sub_lazy(&r[0], &t0, &t1, M->m2, M);
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    r[1].l[i] = _mm512_sub_epi64(_mm512_add_epi64(s.l[i], M->m4[i]),
                                 _mm512_add_epi64(t0.l[i], t1.l[i]));
  m52_norm(&r[1], M);
}

/* Below 2p from below 4p (k = 1) or 8p (k = 2). */
M52_INLINE void m52_below2(m52 *r, const m52 *a, int k,
                           const struct m52_mod *M) {
  if (k == 2)
    m52_csub(r, a, M->m4, M);
  else
    *r = *a;
  m52_csub(r, r, M->m2, M);
}

M52_TARGET size_t cwaku__g2_batch_add_ifma(cwaku__g2_xy *dst,
                                           const cwaku__g2_xy *src,
                                           const uint32_t *ia,
                                           const uint32_t *ib,
                                           const uint32_t *io, size_t n,
                                           void *scratch, uint32_t *special) {
  if (n == 0)
    return 0;
  struct m52_mod M;
  m52_mod_load(&M, &FP52);
  size_t ng = (n + 7) / 8, nsp = 0;
  m52 *pre = scratch, *nrm = pre + ng, acc[2], one, zero;
  uint8_t *skip = (uint8_t *)(nrm + ng);
  m52_set_small(&one, 1);
  m52_set_small(&zero, 0);
  acc[0] = acc[1] = one;
  for (size_t g = 0; g < ng; g++) {
    __m512i wa[8], wb[8];
    const uint8_t *pa[8], *pb[8];
    prefetch_group(src, sizeof *src, ia, ib, g, n);
    lane_ptrs(pa, src, sizeof *src, ia, g, n);
    lane_ptrs(pb, src, sizeof *src, ib, g, n);
    load_words(wa, pa, 0);
    load_words(wa + 4, pa, 32);
    load_words(wb, pb, 0);
    load_words(wb + 4, pb, 32);
    __mmask8 valid = lanes_valid(g, n);
    __mmask8 sp =
        (words_equal(wa, wb, 8) | words_zero(wa, 8) | words_zero(wb, 8)) &
        valid;
    m52 xa[2], xb[2], d[2], t;
#pragma GCC unroll 2
    for (int k = 0; k < 2; k++) {
      m52_from_words(&xa[k], wa + 4 * k, &M);
      m52_from_words(&xb[k], wb + 4 * k, &M);
      m52_sub_lazy(&d[k], &xb[k], &xa[k], M.m, &M);
    }
    /* the norm d0^2 + d1^2 */
    m52_mul(&t, &d[0], &d[0], &M);
    m52_mul(&d[1], &d[1], &d[1], &M);
    m52_add_lazy(&t, &t, &d[1], &M);
    __mmask8 out = sp | (__mmask8)~valid;
#pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
      t.l[i] = _mm512_mask_blend_epi64(out, t.l[i], one.l[i]);
    nrm[g] = t;
    pre[g] = acc[g & 1];
    m52_mul(&acc[g & 1], &acc[g & 1], &t, &M);
    skip[g] = sp;
    for (unsigned l = 0; sp; l++, sp >>= 1)
      if (sp & 1)
        special[nsp++] = (uint32_t)(8 * g + l);
  }
  invert_lanes(acc, &M);
  for (size_t g = ng; g-- > 0;) {
    m52 ninv, xa[2], ya[2], xb[2], yb[2], d[2], lam[2], t[2], u[2], x3[2],
        y3[2];
    m52 *c = &acc[g & 1];
    m52_mul(&ninv, c, &pre[g], &M);
    m52_mul(c, c, &nrm[g], &M);
    __mmask8 na = lanes_neg(ia, g, n), nb = lanes_neg(ib, g, n);
    const uint8_t *pa[8], *pb[8];
    lane_ptrs(pa, src, sizeof *src, ia, g, n);
    lane_ptrs(pb, src, sizeof *src, ib, g, n);
#pragma GCC unroll 2
    for (int k = 0; k < 2; k++) {
      load_m52(&xa[k], pa, 32 * (size_t)k, &M);
      load_m52(&xb[k], pb, 32 * (size_t)k, &M);
      load_m52(&ya[k], pa, 64 + 32 * (size_t)k, &M);
      load_m52(&yb[k], pb, 64 + 32 * (size_t)k, &M);
      m52_cneg_lazy(&ya[k], &ya[k], na, &M); /* at most p */
      m52_cneg_lazy(&yb[k], &yb[k], nb, &M);
      m52_sub_lazy(&d[k], &xb[k], &xa[k], M.m, &M); /* below 2p */
      m52_sub_lazy(&t[k], &yb[k], &ya[k], M.m, &M); /* below 2p */
    }
    /* 1/d = conj(d) / norm(d), below 2p */
    m52_mul(&d[0], &d[0], &ninv, &M);
    m52_mul(&d[1], &d[1], &ninv, &M);
    m52_sub_lazy(&d[1], &zero, &d[1], M.m2, &M);
    /* lambda = (yb - ya) / (xb - xa), below 2p */
    m52x2_mul_raw(lam, t, d, &M);
    m52_below2(&lam[0], &lam[0], 1, &M);
    m52_below2(&lam[1], &lam[1], 2, &M);
    /* lambda^2 = (l0 + l1)(l0 - l1) + 2 l0 l1 u: below 2p and 4p */
    m52_add_lazy(&t[0], &lam[0], &lam[1], &M);
    m52_sub_lazy(&t[1], &lam[0], &lam[1], M.m2, &M);
    m52_mul(&u[0], &t[0], &t[1], &M);
    m52_mul(&u[1], &lam[0], &lam[1], &M);
    m52_add_lazy(&u[1], &u[1], &u[1], &M);
    /* x3 = lambda^2 - xa - xb (below 4p and 6p, then below p) */
#pragma GCC unroll 2
    for (int k = 0; k < 2; k++) {
#pragma GCC unroll 8
      for (int i = 0; i < 5; i++)
        x3[k].l[i] = _mm512_sub_epi64(_mm512_add_epi64(u[k].l[i], M.m2[i]),
                                      _mm512_add_epi64(xa[k].l[i], xb[k].l[i]));
      m52_norm(&x3[k], &M);
      m52_below2(&x3[k], &x3[k], k + 1, &M);
      m52_canon(&x3[k], &x3[k], &M);
      m52_sub_lazy(&t[k], &xa[k], &x3[k], M.m, &M); /* below 2p */
    }
    /* y3 = lambda (xa - x3) - ya: below 5p and 7p, then below p */
    m52x2_mul_raw(y3, lam, t, &M);
#pragma GCC unroll 2
    for (int k = 0; k < 2; k++) {
      m52_sub_lazy(&y3[k], &y3[k], &ya[k], M.m, &M);
      m52_below2(&y3[k], &y3[k], 2, &M);
      m52_canon(&y3[k], &y3[k], &M);
    }
    __m512i rx[8], ry[8];
#pragma GCC unroll 2
    for (int k = 0; k < 2; k++) {
      m52_to_words(rx + 4 * k, &x3[k]);
      m52_to_words(ry + 4 * k, &y3[k]);
    }
    m52_transpose8(rx);
    m52_transpose8(ry);
    __mmask8 st = lanes_valid(g, n) & (__mmask8)~skip[g];
#pragma GCC unroll 8
    for (size_t l = 0; l < 8; l++)
      if ((st >> l) & 1) {
        uint8_t *o = (uint8_t *)&dst[io[8 * g + l]];
        _mm512_storeu_si512(o, rx[l]);
        _mm512_storeu_si512(o + 64, ry[l]);
      }
  }
  return nsp;
}

#else /* no IFMA kernels */

int cwaku__msm_ifma_enable(int on) {
  (void)on;
  return 0;
}

int cwaku__msm_ifma_active(void) {
  return 0;
}

size_t cwaku__msm_ifma_scratch_bytes(size_t n) {
  (void)n;
  return 0;
}

size_t cwaku__g1_batch_add_ifma(cwaku__g1_xy *dst, const cwaku__g1_xy *src,
                                const uint32_t *ia, const uint32_t *ib,
                                const uint32_t *io, size_t n, void *scratch,
                                uint32_t *special) {
  abort(); /* never called: cwaku__msm_ifma_active() is 0 */
}

size_t cwaku__g2_batch_add_ifma(cwaku__g2_xy *dst, const cwaku__g2_xy *src,
                                const uint32_t *ia, const uint32_t *ib,
                                const uint32_t *io, size_t n, void *scratch,
                                uint32_t *special) {
  abort();
}

#endif
