/* The optimal ate pairing on BN254: Miller loop, prepared G2 points, final
 * exponentiation (see pairing.h). */
#include <string.h>

#include "zk/pairing.h"
#include "zk/tower_inline.h"

/* 3 b' = 9 / (9 + u), for the projective doubling step. */
static const cwaku_fp2 B3_TWIST = {
    {{0x3baa927cb62e0d6aULL, 0xd71e7c52d1b664fdULL, 0x03873e63d95d4664ULL,
      0x0e75b5b1082ab8f4ULL}},
    {{0xaab7c6667596fe35ULL, 0x31d21a78bb6a27baULL, 0x85dd7297680401ffULL,
      0x03c52d6adf39a7e9ULL}}};

/* The non-adjacent form of 6x + 2 = 29793968203157093288, least
 * significant digit first: 66 digits, 22 of them non-zero. */
#define ATE_DIGITS 66
static void ate_naf(int8_t d[ATE_DIGITS]) {
  unsigned __int128 n = (unsigned __int128)CWAKU_BN_X * 6 + 2;
  for (int i = 0; i < ATE_DIGITS; i++) {
    int8_t z = 0;
    if (n & 1) {
      z = (int8_t)(2 - (int)(n & 3));
      if (z == 1)
        n -= 1;
      else
        n += 1;
    }
    d[i] = z;
    n >>= 1;
  }
}

/* --- Prepared points: affine steps, lines yP - lambda xP w + (lambda xT -
 * yT) w^3 through T with slope lambda */

/* T = 2T; the tangent's (-lambda, lambda xT - yT); inv = 1/(2 yT). */
static void affine_dbl_step(cwaku_g2 *t, cwaku_fp2 ell[2],
                            const cwaku_fp2 *inv) {
  cwaku_fp2 lambda, x2, u, x3;
  cwaku__fp2_sqr(&x2, &t->x);
  fp2_dbl(&u, &x2);
  fp2_add(&x2, &x2, &u);
  cwaku__fp2_mul(&lambda, &x2, inv); /* 3x^2 / 2y */
  fp2_neg(&ell[0], &lambda);
  cwaku__fp2_mul(&ell[1], &lambda, &t->x);
  fp2_sub(&ell[1], &ell[1], &t->y);
  cwaku__fp2_sqr(&x3, &lambda);
  fp2_sub(&x3, &x3, &t->x);
  fp2_sub(&x3, &x3, &t->x);
  fp2_sub(&u, &t->x, &x3);
  cwaku__fp2_mul(&u, &u, &lambda);
  fp2_sub(&t->y, &u, &t->y);
  t->x = x3;
}

/* T = T + Q (T != +-Q, which a point of order r cannot meet here); the
 * chord's coefficients; inv = 1/(xQ - xT). */
static void affine_add_step(cwaku_g2 *t, const cwaku_g2 *q, cwaku_fp2 ell[2],
                            const cwaku_fp2 *inv) {
  cwaku_fp2 lambda, u, x3;
  fp2_sub(&lambda, &q->y, &t->y);
  cwaku__fp2_mul(&lambda, &lambda, inv);
  fp2_neg(&ell[0], &lambda);
  cwaku__fp2_mul(&ell[1], &lambda, &t->x);
  fp2_sub(&ell[1], &ell[1], &t->y);
  cwaku__fp2_sqr(&x3, &lambda);
  fp2_sub(&x3, &x3, &t->x);
  fp2_sub(&x3, &x3, &q->x);
  fp2_sub(&u, &t->x, &x3);
  cwaku__fp2_mul(&u, &u, &lambda);
  fp2_sub(&t->y, &u, &t->y);
  t->x = x3;
}

static void dbl_denominator(cwaku_fp2 *d, const cwaku_g2 *t) {
  fp2_dbl(d, &t->y);
}

static void add_denominator(cwaku_fp2 *d, const cwaku_g2 *t,
                            const cwaku_g2 *q) {
  fp2_sub(d, &q->x, &t->x);
}

/* out[k] = 1/in[k] with one inversion (Montgomery's trick); a zero among
 * them makes every output zero (only reachable off G2). out != in. */
static void fp2_batch_inverse_vartime(cwaku_fp2 *out, const cwaku_fp2 *in,
                                      size_t n) {
  cwaku_fp2 acc, t;
  fp2_set_one(&acc);
  for (size_t k = 0; k < n; k++) {
    out[k] = acc;
    cwaku__fp2_mul(&acc, &acc, &in[k]);
  }
  cwaku__fp2_inverse_vartime(&acc, &acc);
  for (size_t k = n; k-- > 0;) {
    cwaku__fp2_mul(&t, &out[k], &acc);
    cwaku__fp2_mul(&acc, &acc, &in[k]);
    out[k] = t;
  }
}

void cwaku__g2_prepare(cwaku_g2_prepared *r, const cwaku_g2 *q) {
  int8_t d[ATE_DIGITS];
  cwaku_g2 t = *q, negq, q1, q2;
  int j = 0;
  memset(r, 0, sizeof *r);
  if (q->infinity) {
    r->infinity = 1;
    return;
  }
  ate_naf(d);
  cwaku__g2_neg(&negq, q);
  cwaku_fp2 den, inv;
  for (int i = ATE_DIGITS - 2; i >= 0; i--) {
    dbl_denominator(&den, &t);
    cwaku__fp2_inverse_vartime(&inv, &den);
    affine_dbl_step(&t, r->ell[j++], &inv);
    if (d[i] != 0) {
      const cwaku_g2 *qq = d[i] == 1 ? q : &negq;
      add_denominator(&den, &t, qq);
      cwaku__fp2_inverse_vartime(&inv, &den);
      affine_add_step(&t, qq, r->ell[j++], &inv);
    }
  }
  cwaku__g2_psi(&q1, q);
  cwaku__g2_psi(&q2, &q1);
  cwaku__g2_neg(&q2, &q2);
  add_denominator(&den, &t, &q1);
  cwaku__fp2_inverse_vartime(&inv, &den);
  affine_add_step(&t, &q1, r->ell[j++], &inv);
  add_denominator(&den, &t, &q2);
  cwaku__fp2_inverse_vartime(&inv, &den);
  affine_add_step(&t, &q2, r->ell[j++], &inv);
}

/* --- Unprepared points: homogeneous projective steps (Costello, Lange,
 * Naehrig 2010, as simplified by Aranha et al. 2010), the line scaled by
 * an Fp2 factor, which the final exponentiation removes. The line value is
 * c0 yP + c1 xP w + c3 w^3. */

typedef struct {
  cwaku_fp2 x, y, z;
} g2_proj;

/* T = 2T, x = X/Z, y = Y/Z:
 *   X3 = XY/2 (Y^2 - 9b'Z^2), Y3 = ((Y^2 + 9b'Z^2)/2)^2 - 27 b'^2 Z^4,
 *   Z3 = 2 Y^3 Z; line (-2YZ, 3X^2, 3b'Z^2 - Y^2). */
static void proj_dbl_step(g2_proj *t, cwaku_fp2 *c0, cwaku_fp2 *c1,
                          cwaku_fp2 *c3) {
  cwaku_fp2 a, b, c, e, f, g, h, i, j, e2;
  cwaku__fp2_mul(&a, &t->x, &t->y);
  fp2_mul_fp(&a, &a, &FP_HALF);
  cwaku__fp2_sqr(&b, &t->y);
  cwaku__fp2_sqr(&c, &t->z);
  cwaku__fp2_mul(&e, &c, &B3_TWIST);
  fp2_dbl(&f, &e);
  fp2_add(&f, &f, &e);
  fp2_add(&g, &b, &f);
  fp2_mul_fp(&g, &g, &FP_HALF);
  fp2_add(&h, &t->y, &t->z);
  cwaku__fp2_sqr(&h, &h);
  fp2_sub(&h, &h, &b);
  fp2_sub(&h, &h, &c);
  fp2_sub(&i, &e, &b);
  cwaku__fp2_sqr(&j, &t->x);
  cwaku__fp2_sqr(&e2, &e);

  fp2_sub(&t->x, &b, &f);
  cwaku__fp2_mul(&t->x, &t->x, &a);
  cwaku__fp2_sqr(&t->y, &g);
  fp2_dbl(&a, &e2);
  fp2_add(&a, &a, &e2);
  fp2_sub(&t->y, &t->y, &a);
  cwaku__fp2_mul(&t->z, &b, &h);

  fp2_neg(c0, &h);
  fp2_dbl(c1, &j);
  fp2_add(c1, c1, &j);
  *c3 = i;
}

/* T = T + Q, Q affine: theta = Y - yQ Z, lambda = X - xQ Z,
 *   H = lambda^3 + Z theta^2 - 2 X lambda^2, X3 = lambda H,
 *   Y3 = theta (X lambda^2 - H) - Y lambda^3, Z3 = Z lambda^3;
 * line (lambda, -theta, theta xQ - lambda yQ). */
static void proj_add_step(g2_proj *t, const cwaku_g2 *q, cwaku_fp2 *c0,
                          cwaku_fp2 *c1, cwaku_fp2 *c3) {
  cwaku_fp2 theta, lambda, c, d, e, f, g, h, u;
  cwaku__fp2_mul(&u, &q->y, &t->z);
  fp2_sub(&theta, &t->y, &u);
  cwaku__fp2_mul(&u, &q->x, &t->z);
  fp2_sub(&lambda, &t->x, &u);
  cwaku__fp2_sqr(&c, &theta);
  cwaku__fp2_sqr(&d, &lambda);
  cwaku__fp2_mul(&e, &lambda, &d);
  cwaku__fp2_mul(&f, &t->z, &c);
  cwaku__fp2_mul(&g, &t->x, &d);
  fp2_add(&h, &e, &f);
  fp2_sub(&h, &h, &g);
  fp2_sub(&h, &h, &g);
  cwaku__fp2_mul(&t->x, &lambda, &h);
  fp2_sub(&u, &g, &h);
  cwaku__fp2_mul(&u, &u, &theta);
  cwaku__fp2_mul(&f, &e, &t->y);
  fp2_sub(&t->y, &u, &f);
  cwaku__fp2_mul(&t->z, &t->z, &e);

  cwaku__fp2_mul(c3, &theta, &q->x);
  cwaku__fp2_mul(&u, &lambda, &q->y);
  fp2_sub(c3, c3, &u);
  *c0 = lambda;
  fp2_neg(c1, &theta);
}

/* --- The Miller loop */

/* Pairs are processed in groups of up to this many prepared and this many
 * raw ones (their state lives on the stack); each group's loop has its own
 * f, and the groups' values are multiplied. */
#define RAW_CHUNK 32

typedef struct {
  cwaku_fp xn, yn; /* xP/yP and 1/yP */
  const cwaku_fp2 (*ell)[2];
} prep_pair;

typedef struct {
  g2_proj t;   /* the running point, projective ... */
  cwaku_g2 ta; /* ... or affine (groups of many raw pairs) */
  cwaku_g2 q, negq;
  cwaku_fp xp, yp;
  cwaku_fp xn, yn; /* affine groups: xP/yP and 1/yP */
} raw_pair;

/* From this many raw pairs in a group on, their running points are kept
 * affine, with one shared inversion per step (Montgomery's trick): the
 * affine steps are cheaper and give lines with l0 = 1. */
#define AFFINE_MIN_RAW 4

static void apply_prep(cwaku_fp12 *f, const prep_pair *pp, int j) {
  cwaku_fp2 l1, l3;
  fp2_mul_fp(&l1, &pp->ell[j][0], &pp->xn);
  fp2_mul_fp(&l3, &pp->ell[j][1], &pp->yn);
  cwaku__fp12_mul_by_line1(f, f, &l1, &l3);
}

static void apply_raw(cwaku_fp12 *f, const raw_pair *rp, cwaku_fp2 *c0,
                      cwaku_fp2 *c1, const cwaku_fp2 *c3) {
  fp2_mul_fp(c0, c0, &rp->yp);
  fp2_mul_fp(c1, c1, &rp->xp);
  cwaku__fp12_mul_by_line(f, f, c0, c1, c3);
}

static void miller_group(cwaku_fp12 *f, const prep_pair *pp, size_t n_prep,
                         raw_pair *rp, size_t n_raw) {
  int8_t d[ATE_DIGITS];
  cwaku_fp2 c0, c1, c3;
  cwaku_g2 q1, q2;
  int j = 0, first = 1;
  ate_naf(d);
  cwaku__fp12_one(f);
  for (int i = ATE_DIGITS - 2; i >= 0; i--) {
    if (!first)
      cwaku__fp12_sqr(f, f);
    first = 0;
    for (size_t k = 0; k < n_prep; k++)
      apply_prep(f, &pp[k], j);
    for (size_t k = 0; k < n_raw; k++) {
      proj_dbl_step(&rp[k].t, &c0, &c1, &c3);
      apply_raw(f, &rp[k], &c0, &c1, &c3);
    }
    j++;
    if (d[i] == 0)
      continue;
    for (size_t k = 0; k < n_prep; k++)
      apply_prep(f, &pp[k], j);
    for (size_t k = 0; k < n_raw; k++) {
      proj_add_step(&rp[k].t, d[i] == 1 ? &rp[k].q : &rp[k].negq, &c0, &c1,
                    &c3);
      apply_raw(f, &rp[k], &c0, &c1, &c3);
    }
    j++;
  }
  for (size_t k = 0; k < n_prep; k++) {
    apply_prep(f, &pp[k], j);
    apply_prep(f, &pp[k], j + 1);
  }
  for (size_t k = 0; k < n_raw; k++) {
    cwaku__g2_psi(&q1, &rp[k].q);
    cwaku__g2_psi(&q2, &q1);
    cwaku__g2_neg(&q2, &q2);
    proj_add_step(&rp[k].t, &q1, &c0, &c1, &c3);
    apply_raw(f, &rp[k], &c0, &c1, &c3);
    proj_add_step(&rp[k].t, &q2, &c0, &c1, &c3);
    apply_raw(f, &rp[k], &c0, &c1, &c3);
  }
}

static void apply_affine_raw(cwaku_fp12 *f, const raw_pair *rp,
                             const cwaku_fp2 ell[2]) {
  cwaku_fp2 l1, l3;
  fp2_mul_fp(&l1, &ell[0], &rp->xn);
  fp2_mul_fp(&l3, &ell[1], &rp->yn);
  cwaku__fp12_mul_by_line1(f, f, &l1, &l3);
}

/* One addition step for every raw pair, with Q, -Q, psi(Q) or -psi^2(Q)
 * (which = 1, -1, 2, 3). */
static void affine_add_all(cwaku_fp12 *f, raw_pair *rp, size_t n, int which) {
  cwaku_fp2 den[RAW_CHUNK], inv[RAW_CHUNK], ell[2];
  cwaku_g2 qs[RAW_CHUNK];
  memset(den, 0, sizeof den); /* n <= RAW_CHUNK; quiets GCC 12 */
  for (size_t k = 0; k < n; k++) {
    if (which == 1)
      qs[k] = rp[k].q;
    else if (which == -1)
      qs[k] = rp[k].negq;
    else {
      cwaku__g2_psi(&qs[k], &rp[k].q);
      if (which == 3) {
        cwaku__g2_psi(&qs[k], &qs[k]);
        cwaku__g2_neg(&qs[k], &qs[k]);
      }
    }
    add_denominator(&den[k], &rp[k].ta, &qs[k]);
  }
  fp2_batch_inverse_vartime(inv, den, n);
  for (size_t k = 0; k < n; k++) {
    affine_add_step(&rp[k].ta, &qs[k], ell, &inv[k]);
    apply_affine_raw(f, &rp[k], ell);
  }
}

/* miller_group with the raw pairs' points affine (rp[k].ta, xn, yn set). */
static void miller_group_affine(cwaku_fp12 *f, const prep_pair *pp,
                                size_t n_prep, raw_pair *rp, size_t n_raw) {
  int8_t d[ATE_DIGITS];
  cwaku_fp2 den[RAW_CHUNK], inv[RAW_CHUNK], ell[2];
  int j = 0, first = 1;
  ate_naf(d);
  cwaku__fp12_one(f);
  for (int i = ATE_DIGITS - 2; i >= 0; i--) {
    if (!first)
      cwaku__fp12_sqr(f, f);
    first = 0;
    for (size_t k = 0; k < n_prep; k++)
      apply_prep(f, &pp[k], j);
    for (size_t k = 0; k < n_raw; k++)
      dbl_denominator(&den[k], &rp[k].ta);
    fp2_batch_inverse_vartime(inv, den, n_raw);
    for (size_t k = 0; k < n_raw; k++) {
      affine_dbl_step(&rp[k].ta, ell, &inv[k]);
      apply_affine_raw(f, &rp[k], ell);
    }
    j++;
    if (d[i] == 0)
      continue;
    for (size_t k = 0; k < n_prep; k++)
      apply_prep(f, &pp[k], j);
    affine_add_all(f, rp, n_raw, d[i]);
    j++;
  }
  for (size_t k = 0; k < n_prep; k++) {
    apply_prep(f, &pp[k], j);
    apply_prep(f, &pp[k], j + 1);
  }
  affine_add_all(f, rp, n_raw, 2);
  affine_add_all(f, rp, n_raw, 3);
}

void cwaku__miller_loop(cwaku_fp12 *f, const cwaku_g1 *p_prep,
                        const cwaku_g2_prepared *const *q_prep, size_t n_prep,
                        const cwaku_g1 *p, const cwaku_g2 *q, size_t n) {
  prep_pair pp[RAW_CHUNK];
  raw_pair rp[RAW_CHUNK];
  cwaku_fp inv[2 * RAW_CHUNK];
  size_t np = 0, nr = 0, done_prep = 0, done_raw = 0;
  cwaku_fp12 g;
  cwaku__fp12_one(f);
  while (done_prep < n_prep || done_raw < n) {
    /* fill one group: prepared pairs first, then raw ones */
    np = nr = 0;
    while (done_prep < n_prep && np < RAW_CHUNK) {
      const cwaku_g1 *pt = &p_prep[done_prep];
      const cwaku_g2_prepared *qq = q_prep[done_prep++];
      if (pt->infinity || qq->infinity)
        continue;
      pp[np].xn = pt->x;
      pp[np].yn = pt->y;
      pp[np].ell = (const cwaku_fp2(*)[2])qq->ell;
      np++;
    }
    while (done_raw < n && nr < RAW_CHUNK) {
      const cwaku_g1 *pt = &p[done_raw];
      const cwaku_g2 *qq = &q[done_raw++];
      if (pt->infinity || qq->infinity)
        continue;
      rp[nr].t.x = qq->x;
      rp[nr].t.y = qq->y;
      fp2_set_one(&rp[nr].t.z);
      rp[nr].ta = *qq;
      rp[nr].q = *qq;
      cwaku__g2_neg(&rp[nr].negq, qq);
      rp[nr].xp = pt->x;
      rp[nr].yp = pt->y;
      nr++;
    }
    if (np + nr == 0)
      continue;
    /* xP/yP and 1/yP of the prepared pairs (and of the raw ones in an
     * affine group), with one inversion (Montgomery's trick; y != 0 on the
     * curve) */
    int affine = nr >= AFFINE_MIN_RAW;
    size_t ninv = np + (affine ? nr : 0);
    if (ninv > 0) {
      cwaku_fp acc;
      fp_set_one(&acc);
      for (size_t k = 0; k < ninv; k++) {
        inv[k] = acc; /* the product of the y before k */
        fp_mul(&acc, &acc, k < np ? &pp[k].yn : &rp[k - np].yp);
      }
      cwaku__fp_inverse_vartime(&acc, &acc);
      for (size_t k = ninv; k-- > 0;) {
        cwaku_fp yinv;
        const cwaku_fp *y = k < np ? &pp[k].yn : &rp[k - np].yp;
        fp_mul(&yinv, &inv[k], &acc);
        fp_mul(&acc, &acc, y);
        if (k < np) {
          pp[k].yn = yinv;
          fp_mul(&pp[k].xn, &pp[k].xn, &yinv);
        } else {
          rp[k - np].yn = yinv;
          fp_mul(&rp[k - np].xn, &rp[k - np].xp, &yinv);
        }
      }
    }
    if (affine) {
      miller_group_affine(&g, pp, np, rp, nr);
      cwaku__fp12_mul(f, f, &g);
      continue;
    }
    miller_group(&g, pp, np, rp, nr);
    cwaku__fp12_mul(f, f, &g);
  }
}

/* --- Final exponentiation */

void cwaku__final_exponentiation(cwaku_fp12 *r, const cwaku_fp12 *f) {
  cwaku_fp12 t, u, fp1, fp2, fp3, fu, fu2, fu3, y0, y1, y2, y3, y4, y5, y6, t0,
      t1;
  /* easy part: f^((p^6 - 1)(p^2 + 1)) */
  cwaku__fp12_inverse_vartime(&t, f);
  cwaku__fp12_conj(&u, f);
  cwaku__fp12_mul(&t, &u, &t);
  cwaku__fp12_frobenius(&u, &t, 2);
  cwaku__fp12_mul(&t, &u, &t);
  /* hard part: t^((p^4 - p^2 + 1)/r), written in base p with coefficients
   * polynomial in x, by the addition chain of Scott et al. */
  cwaku__fp12_frobenius(&fp1, &t, 1);
  cwaku__fp12_frobenius(&fp2, &t, 2);
  cwaku__fp12_frobenius(&fp3, &fp2, 1);
  cwaku__fp12_cyclotomic_pow_u64(&fu, &t, CWAKU_BN_X);
  cwaku__fp12_cyclotomic_pow_u64(&fu2, &fu, CWAKU_BN_X);
  cwaku__fp12_cyclotomic_pow_u64(&fu3, &fu2, CWAKU_BN_X);

  cwaku__fp12_frobenius(&y3, &fu, 1);
  cwaku__fp12_frobenius(&u, &fu2, 1); /* fu2^p */
  cwaku__fp12_frobenius(&y2, &fu2, 2);
  cwaku__fp12_mul(&y0, &fp1, &fp2);
  cwaku__fp12_mul(&y0, &y0, &fp3);
  cwaku__fp12_conj(&y1, &t);
  cwaku__fp12_conj(&y5, &fu2);
  cwaku__fp12_conj(&y3, &y3);
  cwaku__fp12_mul(&y4, &fu, &u);
  cwaku__fp12_conj(&y4, &y4);
  cwaku__fp12_frobenius(&u, &fu3, 1); /* fu3^p */
  cwaku__fp12_mul(&y6, &fu3, &u);
  cwaku__fp12_conj(&y6, &y6);

  cwaku__fp12_cyclotomic_sqr(&t0, &y6);
  cwaku__fp12_mul(&t0, &t0, &y4);
  cwaku__fp12_mul(&t0, &t0, &y5);
  cwaku__fp12_mul(&t1, &y3, &y5);
  cwaku__fp12_mul(&t1, &t1, &t0);
  cwaku__fp12_mul(&t0, &t0, &y2);
  cwaku__fp12_cyclotomic_sqr(&t1, &t1);
  cwaku__fp12_mul(&t1, &t1, &t0);
  cwaku__fp12_cyclotomic_sqr(&t1, &t1);
  cwaku__fp12_mul(&t0, &t1, &y1);
  cwaku__fp12_mul(&t1, &t1, &y0);
  cwaku__fp12_cyclotomic_sqr(&t0, &t0);
  cwaku__fp12_mul(r, &t0, &t1);
}

void cwaku__pairing(cwaku_fp12 *r, const cwaku_g1 *p, const cwaku_g2 *q) {
  cwaku_fp12 f;
  cwaku__miller_loop(&f, NULL, NULL, 0, p, q, 1);
  cwaku__final_exponentiation(r, &f);
}

int cwaku__pairing_product_is_one(const cwaku_g1 *p, const cwaku_g2 *q,
                                  size_t n) {
  cwaku_fp12 f, r;
  cwaku__miller_loop(&f, NULL, NULL, 0, p, q, n);
  cwaku__final_exponentiation(&r, &f);
  return cwaku__fp12_is_one(&r);
}
