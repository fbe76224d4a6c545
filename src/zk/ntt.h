/* Radix-2 number-theoretic transforms over the BN254 scalar field, with
 * the roots of unity snarkjs (ffjavascript) uses, so that a prover built on
 * them matches proving keys made by snarkjs: the 2^k-th root is
 * g^((r-1)/2^28) squared 28-k times, g = 5 being the smallest quadratic
 * non-residue. Evaluations are in natural order: out[j] = A(w^j). */
#ifndef CWAKU_ZK_NTT_H
#define CWAKU_ZK_NTT_H

#include <stddef.h>

#include "zk/field.h"

#define CWAKU_FR_TWO_ADICITY 28

struct cwaku__fr_domain {
  unsigned log_n;
  size_t n;
  cwaku_fr *tw;     /* w^i, i < n/2 */
  cwaku_fr *tw_inv; /* w^-i, i < n/2 */
  cwaku_fr n_inv;
  cwaku_fr shift;  /* a primitive 2n-th root: evaluations at shift * w^j are
                      on the coset that avoids the domain (snarkjs' "odd") */
  cwaku_fr *coset; /* n^-1 shift^i, i < n: the inverse transform's scaling
                      and the coset's in one */
  void *ifma;      /* the tables of the AVX-512 IFMA transforms, or NULL */
};

/* The primitive 2^k-th root of unity (k <= 28) of snarkjs. */
void cwaku__fr_root_of_unity(cwaku_fr *out, unsigned k);

/* 0, CWAKU_EINVAL for log_n outside 1..27, or CWAKU_ENOMEM. Besides the
 * twiddles (32 n bytes) it holds the coset table (32 n) and, where the
 * AVX-512 IFMA code runs and n >= 64, that code's tables (120 n). */
int cwaku__fr_domain_init(struct cwaku__fr_domain *d, unsigned log_n);
void cwaku__fr_domain_clear(struct cwaku__fr_domain *d);

/* In place, a has d->n elements: coefficients -> evaluations. */
void cwaku__fr_fft(const struct cwaku__fr_domain *d, cwaku_fr *a);
/* evaluations -> coefficients */
void cwaku__fr_ifft(const struct cwaku__fr_domain *d, cwaku_fr *a);
/* Evaluations on the domain -> evaluations at shift * w^j (the same
 * polynomial on the coset), as snarkjs' prover does for A, B and C. */
void cwaku__fr_to_coset(const struct cwaku__fr_domain *d, cwaku_fr *a);

/* The Groth16 quotient's values: with A, B the polynomials of evaluations
 * a, b on the domain and C the one of their products a_j b_j,
 * h[j] = A(x) B(x) - C(x) at x = shift w^j, as canonical integers
 * (little-endian limbs, below r). a and b are left as they were. 0 or
 * CWAKU_ENOMEM. */
int cwaku__fr_coset_quotient(const struct cwaku__fr_domain *d, uint64_t (*h)[4],
                             const cwaku_fr *a, const cwaku_fr *b);

#endif
