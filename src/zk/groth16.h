/* Groth16 verification on BN254 (the proofs of circom circuits made by
 * snarkjs, arkworks/zerokit and rapidsnark):
 *
 *   e(A, B) = e(alpha, beta) e(L, gamma) e(C, delta),
 *   L = IC[0] + sum_i x_i IC[i+1]   (x = the public inputs)
 *
 * A verification key is prepared once (cwaku__groth16_prepare): e(alpha,
 * beta) is computed, gamma, delta and beta get their pairing lines, and the
 * IC points tables for the MSM. A check is then one Miller loop over three
 * pairs, (A, B), (-L, gamma), (-C, delta), and one final exponentiation
 * compared with e(alpha, beta).
 *
 * Batch verification of n proofs checks one random linear combination:
 *   prod e(r_i A_i, B_i) e(-(sum r_i) alpha, beta) e(-sum r_i L_i, gamma)
 *     e(-sum r_i C_i, delta) = 1
 * n + 3 Miller loops, one final exponentiation. The coefficients are
 * r_i = s_i + lambda t_i mod r with s_i, t_i independent uniform 64-bit
 * values from the caller's generator (t_i with its top bit set) and lambda
 * the eigenvalue of the G1 endomorphism phi (curve.h), so that r_i A_i =
 * s_i A_i + t_i phi(A_i) costs 64 doublings instead of 128. The 2^127
 * possible r_i are distinct mod r (a collision would be a lattice vector
 * of length below 2^65, where the shortest is about 2^126), so a batch
 * with any invalid proof passes with probability at most 2^-127. A failed
 * batch says nothing about which proof is bad: verify them one by one
 * then.
 *
 * Verification is of public data: no constant-time claim. All functions
 * follow the crypto convention: 1 = success / valid, 0 = failure, outputs
 * cleared on failure. Points in proofs and keys must come from the
 * decoders here (they check the curve equation and the G2 subgroup);
 * verify re-checks only the curve equations. */
#ifndef CWAKU_ZK_GROTH16_H
#define CWAKU_ZK_GROTH16_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"
#include "zk/curve.h"
#include "zk/field.h"
#include "zk/pairing.h"

#define CWAKU_GROTH16_PROOF_BYTES 128
/* The largest number of public inputs a key may have. */
#define CWAKU_GROTH16_MAX_PUBLIC 32
/* The largest snarkjs JSON text the readers accept. */
#define CWAKU_GROTH16_JSON_MAX (64 * 1024)

typedef struct {
  cwaku_g1 a;
  cwaku_g2 b;
  cwaku_g1 c;
} cwaku_groth16_proof;

typedef struct {
  cwaku_g1 alpha;
  cwaku_g2 beta, gamma, delta;
  cwaku_g1 ic[CWAKU_GROTH16_MAX_PUBLIC + 1];
  size_t n_public;
} cwaku_groth16_vk;

/* About 110 KiB: keep it off small stacks. */
typedef struct {
  size_t n_public;
  cwaku_fp12 alpha_beta; /* e(alpha, beta) */
  cwaku_g1 alpha;
  cwaku_g2_prepared beta, gamma, delta;
  /* ic[2i]: the points IC[i], ic[2i+1]: 2^128 IC[i], so that the MSM
   * runs over 128-bit halves of the scalars */
  cwaku_g1_table ic[2 * (CWAKU_GROTH16_MAX_PUBLIC + 1)];
} cwaku_groth16_pvk;

/* Always succeeds for a key from the decoders; 0 (and a cleared pvk) if
 * n_public is out of range. */
CWAKU_MUST_CHECK int cwaku__groth16_prepare(cwaku_groth16_pvk *pvk,
                                            const cwaku_groth16_vk *vk);

/* 1 if the proof verifies with the n_inputs public inputs (which must be
 * the key's n_public; cwaku_fr values are canonical by construction:
 * decode 32-byte inputs with cwaku__fr_from_bytes_le, which refuses values
 * >= r). */
CWAKU_MUST_CHECK int cwaku__groth16_verify(const cwaku_groth16_pvk *pvk,
                                           const cwaku_groth16_proof *proof,
                                           const cwaku_fr *inputs,
                                           size_t n_inputs);

/* 1 if all n proofs verify (n = 0: 1). inputs holds n rows of
 * pvk->n_public values, row i for proofs[i]. rng supplies the random
 * coefficients: it must be unpredictable to whoever made the proofs
 * (cwaku_rng_system()). */
CWAKU_MUST_CHECK int cwaku__groth16_verify_batch(
    const cwaku_groth16_pvk *pvk, const struct cwaku_rng *rng,
    const cwaku_groth16_proof *proofs, const cwaku_fr *inputs, size_t n);

/* --- Encodings (groth16_codec.c) */

/* arkworks compressed A || B || C, 128 bytes (the RLN proof's wire form,
 * ../shared/rln/README.md "Proofs"); refuses any other length and every
 * point curve.h's compressed decoders refuse. */
CWAKU_MUST_CHECK int cwaku__groth16_proof_from_bytes(cwaku_groth16_proof *r,
                                                     const uint8_t *in,
                                                     size_t len);
void cwaku__groth16_proof_to_bytes(uint8_t out[CWAKU_GROTH16_PROOF_BYTES],
                                   const cwaku_groth16_proof *p);

/* snarkjs JSON: a proof {"pi_a": [x, y, "1"], "pi_b": [[x.c0, x.c1],
 * [y.c0, y.c1], ["1", "0"]], "pi_c": [x, y, "1"]} in canonical decimal
 * (the infinity point as [0, 1, 0] / [[0, 0], [1, 0], [0, 0]]), with
 * "protocol" = "groth16" and "curve" = "bn128" where present; a
 * verification key {"nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2",
 * "vk_delta_2", "IC"} (IC of nPublic + 1 points; vk_alphabeta_12 is not
 * read); public signals [decimal, ...] below r. From a parsed jansson
 * value, or from text of at most CWAKU_GROTH16_JSON_MAX bytes. */
CWAKU_MUST_CHECK int cwaku__groth16_proof_from_json(cwaku_groth16_proof *r,
                                                    const json_t *obj);
CWAKU_MUST_CHECK int cwaku__groth16_proof_from_snarkjs(cwaku_groth16_proof *r,
                                                       const char *text,
                                                       size_t len);
CWAKU_MUST_CHECK int cwaku__groth16_vk_from_json(cwaku_groth16_vk *r,
                                                 const json_t *obj);
CWAKU_MUST_CHECK int cwaku__groth16_vk_from_snarkjs(cwaku_groth16_vk *r,
                                                    const char *text,
                                                    size_t len);
/* Reads the array into out[0..*n) (at most cap values). */
CWAKU_MUST_CHECK int cwaku__groth16_public_from_json(cwaku_fr *out, size_t *n,
                                                     size_t cap,
                                                     const json_t *arr);
CWAKU_MUST_CHECK int cwaku__groth16_public_from_snarkjs(cwaku_fr *out,
                                                        size_t *n, size_t cap,
                                                        const char *text,
                                                        size_t len);

#endif
