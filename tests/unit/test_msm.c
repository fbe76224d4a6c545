/* Multi-scalar multiplication (src/zk/msm.c): the scalar splits against
 * their definition (sum v_i e^i = k mod r, parts below 2^126 / 2^64), the
 * endomorphisms against their eigenvalues, and the MSM of G1 and G2
 * against the sum of single multiplications (cwaku__g*_mul_vartime):
 * random sizes 0..300 with points at infinity, scalars 0, 1, r - 1, r and
 * above, repeated points, points beside their negations and terms that
 * cancel; prepared bases in two parts (the prover's C and H); and the
 * prover's sizes with random data. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cwaku/env.h"
#include "zk/msm.h"
#include "zk/msm_ifma.h"

#ifdef __OPTIMIZE__
#define SMALL_SIZES 70
#define SPLIT_ROUNDS 2000
#else
#define SMALL_SIZES 25
#define SPLIT_ROUNDS 300
#endif

static struct cwaku_seeded_rng rng;

static const uint64_t R_LIMBS[4] = {
    0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
    0x30644e72e131a029ULL};

static uint64_t rand_u64(void) {
  uint64_t v;
  cwaku_random(&rng.rng, (uint8_t *)&v, sizeof v);
  return v;
}

static size_t rand_below(size_t n) {
  return (size_t)(rand_u64() % n);
}

static void rand_limbs(uint64_t k[4]) {
  for (int i = 0; i < 4; i++)
    k[i] = rand_u64();
}

/* k mod r as an Fr element (k any 256-bit integer) */
static void fr_of_limbs(cwaku_fr *out, const uint64_t k[4]) {
  uint8_t b[32];
  for (int i = 0; i < 32; i++)
    b[i] = (uint8_t)(k[i / 8] >> (8 * (i % 8)));
  cwaku__fr_reduce_bytes_le(out, b);
}

static void fr_of_u128(cwaku_fr *out, uint64_t lo, uint64_t hi, int neg) {
  uint64_t l[4] = {lo, hi, 0, 0};
  CHECK(cwaku__fr_from_limbs(out, l));
  if (neg)
    cwaku__fr_neg(out, out);
}

/* out = r - k for k < r */
static void sub_from_r(uint64_t out[4], const uint64_t k[4]) {
  unsigned __int128 borrow = 0;
  for (int l = 0; l < 4; l++) {
    unsigned __int128 d = (unsigned __int128)R_LIMBS[l] - k[l] - borrow;
    out[l] = (uint64_t)d;
    borrow = (d >> 64) & 1;
  }
}

/* Scalars of every kind the MSM treats apart. */
static void pick_scalar(uint64_t k[4]) {
  size_t t = rand_below(12);
  memset(k, 0, 4 * sizeof(uint64_t));
  switch (t) {
  case 0:
    break; /* zero */
  case 1:
    k[0] = 1;
    break;
  case 2: /* r - 1 */
    memcpy(k, R_LIMBS, 4 * sizeof(uint64_t));
    k[0]--;
    break;
  case 3: /* r, r + 1: zero and one again */
    memcpy(k, R_LIMBS, 4 * sizeof(uint64_t));
    k[0] += rand_below(2);
    break;
  case 4: /* all ones */
    memset(k, 0xff, 4 * sizeof(uint64_t));
    break;
  case 5:
    k[0] = rand_u64() & 0xffff;
    break;
  default:
    rand_limbs(k);
    if (t & 1)
      k[3] &= 0x3fffffffffffffffULL;
  }
}

/* --- The test body for one group, written once */

#define GROUP_TESTS(GN, AFF, JAC, SPLIT, NPARTS, BITS)                         \
  static void GN##_random_points(AFF *out, size_t n) {                         \
    JAC *jac = malloc((n ? n : 1) * sizeof *jac), step[16], acc;               \
    cwaku_fr k;                                                                \
    cwaku__##GN##_generator(&out[0]);                                          \
    for (int i = 0; i < 16; i++) {                                             \
      uint64_t l[4];                                                           \
      JAC g;                                                                   \
      rand_limbs(l);                                                           \
      fr_of_limbs(&k, l);                                                      \
      cwaku__##GN##_from_affine(&g, &out[0]);                                  \
      cwaku__##GN##_mul_vartime(&step[i], &g, &k);                             \
    }                                                                          \
    acc = step[0];                                                             \
    for (size_t i = 0; i < n; i++) {                                           \
      cwaku__##GN##_add(&acc, &acc, &step[rand_below(16)]);                    \
      jac[i] = acc;                                                            \
    }                                                                          \
    cwaku__##GN##_batch_to_affine_vartime(out, jac, n);                        \
    free(jac);                                                                 \
  }                                                                            \
                                                                               \
  static void GN##_naive(JAC *r, const AFF *pts, const uint64_t(*sc)[4],       \
                         size_t n) {                                           \
    cwaku__##GN##_jac_infinity(r);                                             \
    for (size_t i = 0; i < n; i++) {                                           \
      JAC p, t;                                                                \
      cwaku_fr k;                                                              \
      fr_of_limbs(&k, sc[i]);                                                  \
      cwaku__##GN##_from_affine(&p, &pts[i]);                                  \
      cwaku__##GN##_mul_vartime(&t, &p, &k);                                   \
      cwaku__##GN##_add(r, r, &t);                                             \
    }                                                                          \
  }                                                                            \
                                                                               \
  /* n points and scalars with special cases mixed in */                       \
  static void GN##_tricky(AFF *pts, uint64_t(*sc)[4], size_t n) {              \
    GN##_random_points(pts, n);                                                \
    for (size_t i = 0; i < n; i++) {                                           \
      pick_scalar(sc[i]);                                                      \
      size_t t = rand_below(10);                                               \
      if (t == 0) {                                                            \
        cwaku__##GN##_infinity(&pts[i]);                                       \
      } else if (t == 1 && i > 0) { /* a repeated point */                     \
        pts[i] = pts[rand_below(i)];                                           \
      } else if (t == 2 && i > 0) { /* a negated one */                        \
        cwaku__##GN##_neg(&pts[i], &pts[rand_below(i)]);                       \
      } else if (t == 3 && i > 0) { /* the same term again, negated */         \
        size_t j = rand_below(i);                                              \
        cwaku__##GN##_neg(&pts[i], &pts[j]);                                   \
        memcpy(sc[i], sc[j], sizeof sc[i]);                                    \
      } else if (t == 4 && i > 0) { /* the same term again */                  \
        size_t j = rand_below(i);                                              \
        pts[i] = pts[j];                                                       \
        memcpy(sc[i], sc[j], sizeof sc[i]);                                    \
      }                                                                        \
    }                                                                          \
  }                                                                            \
                                                                               \
  static int GN##_check_msm(const AFF *pts, const uint64_t(*sc)[4],            \
                            size_t n) {                                        \
    JAC want, got;                                                             \
    GN##_naive(&want, pts, sc, n);                                             \
    if (cwaku__##GN##_msm_pippenger(&got, pts, sc, n) != 0)                    \
      return 0;                                                                \
    return cwaku__##GN##_jac_equal(&want, &got);                               \
  }                                                                            \
                                                                               \
  static void GN##_test_small(void) {                                          \
    AFF *pts = malloc(301 * sizeof *pts);                                      \
    uint64_t(*sc)[4] = malloc(301 * sizeof *sc);                               \
    for (size_t round = 0; round < SMALL_SIZES; round++) {                     \
      size_t n = round < 12 ? round : rand_below(301);                         \
      GN##_tricky(pts, sc, n);                                                 \
      int ok = GN##_check_msm(pts, (const uint64_t(*)[4])sc, n);               \
      CHECK(ok);                                                               \
      if (!ok)                                                                 \
        fprintf(stderr, #GN " msm: n = %zu\n", n);                             \
    }                                                                          \
    /* everything cancels: k P + k (-P) and (r - k) P + k P */                 \
    GN##_random_points(pts, 100);                                              \
    for (size_t i = 0; i < 100; i += 2) {                                      \
      rand_limbs(sc[i]);                                                       \
      sc[i][3] &= 0x0fffffffffffffffULL;                                       \
      if (i % 4 == 0) {                                                        \
        cwaku__##GN##_neg(&pts[i + 1], &pts[i]);                               \
        memcpy(sc[i + 1], sc[i], sizeof sc[i]);                                \
      } else {                                                                 \
        pts[i + 1] = pts[i];                                                   \
        sub_from_r(sc[i + 1], sc[i]);                                          \
      }                                                                        \
    }                                                                          \
    JAC got;                                                                   \
    CHECK(cwaku__##GN##_msm_pippenger(&got, pts, (const uint64_t(*)[4])sc,     \
                                      100) == 0);                              \
    CHECK(cwaku__##GN##_jac_is_infinity(&got));                                \
    /* one point many times, with one scalar: only doublings in buckets */     \
    for (size_t i = 1; i < 100; i++) {                                         \
      pts[i] = pts[0];                                                         \
      memcpy(sc[i], sc[0], sizeof sc[i]);                                      \
    }                                                                          \
    CHECK(GN##_check_msm(pts, (const uint64_t(*)[4])sc, 100));                 \
    free(pts);                                                                 \
    free(sc);                                                                  \
  }                                                                            \
                                                                               \
  /* random points (a share at infinity) and scalars below r, n of them */     \
  static void GN##_test_size(size_t n, size_t inf_per_8) {                     \
    AFF *pts = malloc(n * sizeof *pts);                                        \
    uint64_t(*sc)[4] = malloc(n * sizeof *sc);                                 \
    GN##_random_points(pts, n);                                                \
    for (size_t i = 0; i < n; i++) {                                           \
      cwaku_fr k;                                                              \
      rand_limbs(sc[i]);                                                       \
      fr_of_limbs(&k, sc[i]);                                                  \
      cwaku__fr_to_limbs(sc[i], &k);                                           \
      if (rand_below(8) < inf_per_8)                                           \
        cwaku__##GN##_infinity(&pts[i]);                                       \
    }                                                                          \
    int ok = GN##_check_msm(pts, (const uint64_t(*)[4])sc, n);                 \
    CHECK(ok);                                                                 \
    if (!ok)                                                                   \
      fprintf(stderr, #GN " msm: n = %zu\n", n);                               \
    free(pts);                                                                 \
    free(sc);                                                                  \
  }                                                                            \
                                                                               \
  static void GN##_test_split(void) {                                          \
    for (int round = 0; round < SPLIT_ROUNDS; round++) {                       \
      uint64_t k[4];                                                           \
      if (round < 4) {                                                         \
        memcpy(k, R_LIMBS, sizeof k);                                          \
        k[0] -= (uint64_t)(round & 1); /* r, r - 1 */                          \
        if (round >= 2)                                                        \
          memset(k, round == 2 ? 0 : 0xff, sizeof k);                          \
      } else {                                                                 \
        pick_scalar(k);                                                        \
      }                                                                        \
      struct cwaku__##GN##_split s;                                            \
      cwaku__##GN##_split(&s, k);                                              \
      cwaku_fr want, sum, e, ei, t;                                            \
      fr_of_limbs(&want, k);                                                   \
      GN##_eigenvalue(&e);                                                     \
      cwaku__fr_zero(&sum);                                                    \
      cwaku__fr_one(&ei);                                                      \
      int small = 1;                                                           \
      for (int i = 0; i < NPARTS; i++) {                                       \
        uint64_t lo, hi;                                                       \
        GN##_part(&s, i, &lo, &hi);                                            \
        small &= BITS > 64 ? hi < ((uint64_t)1 << (BITS - 64)) : hi == 0;      \
        fr_of_u128(&t, lo, hi, s.neg[i]);                                      \
        cwaku__fr_mul(&t, &t, &ei);                                            \
        cwaku__fr_add(&sum, &sum, &t);                                         \
        cwaku__fr_mul(&ei, &ei, &e);                                           \
      }                                                                        \
      CHECK(small);                                                            \
      CHECK(cwaku__fr_equal(&sum, &want));                                     \
    }                                                                          \
  }

/* lambda = 0xb3c4d79d41a917585bfc41088d8daaa78b17ea66b99c90dd */
static void g1_eigenvalue(cwaku_fr *e) {
  const uint64_t l[4] = {0x8b17ea66b99c90ddULL, 0x5bfc41088d8daaa7ULL,
                         0xb3c4d79d41a91758ULL, 0};
  CHECK(cwaku__fr_from_limbs(e, l));
}

/* p mod r */
static void g2_eigenvalue(cwaku_fr *e) {
  const uint64_t pl[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                          0xb85045b68181585dULL, 0x30644e72e131a029ULL};
  fr_of_limbs(e, pl);
}

static void g1_part(const struct cwaku__g1_split *s, int i, uint64_t *lo,
                    uint64_t *hi) {
  *lo = s->mag[i][0];
  *hi = s->mag[i][1];
}

static void g2_part(const struct cwaku__g2_split *s, int i, uint64_t *lo,
                    uint64_t *hi) {
  *lo = s->mag[i];
  *hi = 0;
}

GROUP_TESTS(g1, cwaku_g1, cwaku_g1_jac, cwaku__g1_split, 2, 126)
GROUP_TESTS(g2, cwaku_g2, cwaku_g2_jac, cwaku__g2_split, 4, 64)

/* 1/16: the bases' IFMA form is 16 times the scalar one (msm_ifma.h) */
static void unscale(cwaku_fp *x, int ifma) {
  if (!ifma)
    return;
  cwaku_fp inv16;
  cwaku__fp_from_u64(&inv16, 16);
  cwaku__fp_inverse(&inv16, &inv16);
  cwaku__fp_mul(x, x, &inv16);
}

/* The bases the MSM stores: phi(P) = [lambda] P, psi^j(P) = [p^j] P. */
static void test_endomorphisms(void) {
  cwaku_g1 p;
  g1_random_points(&p, 1);
  struct cwaku__g1_bases b1;
  memset(&b1, 0, sizeof b1);
  CHECK(cwaku__g1_bases_add(&b1, &p, 1, 0) == 0);
  cwaku_fr e;
  g1_eigenvalue(&e);
  cwaku_g1_jac pj, want;
  cwaku_g1 got;
  cwaku__g1_from_affine(&pj, &p);
  cwaku__g1_mul_vartime(&want, &pj, &e);
  memset(&got, 0, sizeof got);
  got.x = b1.pts[1].x;
  got.y = b1.pts[1].y;
  unscale(&got.x, b1.ifma);
  unscale(&got.y, b1.ifma);
  cwaku__g1_from_affine(&pj, &got);
  CHECK(cwaku__g1_jac_equal(&pj, &want));
  cwaku__g1_bases_clear(&b1);

  cwaku_g2 q;
  g2_random_points(&q, 1);
  struct cwaku__g2_bases b2;
  memset(&b2, 0, sizeof b2);
  CHECK(cwaku__g2_bases_add(&b2, &q, 1, 0) == 0);
  g2_eigenvalue(&e);
  cwaku_g2_jac qj, qw;
  cwaku__g2_from_affine(&qj, &q);
  for (int j = 1; j < 4; j++) {
    cwaku__g2_mul_vartime(&qj, &qj, &e);
    cwaku_g2 g;
    memset(&g, 0, sizeof g);
    g.x = b2.pts[j].x;
    g.y = b2.pts[j].y;
    unscale(&g.x.c0, b2.ifma);
    unscale(&g.x.c1, b2.ifma);
    unscale(&g.y.c0, b2.ifma);
    unscale(&g.y.c1, b2.ifma);
    cwaku__g2_from_affine(&qw, &g);
    CHECK(cwaku__g2_jac_equal(&qw, &qj));
  }
  cwaku__g2_bases_clear(&b2);
}

/* Two parts with their scalars at an offset, as the prover's C and H. */
static void test_bases_parts(void) {
  size_t n1 = 150, n2 = 220, off2 = 400;
  cwaku_g1 *pts = malloc((n1 + n2) * sizeof *pts);
  uint64_t(*sc)[4] = malloc((n1 + n2) * sizeof *sc);
  struct cwaku__g1_split *split = malloc((off2 + n2) * sizeof *split);
  g1_tricky(pts, sc, n1 + n2);
  struct cwaku__g1_bases b;
  memset(&b, 0, sizeof b);
  CHECK(cwaku__g1_bases_add(&b, pts, n1, 3) == 0);
  CHECK(cwaku__g1_bases_add(&b, pts + n1, n2, (uint32_t)off2) == 0);
  memset(split, 0xa5, (off2 + n2) * sizeof *split); /* unused: garbage */
  for (size_t i = 0; i < n1; i++)
    cwaku__g1_split(&split[3 + i], sc[i]);
  for (size_t i = 0; i < n2; i++)
    cwaku__g1_split(&split[off2 + i], sc[n1 + i]);
  cwaku_g1_jac want, got;
  g1_naive(&want, pts, (const uint64_t(*)[4])sc, n1 + n2);
  CHECK(cwaku__g1_bases_msm(&got, &b, split) == 0);
  CHECK(cwaku__g1_jac_equal(&want, &got));
  cwaku__g1_bases_clear(&b);
  free(pts);
  free(sc);
  free(split);
}

int main(void) {
  cwaku_seeded_rng_init(&rng, 2024);
  g1_test_split();
  g2_test_split();
  /* with the AVX-512 IFMA kernels where the CPU has them, then without */
  int ifma = cwaku__msm_ifma_active();
  printf("msm: AVX-512 IFMA kernels %s\n", ifma ? "on" : "absent");
  for (int pass = 0; pass < 1 + ifma; pass++) {
    if (pass)
      CHECK(cwaku__msm_ifma_enable(0) == 0);
    test_endomorphisms();
    g1_test_small();
    g2_test_small();
    test_bases_parts();
    /* the prover's sizes: A and B1 (5844, a third at infinity in B1), C
     * (5838), H (8192), C and H together, B2 (5844) */
    g1_test_size(5844, 0);
    g1_test_size(5844, 3);
    g1_test_size(5838, 0);
    g1_test_size(8192, 0);
    g1_test_size(5838 + 8192, 0);
    g2_test_size(5844, 3);
  }
  cwaku__msm_ifma_enable(1);
  return check_summary("msm");
}
