#include "zk/r1cs.h"

#include <stdlib.h>
#include <string.h>

#include "cwaku/error.h"

void cwaku__lc_clear(struct cwaku__lc *a) {
  free(a->t);
  memset(a, 0, sizeof *a);
}

void cwaku__lc_reset(struct cwaku__lc *a) {
  a->n = 0;
}

static int lc_reserve(struct cwaku__lc *a, uint32_t need, int *err) {
  if (*err)
    return 0;
  if (need <= a->cap)
    return 1;
  uint32_t cap = a->cap ? a->cap : 4;
  while (cap < need)
    cap *= 2;
  struct cwaku__lc_term *t = realloc(a->t, cap * sizeof *t);
  if (!t) {
    *err = CWAKU_ENOMEM;
    return 0;
  }
  a->t = t;
  a->cap = cap;
  return 1;
}

void cwaku__lc_add_term(struct cwaku__lc *a, uint32_t wire, const cwaku_fr *k,
                        int *err) {
  if (*err || cwaku__fr_is_zero(k))
    return;
  uint32_t lo = 0, hi = a->n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (a->t[mid].wire < wire)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < a->n && a->t[lo].wire == wire) {
    cwaku__fr_add(&a->t[lo].coef, &a->t[lo].coef, k);
    if (cwaku__fr_is_zero(&a->t[lo].coef)) {
      memmove(&a->t[lo], &a->t[lo + 1], (a->n - lo - 1) * sizeof *a->t);
      a->n--;
    }
    return;
  }
  if (!lc_reserve(a, a->n + 1, err))
    return;
  memmove(&a->t[lo + 1], &a->t[lo], (a->n - lo) * sizeof *a->t);
  a->t[lo].wire = wire;
  a->t[lo].coef = *k;
  a->n++;
}

/* A merge of two sorted term lists into a's storage. */
void cwaku__lc_axpy(struct cwaku__lc *a, const struct cwaku__lc *b,
                    const cwaku_fr *k, int *err) {
  if (*err || b->n == 0 || cwaku__fr_is_zero(k))
    return;
  uint32_t room = a->n + b->n;
  struct cwaku__lc_term *out = malloc(room * sizeof *out);
  if (!out) {
    *err = CWAKU_ENOMEM;
    return;
  }
  uint32_t i = 0, j = 0, n = 0;
  while (i < a->n || j < b->n) {
    if (j == b->n || (i < a->n && a->t[i].wire < b->t[j].wire)) {
      out[n++] = a->t[i++];
      continue;
    }
    cwaku_fr kb;
    cwaku__fr_mul(&kb, &b->t[j].coef, k);
    if (i < a->n && a->t[i].wire == b->t[j].wire) {
      cwaku__fr_add(&kb, &kb, &a->t[i].coef);
      i++;
    }
    if (!cwaku__fr_is_zero(&kb)) {
      out[n].wire = b->t[j].wire;
      out[n++].coef = kb;
    }
    j++;
  }
  free(a->t);
  a->t = out;
  a->n = n;
  a->cap = room;
}

void cwaku__lc_scale(struct cwaku__lc *a, const cwaku_fr *k) {
  for (uint32_t i = 0; i < a->n; i++)
    cwaku__fr_mul(&a->t[i].coef, &a->t[i].coef, k);
  if (cwaku__fr_is_zero(k))
    a->n = 0;
}

void cwaku__lc_copy(struct cwaku__lc *dst, const struct cwaku__lc *src,
                    int *err) {
  dst->n = 0;
  if (!lc_reserve(dst, src->n, err))
    return;
  memcpy(dst->t, src->t, src->n * sizeof *src->t);
  dst->n = src->n;
}

void cwaku__lc_eval(cwaku_fr *out, const struct cwaku__lc *a,
                    const cwaku_fr *w) {
  cwaku_fr acc, p;
  cwaku__fr_zero(&acc);
  for (uint32_t i = 0; i < a->n; i++) {
    cwaku__fr_mul(&p, &a->t[i].coef, &w[a->t[i].wire]);
    cwaku__fr_add(&acc, &acc, &p);
  }
  *out = acc;
}

void cwaku__r1cs_free(struct cwaku__r1cs *r) {
  for (size_t i = 0; i < r->n; i++) {
    cwaku__lc_clear(&r->c[i].a);
    cwaku__lc_clear(&r->c[i].b);
    cwaku__lc_clear(&r->c[i].c);
  }
  free(r->c);
  memset(r, 0, sizeof *r);
}

void cwaku__r1cs_push(struct cwaku__r1cs *r, struct cwaku__lc *a,
                      struct cwaku__lc *b, struct cwaku__lc *c, int *err) {
  if (!*err && r->n == r->cap) {
    size_t cap = r->cap ? 2 * r->cap : 64;
    struct cwaku__r1cs_constraint *p = realloc(r->c, cap * sizeof *p);
    if (!p)
      *err = CWAKU_ENOMEM;
    else {
      r->c = p;
      r->cap = cap;
    }
  }
  if (*err) {
    cwaku__lc_clear(a);
    cwaku__lc_clear(b);
    cwaku__lc_clear(c);
    return;
  }
  struct cwaku__r1cs_constraint *k = &r->c[r->n++];
  k->a = *a;
  k->b = *b;
  k->c = *c;
  memset(a, 0, sizeof *a);
  memset(b, 0, sizeof *b);
  memset(c, 0, sizeof *c);
}

void cwaku__r1cs_append(struct cwaku__r1cs *dst, struct cwaku__r1cs *src,
                        int *err) {
  for (size_t i = 0; i < src->n; i++)
    cwaku__r1cs_push(dst, &src->c[i].a, &src->c[i].b, &src->c[i].c, err);
  src->n = 0;
  cwaku__r1cs_free(src);
}

size_t cwaku__r1cs_unsatisfied(const struct cwaku__r1cs *r, const cwaku_fr *w) {
  size_t bad = 0;
  for (size_t i = 0; i < r->n; i++) {
    cwaku_fr a, b, c;
    cwaku__lc_eval(&a, &r->c[i].a, w);
    cwaku__lc_eval(&b, &r->c[i].b, w);
    cwaku__lc_eval(&c, &r->c[i].c, w);
    cwaku__fr_mul(&a, &a, &b);
    if (!cwaku__fr_equal(&a, &c))
      bad++;
  }
  return bad;
}

/* circom writes a combination's terms ordered by the wire number as a
 * minimal little-endian byte string, compared bytewise, a prefix first
 * (specs/rln-circuit.md §3): 0 < 2048 < 2031, 848 < 849 < 95. */
static int le_cmp(uint32_t x, uint32_t y) {
  for (;;) {
    uint32_t bx = x & 0xff, by = y & 0xff;
    if (bx != by)
      return bx < by ? -1 : 1;
    x >>= 8;
    y >>= 8;
    if (x == 0 || y == 0)
      return x == y ? 0 : (x == 0 ? -1 : 1);
  }
}

static int term_cmp(const void *a, const void *b) {
  return le_cmp(((const struct cwaku__lc_term *)a)->wire,
                ((const struct cwaku__lc_term *)b)->wire);
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
  p[3] = (uint8_t)(v >> 24);
}

/* snarkjs stores v * R^2 mod r: the Montgomery form of v * R. Our elements
 * hold v * R internally, so the limbs of (v * R) as a field element are
 * what is written. */
static uint8_t *put_term(uint8_t *p, uint32_t matrix, uint32_t constraint,
                         uint32_t wire, const cwaku_fr *v,
                         const cwaku_fr *r_val) {
  put_u32(p, matrix);
  put_u32(p + 4, constraint);
  put_u32(p + 8, wire);
  cwaku_fr e;
  cwaku__fr_mul(&e, v, r_val);
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 8; b++)
      p[12 + 8 * i + b] = (uint8_t)(e.v[i] >> (8 * b));
  return p + 44;
}

static uint8_t *put_lc(uint8_t *p, uint32_t matrix, uint32_t constraint,
                       const struct cwaku__lc *a, struct cwaku__lc_term *tmp,
                       const cwaku_fr *r_val) {
  memcpy(tmp, a->t, a->n * sizeof *tmp);
  qsort(tmp, a->n, sizeof *tmp, term_cmp);
  for (uint32_t i = 0; i < a->n; i++)
    p = put_term(p, matrix, constraint, tmp[i].wire, &tmp[i].coef, r_val);
  return p;
}

uint8_t *cwaku__r1cs_zkey_coefficients(const struct cwaku__r1cs *r,
                                       size_t *len) {
  size_t terms = r->n_public + 1, widest = 1;
  for (size_t i = 0; i < r->n; i++) {
    terms += r->c[i].a.n + r->c[i].b.n;
    if (r->c[i].a.n > widest)
      widest = r->c[i].a.n;
    if (r->c[i].b.n > widest)
      widest = r->c[i].b.n;
  }
  *len = 4 + 44 * terms;
  uint8_t *out = malloc(*len);
  struct cwaku__lc_term *tmp = malloc(widest * sizeof *tmp);
  if (!out || !tmp || terms > UINT32_MAX) {
    free(out);
    free(tmp);
    return NULL;
  }
  /* The field element whose value is R = 2^256 mod r: ONE's limbs. */
  cwaku_fr one, r_val;
  cwaku__fr_one(&one);
  if (!cwaku__fr_from_limbs(&r_val, one.v)) {
    free(out);
    free(tmp);
    return NULL;
  }
  put_u32(out, (uint32_t)terms);
  uint8_t *p = out + 4;
  for (size_t i = 0; i < r->n; i++) {
    p = put_lc(p, 0, (uint32_t)i, &r->c[i].a, tmp, &r_val);
    p = put_lc(p, 1, (uint32_t)i, &r->c[i].b, tmp, &r_val);
  }
  for (uint32_t s = 0; s <= r->n_public; s++)
    p = put_term(p, 0, (uint32_t)(r->n + s), s, &one, &r_val);
  free(tmp);
  return out;
}
