/* Poseidon over the BN254 scalar field, exactly as circomlib's
 * poseidon.circom and circomlibjs' buildPoseidon: width t = n + 1 for n
 * inputs (1..8), x^5 S-box, 8 full rounds and 56, 57, 56, 60, 60, 63, 64,
 * 63 partial rounds for t = 2..9; the state starts as [0, in_1, ..., in_n]
 * and the hash is state[0] after the permutation.
 *
 * The round constants and MDS matrices are not tables in the source: they
 * are generated at first use by the Grain LFSR procedure of the Poseidon
 * reference script (generate_parameters_grain, field = 1, S-box = 0,
 * n = 254), which is where circomlib's tables come from. The hash runs in
 * the optimised form of the Poseidon paper's appendix B (partial-round
 * constants folded to one scalar, sparse partial-round matrices), derived
 * from those constants at the same time, on x86-64 with BMI2/ADX assembly
 * when the CPU has it (Poseidon(2) in about 8 us there, 16 us without).
 *
 * Constant time in the inputs. Thread-safe: the constants are made once
 * (pthread_once) by whichever call comes first. */
#ifndef CWAKU_ZK_POSEIDON_H
#define CWAKU_ZK_POSEIDON_H

#include <stddef.h>

#include "zk/field.h"

#define CWAKU_POSEIDON_MAX_INPUTS 8

/* Generates the constants of every width (about 4 ms, 300 KB); optional,
 * every hash calls it, but a caller may take the cost up front. */
void cwaku__poseidon_init(void);

/* out = Poseidon(in[0], ..., in[n-1]). Returns 1, or 0 with out cleared
 * when n is not in 1..8. */
CWAKU_MUST_CHECK int cwaku__poseidon(cwaku_fr *out, const cwaku_fr *in,
                                     size_t n);

/* Fixed arities: t = 2 (identity commitment, nullifier), t = 3 (Merkle
 * nodes, rate commitment, external nullifier), t = 4 (a1). */
void cwaku__poseidon1(cwaku_fr *out, const cwaku_fr *a);
void cwaku__poseidon2(cwaku_fr *out, const cwaku_fr *a, const cwaku_fr *b);
void cwaku__poseidon3(cwaku_fr *out, const cwaku_fr *a, const cwaku_fr *b,
                      const cwaku_fr *c);

/* The textbook permutation on the generated constants (one full matrix per
 * round), for tests of the optimised form; same contract as
 * cwaku__poseidon. */
CWAKU_MUST_CHECK int cwaku__poseidon_reference(cwaku_fr *out,
                                               const cwaku_fr *in, size_t n);

/* For tests and benchmarks: the hash through the portable arithmetic
 * (adx = 0), the x86-64 BMI2/ADX one (adx = 1), or whichever
 * cwaku__poseidon uses (adx = -1: ADX when the CPU has it). Returns 0 with
 * out cleared for a bad n, or for adx = 1 where it cannot run. */
CWAKU_MUST_CHECK int cwaku__poseidon_with(cwaku_fr *out, const cwaku_fr *in,
                                          size_t n, int adx);

/* The generated parameters of width t (2..9), for tests: the number of
 * partial rounds (0 for a bad t), round constant k (0 <= k < (8 + R_P) t,
 * circomlib's C[t-2][k]) and MDS entry (i, j) (circomlib's M[t-2][i][j];
 * the linear layer is state'_i = sum_j M[i][j] state_j). The getters return
 * 1, or 0 with out cleared for an index out of range. */
size_t cwaku__poseidon_partial_rounds(size_t t);
CWAKU_MUST_CHECK int cwaku__poseidon_round_constant(cwaku_fr *out, size_t t,
                                                    size_t k);
CWAKU_MUST_CHECK int cwaku__poseidon_mds(cwaku_fr *out, size_t t, size_t i,
                                         size_t j);

#endif
