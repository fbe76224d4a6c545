/* G1 and G2 (src/zk/curve.c, curve_codec.c): the generators and the
 * twist's b against their definitions, the group laws and their special
 * cases, the three scalar multiplications against each other and against
 * double-and-add, the MSM against single multiplications, the G2 subgroup
 * check against multiplication by r (random twist points are outside G2),
 * psi against multiplication by p, the endomorphism phi = [lambda] of G1,
 * and the compressed (arkworks) and uncompressed (EIP-197) encodings:
 * round trips and every refusal. (The RLN proofs' points are decoded and
 * re-encoded in test_groth16.c.) */
#include <jansson.h>
#include <stdlib.h>

#include "check.h"
#include "cwaku/env.h"
#include "zk/curve.h"

/* Fewer rounds in unoptimised (sanitizer) builds. */
#ifdef __OPTIMIZE__
#define ROUNDS 40
#else
#define ROUNDS 10
#endif

static struct cwaku_seeded_rng rng;

static const uint64_t R_LIMBS[4] = {
    0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
    0x30644e72e131a029ULL};

static void rand_fr(cwaku_fr *k) {
  uint8_t b[32];
  cwaku_random(&rng.rng, b, sizeof b);
  cwaku__fr_reduce_bytes_le(k, b);
}

static void rand_fp2(cwaku_fp2 *a) {
  uint8_t b[32];
  cwaku_random(&rng.rng, b, sizeof b);
  cwaku__fp_reduce_bytes_le(&a->c0, b);
  cwaku_random(&rng.rng, b, sizeof b);
  cwaku__fp_reduce_bytes_le(&a->c1, b);
}

static void xi(cwaku_fp2 *r) {
  cwaku__fp_from_u64(&r->c0, 9);
  cwaku__fp_from_u64(&r->c1, 1);
}

/* A random point of the twist, almost surely outside G2. */
static void rand_twist_point(cwaku_g2 *p) {
  cwaku_fp2 b, x3;
  xi(&b);
  cwaku__fp2_inverse(&b, &b);
  cwaku_fp2 three;
  cwaku__fp2_zero(&three);
  cwaku__fp_from_u64(&three.c0, 3);
  cwaku__fp2_mul(&b, &b, &three);
  for (;;) {
    rand_fp2(&p->x);
    cwaku__fp2_sqr(&x3, &p->x);
    cwaku__fp2_mul(&x3, &x3, &p->x);
    cwaku__fp2_add(&x3, &x3, &b);
    if (cwaku__fp2_sqrt_vartime(&p->y, &x3))
      break;
  }
  p->infinity = 0;
}

static void rand_g1(cwaku_g1 *p) {
  cwaku_g1 g;
  cwaku_g1_jac j;
  cwaku_fr k;
  rand_fr(&k);
  cwaku__g1_generator(&g);
  cwaku__g1_from_affine(&j, &g);
  cwaku__g1_mul_vartime(&j, &j, &k);
  cwaku__g1_to_affine_vartime(p, &j);
}

static void rand_g2(cwaku_g2 *p) {
  cwaku_g2 g;
  cwaku_g2_jac j;
  cwaku_fr k;
  rand_fr(&k);
  cwaku__g2_generator(&g);
  cwaku__g2_from_affine(&j, &g);
  cwaku__g2_mul_vartime(&j, &j, &k);
  cwaku__g2_to_affine_vartime(p, &j);
}

/* Reference multiplication: binary double-and-add over all 256 bits. */
#define DOUBLE_AND_ADD(G, JAC)                                                 \
  static void G##_ref_mul(JAC *r, const JAC *p, const uint64_t k[4]) {         \
    JAC acc;                                                                   \
    cwaku__##G##_jac_infinity(&acc);                                           \
    for (int i = 255; i >= 0; i--) {                                           \
      cwaku__##G##_dbl(&acc, &acc);                                            \
      if ((k[i / 64] >> (i % 64)) & 1)                                         \
        cwaku__##G##_add(&acc, &acc, p);                                       \
    }                                                                          \
    *r = acc;                                                                  \
  }
DOUBLE_AND_ADD(g1, cwaku_g1_jac)
DOUBLE_AND_ADD(g2, cwaku_g2_jac)

/* The group tests, written once for G1 and G2. */
#define GROUP_TESTS(G, AFF, JAC)                                               \
  static void test_##G##_group(void) {                                         \
    AFF gen, a, b, t;                                                          \
    JAC ja, jb, r1, r2, r3, inf;                                               \
    cwaku_fr k1, k2, k3;                                                       \
    uint64_t l[4];                                                             \
    cwaku__##G##_generator(&gen);                                              \
    CHECK(cwaku__##G##_is_on_curve(&gen));                                     \
    cwaku__##G##_from_affine(&ja, &gen);                                       \
    cwaku__##G##_mul_limbs_vartime(&r1, &ja, R_LIMBS);                         \
    CHECK(cwaku__##G##_jac_is_infinity(&r1));                                  \
    G##_ref_mul(&r1, &ja, R_LIMBS);                                            \
    CHECK(cwaku__##G##_jac_is_infinity(&r1));                                  \
    cwaku__##G##_jac_infinity(&inf);                                           \
    for (int i = 0; i < ROUNDS; i++) {                                         \
      rand_##G(&a);                                                            \
      rand_##G(&b);                                                            \
      CHECK(cwaku__##G##_is_on_curve(&a));                                     \
      cwaku__##G##_from_affine(&ja, &a);                                       \
      cwaku__##G##_from_affine(&jb, &b);                                       \
      /* a + b three ways, and with a non-trivial z */                         \
      cwaku__##G##_add(&r1, &ja, &jb);                                         \
      cwaku__##G##_add_mixed(&r2, &ja, &b);                                    \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      cwaku__##G##_dbl(&r3, &ja);                                              \
      cwaku__##G##_add(&r2, &r3, &jb);                                         \
      cwaku__##G##_add_mixed(&r2, &r2, &a);                                    \
      cwaku__##G##_jac_neg(&r3, &ja);                                          \
      cwaku__##G##_add(&r2, &r2, &r3);                                         \
      cwaku__##G##_add(&r2, &r2, &r3);                                         \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      cwaku__##G##_to_affine(&t, &r1);                                         \
      CHECK(cwaku__##G##_is_on_curve(&t));                                     \
      cwaku__##G##_to_affine_vartime(&t, &r2);                                 \
      cwaku__##G##_from_affine(&r3, &t);                                       \
      CHECK(cwaku__##G##_jac_equal(&r1, &r3));                                 \
      /* special cases */                                                      \
      cwaku__##G##_add(&r1, &ja, &ja);                                         \
      cwaku__##G##_dbl(&r2, &ja);                                              \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      cwaku__##G##_add_mixed(&r1, &ja, &a);                                    \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      cwaku__##G##_jac_neg(&r3, &ja);                                          \
      cwaku__##G##_add(&r1, &ja, &r3);                                         \
      CHECK(cwaku__##G##_jac_is_infinity(&r1));                                \
      cwaku__##G##_neg(&t, &a);                                                \
      cwaku__##G##_add_mixed(&r1, &ja, &t);                                    \
      CHECK(cwaku__##G##_jac_is_infinity(&r1));                                \
      cwaku__##G##_add(&r1, &ja, &inf);                                        \
      CHECK(cwaku__##G##_jac_equal(&r1, &ja));                                 \
      cwaku__##G##_add(&r1, &inf, &ja);                                        \
      CHECK(cwaku__##G##_jac_equal(&r1, &ja));                                 \
      cwaku__##G##_infinity(&t);                                               \
      cwaku__##G##_add_mixed(&r1, &ja, &t);                                    \
      CHECK(cwaku__##G##_jac_equal(&r1, &ja));                                 \
      cwaku__##G##_add_mixed(&r1, &inf, &a);                                   \
      CHECK(cwaku__##G##_jac_equal(&r1, &ja));                                 \
      cwaku__##G##_dbl(&r1, &inf);                                             \
      CHECK(cwaku__##G##_jac_is_infinity(&r1));                                \
      CHECK(!cwaku__##G##_jac_equal(&ja, &inf));                               \
      /* scalar multiplication: constant time, wNAF, double-and-add */         \
      rand_fr(&k1);                                                            \
      rand_fr(&k2);                                                            \
      cwaku__##G##_mul(&r1, &ja, &k1);                                         \
      cwaku__##G##_mul_vartime(&r2, &ja, &k1);                                 \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      cwaku__fr_to_limbs(l, &k1);                                              \
      G##_ref_mul(&r3, &ja, l);                                                \
      CHECK(cwaku__##G##_jac_equal(&r1, &r3));                                 \
      /* with a Jacobian input of z != 1 */                                    \
      cwaku__##G##_add(&r3, &ja, &jb);                                         \
      cwaku__##G##_mul(&r1, &r3, &k2);                                         \
      cwaku__##G##_mul_vartime(&r2, &r3, &k2);                                 \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      /* (k1 + k2) a = k1 a + k2 a; k1 (k2 a) = (k1 k2) a */                   \
      cwaku__fr_add(&k3, &k1, &k2);                                            \
      cwaku__##G##_mul(&r1, &ja, &k3);                                         \
      cwaku__##G##_mul_vartime(&r2, &ja, &k1);                                 \
      cwaku__##G##_mul_vartime(&r3, &ja, &k2);                                 \
      cwaku__##G##_add(&r2, &r2, &r3);                                         \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      cwaku__fr_mul(&k3, &k1, &k2);                                            \
      cwaku__##G##_mul_vartime(&r1, &ja, &k3);                                 \
      cwaku__##G##_mul(&r2, &ja, &k2);                                         \
      cwaku__##G##_mul(&r2, &r2, &k1);                                         \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      /* edge scalars: 0, 1, -1, and the point at infinity */                  \
      cwaku__fr_zero(&k3);                                                     \
      cwaku__##G##_mul(&r1, &ja, &k3);                                         \
      CHECK(cwaku__##G##_jac_is_infinity(&r1));                                \
      cwaku__##G##_mul_vartime(&r1, &ja, &k3);                                 \
      CHECK(cwaku__##G##_jac_is_infinity(&r1));                                \
      cwaku__fr_one(&k3);                                                      \
      cwaku__##G##_mul(&r1, &ja, &k3);                                         \
      CHECK(cwaku__##G##_jac_equal(&r1, &ja));                                 \
      cwaku__fr_neg(&k3, &k3);                                                 \
      cwaku__##G##_mul(&r1, &ja, &k3);                                         \
      cwaku__##G##_jac_neg(&r2, &ja);                                          \
      CHECK(cwaku__##G##_jac_equal(&r1, &r2));                                 \
      cwaku__##G##_mul(&r1, &inf, &k1);                                        \
      CHECK(cwaku__##G##_jac_is_infinity(&r1));                                \
      cwaku__##G##_mul_vartime(&r1, &inf, &k1);                                \
      CHECK(cwaku__##G##_jac_is_infinity(&r1));                                \
    }                                                                          \
    /* batch normalisation, with points at infinity among them */              \
    JAC in[7];                                                                 \
    AFF out[7];                                                                \
    for (int i = 0; i < 7; i++) {                                              \
      rand_##G(&a);                                                            \
      cwaku__##G##_from_affine(&ja, &a);                                       \
      cwaku__##G##_dbl(&in[i], &ja);                                           \
    }                                                                          \
    cwaku__##G##_jac_infinity(&in[0]);                                         \
    cwaku__##G##_jac_infinity(&in[4]);                                         \
    cwaku__##G##_batch_to_affine_vartime(out, in, 7);                          \
    for (int i = 0; i < 7; i++) {                                              \
      cwaku__##G##_to_affine(&t, &in[i]);                                      \
      CHECK(cwaku__##G##_equal(&t, &out[i]));                                  \
      CHECK_EQ_INT(out[i].infinity, i == 0 || i == 4);                         \
    }                                                                          \
    cwaku__##G##_batch_to_affine_vartime(out, in, 0);                          \
  }
GROUP_TESTS(g1, cwaku_g1, cwaku_g1_jac)
GROUP_TESTS(g2, cwaku_g2, cwaku_g2_jac)

static void test_g2_subgroup(void) {
  cwaku_g2 p, q;
  cwaku_g2_jac j, r1, r2;
  cwaku__g2_generator(&p);
  CHECK(cwaku__g2_is_in_subgroup_vartime(&p));
  cwaku__g2_infinity(&p);
  CHECK(cwaku__g2_is_in_subgroup_vartime(&p));
  /* p - r, the action of psi on G2 (psi = Frobenius: [p] = [p mod r]) */
  uint64_t pr[4] = {0xf83e9682e87cfd46ULL, 0x6f4d8248eeb859fbULL, 0, 0};
  for (int i = 0; i < ROUNDS; i++) {
    rand_g2(&p);
    CHECK(cwaku__g2_is_in_subgroup_vartime(&p));
    cwaku__g2_psi(&q, &p);
    cwaku__g2_from_affine(&j, &p);
    cwaku__g2_mul_limbs_vartime(&r1, &j, pr);
    cwaku__g2_from_affine(&r2, &q);
    CHECK(cwaku__g2_jac_equal(&r1, &r2));
    cwaku__g2_jac_psi(&r2, &j);
    CHECK(cwaku__g2_jac_equal(&r1, &r2));

    rand_twist_point(&p);
    CHECK(cwaku__g2_is_on_curve(&p));
    cwaku__g2_from_affine(&j, &p);
    cwaku__g2_mul_limbs_vartime(&r1, &j, R_LIMBS);
    CHECK(!cwaku__g2_jac_is_infinity(&r1));
    CHECK(!cwaku__g2_is_in_subgroup_vartime(&p));
    /* the cofactor multiple of a twist point is in G2:
     * c = 2p - r; (p + (p - r)) p */
    cwaku__g2_from_affine(&j, &p);
    cwaku_g2_jac c1;
    static const uint64_t P_LIMBS[4] = {
        0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
        0x30644e72e131a029ULL};
    cwaku__g2_mul_limbs_vartime(&c1, &j, P_LIMBS);
    cwaku__g2_mul_limbs_vartime(&r1, &j, pr);
    cwaku__g2_add(&c1, &c1, &r1);
    cwaku__g2_to_affine_vartime(&q, &c1);
    CHECK(cwaku__g2_is_in_subgroup_vartime(&q));
    cwaku__g2_mul_limbs_vartime(&r1, &c1, R_LIMBS);
    CHECK(cwaku__g2_jac_is_infinity(&r1));
  }
  /* off the curve */
  rand_g2(&p);
  cwaku__fp_add(&p.y.c0, &p.y.c0, &p.x.c1);
  CHECK(!cwaku__g2_is_on_curve(&p));
  CHECK(!cwaku__g2_is_in_subgroup_vartime(&p));
}

static void test_g1_msm(void) {
  enum { N = 37 };
  cwaku_g1 pts[N];
  uint64_t sc[N][4];
  cwaku_g1_table tabs[N];
  cwaku_g1_jac want, t, got;
  for (int bits = 64; bits <= 256; bits += 64) {
    cwaku__g1_jac_infinity(&want);
    for (int i = 0; i < N; i++) {
      cwaku_fr k;
      rand_g1(&pts[i]);
      if (i == 5)
        cwaku__g1_infinity(&pts[i]);
      rand_fr(&k);
      cwaku__fr_to_limbs(sc[i], &k);
      for (int j = bits / 64; j < 4; j++)
        sc[i][j] = 0;
      if (i == 7)
        memset(sc[i], 0, sizeof sc[i]);
      cwaku__g1_table_init(&tabs[i], &pts[i], 2 + i % 5);
      cwaku__g1_from_affine(&t, &pts[i]);
      cwaku__g1_mul_limbs_vartime(&t, &t, sc[i]);
      cwaku__g1_add(&want, &want, &t);
    }
    cwaku__g1_msm_vartime(&got, pts, (const uint64_t(*)[4])sc, N, bits);
    CHECK(cwaku__g1_jac_equal(&got, &want));
    cwaku__g1_msm_tables_vartime(&got, tabs, (const uint64_t(*)[4])sc, N, bits);
    CHECK(cwaku__g1_jac_equal(&got, &want));
    cwaku__g1_msm_vartime(&got, pts, (const uint64_t(*)[4])sc, 3, bits);
    cwaku__g1_msm_tables_vartime(&t, tabs, (const uint64_t(*)[4])sc, 3, bits);
    CHECK(cwaku__g1_jac_equal(&got, &t));
  }
  cwaku__g1_msm_vartime(&got, pts, (const uint64_t(*)[4])sc, 0, 256);
  CHECK(cwaku__g1_jac_is_infinity(&got));

  /* the endomorphism: phi(p) = lambda p, and the MSMs built on it */
  cwaku_fr lambda, one, l3;
  cwaku__g1_endo_lambda(&lambda);
  cwaku__fr_mul(&l3, &lambda, &lambda);
  cwaku__fr_mul(&l3, &l3, &lambda);
  cwaku__fr_one(&one);
  CHECK(cwaku__fr_equal(&l3, &one) && !cwaku__fr_equal(&lambda, &one));
  uint64_t k1[N][4], k2[N][4];
  cwaku_g1_jac each[N];
  cwaku__g1_jac_infinity(&want);
  for (int i = 0; i < N; i++) {
    cwaku_g1 e;
    cwaku_g1_jac a, b;
    cwaku__g1_endo(&e, &pts[i]);
    cwaku__g1_from_affine(&a, &pts[i]);
    cwaku__g1_mul_vartime(&b, &a, &lambda);
    cwaku__g1_from_affine(&t, &e);
    CHECK(cwaku__g1_jac_equal(&t, &b));
    CHECK(cwaku__g1_is_on_curve(&e));
    memset(k1[i], 0, sizeof k1[i]);
    memset(k2[i], 0, sizeof k2[i]);
    cwaku_random(&rng.rng, k1[i], 8);
    cwaku_random(&rng.rng, k2[i], 8);
    if (i == 9)
      k1[i][0] = 0;
    cwaku__g1_mul_limbs_vartime(&a, &a, k1[i]);
    cwaku__g1_from_affine(&b, &e);
    cwaku__g1_mul_limbs_vartime(&b, &b, k2[i]);
    cwaku__g1_add(&a, &a, &b);
    each[i] = a;
    cwaku__g1_add(&want, &want, &a);
  }
  cwaku__g1_msm_endo_vartime(&got, pts, (const uint64_t(*)[4])k1,
                             (const uint64_t(*)[4])k2, N, 64);
  CHECK(cwaku__g1_jac_equal(&got, &want));
  cwaku_g1_jac outs[N];
  cwaku__g1_mul_endo_many_vartime(outs, pts, (const uint64_t(*)[4])k1,
                                  (const uint64_t(*)[4])k2, N, 64);
  for (int i = 0; i < N; i++)
    CHECK(cwaku__g1_jac_equal(&outs[i], &each[i]));
}

static const uint8_t P_LE[32] = {
    0x47, 0xfd, 0x7c, 0xd8, 0x16, 0x8c, 0x20, 0x3c, 0x8d, 0xca, 0x71,
    0x68, 0x91, 0x6a, 0x81, 0x97, 0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45,
    0x50, 0xb8, 0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30};

static void test_codec(void) {
  uint8_t b1[CWAKU_G1_COMPRESSED_BYTES], b2[CWAKU_G2_COMPRESSED_BYTES];
  uint8_t u1[CWAKU_G1_UNCOMPRESSED_BYTES], u2[CWAKU_G2_UNCOMPRESSED_BYTES];
  uint8_t t[128];
  cwaku_g1 p, q;
  cwaku_g2 p2, q2;
  int larger1 = 0, larger2 = 0;
  for (int i = 0; i < ROUNDS; i++) {
    rand_g1(&p);
    cwaku__g1_to_compressed(b1, &p);
    larger1 += b1[31] >> 7;
    CHECK((b1[31] & 0x40) == 0);
    CHECK(cwaku__g1_from_compressed(&q, b1));
    CHECK(cwaku__g1_equal(&p, &q));
    cwaku__g1_neg(&p, &p); /* the other flag */
    cwaku__g1_to_compressed(t, &p);
    CHECK_EQ_INT(t[31] ^ b1[31], 0x80);
    CHECK(cwaku__g1_from_compressed(&q, t) && cwaku__g1_equal(&p, &q));
    /* both flags; infinity over x */
    memcpy(t, b1, 32);
    t[31] |= 0xc0;
    CHECK(!cwaku__g1_from_compressed(&q, t));
    CHECK(q.infinity == 0 && cwaku__fp_is_zero(&q.x));
    t[31] = (uint8_t)((b1[31] & 0x3f) | 0x40);
    CHECK(!cwaku__g1_from_compressed(&q, t));
    cwaku__g1_to_uncompressed(u1, &p);
    CHECK(cwaku__g1_from_uncompressed(&q, u1) && cwaku__g1_equal(&p, &q));
    u1[63] ^= 1; /* y off the curve */
    CHECK(!cwaku__g1_from_uncompressed(&q, u1));

    rand_g2(&p2);
    cwaku__g2_to_compressed(b2, &p2);
    larger2 += b2[63] >> 7;
    CHECK(cwaku__g2_from_compressed(&q2, b2));
    CHECK(cwaku__g2_equal(&p2, &q2));
    cwaku__g2_neg(&p2, &p2);
    cwaku__g2_to_compressed(t, &p2);
    CHECK_EQ_INT(t[63] ^ b2[63], 0x80);
    CHECK(cwaku__g2_from_compressed(&q2, t) && cwaku__g2_equal(&p2, &q2));
    memcpy(t, b2, 64);
    t[63] |= 0xc0;
    CHECK(!cwaku__g2_from_compressed(&q2, t));
    t[63] = (uint8_t)((b2[63] & 0x3f) | 0x40);
    CHECK(!cwaku__g2_from_compressed(&q2, t));
    cwaku__g2_to_uncompressed(u2, &p2);
    CHECK(cwaku__g2_from_uncompressed(&q2, u2) && cwaku__g2_equal(&p2, &q2));
    u2[127] ^= 1;
    CHECK(!cwaku__g2_from_uncompressed(&q2, u2));

    /* twist points outside G2 are refused in both forms */
    rand_twist_point(&p2);
    cwaku__g2_to_compressed(t, &p2);
    CHECK(!cwaku__g2_from_compressed(&q2, t));
    cwaku__g2_to_uncompressed(u2, &p2);
    CHECK(!cwaku__g2_from_uncompressed(&q2, u2));
  }
  /* the sign flag is set about half the time */
  CHECK(larger1 > 0 && larger1 < ROUNDS && larger2 > 0 && larger2 < ROUNDS);
  /* the points at infinity */
  cwaku__g1_infinity(&p);
  cwaku__g1_to_compressed(b1, &p);
  CHECK(b1[31] == 0x40);
  CHECK(cwaku__g1_from_compressed(&q, b1) && q.infinity);
  cwaku__g2_infinity(&p2);
  cwaku__g2_to_compressed(b2, &p2);
  CHECK(b2[63] == 0x40);
  CHECK(cwaku__g2_from_compressed(&q2, b2) && q2.infinity);
  b2[0] = 1;
  CHECK(!cwaku__g2_from_compressed(&q2, b2));
  b2[0] = 0;
  b2[32] = 1; /* a non-zero c1 under the infinity flag */
  CHECK(!cwaku__g2_from_compressed(&q2, b2));
  memset(u1, 0, sizeof u1);
  CHECK(cwaku__g1_from_uncompressed(&q, u1) && q.infinity);
  memset(u2, 0, sizeof u2);
  CHECK(cwaku__g2_from_uncompressed(&q2, u2) && q2.infinity);
  /* x = 0 without the infinity flag: 0^3 + 3 = 3 is ... whatever it is,
   * decoding must agree with is_square */
  memset(b1, 0, sizeof b1);
  cwaku_fp three;
  cwaku__fp_from_u64(&three, 3);
  CHECK_EQ_INT(cwaku__g1_from_compressed(&q, b1), cwaku__fp_is_square(&three));
  /* coordinates >= p: x = p, and x = p + 1 .. (with and without flags) */
  memcpy(b1, P_LE, 32);
  CHECK(!cwaku__g1_from_compressed(&q, b1));
  b1[0]++;
  CHECK(!cwaku__g1_from_compressed(&q, b1));
  b1[31] |= 0x80;
  CHECK(!cwaku__g1_from_compressed(&q, b1));
  memset(b1, 0xff, 32);
  b1[31] = 0x3f; /* 2^254 - 1 */
  CHECK(!cwaku__g1_from_compressed(&q, b1));
  cwaku__g2_generator(&p2);
  cwaku__g2_to_compressed(b2, &p2);
  memcpy(t, b2, 64);
  memcpy(t, P_LE, 32); /* c0 = p */
  CHECK(!cwaku__g2_from_compressed(&q2, t));
  memcpy(t, b2, 64);
  memcpy(t + 32, P_LE, 32); /* c1 = p, flags kept */
  t[63] |= (uint8_t)(b2[63] & 0xc0);
  CHECK(!cwaku__g2_from_compressed(&q2, t));
  /* an x with no point: the first x = 1, 2, ... with x^3 + 3 not a square */
  int found = 0;
  for (uint64_t x = 1; x < 100 && !found; x++) {
    cwaku_fp fx, rhs;
    cwaku__fp_from_u64(&fx, x);
    cwaku__g1_rhs(&rhs, &fx);
    if (!cwaku__fp_is_square(&rhs)) {
      cwaku__fp_to_bytes_le(b1, &fx);
      CHECK(!cwaku__g1_from_compressed(&q, b1));
      b1[31] |= 0x80;
      CHECK(!cwaku__g1_from_compressed(&q, b1));
      found = 1;
    }
  }
  CHECK(found);
  found = 0;
  for (uint64_t x = 1; x < 100 && !found; x++) {
    cwaku_fp2 fx, rhs, y;
    cwaku__fp2_zero(&fx);
    cwaku__fp_from_u64(&fx.c1, x);
    cwaku__g2_rhs(&rhs, &fx);
    if (!cwaku__fp2_sqrt_vartime(&y, &rhs)) {
      cwaku__fp_to_bytes_le(b2, &fx.c0);
      cwaku__fp_to_bytes_le(b2 + 32, &fx.c1);
      CHECK(!cwaku__g2_from_compressed(&q2, b2));
      found = 1;
    }
  }
  CHECK(found);
  /* uncompressed coordinates >= p */
  cwaku__g1_generator(&p);
  cwaku__g1_to_uncompressed(u1, &p);
  for (int i = 0; i < 32; i++)
    u1[i] = P_LE[31 - i];
  CHECK(!cwaku__g1_from_uncompressed(&q, u1));
}

int main(void) {
  cwaku_seeded_rng_init(&rng, 2);
  test_codec();
  test_g1_group();
  test_g2_group();
  test_g2_subgroup();
  test_g1_msm();
  return check_summary("test_curve");
}
