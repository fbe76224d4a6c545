/* The optimal ate pairing on BN254, e: G1 x G2 -> GT (the order-r
 * subgroup of Fp12*), as in EIP-197:
 *
 *   e(P, Q) = (f_{6x+2,Q}(P) l_{[6x+2]Q,psi(Q)}(P)
 *              l_{[6x+2]Q+psi(Q),-psi^2(Q)}(P))^((p^12 - 1)/r)
 *
 * with the Miller loop over the non-adjacent form of 6x+2 and the final
 * exponentiation split into its easy part (p^6 - 1)(p^2 + 1) and the hard
 * part (p^4 - p^2 + 1)/r (Scott et al., "On the final exponentiation for
 * calculating pairings on ordinary elliptic curves", 2009: three
 * exponentiations by x with cyclotomic squarings). The value is the exact
 * reduced pairing, not a power of it.
 *
 * A G2 point used many times (a verification key's) can be prepared once:
 * its line coefficients are stored in affine form, which makes each line
 * cheaper to apply. Points passed unprepared have their lines computed on
 * the fly: in homogeneous projective coordinates when there are few of
 * them, in affine coordinates with one inversion per step shared by all
 * (Montgomery's trick) from 4 unprepared points on.
 *
 * Everything here is for public points (verification): no constant-time
 * claim. Points must be in G1 and G2 (curve.h decoders check that). */
#ifndef CWAKU_ZK_PAIRING_H
#define CWAKU_ZK_PAIRING_H

#include <stddef.h>

#include "zk/curve.h"
#include "zk/tower.h"

/* 65 doublings and 21 additions for the NAF of 6x+2, and the two lines of
 * psi(Q) and -psi^2(Q). */
#define CWAKU_PAIRING_LINES 88

typedef struct {
  /* line j evaluated at P = (xP, yP) is yP + ell[j][0] xP w + ell[j][1] w^3 */
  cwaku_fp2 ell[CWAKU_PAIRING_LINES][2];
  int infinity;
} cwaku_g2_prepared;

void cwaku__g2_prepare(cwaku_g2_prepared *r, const cwaku_g2 *q);

/* f = product of the Miller loops of the pairs (p_prep[i], q_prep[i]) and
 * (p[j], q[j]), without the final exponentiation. Pairs with a point at
 * infinity contribute 1. Any number of pairs. */
void cwaku__miller_loop(cwaku_fp12 *f, const cwaku_g1 *p_prep,
                        const cwaku_g2_prepared *const *q_prep, size_t n_prep,
                        const cwaku_g1 *p, const cwaku_g2 *q, size_t n);
void cwaku__final_exponentiation(cwaku_fp12 *r, const cwaku_fp12 *f);

void cwaku__pairing(cwaku_fp12 *r, const cwaku_g1 *p, const cwaku_g2 *q);
/* 1 if e(p[0], q[0]) ... e(p[n-1], q[n-1]) = 1 (one final
 * exponentiation), else 0. */
int cwaku__pairing_product_is_one(const cwaku_g1 *p, const cwaku_g2 *q,
                                  size_t n);

#endif
