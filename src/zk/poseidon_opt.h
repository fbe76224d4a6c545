/* The constants of circomlib's optimised Poseidon circuit (poseidon.circom
 * of circomlib 2.0.5: POSEIDON_C, POSEIDON_S, POSEIDON_M, POSEIDON_P), which
 * the R1CS of the RLN circuit is made of (specs/rln-circuit.md §8). They
 * are derived here from the plain Poseidon constants (zk/poseidon.h) the
 * way circomlibjs' tools/poseidon_optimize_constants.js derives them:
 *
 *   M' = M transposed (circuit convention: out_i = sum_j M'[j][i] in_j);
 *   C' = the round constants moved through M'^-1 so the partial rounds add
 *        one scalar each (lane 0), the others folded forward;
 *   the partial rounds' matrices factor as P (once, after full round 3)
 *   and one sparse matrix per partial round, stored in S as
 *   [m00, w_1 .. w_{t-1}, m01 .. m0_{t-1}] (2t - 1 values). */
#ifndef CWAKU_ZK_POSEIDON_OPT_H
#define CWAKU_ZK_POSEIDON_OPT_H

#include <stddef.h>

#include "zk/field.h"

struct cwaku__poseidon_opt {
  size_t t;         /* width: inputs + 1 */
  size_t n_partial; /* partial rounds */
  cwaku_fr *C;      /* 8t + n_partial */
  cwaku_fr *S;      /* n_partial * (2t - 1) */
  cwaku_fr *M;      /* t * t, M'[row][col] at M[row * t + col] */
  cwaku_fr *P;      /* t * t, same layout */
};

/* Derives the constants of width t (2..9). 0, or CWAKU_EINVAL for a bad t,
 * CWAKU_ENOMEM. */
int cwaku__poseidon_opt_init(struct cwaku__poseidon_opt *o, size_t t);
void cwaku__poseidon_opt_clear(struct cwaku__poseidon_opt *o);

#endif
