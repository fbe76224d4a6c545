/* Groth16 proofs from a snarkjs proving key and a full witness, computed
 * the way snarkjs' groth16_prove.js does (so any snarkjs key works):
 *
 *   a, b on the domain from the key's A and B coefficients, c = a * b;
 *   all three moved to the coset shift * w^j, h = a b - c there;
 *   A = sum w_i A_i + alpha + r delta,   B = sum w_i B2_i + beta + s delta,
 *   C = sum_private w_i C_i + sum h_j H_j + s A + r B1 - r s delta
 *       with B1 = sum w_i B1_i + beta1 + s delta1. */
#ifndef CWAKU_ZK_PROVER_H
#define CWAKU_ZK_PROVER_H

#include "cwaku/env.h"
#include "zk/curve.h"
#include "zk/msm.h"
#include "zk/ntt.h"
#include "zk/zkey.h"

struct cwaku__prover {
  uint32_t n_vars, n_public;
  struct cwaku__fr_domain domain;
  size_t n_coefs;
  struct cwaku__zkey_coef *coefs;
  cwaku_g1 alpha1, beta1, delta1;
  cwaku_g2 beta2, delta2;
  /* The key's points as prepared MSM bases (msm.h): A, B1 and B2 take the
   * witness' scalars; C and H share one MSM, C taking the private wires'
   * (at n_public + 1 ..) and H the quotient's, put after the n_vars
   * wires. */
  struct cwaku__g1_bases a, b1, ch;
  struct cwaku__g2_bases b2;
};

/* Where a proof's time goes, in milliseconds (for benchmarks). */
struct cwaku__prover_times {
  double ntt_ms;   /* a and b on the domain, to the coset with c, h */
  double split_ms; /* the scalars split for the MSMs */
  double a_ms, b1_ms, b2_ms, ch_ms; /* the MSMs */
  double total_ms;
};

/* Takes the key's points (checked on the curve, beta2 and delta2 in G2;
 * the B2 points only on the twist: the MSM takes them to be in G2, where
 * psi is [p], as a valid key's are) and coefficients, and prepares the
 * MSM bases (about 5 MB for the RLN key) and the transforms' tables; the
 * zkey may be freed after. 0, CWAKU_ERANGE for a point not on the curve,
 * CWAKU_ENOMEM. */
int cwaku__prover_init(struct cwaku__prover *p, const struct cwaku__zkey *z);
void cwaku__prover_clear(struct cwaku__prover *p);

/* A proof for witness w (n_vars values, w[0] = 1); r and s from rng. The
 * witness must satisfy the key's circuit, or the proof will not verify.
 * 0 or CWAKU_ENOMEM. */
int cwaku__prover_prove(cwaku_g1 *a, cwaku_g2 *b, cwaku_g1 *c,
                        const struct cwaku__prover *p, const cwaku_fr *w,
                        const struct cwaku_rng *rng);
/* The same, filling *times when times is not NULL. */
int cwaku__prover_prove_timed(cwaku_g1 *a, cwaku_g2 *b, cwaku_g1 *c,
                              const struct cwaku__prover *p, const cwaku_fr *w,
                              const struct cwaku_rng *rng,
                              struct cwaku__prover_times *times);
/* Bytes of the prepared bases. */
size_t cwaku__prover_bases_bytes(const struct cwaku__prover *p);

/* A uniformly random non-zero scalar (254-bit candidates below r), for
 * the prover's blinding and the setup's secrets. */
void cwaku__fr_random_nonzero(cwaku_fr *out, const struct cwaku_rng *rng);

#endif
