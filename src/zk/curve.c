/* G1 and G2 of BN254: curve_template.h instantiated over Fp and Fp2, the
 * generators, the endomorphism psi and the G2 subgroup check, and
 * multi-scalar multiplication in G1. */
#include <sodium.h>
#include <string.h>

#include "zk/curve.h"
#include "zk/tower_inline.h"

/* Montgomery-form constants (computed from p; tests/unit/test_curve.c
 * checks the generators and the twist's b against their definitions). */
static const cwaku_fp G1_B = {{0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL,
                               0x334bea4e696bd284ULL, 0x2a1f6744ce179d8eULL}};
static const cwaku_fp G1_B3 = {{0xf60647ce410d7ff7ULL, 0x2f3d6f4dd31bd011ULL,
                                0x2943337e3940c6d1ULL, 0x1d9598e8a7e39857ULL}};
/* 1 and 2 */
static const cwaku_fp G1_GEN_X = {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL,
                                   0x666ea36f7879462cULL,
                                   0x0e0a77c19a07df2fULL}};
static const cwaku_fp G1_GEN_Y = {{0xa6ba871b8b1e1b3aULL, 0x14f1d651eb8e167bULL,
                                   0xccdd46def0f28c58ULL,
                                   0x1c14ef83340fbe5eULL}};
/* 3 / (9 + u) and 9 / (9 + u) */
static const cwaku_fp2 G2_B = {
    {{0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL,
      0x2514c6324384a86dULL}},
    {{0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL,
      0x0141b9ce4a688d4dULL}}};
static const cwaku_fp2 G2_B3 = {
    {{0x3baa927cb62e0d6aULL, 0xd71e7c52d1b664fdULL, 0x03873e63d95d4664ULL,
      0x0e75b5b1082ab8f4ULL}},
    {{0xaab7c6667596fe35ULL, 0x31d21a78bb6a27baULL, 0x85dd7297680401ffULL,
      0x03c52d6adf39a7e9ULL}}};
/* The G2 generator of EIP-197:
 * x =
 * 10857046999023057135944570762232829481370756359578518086990519993285655852781
 *   +
 * 11559732032986387107991004021392285783925812861821192530917403151452391805634
 * u y =
 * 8495653923123431417604973247489272438418190587263600148770280649306958101930
 *   +
 * 4082367875863433681332203403145435568316851327593401208105741076214120093531
 * u */
static const cwaku_fp2 G2_GEN_X = {
    {{0x8e83b5d102bc2026ULL, 0xdceb1935497b0172ULL, 0xfbb8264797811adfULL,
      0x19573841af96503bULL}},
    {{0xafb4737da84c6140ULL, 0x6043dd5a5802d8c4ULL, 0x09e950fc52a02f86ULL,
      0x14fef0833aea7b6bULL}}};
static const cwaku_fp2 G2_GEN_Y = {
    {{0x619dfa9d886be9f6ULL, 0xfe7fd297f59e9b78ULL, 0xff9e1a62231b7dfeULL,
      0x28fd7eebae9e4206ULL}},
    {{0x64095b56c71856eeULL, 0xdc57f922327d3cbbULL, 0x55f935be33351076ULL,
      0x0da4a0e693fd6482ULL}}};
/* psi's factors xi^((p-1)/3) and xi^((p-1)/2) (tower.h's gamma_{1,2} and
 * gamma_{1,3}). */
static const cwaku_fp2 PSI_X = {
    {{0xb5773b104563ab30ULL, 0x347f91c8a9aa6454ULL, 0x7a007127242e0991ULL,
      0x1956bcd8118214ecULL}},
    {{0x6e849f1ea0aa4757ULL, 0xaa1c7b6d89f89141ULL, 0xb6e713cdfae0ca3aULL,
      0x26694fbb4e82ebc3ULL}}};
static const cwaku_fp2 PSI_Y = {
    {{0xe4bbdd0c2936b629ULL, 0xbb30f162e133bacbULL, 0x31a9d1b6f9645366ULL,
      0x253570bea500f8ddULL}},
    {{0xa1d77ce45ffe77c7ULL, 0x07affd117826d1dbULL, 0x6d16bd27bb7edc6bULL,
      0x2c87200285defeccULL}}};

/* beta = 2203960485148121921418603742825762020974279258880205651966, a cube
 * root of unity in Fp, and the matching lambda (curve.h). */
static const cwaku_fp G1_BETA = {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL,
                                  0xaa303344d4741444ULL,
                                  0x2c3b3f0d26594943ULL}};
static const uint64_t G1_LAMBDA[4] = {
    0x8b17ea66b99c90ddULL, 0x5bfc41088d8daaa7ULL, 0xb3c4d79d41a91758ULL, 0};

/* --- G1 over Fp */

#define FE cwaku_fp
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
#define FE_CMOV fp_cmov
#define FE_IS_ZERO fp_is_zero
#define FE_EQUAL fp_equal
#define FE_SET_ONE fp_set_one
#define FE_INV cwaku__fp_inverse
#define FE_INV_VARTIME cwaku__fp_inverse_vartime
#define CURVE_B (&G1_B)
#define CURVE_B3 (&G1_B3)
#include "zk/curve_template.h"
#undef FE
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
#undef FE_CMOV
#undef FE_IS_ZERO
#undef FE_EQUAL
#undef FE_SET_ONE
#undef FE_INV
#undef FE_INV_VARTIME
#undef CURVE_B
#undef CURVE_B3

/* --- G2 over Fp2 */

#define FE cwaku_fp2
#define AFF cwaku_g2
#define JAC cwaku_g2_jac
#define G(name) cwaku__g2_##name
#define S(name) g2_##name
#define FE_ADD fp2_add
#define FE_SUB fp2_sub
#define FE_DBL fp2_dbl
#define FE_NEG fp2_neg
#define FE_MUL cwaku__fp2_mul
#define FE_SQR cwaku__fp2_sqr
#define FE_CMOV fp2_cmov
#define FE_IS_ZERO fp2_is_zero
#define FE_EQUAL fp2_equal
#define FE_SET_ONE fp2_set_one
#define FE_INV cwaku__fp2_inverse
#define FE_INV_VARTIME cwaku__fp2_inverse_vartime
#define CURVE_B (&G2_B)
#define CURVE_B3 (&G2_B3)
#include "zk/curve_template.h"
#undef FE
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
#undef FE_CMOV
#undef FE_IS_ZERO
#undef FE_EQUAL
#undef FE_SET_ONE
#undef FE_INV
#undef FE_INV_VARTIME
#undef CURVE_B
#undef CURVE_B3

void cwaku__g1_generator(cwaku_g1 *r) {
  r->x = G1_GEN_X;
  r->y = G1_GEN_Y;
  r->infinity = 0;
}

void cwaku__g2_generator(cwaku_g2 *r) {
  r->x = G2_GEN_X;
  r->y = G2_GEN_Y;
  r->infinity = 0;
}

/* --- psi and the G2 subgroup check */

void cwaku__g2_psi(cwaku_g2 *r, const cwaku_g2 *p) {
  cwaku_fp2 t;
  fp2_conj(&t, &p->x);
  cwaku__fp2_mul(&r->x, &t, &PSI_X);
  fp2_conj(&t, &p->y);
  cwaku__fp2_mul(&r->y, &t, &PSI_Y);
  r->infinity = p->infinity;
}

/* On Jacobian coordinates: x = X/Z^2 maps to conj(X)/conj(Z)^2 PSI_X. */
void cwaku__g2_jac_psi(cwaku_g2_jac *r, const cwaku_g2_jac *p) {
  cwaku_fp2 t;
  fp2_conj(&t, &p->x);
  cwaku__fp2_mul(&r->x, &t, &PSI_X);
  fp2_conj(&t, &p->y);
  cwaku__fp2_mul(&r->y, &t, &PSI_Y);
  fp2_conj(&r->z, &p->z);
}

/* r = e p by the non-adjacent form of e, mixed additions. */
static void g2_mul_u64_vartime(cwaku_g2_jac *r, const cwaku_g2 *p, uint64_t e) {
  uint64_t k[4] = {e, 0, 0, 0};
  int8_t d[66];
  int len = g2_wnaf(d, k, 2, 64);
  cwaku_g2 neg;
  cwaku__g2_neg(&neg, p);
  cwaku__g2_jac_infinity(r);
  for (int i = len - 1; i >= 0; i--) {
    cwaku__g2_dbl(r, r);
    if (d[i] > 0)
      cwaku__g2_add_mixed(r, r, p);
    else if (d[i] < 0)
      cwaku__g2_add_mixed(r, r, &neg);
  }
}

int cwaku__g2_is_in_subgroup_vartime(const cwaku_g2 *p) {
  cwaku_g2_jac xp, lhs, rhs, t;
  if (p->infinity)
    return 1;
  if (!cwaku__g2_is_on_curve(p))
    return 0;
  g2_mul_u64_vartime(&xp, p, CWAKU_BN_X);
  cwaku__g2_add_mixed(&lhs, &xp, p); /* [x+1]p */
  cwaku__g2_jac_psi(&t, &xp);        /* psi([x]p) */
  cwaku__g2_add(&lhs, &lhs, &t);     /* + */
  cwaku__g2_jac_psi(&t, &t);         /* psi^2([x]p) */
  cwaku__g2_add(&lhs, &lhs, &t);     /* + */
  cwaku__g2_dbl(&rhs, &xp);          /* [2x]p */
  cwaku__g2_jac_psi(&rhs, &rhs);
  cwaku__g2_jac_psi(&rhs, &rhs);
  cwaku__g2_jac_psi(&rhs, &rhs);
  return cwaku__g2_jac_equal(&lhs, &rhs);
}

/* --- Multi-scalar multiplication in G1 (Straus) */

#define MSM_CHUNK 16

void cwaku__g1_table_init(cwaku_g1_table *t, const cwaku_g1 *p, int w) {
  cwaku_g1_jac j[1 << (CWAKU_G1_TABLE_W_MAX - 2)], p2;
  if (w < 2)
    w = 2;
  if (w > CWAKU_G1_TABLE_W_MAX)
    w = CWAKU_G1_TABLE_W_MAX;
  int n = 1 << (w - 2);
  cwaku__g1_from_affine(&j[0], p);
  cwaku__g1_dbl(&p2, &j[0]);
  for (int i = 1; i < n; i++)
    cwaku__g1_add(&j[i], &j[i - 1], &p2);
  cwaku__g1_batch_to_affine_vartime(t->odd, j, (size_t)n);
  for (int i = n; i < (1 << (CWAKU_G1_TABLE_W_MAX - 2)); i++)
    cwaku__g1_infinity(&t->odd[i]);
  t->w = w;
}

/* Up to MSM_CHUNK terms: one chain of doublings, each digit's table entry
 * added with a mixed addition. */
static void g1_straus_chunk(cwaku_g1_jac *r, const cwaku_g1_table *tabs,
                            const uint64_t (*scalars)[4], size_t n, int nbits) {
  int8_t d[MSM_CHUNK][258];
  int len[MSM_CHUNK], maxlen = 0;
  cwaku_g1 neg;
  for (size_t j = 0; j < n; j++) {
    len[j] = g1_wnaf(d[j], scalars[j], tabs[j].w, nbits);
    if (len[j] > maxlen)
      maxlen = len[j];
  }
  cwaku__g1_jac_infinity(r);
  for (int i = maxlen - 1; i >= 0; i--) {
    if (!cwaku__g1_jac_is_infinity(r))
      cwaku__g1_dbl(r, r);
    for (size_t j = 0; j < n; j++) {
      if (i >= len[j] || d[j][i] == 0)
        continue;
      int v = d[j][i];
      if (v > 0) {
        cwaku__g1_add_mixed(r, r, &tabs[j].odd[v >> 1]);
      } else {
        cwaku__g1_neg(&neg, &tabs[j].odd[(-v) >> 1]);
        cwaku__g1_add_mixed(r, r, &neg);
      }
    }
  }
}

void cwaku__g1_msm_tables_vartime(cwaku_g1_jac *r, const cwaku_g1_table *tabs,
                                  const uint64_t (*scalars)[4], size_t n,
                                  int nbits) {
  cwaku_g1_jac part;
  cwaku__g1_jac_infinity(r);
  for (size_t base = 0; base < n; base += MSM_CHUNK) {
    size_t m = n - base < MSM_CHUNK ? n - base : MSM_CHUNK;
    g1_straus_chunk(&part, tabs + base, scalars + base, m, nbits);
    cwaku__g1_add(r, r, &part);
  }
}

void cwaku__g1_msm_vartime(cwaku_g1_jac *r, const cwaku_g1 *points,
                           const uint64_t (*scalars)[4], size_t n, int nbits) {
  enum { W = 5, T = 1 << (W - 2) };
  _Static_assert(W <= CWAKU_G1_TABLE_W_MAX, "table width");
  cwaku_g1_table tabs[MSM_CHUNK];
  cwaku_g1_jac jac[MSM_CHUNK * T], p2, part;
  cwaku_g1 aff[MSM_CHUNK * T];
  cwaku__g1_jac_infinity(r);
  for (size_t base = 0; base < n; base += MSM_CHUNK) {
    size_t m = n - base < MSM_CHUNK ? n - base : MSM_CHUNK;
    /* all odd multiples of the chunk, then one shared inversion */
    for (size_t j = 0; j < m; j++) {
      cwaku__g1_from_affine(&jac[j * T], &points[base + j]);
      cwaku__g1_dbl(&p2, &jac[j * T]);
      for (int i = 1; i < T; i++)
        cwaku__g1_add(&jac[j * T + i], &jac[j * T + i - 1], &p2);
    }
    cwaku__g1_batch_to_affine_vartime(aff, jac, m * T);
    for (size_t j = 0; j < m; j++) {
      memcpy(tabs[j].odd, &aff[j * T], T * sizeof(cwaku_g1));
      tabs[j].w = W;
    }
    g1_straus_chunk(&part, tabs, scalars + base, m, nbits);
    cwaku__g1_add(r, r, &part);
  }
}

void cwaku__g1_endo(cwaku_g1 *r, const cwaku_g1 *p) {
  fp_mul(&r->x, &p->x, &G1_BETA);
  r->y = p->y;
  r->infinity = p->infinity;
}

void cwaku__g1_endo_lambda(cwaku_fr *lambda) {
  if (!cwaku__fr_from_limbs(lambda, G1_LAMBDA))
    cwaku__fr_zero(lambda); /* unreachable: lambda < r */
}

/* The tables of points[0..m) (m <= MSM_CHUNK / 2) and of their images
 * under phi, interleaved: tabs[2j] for points[j], tabs[2j+1] for
 * phi(points[j]); one inversion for all. */
enum { ENDO_W = 5, ENDO_T = 1 << (ENDO_W - 2), ENDO_M = MSM_CHUNK / 2 };
static void g1_endo_tables(cwaku_g1_table *tabs, const cwaku_g1 *points,
                           size_t m) {
  cwaku_g1_jac jac[ENDO_M * ENDO_T], p2;
  cwaku_g1 aff[ENDO_M * ENDO_T];
  for (size_t j = 0; j < m; j++) {
    cwaku__g1_from_affine(&jac[j * ENDO_T], &points[j]);
    cwaku__g1_dbl(&p2, &jac[j * ENDO_T]);
    for (int i = 1; i < ENDO_T; i++)
      cwaku__g1_add(&jac[j * ENDO_T + i], &jac[j * ENDO_T + i - 1], &p2);
  }
  cwaku__g1_batch_to_affine_vartime(aff, jac, m * ENDO_T);
  for (size_t j = 0; j < m; j++) {
    /* phi(k p) = k phi(p): the second table is the first under phi */
    for (int i = 0; i < ENDO_T; i++) {
      tabs[2 * j].odd[i] = aff[j * ENDO_T + i];
      cwaku__g1_endo(&tabs[2 * j + 1].odd[i], &aff[j * ENDO_T + i]);
    }
    tabs[2 * j].w = tabs[2 * j + 1].w = ENDO_W;
  }
}

void cwaku__g1_msm_endo_vartime(cwaku_g1_jac *r, const cwaku_g1 *points,
                                const uint64_t (*k1)[4],
                                const uint64_t (*k2)[4], size_t n, int nbits) {
  cwaku_g1_table tabs[MSM_CHUNK];
  cwaku_g1_jac part;
  uint64_t sc[MSM_CHUNK][4];
  cwaku__g1_jac_infinity(r);
  for (size_t base = 0; base < n; base += ENDO_M) {
    size_t m = n - base < ENDO_M ? n - base : ENDO_M;
    g1_endo_tables(tabs, points + base, m);
    for (size_t j = 0; j < m; j++) {
      memcpy(sc[2 * j], k1[base + j], sizeof sc[0]);
      memcpy(sc[2 * j + 1], k2[base + j], sizeof sc[0]);
    }
    g1_straus_chunk(&part, tabs, (const uint64_t(*)[4])sc, 2 * m, nbits);
    cwaku__g1_add(r, r, &part);
  }
}

void cwaku__g1_mul_endo_many_vartime(cwaku_g1_jac *out, const cwaku_g1 *points,
                                     const uint64_t (*k1)[4],
                                     const uint64_t (*k2)[4], size_t n,
                                     int nbits) {
  cwaku_g1_table tabs[MSM_CHUNK];
  uint64_t sc[2][4];
  for (size_t base = 0; base < n; base += ENDO_M) {
    size_t m = n - base < ENDO_M ? n - base : ENDO_M;
    g1_endo_tables(tabs, points + base, m);
    for (size_t j = 0; j < m; j++) {
      memcpy(sc[0], k1[base + j], sizeof sc[0]);
      memcpy(sc[1], k2[base + j], sizeof sc[0]);
      g1_straus_chunk(&out[base + j], &tabs[2 * j], (const uint64_t(*)[4])sc, 2,
                      nbits);
    }
  }
}
