/* The prover's quotient evaluations (ntt.h) on eight lanes: a, b and c =
 * a b held lane-wise (element i in vector i / 8, lane i % 8) in the IFMA
 * form x 2^260 mod r (mont52.h), each taken to the coset by an inverse
 * transform by decimation in frequency (natural order in, bit-reversed
 * out), one multiplication by n^-1 shift^i (in bit-reversed order) and a
 * transform by decimation in time (bit-reversed in, natural out), so that
 * no permutation is ever made. The stages with butterflies 8 or more
 * apart work on whole vectors; the last three (first three) pair the lanes
 * of one vector by permutations. */
#include "zk/ntt_ifma.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cwaku/error.h"
#include "zk/msm_ifma.h"

#if defined(__x86_64__) && !defined(CWAKU_ZK_PORTABLE)
#include "zk/mont52.h"

/* r in radix 2^52, 2r, -1/r mod 2^52 */
static const struct m52_consts FR52 = {
    .m = {0x1f593f0000001ULL, 0x4879b9709143eULL, 0x181585d2833e8ULL,
          0xa029b85045b68ULL, 0x030644e72e131ULL},
    .m2 = {0x3eb27e0000002ULL, 0x90f372e12287cULL, 0x302b0ba5067d0ULL,
           0x405370a08b6d0ULL, 0x060c89ce5c263ULL},
    .n0 = 0x1f593efffffffULL,
};

/* 2^264 mod r: the IFMA product by it turns x 2^256 into x 2^260 */
static const uint64_t FR52_TO[5] = {0x31f8c9ffffab6ULL, 0xac31329faef6eULL,
                                    0x9e2a3495d7570ULL, 0xe357276f48b70ULL,
                                    0x00d791464ef86ULL};

struct ntt_tables {
  size_t n;
  m52 *fwd, *inv; /* stage h >= 8: h / 8 vectors from offset h / 8 - 1 */
  m52 fsmall[3], ismall[3]; /* stages h = 1, 2, 4 */
  m52 *coset;               /* n^-1 shift^bitrev(i) */
};

M52_INLINE void m52_const(m52 *r, const uint64_t c[5]) {
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm512_set1_epi64((long long)c[i]);
}

/* Eight elements as they are (their scalar form x 2^256) into a vector. */
M52_INLINE void load8(m52 *r, const cwaku_fr *v, const struct m52_mod *M) {
  __m512i rows[8];
#pragma GCC unroll 8
  for (int l = 0; l < 8; l++)
    rows[l] = _mm512_zextsi256_si512(_mm256_loadu_si256((const void *)&v[l]));
  m52_transpose8(rows);
  m52_from_words(r, rows, M);
}

/* Eight scalar-form elements into one vector of the IFMA form. */
M52_TARGET static void pack8(m52 *r, const cwaku_fr *v,
                             const struct m52_mod *M) {
  m52 to;
  m52_const(&to, FR52_TO);
  load8(r, v, M);
  m52_mul(r, r, &to, M);
}

static size_t bitrev(size_t i, size_t n) {
  size_t j = 0;
  for (size_t b = 1; b < n; b <<= 1) {
    j = (j << 1) | (i & 1);
    i >>= 1;
  }
  return j;
}

void cwaku__ntt_ifma_free(void *t) {
  struct ntt_tables *T = t;
  if (!T)
    return;
  free(T->fwd);
  free(T->inv);
  free(T->coset);
  free(T);
}

M52_TARGET void *cwaku__ntt_ifma_new(const struct cwaku__fr_domain *d) {
  size_t n = d->n;
  if (!cwaku__msm_ifma_active() || n < 64)
    return NULL;
  struct m52_mod M;
  m52_mod_load(&M, &FR52);
  struct ntt_tables *T = aligned_alloc(64, sizeof *T);
  cwaku_fr *tmp = malloc(n * sizeof *tmp);
  if (!T || !tmp) {
    free(T);
    free(tmp);
    return NULL;
  }
  memset(T, 0, sizeof *T);
  T->n = n;
  T->fwd = aligned_alloc(64, n / 8 * sizeof(m52));
  T->inv = aligned_alloc(64, n / 8 * sizeof(m52));
  T->coset = aligned_alloc(64, n / 8 * sizeof(m52));
  if (!T->fwd || !T->inv || !T->coset) {
    free(tmp);
    cwaku__ntt_ifma_free(T);
    return NULL;
  }
  /* stage h pairs j < h use w^(j n / 2h) = tw[j n / 2h] */
  for (int dir = 0; dir < 2; dir++) {
    const cwaku_fr *tw = dir ? d->tw_inv : d->tw;
    m52 *out = dir ? T->inv : T->fwd;
    for (size_t h = 8; h <= n / 2; h <<= 1) {
      for (size_t j = 0; j < h; j++)
        tmp[j] = tw[j * (n / (2 * h))];
      for (size_t v = 0; v < h / 8; v++)
        pack8(&out[h / 8 - 1 + v], tmp + 8 * v, &M);
    }
    for (int s = 0; s < 3; s++) {
      size_t h = (size_t)1 << s;
      for (size_t l = 0; l < 8; l++) {
        tmp[l] = tw[(l & (h - 1)) * (n / (2 * h))];
        /* the decimation in time subtracts in the upper lanes */
        if (!dir && (l & h))
          cwaku__fr_neg(&tmp[l], &tmp[l]);
      }
      pack8(dir ? &T->ismall[s] : &T->fsmall[s], tmp, &M);
    }
  }
  cwaku_fr g;
  g = d->n_inv;
  for (size_t i = 0; i < n; i++) {
    tmp[bitrev(i, n)] = g;
    cwaku__fr_mul(&g, &g, &d->shift);
  }
  for (size_t v = 0; v < n / 8; v++)
    pack8(&T->coset[v], tmp + 8 * v, &M);
  free(tmp);
  return T;
}

/* Lanes l and l ^ h paired: a = the lane without h, b = the one with. */
M52_INLINE void lanes_pair(m52 *a, m52 *b, const m52 *x, size_t h) {
  const __m512i id = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i hh = _mm512_set1_epi64((long long)h);
  const __m512i ia = _mm512_andnot_si512(hh, id), ib = _mm512_or_si512(hh, id);
#pragma GCC unroll 8
  for (int i = 0; i < 5; i++) {
    a->l[i] = _mm512_permutexvar_epi64(ia, x->l[i]);
    b->l[i] = _mm512_permutexvar_epi64(ib, x->l[i]);
  }
}

/* Gentleman-Sande: (a, b) -> (a + b, (a - b) w), h = n/2 down to 1. */
M52_TARGET static void dif(m52 *v, const struct ntt_tables *T,
                           const struct m52_mod *M) {
  size_t nv = T->n / 8;
  for (size_t hv = nv / 2; hv >= 1; hv >>= 1) {
    const m52 *w = T->inv + hv - 1;
    for (size_t blk = 0; blk < nv; blk += 2 * hv)
      for (size_t j = 0; j < hv; j++) {
        m52 *a = &v[blk + j], *b = &v[blk + j + hv], s, t;
        m52_add(&s, a, b, M);
        m52_sub(&t, a, b, M);
        m52_mul(b, &t, &w[j], M);
        *a = s;
      }
  }
  for (int s = 2; s >= 0; s--) {
    size_t h = (size_t)1 << s;
    __mmask8 upper = (__mmask8)(h == 1 ? 0xaa : h == 2 ? 0xcc : 0xf0);
    for (size_t k = 0; k < nv; k++) {
      m52 a, b, p, q;
      lanes_pair(&a, &b, &v[k], h);
      m52_add(&p, &a, &b, M);
      m52_sub(&q, &a, &b, M);
      if (s) /* w^0 = 1 in the stage of pairs 1 apart */
        m52_mul(&q, &q, &T->ismall[s], M);
#pragma GCC unroll 8
      for (int i = 0; i < 5; i++)
        v[k].l[i] = _mm512_mask_blend_epi64(upper, p.l[i], q.l[i]);
    }
  }
}

/* Cooley-Tukey: (a, b) -> (a + b w, a - b w), h = 1 up to n/2. */
M52_TARGET static void dit(m52 *v, const struct ntt_tables *T,
                           const struct m52_mod *M) {
  size_t nv = T->n / 8;
  for (int s = 0; s < 3; s++) {
    size_t h = (size_t)1 << s;
    for (size_t k = 0; k < nv; k++) {
      m52 a, b;
      lanes_pair(&a, &b, &v[k], h);
      if (s == 0) { /* twiddles 1 and -1 */
        m52 p, q;
        m52_add(&p, &a, &b, M);
        m52_sub(&q, &a, &b, M);
#pragma GCC unroll 8
        for (int i = 0; i < 5; i++)
          v[k].l[i] = _mm512_mask_blend_epi64(0xaa, p.l[i], q.l[i]);
        continue;
      }
      m52_mul(&b, &b, &T->fsmall[s], M);
      m52_add(&v[k], &a, &b, M);
    }
  }
  for (size_t hv = 1; hv <= nv / 2; hv <<= 1) {
    const m52 *w = T->fwd + hv - 1;
    for (size_t blk = 0; blk < nv; blk += 2 * hv)
      for (size_t j = 0; j < hv; j++) {
        m52 *a = &v[blk + j], *b = &v[blk + j + hv], t;
        m52_mul(&t, b, &w[j], M);
        m52_sub(b, a, &t, M);
        m52_add(a, a, &t, M);
      }
  }
}

M52_TARGET int cwaku__ntt_ifma_quotient(const void *t, uint64_t (*h)[4],
                                        const cwaku_fr *a, const cwaku_fr *b) {
  const struct ntt_tables *T = t;
  struct m52_mod M;
  m52_mod_load(&M, &FR52);
  size_t nv = T->n / 8;
  m52 *v = aligned_alloc(64, 3 * nv * sizeof *v);
  if (!v)
    return CWAKU_ENOMEM;
  m52 *va = v, *vb = v + nv, *vc = v + 2 * nv;
  for (size_t k = 0; k < nv; k++) {
    pack8(&va[k], a + 8 * k, &M);
    pack8(&vb[k], b + 8 * k, &M);
    m52_mul(&vc[k], &va[k], &vb[k], &M);
  }
  for (int x = 0; x < 3; x++) {
    m52 *u = v + (size_t)x * nv;
    dif(u, T, &M);
    for (size_t k = 0; k < nv; k++)
      m52_mul(&u[k], &u[k], &T->coset[k], &M);
    dit(u, T, &M);
  }
  /* h = a b - c, out of the Montgomery form (a product by the integer 1)
   * and below r */
  m52 one;
  one.l[0] = _mm512_set1_epi64(1);
#pragma GCC unroll 8
  for (int i = 1; i < 5; i++)
    one.l[i] = _mm512_setzero_si512();
  for (size_t k = 0; k < nv; k++) {
    m52 s;
    __m512i rows[8];
    m52_mul(&s, &va[k], &vb[k], &M);
    m52_sub(&s, &s, &vc[k], &M);
    m52_mul(&s, &s, &one, &M);
    m52_canon(&s, &s, &M);
    m52_to_words(rows, &s);
#pragma GCC unroll 8
    for (int i = 4; i < 8; i++)
      rows[i] = _mm512_setzero_si512();
    m52_transpose8(rows);
#pragma GCC unroll 8
    for (int l = 0; l < 8; l++)
      _mm256_storeu_si256((void *)h[8 * k + (size_t)l],
                          _mm512_castsi512_si256(rows[l]));
  }
  sodium_memzero(v, 3 * nv * sizeof *v);
  free(v);
  return 0;
}

/* Eight elements to their scalar form, below r, at out[0..7]. */
M52_INLINE void store8(cwaku_fr *out, const m52 *v, const struct m52_mod *M) {
  m52 s;
  __m512i rows[8];
  m52_canon(&s, v, M);
  m52_to_words(rows, &s);
#pragma GCC unroll 8
  for (int i = 4; i < 8; i++)
    rows[i] = _mm512_setzero_si512();
  m52_transpose8(rows);
#pragma GCC unroll 8
  for (int l = 0; l < 8; l++)
    _mm256_storeu_si256((void *)&out[l], _mm512_castsi512_si256(rows[l]));
}

M52_TARGET void cwaku__ntt_ifma_mul_gather(cwaku_fr *out, const void *a,
                                           const void *idx, size_t stride,
                                           const cwaku_fr *b, size_t n) {
  struct m52_mod M;
  m52_mod_load(&M, &FR52);
  const uint8_t *pa = a, *pi = idx;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    cwaku_fr ta[8], tb[8];
#pragma GCC unroll 8
    for (size_t l = 0; l < 8; l++) {
      memcpy(&ta[l], pa + (i + l) * stride, sizeof ta[l]);
      uint32_t j;
      memcpy(&j, pi + (i + l) * stride, sizeof j);
      tb[l] = b[j];
    }
    /* (a 2^256)(b 2^260) / 2^260: the scalar form of ab */
    m52 va, vb;
    load8(&va, ta, &M);
    pack8(&vb, tb, &M);
    m52_mul(&va, &va, &vb, &M);
    store8(out + i, &va, &M);
  }
  for (; i < n; i++) {
    cwaku_fr t;
    uint32_t j;
    memcpy(&t, pa + i * stride, sizeof t);
    memcpy(&j, pi + i * stride, sizeof j);
    cwaku__fr_mul(&out[i], &t, &b[j]);
  }
}

#else

void cwaku__ntt_ifma_mul_gather(cwaku_fr *out, const void *a, const void *idx,
                                size_t stride, const cwaku_fr *b, size_t n) {
  abort();
}

void *cwaku__ntt_ifma_new(const struct cwaku__fr_domain *d) {
  (void)d;
  return NULL;
}

void cwaku__ntt_ifma_free(void *t) {
  (void)t;
}

int cwaku__ntt_ifma_quotient(const void *t, uint64_t (*h)[4], const cwaku_fr *a,
                             const cwaku_fr *b) {
  abort(); /* never called: no tables */
}

#endif
