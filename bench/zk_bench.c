/* BN254 pairing and Groth16 verification (src/zk): the cost of the tower
 * arithmetic, pairings, point decompression, the G2 subgroup check, and of
 * verifying the RLN v2 proofs of ../shared/rln (single and batches of 64).
 * Each figure is the best of several runs. Prints one JSON object.
 *
 *   zk_bench [SHARED]   SHARED is the shared directory (default:
 *                       $CWAKU_SHARED, else ../shared from the repository)
 *
 * CWAKU_ZK_PORTABLE=1 in the environment measures the portable C field
 * multiplication instead of the x86-64 assembly. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cwaku/env.h"
#include "zk/fp_inline.h"
#include "zk/groth16.h"

#define RUNS 5
#define BATCH 64

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile uint64_t sink;

/* Best time per iteration over RUNS runs of iters iterations, in ns. */
#define TIME(iters, stmt)                                                      \
  ({                                                                           \
    double best_ = 1e300;                                                      \
    for (int run_ = 0; run_ < RUNS; run_++) {                                  \
      double t0_ = now_ns();                                                   \
      for (long i_ = 0; i_ < (long)(iters); i_++) {                            \
        stmt;                                                                  \
      }                                                                        \
      double t_ = (now_ns() - t0_) / (double)(iters);                          \
      if (t_ < best_)                                                          \
        best_ = t_;                                                            \
    }                                                                          \
    best_;                                                                     \
  })

static size_t unhex(uint8_t *out, size_t cap, const char *hex) {
  size_t n = strlen(hex) / 2;
  if (n > cap)
    abort();
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1)
      abort();
    out[i] = (uint8_t)v;
  }
  return n;
}

static json_t *load(const char *dir, const char *rel) {
  char path[4096];
  json_error_t err;
  snprintf(path, sizeof path, "%s/rln/%s", dir, rel);
  json_t *v = json_load_file(path, 0, &err);
  if (!v) {
    fprintf(stderr, "zk_bench: %s: %s\n", path, err.text);
    exit(1);
  }
  return v;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : getenv("CWAKU_SHARED");
  if (!dir)
    dir = "../shared";
  static cwaku_groth16_vk vk;
  static cwaku_groth16_pvk pvk;
  static cwaku_groth16_proof proofs[BATCH];
  static uint8_t proof_bytes[BATCH][CWAKU_GROTH16_PROOF_BYTES];
  static cwaku_fr inputs[BATCH][5];
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 64);

  /* the key and the 24 proofs of rln_cases.json, repeated up to 64 */
  json_t *vkj = load(dir, "verification_key.json");
  if (!cwaku__groth16_vk_from_json(&vk, vkj) ||
      !cwaku__groth16_prepare(&pvk, &vk)) {
    fprintf(stderr, "zk_bench: bad verification key\n");
    return 1;
  }
  json_decref(vkj);
  json_t *cases = load(dir, "vectors/rln_cases.json");
  json_t *arr = json_object_get(cases, "cases");
  size_t have = 0;
  for (size_t i = 0; i < json_array_size(arr) && have < BATCH; i++) {
    json_t *c = json_array_get(arr, i);
    const char *keys[2] = {"proof_zerokit_ark_hex", "proof_snarkjs_ark_hex"};
    for (int k = 0; k < 2; k++) {
      size_t n = 0;
      unhex(proof_bytes[have], CWAKU_GROTH16_PROOF_BYTES,
            json_string_value(json_object_get(c, keys[k])));
      if (!cwaku__groth16_proof_from_bytes(&proofs[have], proof_bytes[have],
                                           CWAKU_GROTH16_PROOF_BYTES) ||
          !cwaku__groth16_public_from_json(
              inputs[have], &n, 5, json_object_get(c, "public_signals")) ||
          !cwaku__groth16_verify(&pvk, &proofs[have], inputs[have], 5)) {
        fprintf(stderr, "zk_bench: case %zu does not verify\n", i);
        return 1;
      }
      have++;
    }
  }
  json_decref(cases);
  for (size_t i = have; i < BATCH; i++) {
    proofs[i] = proofs[i % have];
    memcpy(proof_bytes[i], proof_bytes[i % have], CWAKU_GROTH16_PROOF_BYTES);
    memcpy(inputs[i], inputs[i % have], sizeof inputs[i]);
  }

  cwaku_g1 g1, pts1[4];
  cwaku_g2 g2, pts2[4];
  cwaku_g2_prepared prep;
  cwaku_fp12 f, e;
  cwaku_fp2 a2, b2;
  cwaku__g1_generator(&g1);
  cwaku__g2_generator(&g2);
  for (int i = 0; i < 4; i++) {
    pts1[i] = proofs[i].a;
    pts2[i] = proofs[i].b;
  }
  cwaku__g2_prepare(&prep, &g2);
  const cwaku_g2_prepared *pp = &prep;
  a2 = g2.x;
  b2 = g2.y;
  cwaku__miller_loop(&f, NULL, NULL, 0, &g1, &g2, 1);
  cwaku__final_exponentiation(&e, &f);

  printf("{\n  \"fp_asm\": %d,\n", fp_use_asm());
  printf("  \"fp2_mul_ns\": %.1f,\n",
         TIME(1000000, cwaku__fp2_mul(&a2, &a2, &b2)));
  printf("  \"fp12_mul_ns\": %.0f,\n",
         TIME(20000, cwaku__fp12_mul(&f, &f, &e)));
  printf("  \"fp12_sqr_ns\": %.0f,\n", TIME(20000, cwaku__fp12_sqr(&f, &f)));
  printf("  \"fp12_cyclotomic_sqr_ns\": %.0f,\n",
         TIME(20000, cwaku__fp12_cyclotomic_sqr(&e, &e)));
  sink ^= f.c0.c0.c0.v[0] ^ e.c0.c0.c0.v[0] ^ a2.c0.v[0];

  printf("  \"miller_loop_us\": %.1f,\n",
         TIME(300, cwaku__miller_loop(&f, NULL, NULL, 0, &g1, &g2, 1)) / 1e3);
  printf("  \"final_exponentiation_us\": %.1f,\n",
         TIME(300, cwaku__final_exponentiation(&e, &f)) / 1e3);
  printf("  \"pairing_us\": %.1f,\n",
         TIME(300, cwaku__pairing(&e, &g1, &g2)) / 1e3);
  printf("  \"pairing_prepared_g2_us\": %.1f,\n",
         TIME(300, {
           cwaku__miller_loop(&f, &g1, &pp, 1, NULL, NULL, 0);
           cwaku__final_exponentiation(&e, &f);
         }) / 1e3);
  printf("  \"g2_prepare_us\": %.1f,\n",
         TIME(300, cwaku__g2_prepare(&prep, &g2)) / 1e3);
  printf("  \"multi_pairing_4_us\": %.1f,\n",
         TIME(200,
              sink += (uint64_t)cwaku__pairing_product_is_one(pts1, pts2, 4)) /
             1e3);

  uint8_t c1[32], c2[64];
  cwaku_g1 q1;
  cwaku_g2 q2;
  cwaku__g1_to_compressed(c1, &proofs[0].a);
  cwaku__g2_to_compressed(c2, &proofs[0].b);
  printf("  \"g1_decompress_us\": %.2f,\n",
         TIME(2000, sink += (uint64_t)cwaku__g1_from_compressed(&q1, c1)) /
             1e3);
  printf("  \"g2_decompress_us\": %.1f,\n",
         TIME(1000, sink += (uint64_t)cwaku__g2_from_compressed(&q2, c2)) /
             1e3);
  printf("  \"g2_subgroup_check_us\": %.1f,\n",
         TIME(1000, sink +=
                    (uint64_t)cwaku__g2_is_in_subgroup_vartime(&proofs[0].b)) /
             1e3);
  {
    cwaku_fr k;
    cwaku_g1_jac j1;
    cwaku_g2_jac j2;
    cwaku__fr_from_u64(&k, 0x1234567);
    cwaku__fr_inverse(&k, &k); /* a full-size scalar */
    cwaku__g1_from_affine(&j1, &g1);
    cwaku__g2_from_affine(&j2, &g2);
    printf("  \"g1_mul_ct_us\": %.1f,\n",
           TIME(300, cwaku__g1_mul(&j1, &j1, &k)) / 1e3);
    printf("  \"g1_mul_vartime_us\": %.1f,\n",
           TIME(300, cwaku__g1_mul_vartime(&j1, &j1, &k)) / 1e3);
    printf("  \"g2_mul_ct_us\": %.1f,\n",
           TIME(100, cwaku__g2_mul(&j2, &j2, &k)) / 1e3);
    sink ^= j1.x.v[0] ^ j2.x.c0.v[0];
  }

  printf("  \"groth16_verify_us\": %.1f,\n",
         TIME(200, sink += (uint64_t)cwaku__groth16_verify(&pvk, &proofs[0],
                                                           inputs[0], 5)) /
             1e3);
  printf("  \"groth16_decode_and_verify_us\": %.1f,\n",
         TIME(200, {
           cwaku_groth16_proof p;
           sink += (uint64_t)(cwaku__groth16_proof_from_bytes(
                                  &p, proof_bytes[0], sizeof proof_bytes[0]) &&
                              cwaku__groth16_verify(&pvk, &p, inputs[0], 5));
         }) / 1e3);
  double batch = TIME(10, {
    if (!cwaku__groth16_verify_batch(&pvk, &rng.rng, proofs, &inputs[0][0],
                                     BATCH))
      abort();
  });
  printf("  \"groth16_batch_64_per_proof_us\": %.1f,\n", batch / BATCH / 1e3);
  double batch_dec = TIME(10, {
    static cwaku_groth16_proof p[BATCH];
    for (int k = 0; k < BATCH; k++)
      if (!cwaku__groth16_proof_from_bytes(&p[k], proof_bytes[k],
                                           CWAKU_GROTH16_PROOF_BYTES))
        abort();
    if (!cwaku__groth16_verify_batch(&pvk, &rng.rng, p, &inputs[0][0], BATCH))
      abort();
  });
  printf("  \"groth16_decode_and_batch_64_per_proof_us\": %.1f\n",
         batch_dec / BATCH / 1e3);
  printf("}\n");
  return 0;
}
