/* Multi-scalar multiplication for large sets of points (a proving key's):
 * r = sum k_i P_i by Pippenger's bucket method, with
 *
 *   - the endomorphisms: phi(x, y) = (beta x, y) = [lambda] on G1 splits a
 *     scalar into two of at most 126 bits (GLV); psi = [p] on G2 splits it
 *     into four of at most 64 bits (Galbraith-Scott), by Babai rounding
 *     against a reduced basis of the lattice of the eigenvalue;
 *   - signed base-2^c digits, one set of 2^(c-1) buckets per window, c
 *     from an estimate of the cost;
 *   - affine buckets filled by batches of independent affine additions
 *     sharing one field inversion (Montgomery's trick): the points of a
 *     bucket are summed pairwise, round by round, every round one batch;
 *   - the bucket sum sum_v v S_v taken the same way: with v = hi L + lo,
 *     L * sum hi (sum of row hi) + sum lo (sum of column lo), the row and
 *     column sums in batches, then the same on those, so only a few
 *     Jacobian additions are left;
 *   - on x86-64 CPUs with AVX-512 IFMA, the batches run eight additions
 *     at a time (msm_ifma.h), the points held in that code's Montgomery
 *     form.
 *
 * Variable time: the points are public; the scalars may be secret-derived
 * (a witness) but the prover's output is randomised, and the timing of the
 * MSM is not a leak we guard against (as snarkjs and arkworks). The parts
 * and digits of the scalars are wiped after use. Points must lie in G1 (any
 * point on the curve does) or in G2 (psi acts as [p] there only): a proving
 * key's points do. */
#ifndef CWAKU_ZK_MSM_H
#define CWAKU_ZK_MSM_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"
#include "zk/curve.h"

/* Affine points without the flag: (0, 0), which is on neither curve, is
 * the point at infinity. */
typedef struct {
  cwaku_fp x, y;
} cwaku__g1_xy;

typedef struct {
  cwaku_fp2 x, y;
} cwaku__g2_xy;

/* A scalar split by the endomorphism: k = sum_i (-1)^neg[i] mag[i] e^i mod
 * r with e = lambda (G1, two parts of at most 126 bits) or p (G2, four of
 * at most 64 bits). */
struct cwaku__g1_split {
  uint64_t mag[2][2];
  uint8_t neg[2];
};

struct cwaku__g2_split {
  uint64_t mag[4];
  uint8_t neg[4];
};

/* k is any 256-bit integer (little-endian limbs), taken mod r. */
void cwaku__g1_split(struct cwaku__g1_split *out, const uint64_t k[4]);
void cwaku__g2_split(struct cwaku__g2_split *out, const uint64_t k[4]);

/* r = sum k_i P_i, scalars any 256-bit integers (taken mod r). Points at
 * infinity and zero scalars are skipped. 0 or CWAKU_ENOMEM. */
CWAKU_MUST_CHECK int cwaku__g1_msm_pippenger(cwaku_g1_jac *r,
                                             const cwaku_g1 *points,
                                             const uint64_t (*scalars)[4],
                                             size_t n);
CWAKU_MUST_CHECK int cwaku__g2_msm_pippenger(cwaku_g2_jac *r,
                                             const cwaku_g2 *points,
                                             const uint64_t (*scalars)[4],
                                             size_t n);

/* Fixed bases, prepared once for many MSMs: the points at infinity left
 * out, each kept point stored with its endomorphism images (G1: P, phi P;
 * G2: P, psi P, psi^2 P, psi^3 P), 64 bytes per G1 point and 128 per G2
 * point, and the position of its scalar. Start from a zeroed struct; _add
 * appends the finite points of points[0..n), whose scalars are at
 * positions first, first + 1, ... of the split scalars given to _msm. 0,
 * CWAKU_ETOOBIG when the images would pass 2^31, or CWAKU_ENOMEM (b
 * unchanged). */
struct cwaku__g1_bases {
  size_t n;
  int ifma;          /* coordinates in the IFMA form (msm_ifma.h) */
  uint32_t *scalar;  /* n positions */
  cwaku__g1_xy *pts; /* 2n: pts[2i + j] = phi^j(P_i) */
};

struct cwaku__g2_bases {
  size_t n;
  int ifma;
  uint32_t *scalar;
  cwaku__g2_xy *pts; /* 4n: pts[4i + j] = psi^j(P_i) */
};

CWAKU_MUST_CHECK int cwaku__g1_bases_add(struct cwaku__g1_bases *b,
                                         const cwaku_g1 *points, size_t n,
                                         uint32_t first);
CWAKU_MUST_CHECK int cwaku__g2_bases_add(struct cwaku__g2_bases *b,
                                         const cwaku_g2 *points, size_t n,
                                         uint32_t first);
void cwaku__g1_bases_clear(struct cwaku__g1_bases *b);
void cwaku__g2_bases_clear(struct cwaku__g2_bases *b);
/* Bytes held by the bases. */
size_t cwaku__g1_bases_bytes(const struct cwaku__g1_bases *b);
size_t cwaku__g2_bases_bytes(const struct cwaku__g2_bases *b);

/* r = sum k P over the bases, k = split[b->scalar[i]]. 0 or CWAKU_ENOMEM. */
CWAKU_MUST_CHECK int cwaku__g1_bases_msm(cwaku_g1_jac *r,
                                         const struct cwaku__g1_bases *b,
                                         const struct cwaku__g1_split *split);
CWAKU_MUST_CHECK int cwaku__g2_bases_msm(cwaku_g2_jac *r,
                                         const struct cwaku__g2_bases *b,
                                         const struct cwaku__g2_split *split);

#endif
