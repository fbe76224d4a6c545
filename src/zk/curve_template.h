/* The point arithmetic of G1 and G2, written once for y^2 = x^3 + b over a
 * field FE and included twice by curve.c. The includer defines:
 *
 *   FE, AFF, JAC          the field element and the point types
 *   G(name)               the public name (cwaku__g1_name)
 *   S(name)               a static helper's name (g1_name)
 *   FE_ADD, FE_SUB, FE_DBL, FE_NEG, FE_MUL, FE_SQR, FE_CMOV, FE_IS_ZERO,
 *   FE_EQUAL, FE_SET_ONE, FE_INV, FE_INV_VARTIME
 *   CURVE_B, CURVE_B3     pointers to the constants b and 3b
 *
 * Formulas: Jacobian doubling dbl-2009-l, addition add-2007-bl, mixed
 * addition madd-2007-bl (the Explicit-Formulas Database, a = 0); for the
 * constant-time multiplication the complete projective formulas of Renes,
 * Costello and Batina (2016), algorithms 7 and 9 (a = 0), which have no
 * exceptional cases on curves without points of order 2 (both of ours:
 * |E(Fp)| = r and |E'(Fp2)| = r (2p - r) are odd). */

void G(jac_infinity)(JAC *r) {
  FE_SET_ONE(&r->x);
  FE_SET_ONE(&r->y);
  memset(&r->z, 0, sizeof r->z);
}

int G(jac_is_infinity)(const JAC *p) {
  return FE_IS_ZERO(&p->z);
}

void G(infinity)(AFF *r) {
  memset(r, 0, sizeof *r);
  r->infinity = 1;
}

void G(from_affine)(JAC *r, const AFF *p) {
  if (p->infinity) {
    G(jac_infinity)(r);
    return;
  }
  r->x = p->x;
  r->y = p->y;
  FE_SET_ONE(&r->z);
}

static void S(to_affine_with)(AFF *r, const JAC *p, const FE *zinv) {
  FE z2, z3;
  int inf = FE_IS_ZERO(&p->z);
  FE_SQR(&z2, zinv);
  FE_MUL(&z3, &z2, zinv);
  FE_MUL(&r->x, &p->x, &z2);
  FE_MUL(&r->y, &p->y, &z3);
  r->infinity = inf; /* zinv = 0 made x = y = 0 */
}

void G(to_affine)(AFF *r, const JAC *p) {
  FE zinv;
  FE_INV(&zinv, &p->z);
  S(to_affine_with)(r, p, &zinv);
}

void G(to_affine_vartime)(AFF *r, const JAC *p) {
  FE zinv;
  FE_INV_VARTIME(&zinv, &p->z);
  S(to_affine_with)(r, p, &zinv);
}

/* Montgomery's trick: prefix products of the z in out[i].x, one inversion,
 * then back to front. Points at infinity take z = 1 in the products. */
void G(batch_to_affine_vartime)(AFF *out, const JAC *in, size_t n) {
  FE acc, t, zinv;
  if (n == 0)
    return;
  FE_SET_ONE(&acc);
  for (size_t i = 0; i < n; i++) {
    out[i].x = acc;
    if (!FE_IS_ZERO(&in[i].z))
      FE_MUL(&acc, &acc, &in[i].z);
  }
  FE_INV_VARTIME(&acc, &acc);
  for (size_t i = n; i-- > 0;) {
    if (FE_IS_ZERO(&in[i].z)) {
      G(infinity)(&out[i]);
      continue;
    }
    FE_MUL(&zinv, &out[i].x, &acc);
    FE_MUL(&acc, &acc, &in[i].z);
    t = zinv;
    S(to_affine_with)(&out[i], &in[i], &t);
  }
}

void G(rhs)(FE *r, const FE *x) {
  FE t;
  FE_SQR(&t, x);
  FE_MUL(&t, &t, x);
  FE_ADD(r, &t, CURVE_B);
}

int G(is_on_curve)(const AFF *p) {
  FE l, r;
  if (p->infinity)
    return 1;
  FE_SQR(&l, &p->y);
  G(rhs)(&r, &p->x);
  return FE_EQUAL(&l, &r);
}

int G(equal)(const AFF *a, const AFF *b) {
  if (a->infinity || b->infinity)
    return a->infinity && b->infinity;
  return FE_EQUAL(&a->x, &b->x) & FE_EQUAL(&a->y, &b->y);
}

/* X1 Z2^2 = X2 Z1^2 and Y1 Z2^3 = Y2 Z1^3. */
int G(jac_equal)(const JAC *a, const JAC *b) {
  int ia = G(jac_is_infinity)(a), ib = G(jac_is_infinity)(b);
  if (ia || ib)
    return ia && ib;
  FE z1z1, z2z2, u1, u2, s1, s2;
  FE_SQR(&z1z1, &a->z);
  FE_SQR(&z2z2, &b->z);
  FE_MUL(&u1, &a->x, &z2z2);
  FE_MUL(&u2, &b->x, &z1z1);
  FE_MUL(&s1, &a->y, &z2z2);
  FE_MUL(&s1, &s1, &b->z);
  FE_MUL(&s2, &b->y, &z1z1);
  FE_MUL(&s2, &s2, &a->z);
  return FE_EQUAL(&u1, &u2) & FE_EQUAL(&s1, &s2);
}

void G(neg)(AFF *r, const AFF *p) {
  r->x = p->x;
  FE_NEG(&r->y, &p->y);
  r->infinity = p->infinity;
}

void G(jac_neg)(JAC *r, const JAC *p) {
  r->x = p->x;
  FE_NEG(&r->y, &p->y);
  r->z = p->z;
}

/* dbl-2009-l: A = X^2, B = Y^2, C = B^2, D = 2((X + B)^2 - A - C),
 * E = 3A, F = E^2; X3 = F - 2D, Y3 = E (D - X3) - 8C, Z3 = 2 Y Z.
 * Complete here: Z = 0 gives Z3 = 0, and there is no point with y = 0. */
void G(dbl)(JAC *r, const JAC *p) {
  FE a, b, c, d, e, f, z3;
  FE_MUL(&z3, &p->y, &p->z);
  FE_DBL(&z3, &z3);
  FE_SQR(&a, &p->x);
  FE_SQR(&b, &p->y);
  FE_SQR(&c, &b);
  FE_ADD(&d, &p->x, &b);
  FE_SQR(&d, &d);
  FE_SUB(&d, &d, &a);
  FE_SUB(&d, &d, &c);
  FE_DBL(&d, &d);
  FE_DBL(&e, &a);
  FE_ADD(&e, &e, &a);
  FE_SQR(&f, &e);
  FE_DBL(&r->x, &d);
  FE_SUB(&r->x, &f, &r->x);
  FE_SUB(&d, &d, &r->x);
  FE_MUL(&d, &e, &d);
  FE_DBL(&c, &c);
  FE_DBL(&c, &c);
  FE_DBL(&c, &c);
  FE_SUB(&r->y, &d, &c);
  r->z = z3;
}

/* add-2007-bl, with the special cases (infinity, a = +-b) by branches. */
void G(add)(JAC *r, const JAC *a, const JAC *b) {
  FE z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
  if (G(jac_is_infinity)(a)) {
    *r = *b;
    return;
  }
  if (G(jac_is_infinity)(b)) {
    *r = *a;
    return;
  }
  FE_SQR(&z1z1, &a->z);
  FE_SQR(&z2z2, &b->z);
  FE_MUL(&u1, &a->x, &z2z2);
  FE_MUL(&u2, &b->x, &z1z1);
  FE_MUL(&s1, &a->y, &b->z);
  FE_MUL(&s1, &s1, &z2z2);
  FE_MUL(&s2, &b->y, &a->z);
  FE_MUL(&s2, &s2, &z1z1);
  FE_SUB(&h, &u2, &u1);
  FE_SUB(&rr, &s2, &s1);
  if (FE_IS_ZERO(&h)) {
    if (FE_IS_ZERO(&rr))
      G(dbl)(r, a);
    else
      G(jac_infinity)(r);
    return;
  }
  FE_DBL(&i, &h);
  FE_SQR(&i, &i);
  FE_MUL(&j, &h, &i);
  FE_DBL(&rr, &rr);
  FE_MUL(&v, &u1, &i);
  /* Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H, before r overwrites a or b */
  FE_ADD(&t, &a->z, &b->z);
  FE_SQR(&t, &t);
  FE_SUB(&t, &t, &z1z1);
  FE_SUB(&t, &t, &z2z2);
  FE_MUL(&r->z, &t, &h);
  FE_SQR(&r->x, &rr);
  FE_SUB(&r->x, &r->x, &j);
  FE_SUB(&r->x, &r->x, &v);
  FE_SUB(&r->x, &r->x, &v);
  FE_SUB(&v, &v, &r->x);
  FE_MUL(&v, &v, &rr);
  FE_MUL(&s1, &s1, &j);
  FE_DBL(&s1, &s1);
  FE_SUB(&r->y, &v, &s1);
}

/* madd-2007-bl (b affine). */
void G(add_mixed)(JAC *r, const JAC *a, const AFF *b) {
  FE z1z1, u2, s2, h, hh, i, j, rr, v, y1, t;
  if (b->infinity) {
    *r = *a;
    return;
  }
  if (G(jac_is_infinity)(a)) {
    G(from_affine)(r, b);
    return;
  }
  FE_SQR(&z1z1, &a->z);
  FE_MUL(&u2, &b->x, &z1z1);
  FE_MUL(&s2, &b->y, &a->z);
  FE_MUL(&s2, &s2, &z1z1);
  FE_SUB(&h, &u2, &a->x);
  FE_SUB(&rr, &s2, &a->y);
  if (FE_IS_ZERO(&h)) {
    if (FE_IS_ZERO(&rr))
      G(dbl)(r, a);
    else
      G(jac_infinity)(r);
    return;
  }
  FE_SQR(&hh, &h);
  FE_DBL(&i, &hh);
  FE_DBL(&i, &i);
  FE_MUL(&j, &h, &i);
  FE_DBL(&rr, &rr);
  FE_MUL(&v, &a->x, &i);
  y1 = a->y;
  FE_ADD(&t, &a->z, &h);
  FE_SQR(&t, &t);
  FE_SUB(&t, &t, &z1z1);
  FE_SUB(&r->z, &t, &hh);
  FE_SQR(&r->x, &rr);
  FE_SUB(&r->x, &r->x, &j);
  FE_SUB(&r->x, &r->x, &v);
  FE_SUB(&r->x, &r->x, &v);
  FE_SUB(&v, &v, &r->x);
  FE_MUL(&v, &v, &rr);
  FE_MUL(&y1, &y1, &j);
  FE_DBL(&y1, &y1);
  FE_SUB(&r->y, &v, &y1);
}

/* --- Variable-time multiplication: width-w NAF */

/* Digits of k (nbits bits at most) in width-w NAF, least significant
 * first: each non-zero digit odd, |d| < 2^(w-1), followed by at least w-1
 * zeros. Returns the number of digits (<= nbits + 1). */
static int S(wnaf)(int8_t *d, const uint64_t k[4], int w, int nbits) {
  uint64_t t[5] = {k[0], k[1], k[2], k[3], 0};
  const uint64_t mask = ((uint64_t)1 << w) - 1;
  int len = 0;
  while ((t[0] | t[1] | t[2] | t[3] | t[4]) != 0 && len <= nbits) {
    int8_t z = 0;
    if (t[0] & 1) {
      int64_t v = (int64_t)(t[0] & mask);
      if (v >= ((int64_t)1 << (w - 1)))
        v -= (int64_t)1 << w;
      z = (int8_t)v;
      /* t -= v */
      uint64_t c = 0;
      if (v > 0) {
        t[0] = mont256_sbb(t[0], (uint64_t)v, &c);
        for (int i = 1; i < 5; i++)
          t[i] = mont256_sbb(t[i], 0, &c);
      } else {
        t[0] = mont256_adc(t[0], (uint64_t)-v, &c);
        for (int i = 1; i < 5; i++)
          t[i] = mont256_adc(t[i], 0, &c);
      }
    }
    d[len++] = z;
    for (int i = 0; i < 4; i++)
      t[i] = (t[i] >> 1) | (t[i + 1] << 63);
    t[4] >>= 1;
  }
  return len;
}

void G(mul_limbs_vartime)(JAC *r, const JAC *p, const uint64_t k[4]) {
  enum { W = 5 };
  JAC tab[1 << (W - 2)], p2, acc, neg;
  int8_t d[258];
  int len = S(wnaf)(d, k, W, 256);
  tab[0] = *p;
  G(dbl)(&p2, p);
  for (int i = 1; i < (1 << (W - 2)); i++)
    G(add)(&tab[i], &tab[i - 1], &p2);
  G(jac_infinity)(&acc);
  for (int i = len - 1; i >= 0; i--) {
    G(dbl)(&acc, &acc);
    if (d[i] > 0) {
      G(add)(&acc, &acc, &tab[d[i] >> 1]);
    } else if (d[i] < 0) {
      G(jac_neg)(&neg, &tab[(-d[i]) >> 1]);
      G(add)(&acc, &acc, &neg);
    }
  }
  *r = acc;
}

void G(mul_vartime)(JAC *r, const JAC *p, const cwaku_fr *k) {
  uint64_t l[4];
  cwaku__fr_to_limbs(l, k);
  G(mul_limbs_vartime)(r, p, l);
}

/* --- Constant-time multiplication: homogeneous projective coordinates
 * (x = X/Z, y = Y/Z, infinity (0 : 1 : 0)) and complete formulas */

typedef struct {
  FE x, y, z;
} S(proj);

/* Renes-Costello-Batina algorithm 7 (a = 0): 12M + 2 mul by 3b. */
static void S(proj_add)(S(proj) * r, const S(proj) * p, const S(proj) * q) {
  FE t0, t1, t2, t3, t4, x3, y3, z3;
  FE_MUL(&t0, &p->x, &q->x);
  FE_MUL(&t1, &p->y, &q->y);
  FE_MUL(&t2, &p->z, &q->z);
  FE_ADD(&t3, &p->x, &p->y);
  FE_ADD(&t4, &q->x, &q->y);
  FE_MUL(&t3, &t3, &t4);
  FE_ADD(&t4, &t0, &t1);
  FE_SUB(&t3, &t3, &t4);
  FE_ADD(&t4, &p->y, &p->z);
  FE_ADD(&x3, &q->y, &q->z);
  FE_MUL(&t4, &t4, &x3);
  FE_ADD(&x3, &t1, &t2);
  FE_SUB(&t4, &t4, &x3);
  FE_ADD(&x3, &p->x, &p->z);
  FE_ADD(&y3, &q->x, &q->z);
  FE_MUL(&x3, &x3, &y3);
  FE_ADD(&y3, &t0, &t2);
  FE_SUB(&y3, &x3, &y3);
  FE_DBL(&x3, &t0);
  FE_ADD(&t0, &x3, &t0);
  FE_MUL(&t2, CURVE_B3, &t2);
  FE_ADD(&z3, &t1, &t2);
  FE_SUB(&t1, &t1, &t2);
  FE_MUL(&y3, CURVE_B3, &y3);
  FE_MUL(&x3, &t4, &y3);
  FE_MUL(&t2, &t3, &t1);
  FE_SUB(&x3, &t2, &x3);
  FE_MUL(&y3, &y3, &t0);
  FE_MUL(&t1, &t1, &z3);
  FE_ADD(&y3, &t1, &y3);
  FE_MUL(&t0, &t0, &t3);
  FE_MUL(&z3, &z3, &t4);
  FE_ADD(&z3, &z3, &t0);
  r->x = x3;
  r->y = y3;
  r->z = z3;
}

/* Renes-Costello-Batina algorithm 9 (a = 0): 6M + 2S + 1 mul by 3b. */
static void S(proj_dbl)(S(proj) * r, const S(proj) * p) {
  FE t0, t1, t2, x3, y3, z3;
  FE_SQR(&t0, &p->y);
  FE_DBL(&z3, &t0);
  FE_DBL(&z3, &z3);
  FE_DBL(&z3, &z3);
  FE_MUL(&t1, &p->y, &p->z);
  FE_SQR(&t2, &p->z);
  FE_MUL(&t2, CURVE_B3, &t2);
  FE_MUL(&x3, &t2, &z3);
  FE_ADD(&y3, &t0, &t2);
  FE_MUL(&z3, &t1, &z3);
  FE_DBL(&t1, &t2);
  FE_ADD(&t2, &t1, &t2);
  FE_SUB(&t0, &t0, &t2);
  FE_MUL(&y3, &t0, &y3);
  FE_ADD(&y3, &x3, &y3);
  FE_MUL(&t1, &p->x, &p->y);
  FE_MUL(&x3, &t0, &t1);
  FE_DBL(&x3, &x3);
  r->x = x3;
  r->y = y3;
  r->z = z3;
}

/* Fixed 4-bit windows over all 256 bits of k; each window's multiple is
 * read by a masked scan of the whole table, and the additions are
 * complete, so the sequence of operations and memory accesses does not
 * depend on k or p. */
void G(mul)(JAC *r, const JAC *p, const cwaku_fr *k) {
  S(proj) tab[16], acc, sel;
  uint64_t l[4];
  FE z2;
  cwaku__fr_to_limbs(l, k);
  /* (X, Y, Z) Jacobian = (X Z, Y, Z^3) projective; infinity (1, 1, 0)
   * becomes (0, 1, 0) */
  memset(&tab[0], 0, sizeof tab[0]);
  FE_SET_ONE(&tab[0].y);
  FE_SQR(&z2, &p->z);
  FE_MUL(&tab[1].x, &p->x, &p->z);
  tab[1].y = p->y;
  FE_MUL(&tab[1].z, &z2, &p->z);
  for (int i = 2; i < 16; i++)
    S(proj_add)(&tab[i], &tab[i - 1], &tab[1]);
  acc = tab[0];
  for (int win = 63; win >= 0; win--) {
    for (int j = 0; j < 4; j++)
      S(proj_dbl)(&acc, &acc);
    uint64_t nib = (l[win / 16] >> (4 * (win % 16))) & 15;
    sel = tab[0];
    for (uint64_t i = 1; i < 16; i++) {
      int hit = (int)(1 & ~mont256_nonzero_mask(i ^ nib));
      FE_CMOV(&sel.x, &tab[i].x, hit);
      FE_CMOV(&sel.y, &tab[i].y, hit);
      FE_CMOV(&sel.z, &tab[i].z, hit);
    }
    S(proj_add)(&acc, &acc, &sel);
  }
  /* back to Jacobian: (X Z, Y Z^2, Z) */
  FE_SQR(&z2, &acc.z);
  FE_MUL(&r->x, &acc.x, &acc.z);
  FE_MUL(&r->y, &acc.y, &z2);
  r->z = acc.z;
  sodium_memzero(l, sizeof l);
  sodium_memzero(tab, sizeof tab);
  sodium_memzero(&acc, sizeof acc);
  sodium_memzero(&sel, sizeof sel);
}
