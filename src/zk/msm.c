/* Multi-scalar multiplication (msm.h): the scalar splitting by the
 * endomorphisms, the prepared bases, and msm_template.h instantiated for
 * G1 over Fp and G2 over Fp2. */
#include "zk/msm.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zk/msm_ifma.h"
#include "zk/tower_inline.h"

/* --- Fp2 products inline (tower.h keeps them out of line) */

static inline void msm_fp2_mul(cwaku_fp2 *r, const cwaku_fp2 *a,
                               const cwaku_fp2 *b) {
  cwaku_fp t0, t1, s, u;
  fp_mul(&t0, &a->c0, &b->c0);
  fp_mul(&t1, &a->c1, &b->c1);
  fp_add(&s, &a->c0, &a->c1);
  fp_add(&u, &b->c0, &b->c1);
  fp_mul(&s, &s, &u);
  fp_sub(&r->c0, &t0, &t1);
  fp_sub(&s, &s, &t0);
  fp_sub(&r->c1, &s, &t1);
}

/* (c0 + c1)(c0 - c1) + 2 c0 c1 u */
static inline void msm_fp2_sqr(cwaku_fp2 *r, const cwaku_fp2 *a) {
  cwaku_fp s, d, m;
  fp_add(&s, &a->c0, &a->c1);
  fp_sub(&d, &a->c0, &a->c1);
  fp_mul(&m, &a->c0, &a->c1);
  fp_mul(&r->c0, &s, &d);
  fp_dbl(&r->c1, &m);
}

/* c0^2 + c1^2, the norm to Fp */
static inline void msm_fp2_norm(cwaku_fp *n, const cwaku_fp2 *a) {
  cwaku_fp t;
  fp_sqr(n, &a->c0);
  fp_sqr(&t, &a->c1);
  fp_add(n, n, &t);
}

/* 1/a = conj(a) / norm(a) */
static inline void msm_fp2_inv_norm(cwaku_fp2 *r, const cwaku_fp2 *a,
                                    const cwaku_fp *ninv) {
  fp_mul(&r->c0, &a->c0, ninv);
  fp_mul(&r->c1, &a->c1, ninv);
  fp_neg(&r->c1, &r->c1);
}

/* 16 and 1/16 in the scalar Montgomery form (2^4 2^256 and 2^252 mod
 * p): the factors between it and the IFMA form (msm_ifma.h). */
static const cwaku_fp MSM_FP_16 = {
    {0x45520880f6fce4b4ULL, 0x49890849baa989a8ULL, 0x85a9201d818f014aULL,
     0x1f16424e1bb7724fULL}};
static const cwaku_fp MSM_FP_INV16 = {{0, 0, 0, 0x1000000000000000ULL}};

#define MSM_FP_NORM(n, d) (*(n) = *(d))
#define MSM_FP_INV_NORM(r, d, ninv) (*(r) = *(ninv))

/* --- G1 */

#define FE cwaku_fp
#define XY cwaku__g1_xy
#define AFF cwaku_g1
#define JAC cwaku_g1_jac
#define G(name) cwaku__g1_##name
#define S(name) g1_##name
#define FE_ADD fp_add
#define FE_SUB fp_sub
#define FE_DBL fp_dbl
#define FE_NEG fp_neg
#define FE_MUL fp_mul
#define FE_SQR fp_sqr
#define FE_IS_ZERO fp_is_zero
#define FE_EQUAL fp_equal
#define FE_NORM MSM_FP_NORM
#define FE_INV_NORM MSM_FP_INV_NORM
#define FE_SCALE fp_mul
#define VEC_ADD cwaku__g1_batch_add_ifma
#include "zk/msm_template.h"
#undef FE
#undef XY
#undef AFF
#undef JAC
#undef G
#undef S
#undef FE_ADD
#undef FE_SUB
#undef FE_DBL
#undef FE_NEG
#undef FE_MUL
#undef FE_SQR
#undef FE_IS_ZERO
#undef FE_EQUAL
#undef FE_NORM
#undef FE_INV_NORM
#undef FE_SCALE
#undef VEC_ADD

/* --- G2 */

#define FE cwaku_fp2
#define XY cwaku__g2_xy
#define AFF cwaku_g2
#define JAC cwaku_g2_jac
#define G(name) cwaku__g2_##name
#define S(name) g2_##name
#define FE_ADD fp2_add
#define FE_SUB fp2_sub
#define FE_DBL fp2_dbl
#define FE_NEG fp2_neg
#define FE_MUL msm_fp2_mul
#define FE_SQR msm_fp2_sqr
#define FE_IS_ZERO fp2_is_zero
#define FE_EQUAL fp2_equal
#define FE_NORM msm_fp2_norm
#define FE_INV_NORM msm_fp2_inv_norm
#define FE_SCALE fp2_mul_fp
#define VEC_ADD cwaku__g2_batch_add_ifma
#include "zk/msm_template.h"

/* --- Splitting scalars
 *
 * For an eigenvalue e of an endomorphism (lambda on G1, p on G2) the
 * vectors (v_0, .., v_{d-1}) with sum v_i e^i = 0 mod r form a lattice of
 * determinant r; b_0 .. b_{d-1} is an LLL-reduced basis of it. Babai's
 * rounding writes (k, 0, .., 0) = sum alpha_j b_j + v with alpha_j =
 * round(k beta_j), beta = the first row of the basis' inverse, and v
 * short: |v_i| <= sum_j |b_ji| / 2, below 2^126 (G1) and 2^64 (G2). Here
 * alpha_j = round(k g_j / 2^320) with g_j = round(beta_j 2^320), and v is
 * computed mod 2^192, where it fits with its sign. */

#define SPLIT_SHIFT_LIMBS 5 /* 2^320 */

struct split_basis {
  int d, blimbs; /* dimension, limbs of the basis' entries */
  int glimbs[4]; /* limbs of g_j */
  uint64_t g[4][4];
  uint8_t gneg[4];
  uint64_t b[4][4][2];
  uint8_t bneg[4][4];
};

/* G1: e = lambda = 0xb3c4d79d41a917585bfc41088d8daaa78b17ea66b99c90dd,
 * the eigenvalue of phi(x, y) = (beta x, y), beta =
 * 0x59e26bcea0d48bacd4f263f1acdb5c4f5763473177fffffe (cube roots of unity
 * in Fr and Fp). The basis, in the curve parameter x:
 *   (-(6x^2 + 4x + 1), -(2x + 1)), (-(2x + 1), 6x^2 + 2x). */
static const struct split_basis SPLIT_G1 = {
    .d = 2,
    .blimbs = 2,
    .glimbs = {4, 3},
    .g = {{0xa5e38cfb5eaa26daULL, 0x7a7bd9d4391eb18dULL, 0x4ccef014a773d2cfULL,
           0x0000000000000002ULL},
          {0x6eb9c714773a6ef3ULL, 0xd91d232ec7e0b3d7ULL, 0x0000000000000002ULL,
           0}},
    .gneg = {1, 1},
    .b = {{{0x0be4e1541221250bULL, 0x6f4d8248eeb859fdULL},
           {0x89d3256894d213e3ULL, 0}},
          {{0x89d3256894d213e3ULL, 0},
           {0x8211bbeb7d4f1128ULL, 0x6f4d8248eeb859fcULL}}},
    .bneg = {{1, 1}, {1, 0}},
};

/* G2: e = p mod r = 6x^2, psi's eigenvalue; the basis of Galbraith and
 * Scott in x = 0x44e992b44a6909f1 (2x + 1 = 0x89d3256894d213e3):
 *   (2x+1, 0, 2x, 1), (2x, x+1, -x, x), (x+1, x, x, -2x),
 *   (2x+1, -x, -(x+1), -x). */
#define BN_X 0x44e992b44a6909f1ULL
static const struct split_basis SPLIT_G2 = {
    .d = 4,
    .blimbs = 1,
    .glimbs = {4, 4, 3, 4},
    .g = {{0x353ccca0e558c73cULL, 0x2dff291532e42728ULL, 0x55b4ca7ba3e5577fULL,
           0x9e80318ab0d92b95ULL},
          {0x7d1fff2e5ce18e26ULL, 0x46f4bda995d51bb1ULL, 0x08e5da66fc7184aeULL,
           0x9e80318ab0d92b93ULL},
          {0x6eb9c714773a6ef3ULL, 0xd91d232ec7e0b3d7ULL, 0x0000000000000002ULL,
           0},
          {0x23038c29bb8bb500ULL, 0xc170977dcef3cd3fULL, 0x55b4ca7ba3e5577dULL,
           0x9e80318ab0d92b95ULL}},
    .gneg = {0, 0, 0, 0},
    .b = {{{2 * BN_X + 1, 0}, {0, 0}, {2 * BN_X, 0}, {1, 0}},
          {{2 * BN_X, 0}, {BN_X + 1, 0}, {BN_X, 0}, {BN_X, 0}},
          {{BN_X + 1, 0}, {BN_X, 0}, {BN_X, 0}, {2 * BN_X, 0}},
          {{2 * BN_X + 1, 0}, {BN_X, 0}, {BN_X + 1, 0}, {BN_X, 0}}},
    .bneg = {{0, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, 1, 1, 1}},
};

static const uint64_t FR_R[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                 0xb85045b68181585dULL, 0x30644e72e131a029ULL};

/* r -= a * b mod 2^192 (neg = 0) or r += a * b (neg = 1), b of nb limbs */
static inline __attribute__((always_inline)) void
muladd_lo3(uint64_t r[3], const uint64_t a[3], const uint64_t *b, int nb,
           int neg) {
  uint64_t t[3] = {0, 0, 0}, c;
  c = 0;
  t[0] = mont256_mac(a[0], b[0], 0, 0, &c);
  t[1] = mont256_mac(a[1], b[0], 0, c, &c);
  t[2] = a[2] * b[0] + c;
  if (nb > 1) {
    t[1] = mont256_mac(a[0], b[1], t[1], 0, &c);
    t[2] += a[1] * b[1] + c;
  }
  c = 0;
  if (neg)
#pragma GCC unroll 4
    for (int l = 0; l < 3; l++)
      r[l] = mont256_adc(r[l], t[l], &c);
  else
#pragma GCC unroll 4
    for (int l = 0; l < 3; l++)
      r[l] = mont256_sbb(r[l], t[l], &c);
}

/* Inlined into each caller so that the basis' shape is constant. */
static inline __attribute__((always_inline)) void
split_with(uint64_t mag[4][2], uint8_t neg[4], const uint64_t k[4],
           const struct split_basis *sb) {
  uint64_t kr[4], t[4];
  memcpy(kr, k, sizeof kr);
  while (!mont256_sub_raw(t, kr, FR_R)) /* kr >= r */
    memcpy(kr, t, sizeof kr);
  uint64_t v[4][3];
  memset(v, 0, sizeof v);
  memcpy(v[0], kr, 3 * sizeof(uint64_t));
#pragma GCC unroll 4
  for (int j = 0; j < sb->d; j++) {
    /* k g_j, its limbs from 2^320 up, after + 2^319 to round */
    uint64_t prod[8] = {0}, c;
    const int ng = sb->glimbs[j];
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
      c = 0;
#pragma GCC unroll 4
      for (int l = 0; l < ng; l++)
        prod[i + l] = mont256_mac(kr[i], sb->g[j][l], prod[i + l], c, &c);
      prod[i + ng] = c;
    }
    c = 0;
    prod[4] = mont256_adc(prod[4], (uint64_t)1 << 63, &c);
#pragma GCC unroll 4
    for (int i = 5; i < 8; i++)
      prod[i] = mont256_adc(prod[i], 0, &c);
    const uint64_t *alpha = prod + SPLIT_SHIFT_LIMBS;
#pragma GCC unroll 4
    for (int i = 0; i < sb->d; i++)
      muladd_lo3(v[i], alpha, sb->b[j][i], sb->blimbs,
                 sb->gneg[j] ^ sb->bneg[j][i]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < sb->d; i++) {
    neg[i] = (uint8_t)(v[i][2] >> 63);
    if (neg[i]) {
      uint64_t z[3] = {0, 0, 0}, c = 0;
#pragma GCC unroll 4
      for (int l = 0; l < 3; l++)
        v[i][l] = mont256_sbb(z[l], v[i][l], &c);
    }
    mag[i][0] = v[i][0];
    mag[i][1] = v[i][1];
  }
}

void cwaku__g1_split(struct cwaku__g1_split *out, const uint64_t k[4]) {
  uint64_t mag[4][2];
  uint8_t neg[4];
  split_with(mag, neg, k, &SPLIT_G1);
  memcpy(out->mag, mag, sizeof out->mag);
  out->neg[0] = neg[0];
  out->neg[1] = neg[1];
}

void cwaku__g2_split(struct cwaku__g2_split *out, const uint64_t k[4]) {
  uint64_t mag[4][2];
  uint8_t neg[4];
  split_with(mag, neg, k, &SPLIT_G2);
  for (int i = 0; i < 4; i++) {
    out->mag[i] = mag[i][0];
    out->neg[i] = neg[i];
  }
}

/* --- Prepared bases */

/* beta in Montgomery form */
static const cwaku_fp G1_BETA = {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL,
                                  0xaa303344d4741444ULL,
                                  0x2c3b3f0d26594943ULL}};

/* Makes room for more points in both arrays; b->n unchanged. */
static int bases_grow(uint32_t **scalar, void **pts, size_t total, size_t d,
                      size_t pt_size) {
  if (total > MSM_REF_IDX / d)
    return CWAKU_ETOOBIG;
  uint32_t *s = realloc(*scalar, (total ? total : 1) * sizeof *s);
  if (!s)
    return CWAKU_ENOMEM;
  *scalar = s;
  void *p = realloc(*pts, (total ? total : 1) * d * pt_size);
  if (!p)
    return CWAKU_ENOMEM;
  *pts = p;
  return 0;
}

int cwaku__g1_bases_add(struct cwaku__g1_bases *b, const cwaku_g1 *points,
                        size_t n, uint32_t first) {
  size_t add = 0;
  for (size_t i = 0; i < n; i++)
    add += !points[i].infinity;
  if (b->n == 0)
    b->ifma = cwaku__msm_ifma_active();
  void *pts = b->pts;
  int r = bases_grow(&b->scalar, &pts, b->n + add, 2, sizeof *b->pts);
  b->pts = pts;
  if (r)
    return r;
  for (size_t i = 0; i < n; i++) {
    if (points[i].infinity)
      continue;
    cwaku__g1_xy *q = &b->pts[2 * b->n];
    q[0].x = points[i].x;
    q[0].y = points[i].y;
    fp_mul(&q[1].x, &points[i].x, &G1_BETA);
    q[1].y = points[i].y;
    if (b->ifma)
      for (int j = 0; j < 2; j++) {
        fp_mul(&q[j].x, &q[j].x, &MSM_FP_16);
        fp_mul(&q[j].y, &q[j].y, &MSM_FP_16);
      }
    b->scalar[b->n++] = first + (uint32_t)i;
  }
  return 0;
}

int cwaku__g2_bases_add(struct cwaku__g2_bases *b, const cwaku_g2 *points,
                        size_t n, uint32_t first) {
  size_t add = 0;
  for (size_t i = 0; i < n; i++)
    add += !points[i].infinity;
  if (b->n == 0)
    b->ifma = cwaku__msm_ifma_active();
  void *pts = b->pts;
  int r = bases_grow(&b->scalar, &pts, b->n + add, 4, sizeof *b->pts);
  b->pts = pts;
  if (r)
    return r;
  for (size_t i = 0; i < n; i++) {
    if (points[i].infinity)
      continue;
    cwaku_g2 t = points[i];
    for (int j = 0; j < 4; j++) {
      if (j)
        cwaku__g2_psi(&t, &t);
      cwaku__g2_xy *q = &b->pts[4 * b->n + (size_t)j];
      q->x = t.x;
      q->y = t.y;
      if (b->ifma) {
        fp2_mul_fp(&q->x, &q->x, &MSM_FP_16);
        fp2_mul_fp(&q->y, &q->y, &MSM_FP_16);
      }
    }
    b->scalar[b->n++] = first + (uint32_t)i;
  }
  return 0;
}

void cwaku__g1_bases_clear(struct cwaku__g1_bases *b) {
  free(b->scalar);
  free(b->pts);
  memset(b, 0, sizeof *b);
}

void cwaku__g2_bases_clear(struct cwaku__g2_bases *b) {
  free(b->scalar);
  free(b->pts);
  memset(b, 0, sizeof *b);
}

size_t cwaku__g1_bases_bytes(const struct cwaku__g1_bases *b) {
  return b->n * (sizeof *b->scalar + 2 * sizeof *b->pts);
}

size_t cwaku__g2_bases_bytes(const struct cwaku__g2_bases *b) {
  return b->n * (sizeof *b->scalar + 4 * sizeof *b->pts);
}

/* The terms with a non-zero part: point index, magnitude and sign. */
struct terms {
  size_t m;
  uint32_t *pidx;
  uint64_t (*mag)[2];
  uint8_t *neg;
};

static int terms_alloc(struct terms *t, size_t cap) {
  memset(t, 0, sizeof *t);
  if (cap == 0)
    cap = 1;
  t->pidx = malloc(cap * sizeof *t->pidx);
  t->mag = malloc(cap * sizeof *t->mag);
  t->neg = malloc(cap);
  return t->pidx && t->mag && t->neg ? 0 : CWAKU_ENOMEM;
}

/* The magnitudes and signs come from the scalars: wiped (m of them). */
static void terms_free(struct terms *t) {
  if (t->mag)
    sodium_memzero(t->mag, t->m * sizeof *t->mag);
  if (t->neg)
    sodium_memzero(t->neg, t->m);
  free(t->pidx);
  free(t->mag);
  free(t->neg);
}

static void terms_push(struct terms *t, size_t pidx, uint64_t lo, uint64_t hi,
                       uint8_t neg) {
  if ((lo | hi) == 0)
    return;
  t->pidx[t->m] = (uint32_t)pidx;
  t->mag[t->m][0] = lo;
  t->mag[t->m][1] = hi;
  t->neg[t->m] = neg;
  t->m++;
}

int cwaku__g1_bases_msm(cwaku_g1_jac *r, const struct cwaku__g1_bases *b,
                        const struct cwaku__g1_split *split) {
  struct terms t;
  int rc = terms_alloc(&t, 2 * b->n);
  if (rc == 0) {
    for (size_t i = 0; i < b->n; i++) {
      const struct cwaku__g1_split *s = &split[b->scalar[i]];
      for (size_t j = 0; j < 2; j++)
        terms_push(&t, 2 * i + j, s->mag[j][0], s->mag[j][1], s->neg[j]);
    }
    rc = g1_msm_core(r, b->pts, t.pidx, (const uint64_t(*)[2])t.mag, t.neg, t.m,
                     126, b->ifma);
  } else {
    cwaku__g1_jac_infinity(r);
  }
  terms_free(&t);
  return rc;
}

int cwaku__g2_bases_msm(cwaku_g2_jac *r, const struct cwaku__g2_bases *b,
                        const struct cwaku__g2_split *split) {
  struct terms t;
  int rc = terms_alloc(&t, 4 * b->n);
  if (rc == 0) {
    for (size_t i = 0; i < b->n; i++) {
      const struct cwaku__g2_split *s = &split[b->scalar[i]];
      for (size_t j = 0; j < 4; j++)
        terms_push(&t, 4 * i + j, s->mag[j], 0, s->neg[j]);
    }
    rc = g2_msm_core(r, b->pts, t.pidx, (const uint64_t(*)[2])t.mag, t.neg, t.m,
                     64, b->ifma);
  } else {
    cwaku__g2_jac_infinity(r);
  }
  terms_free(&t);
  return rc;
}

/* --- One-off MSMs: prepared bases and split scalars made on the spot */

int cwaku__g1_msm_pippenger(cwaku_g1_jac *r, const cwaku_g1 *points,
                            const uint64_t (*scalars)[4], size_t n) {
  struct cwaku__g1_bases b;
  memset(&b, 0, sizeof b);
  struct cwaku__g1_split *split = malloc((n ? n : 1) * sizeof *split);
  int rc = split ? cwaku__g1_bases_add(&b, points, n, 0) : CWAKU_ENOMEM;
  if (rc == 0) {
    for (size_t i = 0; i < b.n; i++)
      cwaku__g1_split(&split[b.scalar[i]], scalars[b.scalar[i]]);
    rc = cwaku__g1_bases_msm(r, &b, split);
  } else {
    cwaku__g1_jac_infinity(r);
  }
  if (split)
    sodium_memzero(split, n * sizeof *split);
  free(split);
  cwaku__g1_bases_clear(&b);
  return rc;
}

int cwaku__g2_msm_pippenger(cwaku_g2_jac *r, const cwaku_g2 *points,
                            const uint64_t (*scalars)[4], size_t n) {
  struct cwaku__g2_bases b;
  memset(&b, 0, sizeof b);
  struct cwaku__g2_split *split = malloc((n ? n : 1) * sizeof *split);
  int rc = split ? cwaku__g2_bases_add(&b, points, n, 0) : CWAKU_ENOMEM;
  if (rc == 0) {
    for (size_t i = 0; i < b.n; i++)
      cwaku__g2_split(&split[b.scalar[i]], scalars[b.scalar[i]]);
    rc = cwaku__g2_bases_msm(r, &b, split);
  } else {
    cwaku__g2_jac_infinity(r);
  }
  if (split)
    sodium_memzero(split, n * sizeof *split);
  free(split);
  cwaku__g2_bases_clear(&b);
  return rc;
}
