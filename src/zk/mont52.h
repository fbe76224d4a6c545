/* Montgomery arithmetic on eight field elements at once, with AVX-512 IFMA
 * (vpmadd52luq / vpmadd52huq: the low and high 52 bits of 52 x 52-bit
 * products added to 64-bit lanes), for the hot loops of the MSM
 * (msm_ifma.c). Private to src/zk; only for functions compiled with
 * M52_TARGET and run after a CPU check (msm_ifma.c).
 *
 * An m52 holds one element per 64-bit lane as five limbs of 52 bits
 * (radix 2^52, 260 bits), in Montgomery form with R' = 2^260: the element
 * x is held as x R' mod m. (The scalar code's form is x 2^256 mod m; x
 * 2^260 = 16 (x 2^256), so the two convert by a factor of 16.)
 *
 * Bounds: every operation takes and returns values below 2m with limbs
 * below 2^52 ("normalised"); only m52_canon returns values below m.
 * m52_mul also takes anything below 8m: (a b + q m) / 2^260 < 64 m^2 /
 * 2^260 + m < 2m for m < 2^254. Variable time is not an issue here: the
 * lanes take the same steps whatever their values. */
#ifndef CWAKU_ZK_MONT52_H
#define CWAKU_ZK_MONT52_H

#include <immintrin.h>
#include <stdint.h>

#define M52_TARGET                                                             \
  __attribute__((target("avx512f,avx512ifma,avx512dq,avx512bw,avx512vl")))
#define M52_INLINE static inline __attribute__((always_inline)) M52_TARGET

typedef struct {
  __m512i l[5];
} m52;

/* A modulus m < 2^254 as 52-bit limbs: m, 2m and -1/m mod 2^52. */
struct m52_consts {
  uint64_t m[5], m2[5], n0;
};

struct m52_mod {
  __m512i m[5], m2[5], m4[5], n0, mask; /* m4: 4m, limbs up to 2^53 */
};

M52_INLINE void m52_mod_load(struct m52_mod *M, const struct m52_consts *c) {
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++) {
    M->m[i] = _mm512_set1_epi64((long long)c->m[i]);
    M->m2[i] = _mm512_set1_epi64((long long)c->m2[i]);
    M->m4[i] = _mm512_set1_epi64((long long)(2 * c->m2[i]));
  }
  M->n0 = _mm512_set1_epi64((long long)c->n0);
  M->mask = _mm512_set1_epi64((long long)((1ULL << 52) - 1));
}

/* r = a b / 2^260 mod m (below 2m). Operand scanning: per limb b_i,
 * t += a b_i, q = t_0 n0 mod 2^52, t += q m, and t shifts down one limb
 * (t_0 is then 0 mod 2^52; its upper bits carry into t_1). The 64-bit
 * lanes hold a few unnormalised sums of 52-bit halves without overflow. */
M52_INLINE void m52_mul(m52 *r, const m52 *a, const m52 *b,
                        const struct m52_mod *M) {
  const __m512i z = _mm512_setzero_si512();
  __m512i t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5;
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++) {
    const __m512i bi = b->l[i];
    t5 = z;
    t0 = _mm512_madd52lo_epu64(t0, a->l[0], bi);
    t1 = _mm512_madd52hi_epu64(t1, a->l[0], bi);
    t1 = _mm512_madd52lo_epu64(t1, a->l[1], bi);
    t2 = _mm512_madd52hi_epu64(t2, a->l[1], bi);
    t2 = _mm512_madd52lo_epu64(t2, a->l[2], bi);
    t3 = _mm512_madd52hi_epu64(t3, a->l[2], bi);
    t3 = _mm512_madd52lo_epu64(t3, a->l[3], bi);
    t4 = _mm512_madd52hi_epu64(t4, a->l[3], bi);
    t4 = _mm512_madd52lo_epu64(t4, a->l[4], bi);
    t5 = _mm512_madd52hi_epu64(t5, a->l[4], bi);
    const __m512i q = _mm512_madd52lo_epu64(z, t0, M->n0);
    t0 = _mm512_madd52lo_epu64(t0, q, M->m[0]);
    t1 = _mm512_madd52hi_epu64(t1, q, M->m[0]);
    t1 = _mm512_madd52lo_epu64(t1, q, M->m[1]);
    t2 = _mm512_madd52hi_epu64(t2, q, M->m[1]);
    t2 = _mm512_madd52lo_epu64(t2, q, M->m[2]);
    t3 = _mm512_madd52hi_epu64(t3, q, M->m[2]);
    t3 = _mm512_madd52lo_epu64(t3, q, M->m[3]);
    t4 = _mm512_madd52hi_epu64(t4, q, M->m[3]);
    t4 = _mm512_madd52lo_epu64(t4, q, M->m[4]);
    t5 = _mm512_madd52hi_epu64(t5, q, M->m[4]);
    t0 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
    t1 = t2;
    t2 = t3;
    t3 = t4;
    t4 = t5;
  }
  t1 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
  r->l[0] = _mm512_and_si512(t0, M->mask);
  t2 = _mm512_add_epi64(t2, _mm512_srli_epi64(t1, 52));
  r->l[1] = _mm512_and_si512(t1, M->mask);
  t3 = _mm512_add_epi64(t3, _mm512_srli_epi64(t2, 52));
  r->l[2] = _mm512_and_si512(t2, M->mask);
  t4 = _mm512_add_epi64(t4, _mm512_srli_epi64(t3, 52));
  r->l[3] = _mm512_and_si512(t3, M->mask);
  r->l[4] = t4;
}

/* Signed limbs to limbs below 2^52, the excess (and sign) left in the top
 * limb. */
M52_INLINE void m52_norm(m52 *a, const struct m52_mod *M) {
#pragma GCC unroll 8
  for (int i = 0; i < 4; i++) {
    a->l[i + 1] = _mm512_add_epi64(a->l[i + 1], _mm512_srai_epi64(a->l[i], 52));
    a->l[i] = _mm512_and_si512(a->l[i], M->mask);
  }
}

/* r = s if s - k < 0 else s - k, lane by lane; s normalised. */
M52_INLINE void m52_csub(m52 *r, const m52 *s, const __m512i k[5],
                         const struct m52_mod *M) {
  m52 t;
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    t.l[i] = _mm512_sub_epi64(s->l[i], k[i]);
  m52_norm(&t, M);
  __mmask8 neg = _mm512_movepi64_mask(t.l[4]);
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm512_mask_blend_epi64(neg, t.l[i], s->l[i]);
}

M52_INLINE void m52_add(m52 *r, const m52 *a, const m52 *b,
                        const struct m52_mod *M) {
  m52 s;
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    s.l[i] = _mm512_add_epi64(a->l[i], b->l[i]);
  m52_norm(&s, M);
  m52_csub(r, &s, M->m2, M);
}

/* a - b, plus 2m where negative. */
M52_INLINE void m52_sub(m52 *r, const m52 *a, const m52 *b,
                        const struct m52_mod *M) {
  m52 d, e;
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    d.l[i] = _mm512_sub_epi64(a->l[i], b->l[i]);
  m52_norm(&d, M);
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    e.l[i] = _mm512_add_epi64(d.l[i], M->m2[i]);
  m52_norm(&e, M);
  __mmask8 neg = _mm512_movepi64_mask(d.l[4]);
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm512_mask_blend_epi64(neg, d.l[i], e.l[i]);
}

/* r = -a in the lanes of k, a elsewhere. */
M52_INLINE void m52_cneg(m52 *r, const m52 *a, __mmask8 k,
                         const struct m52_mod *M) {
  m52 z, n;
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    z.l[i] = _mm512_setzero_si512();
  m52_sub(&n, &z, a, M);
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm512_mask_blend_epi64(k, a->l[i], n.l[i]);
}

/* r = a - b + k (k = m or 2m, as limbs), normalised, with no reduction:
 * the caller knows the sum is positive and small enough. */
M52_INLINE void m52_sub_lazy(m52 *r, const m52 *a, const m52 *b,
                             const __m512i k[5], const struct m52_mod *M) {
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm512_sub_epi64(_mm512_add_epi64(a->l[i], k[i]), b->l[i]);
  m52_norm(r, M);
}

/* r = a + b, normalised, with no reduction. */
M52_INLINE void m52_add_lazy(m52 *r, const m52 *a, const m52 *b,
                             const struct m52_mod *M) {
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm512_add_epi64(a->l[i], b->l[i]);
  m52_norm(r, M);
}

/* r = m - a in the lanes of k, a elsewhere; a <= m: r <= m. */
M52_INLINE void m52_cneg_lazy(m52 *r, const m52 *a, __mmask8 k,
                              const struct m52_mod *M) {
  if (!k) {
    *r = *a;
    return;
  }
  m52 n;
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    n.l[i] = _mm512_sub_epi64(M->m[i], a->l[i]);
  m52_norm(&n, M);
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm512_mask_blend_epi64(k, a->l[i], n.l[i]);
}

/* Below m. */
M52_INLINE void m52_canon(m52 *r, const m52 *a, const struct m52_mod *M) {
  m52_csub(r, a, M->m, M);
}

/* From and to four 64-bit words per lane (little-endian), values below
 * 2^256. */
M52_INLINE void m52_from_words(m52 *r, const __m512i w[4],
                               const struct m52_mod *M) {
  r->l[0] = _mm512_and_si512(w[0], M->mask);
  r->l[1] = _mm512_and_si512(
      _mm512_or_si512(_mm512_srli_epi64(w[0], 52), _mm512_slli_epi64(w[1], 12)),
      M->mask);
  r->l[2] = _mm512_and_si512(
      _mm512_or_si512(_mm512_srli_epi64(w[1], 40), _mm512_slli_epi64(w[2], 24)),
      M->mask);
  r->l[3] = _mm512_and_si512(
      _mm512_or_si512(_mm512_srli_epi64(w[2], 28), _mm512_slli_epi64(w[3], 36)),
      M->mask);
  r->l[4] = _mm512_srli_epi64(w[3], 16);
}

M52_INLINE void m52_to_words(__m512i w[4], const m52 *a) {
  w[0] = _mm512_or_si512(a->l[0], _mm512_slli_epi64(a->l[1], 52));
  w[1] = _mm512_or_si512(_mm512_srli_epi64(a->l[1], 12),
                         _mm512_slli_epi64(a->l[2], 40));
  w[2] = _mm512_or_si512(_mm512_srli_epi64(a->l[2], 24),
                         _mm512_slli_epi64(a->l[3], 28));
  w[3] = _mm512_or_si512(_mm512_srli_epi64(a->l[3], 36),
                         _mm512_slli_epi64(a->l[4], 16));
}

/* From four 64-bit words in each half of r[0..3] (r[k]: lane k low, lane
 * k + 4 high) to w[j] = word j of lanes 0..7: 4x4 transposes within the
 * halves, then the halves' 128-bit pieces interleaved. */
M52_INLINE void m52_transpose4x2(__m512i w[4], const __m512i r[4]) {
  const __m512i lo2 = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
  const __m512i hi2 = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
  __m512i t0 = _mm512_unpacklo_epi64(r[0], r[1]);
  __m512i t1 = _mm512_unpackhi_epi64(r[0], r[1]);
  __m512i t2 = _mm512_unpacklo_epi64(r[2], r[3]);
  __m512i t3 = _mm512_unpackhi_epi64(r[2], r[3]);
  w[0] = _mm512_permutex2var_epi64(t0, lo2, t2);
  w[1] = _mm512_permutex2var_epi64(t1, lo2, t3);
  w[2] = _mm512_permutex2var_epi64(t0, hi2, t2);
  w[3] = _mm512_permutex2var_epi64(t1, hi2, t3);
}

/* In place: r[i] holds eight 64-bit words; afterwards r[j] holds word j
 * of every former r[i] (lane i). Unpacks, then 128-bit and 256-bit lane
 * exchanges. */
M52_INLINE void m52_transpose8(__m512i r[8]) {
  __m512i t[8], u[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm512_unpacklo_epi64(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_epi64(r[i], r[i + 1]);
  }
  const __m512i lo2 = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
  const __m512i hi2 = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
#pragma GCC unroll 8
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm512_permutex2var_epi64(t[i], lo2, t[i + 2]);
    u[i + 1] = _mm512_permutex2var_epi64(t[i + 1], lo2, t[i + 3]);
    u[i + 2] = _mm512_permutex2var_epi64(t[i], hi2, t[i + 2]);
    u[i + 3] = _mm512_permutex2var_epi64(t[i + 1], hi2, t[i + 3]);
  }
  const __m512i lo4 = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0);
  const __m512i hi4 = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
#pragma GCC unroll 8
  for (int i = 0; i < 4; i++) {
    r[i] = _mm512_permutex2var_epi64(u[i], lo4, u[i + 4]);
    r[i + 4] = _mm512_permutex2var_epi64(u[i], hi4, u[i + 4]);
  }
}

#endif
