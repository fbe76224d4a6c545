/* Inline forms of the cheap Fp2 operations (additions, negation, the
 * multiplication by xi and by an Fp scalar) for the tower and the curve
 * code in the src/zk sources; the multiplications stay out of line in fp2.c.
 * Same semantics as the cwaku__fp2_* functions of tower.h. */
#ifndef CWAKU_ZK_TOWER_INLINE_H
#define CWAKU_ZK_TOWER_INLINE_H

#include "zk/fp_inline.h"
#include "zk/tower.h"

FP_INLINE void fp2_add(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b) {
  fp_add(&r->c0, &a->c0, &b->c0);
  fp_add(&r->c1, &a->c1, &b->c1);
}

FP_INLINE void fp2_sub(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b) {
  fp_sub(&r->c0, &a->c0, &b->c0);
  fp_sub(&r->c1, &a->c1, &b->c1);
}

FP_INLINE void fp2_neg(cwaku_fp2 *r, const cwaku_fp2 *a) {
  fp_neg(&r->c0, &a->c0);
  fp_neg(&r->c1, &a->c1);
}

FP_INLINE void fp2_dbl(cwaku_fp2 *r, const cwaku_fp2 *a) {
  fp_dbl(&r->c0, &a->c0);
  fp_dbl(&r->c1, &a->c1);
}

FP_INLINE void fp2_conj(cwaku_fp2 *r, const cwaku_fp2 *a) {
  r->c0 = a->c0;
  fp_neg(&r->c1, &a->c1);
}

FP_INLINE int fp2_is_zero(const cwaku_fp2 *a) {
  return fp_is_zero(&a->c0) & fp_is_zero(&a->c1);
}

FP_INLINE int fp2_equal(const cwaku_fp2 *a, const cwaku_fp2 *b) {
  return fp_equal(&a->c0, &b->c0) & fp_equal(&a->c1, &b->c1);
}

FP_INLINE void fp2_set_one(cwaku_fp2 *r) {
  fp_set_one(&r->c0);
  memset(&r->c1, 0, sizeof r->c1);
}

FP_INLINE void fp2_cmov(cwaku_fp2 *r, const cwaku_fp2 *a, int flag) {
  fp_cmov(&r->c0, &a->c0, flag);
  fp_cmov(&r->c1, &a->c1, flag);
}

FP_INLINE void fp2_mul_fp(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp *b) {
  fp_mul(&r->c0, &a->c0, b);
  fp_mul(&r->c1, &a->c1, b);
}

/* (c0 + c1 u)(9 + u) = (9 c0 - c1) + (c0 + 9 c1) u, 9x as 8x + x. */
FP_INLINE void fp2_mul_xi(cwaku_fp2 *r, const cwaku_fp2 *a) {
  cwaku_fp t0, t1;
  fp_dbl(&t0, &a->c0);
  fp_dbl(&t0, &t0);
  fp_dbl(&t0, &t0);
  fp_add(&t0, &t0, &a->c0);
  fp_dbl(&t1, &a->c1);
  fp_dbl(&t1, &t1);
  fp_dbl(&t1, &t1);
  fp_add(&t1, &t1, &a->c1);
  fp_sub(&t0, &t0, &a->c1);
  fp_add(&r->c1, &t1, &a->c0);
  r->c0 = t0;
}

#endif
