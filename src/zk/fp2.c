/* Fp2 = Fp[u] / (u^2 + 1), the field of G2's coordinates. */
#include <string.h>

#include "zk/tower.h"
#include "zk/tower_inline.h"

void cwaku__fp2_zero(cwaku_fp2 *r) {
  memset(r, 0, sizeof *r);
}

void cwaku__fp2_one(cwaku_fp2 *r) {
  fp2_set_one(r);
}

int cwaku__fp2_is_zero(const cwaku_fp2 *a) {
  return fp2_is_zero(a);
}

int cwaku__fp2_equal(const cwaku_fp2 *a, const cwaku_fp2 *b) {
  return fp2_equal(a, b);
}

void cwaku__fp2_cmov(cwaku_fp2 *r, const cwaku_fp2 *a, int flag) {
  fp2_cmov(r, a, flag);
}

void cwaku__fp2_add(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b) {
  fp2_add(r, a, b);
}

void cwaku__fp2_sub(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b) {
  fp2_sub(r, a, b);
}

void cwaku__fp2_neg(cwaku_fp2 *r, const cwaku_fp2 *a) {
  fp2_neg(r, a);
}

void cwaku__fp2_dbl(cwaku_fp2 *r, const cwaku_fp2 *a) {
  fp2_dbl(r, a);
}

void cwaku__fp2_conj(cwaku_fp2 *r, const cwaku_fp2 *a) {
  fp2_conj(r, a);
}

void cwaku__fp2_mul_fp(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp *b) {
  fp2_mul_fp(r, a, b);
}

void cwaku__fp2_mul_xi(cwaku_fp2 *r, const cwaku_fp2 *a) {
  fp2_mul_xi(r, a);
}

/* Karatsuba on unreduced 512-bit products:
 *   c0 = a0 b0 - a1 b1                  (+ p^2 if negative: below 2p^2)
 *   c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0  (below 2p^2)
 * The sums a0 + a1 and b0 + b1 are left unreduced (below 2p), so the middle
 * product is below 4p^2 < p 2^256, which fp_redc_wide accepts. Two
 * reductions instead of the three of three Montgomery multiplications. */
static void fp2_mul_lazy(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b) {
  uint64_t sa[4], sb[4], t0[8], t1[8], t2[8];
  mont256_add_raw(sa, a->c0.v, a->c1.v);
  mont256_add_raw(sb, b->c0.v, b->c1.v);
  fp_mul_wide(t0, a->c0.v, b->c0.v);
  fp_mul_wide(t1, a->c1.v, b->c1.v);
  fp_mul_wide(t2, sa, sb);
  (void)fp_wide_sub(t2, t2, t0);
  (void)fp_wide_sub(t2, t2, t1);
  fp_wide_sub_p2(t0, t0, t1);
  fp_redc_wide(&r->c0, t0);
  fp_redc_wide(&r->c1, t2);
}

/* With the assembly multiplication: plain Karatsuba, three products. */
void cwaku__fp2_mul(cwaku_fp2 *r, const cwaku_fp2 *a, const cwaku_fp2 *b) {
  if (!fp_use_asm()) {
    fp2_mul_lazy(r, a, b);
    return;
  }
  cwaku_fp t0, t1, s, u;
  fp_mul_asm(t0.v, a->c0.v, b->c0.v);
  fp_mul_asm(t1.v, a->c1.v, b->c1.v);
  fp_add(&s, &a->c0, &a->c1);
  fp_add(&u, &b->c0, &b->c1);
  fp_mul_asm(s.v, s.v, u.v);
  fp_sub(&r->c0, &t0, &t1);
  fp_sub(&s, &s, &t0);
  fp_sub(&r->c1, &s, &t1);
}

void cwaku__fp2_sqr(cwaku_fp2 *r, const cwaku_fp2 *a) {
  cwaku_fp s, d, m;
  fp_add(&s, &a->c0, &a->c1);
  fp_sub(&d, &a->c0, &a->c1);
  fp_mul(&m, &a->c0, &a->c1);
  fp_mul(&r->c0, &s, &d);
  fp_dbl(&r->c1, &m);
}

/* 1/(c0 + c1 u) = (c0 - c1 u) / (c0^2 + c1^2). */
static void fp2_inverse_with(cwaku_fp2 *r, const cwaku_fp2 *a,
                             void (*inv)(cwaku_fp *, const cwaku_fp *)) {
  cwaku_fp n, t;
  fp_sqr(&n, &a->c0);
  fp_sqr(&t, &a->c1);
  fp_add(&n, &n, &t);
  inv(&n, &n);
  fp_mul(&r->c0, &a->c0, &n);
  fp_mul(&t, &a->c1, &n);
  fp_neg(&r->c1, &t);
}

void cwaku__fp2_inverse(cwaku_fp2 *r, const cwaku_fp2 *a) {
  fp2_inverse_with(r, a, cwaku__fp_inverse);
}

void cwaku__fp2_inverse_vartime(cwaku_fp2 *r, const cwaku_fp2 *a) {
  fp2_inverse_with(r, a, cwaku__fp_inverse_vartime);
}

void cwaku__fp2_pow_vartime(cwaku_fp2 *r, const cwaku_fp2 *a, const uint64_t *e,
                            size_t nlimbs) {
  cwaku_fp2 acc, base = *a;
  fp2_set_one(&acc);
  for (size_t i = nlimbs * 64; i-- > 0;) {
    cwaku__fp2_sqr(&acc, &acc);
    if ((e[i / 64] >> (i % 64)) & 1)
      cwaku__fp2_mul(&acc, &acc, &base);
  }
  *r = acc;
}

/* (p + 1)/4: a^((p+1)/4) is a square root of a when there is one
 * (p = 3 mod 4), and a root of -a when a is not a square. */
static const uint64_t SQRT_EXP[4] = {
    0x4f082305b61f3f52ULL, 0x65e05aa45a1c72a3ULL, 0x6e14116da0605617ULL,
    0x0c19139cb84c680aULL};

/* r = a^e for a public e: fixed 4-bit windows, skipping zero windows. */
static void fp_pow_pub(cwaku_fp *r, const cwaku_fp *a, const uint64_t e[4]) {
  cwaku_fp tab[16], acc;
  int started = 0;
  fp_set_one(&tab[0]);
  tab[1] = *a;
  for (int i = 2; i < 16; i++)
    fp_mul(&tab[i], &tab[i - 1], a);
  fp_set_one(&acc);
  for (int w = 63; w >= 0; w--) {
    unsigned nib = (unsigned)(e[w / 16] >> (4 * (w % 16))) & 15;
    if (started)
      for (int k = 0; k < 4; k++)
        fp_sqr(&acc, &acc);
    if (nib) {
      if (started)
        fp_mul(&acc, &acc, &tab[nib]);
      else
        acc = tab[nib];
      started = 1;
    }
  }
  *r = acc;
}

int cwaku__fp_sqrt_vartime(cwaku_fp *r, const cwaku_fp *a) {
  cwaku_fp c, c2;
  fp_pow_pub(&c, a, SQRT_EXP);
  fp_sqr(&c2, &c);
  if (!fp_equal(&c2, a)) {
    memset(r, 0, sizeof *r);
    return 0;
  }
  *r = c;
  return 1;
}

/* By the norm: if a = x^2 with x = x0 + x1 u, then n = c0^2 + c1^2 =
 * (x0^2 + x1^2)^2 is a square in Fp with root l = x0^2 + x1^2 (up to sign),
 * and x0^2 = (c0 + l)/2, x1 = c1 / (2 x0). If d = (c0 + l)/2 is not a
 * square, the other choice d' = (c0 - l)/2 = -c1^2 / (4d) is; then
 * c = d^((p+1)/4) is a root of -d, and x = c1/(2c) + c u. With c1 = 0: a
 * root of c0, or of -c0 times u (-1 is not a square as p = 3 mod 4). The
 * result is checked by squaring. */
int cwaku__fp2_sqrt_vartime(cwaku_fp2 *r, const cwaku_fp2 *a) {
  cwaku_fp2 x, x2;
  cwaku_fp n, t, l, c;
  memset(&x, 0, sizeof x);
  if (fp_is_zero(&a->c1)) {
    if (!cwaku__fp_sqrt_vartime(&x.c0, &a->c0)) {
      fp_neg(&t, &a->c0);
      if (!cwaku__fp_sqrt_vartime(&x.c1, &t))
        goto fail;
    }
  } else {
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    if (!cwaku__fp_sqrt_vartime(&l, &n))
      goto fail;
    fp_add(&t, &a->c0, &l);
    fp_mul(&t, &t, &FP_HALF); /* d, non-zero as c1 != 0 */
    fp_pow_pub(&c, &t, SQRT_EXP);
    fp_sqr(&n, &c);
    int square = fp_equal(&n, &t);
    /* x0 = c, x1 = c1/(2c); or x0 = c1/(2c), x1 = c */
    fp_dbl(&t, &c);
    cwaku__fp_inverse_vartime(&t, &t);
    fp_mul(&t, &a->c1, &t);
    x.c0 = square ? c : t;
    x.c1 = square ? t : c;
  }
  cwaku__fp2_sqr(&x2, &x);
  if (!fp2_equal(&x2, a))
    goto fail;
  *r = x;
  return 1;
fail:
  memset(r, 0, sizeof *r);
  return 0;
}

int cwaku__fp2_sign(const cwaku_fp2 *a) {
  if (!fp_is_zero(&a->c1))
    return cwaku__fp_sign(&a->c1);
  return cwaku__fp_sign(&a->c0);
}
