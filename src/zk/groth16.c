/* Groth16 verification: prepared keys, single and batch checks (see
 * groth16.h). */
#include <string.h>

#include "zk/groth16.h"

/* IC tables: width-6 NAF, 16 odd multiples per point. */
#define IC_TABLE_W 6
/* Proofs per group in batch verification (bounded stack use). */
#define BATCH_CHUNK 32

int cwaku__groth16_prepare(cwaku_groth16_pvk *pvk, const cwaku_groth16_vk *vk) {
  memset(pvk, 0, sizeof *pvk);
  if (vk->n_public > CWAKU_GROTH16_MAX_PUBLIC)
    return 0;
  pvk->n_public = vk->n_public;
  pvk->alpha = vk->alpha;
  cwaku__pairing(&pvk->alpha_beta, &vk->alpha, &vk->beta);
  cwaku__g2_prepare(&pvk->beta, &vk->beta);
  cwaku__g2_prepare(&pvk->gamma, &vk->gamma);
  cwaku__g2_prepare(&pvk->delta, &vk->delta);
  static const uint64_t two128[4] = {0, 0, 1, 0};
  for (size_t i = 0; i <= vk->n_public; i++) {
    cwaku_g1_jac j;
    cwaku_g1 hi;
    cwaku__g1_from_affine(&j, &vk->ic[i]);
    cwaku__g1_mul_limbs_vartime(&j, &j, two128);
    cwaku__g1_to_affine_vartime(&hi, &j);
    cwaku__g1_table_init(&pvk->ic[2 * i], &vk->ic[i], IC_TABLE_W);
    cwaku__g1_table_init(&pvk->ic[2 * i + 1], &hi, IC_TABLE_W);
  }
  return 1;
}

/* sum_{i < n} s_i IC[i] with the key's tables: s_i = lo + 2^128 hi, and
 * the MSM over 2n terms of 128 bits (half the doublings). */
static void ic_msm(cwaku_g1_jac *r, const cwaku_groth16_pvk *pvk,
                   const uint64_t (*s)[4], size_t n) {
  uint64_t h[2 * (CWAKU_GROTH16_MAX_PUBLIC + 1)][4];
  for (size_t i = 0; i < n; i++) {
    h[2 * i][0] = s[i][0];
    h[2 * i][1] = s[i][1];
    h[2 * i + 1][0] = s[i][2];
    h[2 * i + 1][1] = s[i][3];
    h[2 * i][2] = h[2 * i][3] = h[2 * i + 1][2] = h[2 * i + 1][3] = 0;
  }
  cwaku__g1_msm_tables_vartime(r, pvk->ic, (const uint64_t(*)[4])h, 2 * n, 128);
}

static int proof_on_curves(const cwaku_groth16_proof *p) {
  return cwaku__g1_is_on_curve(&p->a) && cwaku__g2_is_on_curve(&p->b) &&
         cwaku__g1_is_on_curve(&p->c);
}

int cwaku__groth16_verify(const cwaku_groth16_pvk *pvk,
                          const cwaku_groth16_proof *proof,
                          const cwaku_fr *inputs, size_t n_inputs) {
  uint64_t s[CWAKU_GROTH16_MAX_PUBLIC + 1][4];
  cwaku_g1_jac lj;
  cwaku_g1 p[2];
  cwaku_fp12 f, e;
  if (n_inputs != pvk->n_public || !proof_on_curves(proof))
    return 0;
  /* L = IC[0] + sum x_i IC[i+1] */
  memset(s[0], 0, sizeof s[0]);
  s[0][0] = 1;
  for (size_t i = 0; i < n_inputs; i++)
    cwaku__fr_to_limbs(s[i + 1], &inputs[i]);
  ic_msm(&lj, pvk, (const uint64_t(*)[4])s, n_inputs + 1);
  cwaku__g1_to_affine_vartime(&p[0], &lj);
  cwaku__g1_neg(&p[0], &p[0]);
  cwaku__g1_neg(&p[1], &proof->c);
  const cwaku_g2_prepared *q[2] = {&pvk->gamma, &pvk->delta};
  /* e(A, B) e(-L, gamma) e(-C, delta) = e(alpha, beta) */
  cwaku__miller_loop(&f, p, q, 2, &proof->a, &proof->b, 1);
  cwaku__final_exponentiation(&e, &f);
  return cwaku__fp12_equal(&e, &pvk->alpha_beta);
}

/* A random 64-bit value; with top set, its top bit is 1. */
static uint64_t random_u64(const struct cwaku_rng *rng, int top) {
  uint8_t b[8];
  uint64_t v = 0;
  cwaku_random(rng, b, sizeof b);
  for (int i = 0; i < 8; i++)
    v |= (uint64_t)b[i] << (8 * i);
  return top ? v | (uint64_t)1 << 63 : v;
}

int cwaku__groth16_verify_batch(const cwaku_groth16_pvk *pvk,
                                const struct cwaku_rng *rng,
                                const cwaku_groth16_proof *proofs,
                                const cwaku_fr *inputs, size_t n) {
  const size_t np = pvk->n_public;
  cwaku_fr acc[CWAKU_GROTH16_MAX_PUBLIC + 1], rho, t, lambda;
  uint64_t k1[BATCH_CHUNK][4], k2[BATCH_CHUNK][4];
  uint64_t s[CWAKU_GROTH16_MAX_PUBLIC + 1][4];
  cwaku_g1_jac aj[BATCH_CHUNK], cj, part;
  cwaku_g1 a[BATCH_CHUNK], c[BATCH_CHUNK], p[3];
  cwaku_g2 b[BATCH_CHUNK];
  cwaku_fp12 f, g, e;
  if (n == 0)
    return 1;
  cwaku__g1_endo_lambda(&lambda);
  for (size_t j = 0; j <= np; j++)
    cwaku__fr_zero(&acc[j]);
  cwaku__g1_jac_infinity(&cj);
  cwaku__fp12_one(&f);
  for (size_t base = 0; base < n; base += BATCH_CHUNK) {
    size_t m = n - base < BATCH_CHUNK ? n - base : BATCH_CHUNK;
    for (size_t k = 0; k < m; k++) {
      const cwaku_groth16_proof *pr = &proofs[base + k];
      const cwaku_fr *x = np ? &inputs[(base + k) * np] : NULL;
      if (!proof_on_curves(pr))
        return 0;
      /* rho = k1 + lambda k2 */
      memset(k1[k], 0, sizeof k1[k]);
      memset(k2[k], 0, sizeof k2[k]);
      k1[k][0] = random_u64(rng, 0);
      k2[k][0] = random_u64(rng, 1);
      cwaku__fr_from_u64(&rho, k2[k][0]);
      cwaku__fr_mul(&rho, &rho, &lambda);
      cwaku__fr_from_u64(&t, k1[k][0]);
      cwaku__fr_add(&rho, &rho, &t);
      /* acc_0 += rho, acc_{j+1} += rho x_j */
      cwaku__fr_add(&acc[0], &acc[0], &rho);
      for (size_t j = 0; j < np; j++) {
        cwaku__fr_mul(&t, &rho, &x[j]);
        cwaku__fr_add(&acc[j + 1], &acc[j + 1], &t);
      }
      a[k] = pr->a;
      b[k] = pr->b;
      c[k] = pr->c;
    }
    /* rho_i A_i each, and sum rho_i C_i */
    cwaku__g1_mul_endo_many_vartime(aj, a, (const uint64_t(*)[4])k1,
                                    (const uint64_t(*)[4])k2, m, 64);
    cwaku__g1_msm_endo_vartime(&part, c, (const uint64_t(*)[4])k1,
                               (const uint64_t(*)[4])k2, m, 64);
    cwaku__g1_add(&cj, &cj, &part);
    cwaku__g1_batch_to_affine_vartime(a, aj, m);
    cwaku__miller_loop(&g, NULL, NULL, 0, a, b, m);
    cwaku__fp12_mul(&f, &f, &g);
  }
  /* the fixed terms: -(sum rho) alpha, -sum rho L, -sum rho C */
  cwaku_g1_jac j3[3];
  cwaku__fr_to_limbs(s[0], &acc[0]);
  cwaku__g1_from_affine(&j3[0], &pvk->alpha);
  cwaku__g1_mul_limbs_vartime(&j3[0], &j3[0], s[0]);
  for (size_t j = 1; j <= np; j++)
    cwaku__fr_to_limbs(s[j], &acc[j]);
  ic_msm(&j3[1], pvk, (const uint64_t(*)[4])s, np + 1);
  j3[2] = cj;
  cwaku__g1_batch_to_affine_vartime(p, j3, 3);
  for (int k = 0; k < 3; k++)
    cwaku__g1_neg(&p[k], &p[k]);
  const cwaku_g2_prepared *q[3] = {&pvk->beta, &pvk->gamma, &pvk->delta};
  cwaku__miller_loop(&g, p, q, 3, NULL, NULL, 0);
  cwaku__fp12_mul(&f, &f, &g);
  cwaku__final_exponentiation(&e, &f);
  return cwaku__fp12_is_one(&e);
}
