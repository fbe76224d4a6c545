#include "zk/zkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "cwaku/error.h"

#define N_SECTIONS 10

/* One coordinate: 32 bytes LE in Montgomery form, which is cwaku_fp's own
 * representation once checked to be below p. */
static void read_fp(struct cwaku__rcur *c, cwaku_fp *out) {
  const uint8_t *p = cwaku__rcur_take(c, 32);
  memset(out, 0, sizeof *out);
  if (!p)
    return;
  uint64_t l[4] = {0};
  for (int i = 0; i < 4; i++)
    for (int b = 7; b >= 0; b--)
      l[i] = l[i] << 8 | p[8 * i + b];
  cwaku_fp check;
  if (!cwaku__fp_from_limbs(&check, l)) { /* checks l < p */
    cwaku__rcur_fail(c, CWAKU_ERANGE);
    return;
  }
  memcpy(out->v, l, sizeof l);
}

static void read_g1(struct cwaku__rcur *c, cwaku__zkey_g1 *p) {
  read_fp(c, &p->x);
  read_fp(c, &p->y);
}

static void read_g2(struct cwaku__rcur *c, cwaku__zkey_g2 *p) {
  read_fp(c, &p->x0);
  read_fp(c, &p->x1);
  read_fp(c, &p->y0);
  read_fp(c, &p->y1);
}

/* The modulus as 32 LE bytes, from the canonical limbs of -1. */
static void modulus_le(uint8_t out[32], int is_r) {
  uint64_t l[4];
  if (is_r) {
    cwaku_fr one, m1;
    cwaku__fr_one(&one);
    cwaku__fr_neg(&m1, &one);
    cwaku__fr_to_limbs(l, &m1);
  } else {
    cwaku_fp one, m1;
    cwaku__fp_one(&one);
    cwaku__fp_neg(&m1, &one);
    cwaku__fp_to_limbs(l, &m1);
  }
  l[0] += 1; /* -1 + 1: no carry, the moduli are odd */
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 8; b++)
      out[8 * i + b] = (uint8_t)(l[i] >> (8 * b));
}

static void read_modulus(struct cwaku__rcur *c, int is_r) {
  uint32_t n8 = cwaku__rcur_le32(c);
  const uint8_t *q = cwaku__rcur_take(c, n8 == 32 ? 32 : 0);
  uint8_t want[32];
  modulus_le(want, is_r);
  if (!cwaku__rcur_err(c) && (n8 != 32 || memcmp(q, want, 32) != 0))
    cwaku__rcur_fail(c, CWAKU_EUNSUPPORTED); /* not BN254 */
}

static void *alloc_n(size_t n, size_t size, int *err) {
  if (*err)
    return NULL;
  void *p = calloc(n ? n : 1, size);
  if (!p)
    *err = CWAKU_ENOMEM;
  return p;
}

/* A section's body must be exactly what its counts say. */
static void expect_size(struct cwaku__rcur *c, size_t got, size_t want) {
  if (got != want)
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
}

void cwaku__zkey_free(struct cwaku__zkey *z) {
  free(z->ic);
  free(z->coefs);
  free(z->a);
  free(z->b1);
  free(z->b2);
  free(z->c);
  free(z->h);
  memset(z, 0, sizeof *z);
}

int cwaku__zkey_parse(struct cwaku__zkey *z, const uint8_t *buf, size_t len) {
  memset(z, 0, sizeof *z);
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, buf, len);
  const uint8_t *magic = cwaku__rcur_take(&c, 4);
  uint32_t version = cwaku__rcur_le32(&c);
  uint32_t n_sections = cwaku__rcur_le32(&c);
  if (cwaku__rcur_err(&c))
    return cwaku__rcur_err(&c);
  if (memcmp(magic, "zkey", 4) != 0 || version != 1)
    return CWAKU_EMALFORMED;
  /* Where each section is; every one we use must appear exactly once. */
  const uint8_t *sec[N_SECTIONS + 1] = {0};
  size_t sec_len[N_SECTIONS + 1] = {0};
  for (uint32_t i = 0; i < n_sections && !cwaku__rcur_err(&c); i++) {
    uint32_t type = cwaku__rcur_le32(&c);
    uint64_t size = cwaku__rcur_le64(&c);
    if (size > cwaku__rcur_left(&c)) {
      cwaku__rcur_fail(&c, CWAKU_ETRUNC);
      break;
    }
    const uint8_t *p = cwaku__rcur_take(&c, (size_t)size);
    if (type >= 1 && type <= N_SECTIONS) {
      if (sec[type]) {
        cwaku__rcur_fail(&c, CWAKU_EMALFORMED);
        break;
      }
      sec[type] = p ? p : buf; /* an empty section is still present */
      sec_len[type] = (size_t)size;
    }
  }
  if (cwaku__rcur_err(&c))
    return cwaku__rcur_err(&c);
  for (int t = 1; t <= 9; t++)
    if (!sec[t])
      return CWAKU_EMALFORMED;

  struct cwaku__rcur s;
  cwaku__rcur_init(&s, sec[1], sec_len[1]);
  uint32_t protocol = cwaku__rcur_le32(&s);
  if (cwaku__rcur_err(&s))
    return cwaku__rcur_err(&s);
  if (protocol != 1)
    return CWAKU_EUNSUPPORTED;

  cwaku__rcur_init(&s, sec[2], sec_len[2]);
  read_modulus(&s, 0);
  read_modulus(&s, 1);
  z->n_vars = cwaku__rcur_le32(&s);
  z->n_public = cwaku__rcur_le32(&s);
  z->domain_size = cwaku__rcur_le32(&s);
  read_g1(&s, &z->alpha1);
  read_g1(&s, &z->beta1);
  read_g2(&s, &z->beta2);
  read_g2(&s, &z->gamma2);
  read_g1(&s, &z->delta1);
  read_g2(&s, &z->delta2);
  int r = cwaku__rcur_err(&s);
  if (r) {
    cwaku__zkey_free(z);
    return r;
  }
  if (cwaku__rcur_left(&s) != 0 || z->domain_size == 0 ||
      (z->domain_size & (z->domain_size - 1)) != 0 ||
      z->n_vars < z->n_public + 1) {
    cwaku__zkey_free(z);
    return CWAKU_EMALFORMED;
  }
  if (z->n_vars > CWAKU_ZKEY_MAX_VARS ||
      z->domain_size > CWAKU_ZKEY_MAX_DOMAIN ||
      z->n_public > CWAKU_ZKEY_MAX_PUBLIC) {
    cwaku__zkey_free(z);
    return CWAKU_ETOOBIG;
  }
  while ((1u << z->log_domain) < z->domain_size)
    z->log_domain++;
  size_t nv = z->n_vars, np = z->n_public, nd = z->domain_size;
  size_t nc = nv - np - 1;

  /* Sizes first, so nothing is allocated for a section that cannot hold
   * what the header claims. */
  cwaku__rcur_init(&s, sec[3], sec_len[3]);
  expect_size(&s, sec_len[3], (np + 1) * 64);
  expect_size(&s, sec_len[5], nv * 64);
  expect_size(&s, sec_len[6], nv * 64);
  expect_size(&s, sec_len[7], nv * 128);
  expect_size(&s, sec_len[8], nc * 64);
  expect_size(&s, sec_len[9], nd * 64);
  r = cwaku__rcur_err(&s);
  if (!r && sec_len[4] < 4)
    r = CWAKU_EMALFORMED;
  size_t n_coefs = 0;
  if (!r) {
    n_coefs = (size_t)sec[4][0] | (size_t)sec[4][1] << 8 |
              (size_t)sec[4][2] << 16 | (size_t)sec[4][3] << 24;
    if ((sec_len[4] - 4) / 44 != n_coefs || (sec_len[4] - 4) % 44 != 0)
      r = CWAKU_EMALFORMED;
  }
  z->ic = alloc_n(np + 1, sizeof *z->ic, &r);
  z->coefs = alloc_n(n_coefs, sizeof *z->coefs, &r);
  z->a = alloc_n(nv, sizeof *z->a, &r);
  z->b1 = alloc_n(nv, sizeof *z->b1, &r);
  z->b2 = alloc_n(nv, sizeof *z->b2, &r);
  z->c = alloc_n(nc, sizeof *z->c, &r);
  z->h = alloc_n(nd, sizeof *z->h, &r);
  if (r) {
    cwaku__zkey_free(z);
    return r;
  }
  z->n_coefs = n_coefs;

  for (size_t i = 0; i <= np; i++)
    read_g1(&s, &z->ic[i]);
  r = cwaku__rcur_err(&s);

  /* Coefficients: v R^2 as stored is the Montgomery form of v R; one
   * Montgomery product with the plain integer 1 (limbs 1, 0, 0, 0) gives
   * cwaku_fr's form of v. Indices must address the system. */
  cwaku__rcur_init(&s, sec[4] + 4, sec_len[4] - 4);
  cwaku_fr plain_one;
  memset(&plain_one, 0, sizeof plain_one);
  plain_one.v[0] = 1;
  /* constraints plus the public-input rows snarkjs adds */
  uint64_t max_constraint = (uint64_t)nd;
  for (size_t i = 0; !r && i < n_coefs; i++) {
    struct cwaku__zkey_coef *k = &z->coefs[i];
    k->matrix = cwaku__rcur_le32(&s);
    k->constraint = cwaku__rcur_le32(&s);
    k->wire = cwaku__rcur_le32(&s);
    const uint8_t *p = cwaku__rcur_take(&s, 32);
    if (!p)
      break;
    uint64_t l[4] = {0};
    for (int w = 0; w < 4; w++)
      for (int b = 7; b >= 0; b--)
        l[w] = l[w] << 8 | p[8 * w + b];
    cwaku_fr check;
    if (!cwaku__fr_from_limbs(&check, l) || k->matrix > 1 || k->wire >= nv ||
        k->constraint >= max_constraint) {
      r = CWAKU_ERANGE;
      break;
    }
    memcpy(k->value.v, l, sizeof l);
    cwaku__fr_mul(&k->value, &k->value, &plain_one);
  }
  if (!r)
    r = cwaku__rcur_err(&s);

  struct {
    int type;
    void *pts;
    size_t n;
    int g2;
  } lists[] = {{5, z->a, nv, 0},
               {6, z->b1, nv, 0},
               {7, z->b2, nv, 1},
               {8, z->c, nc, 0},
               {9, z->h, nd, 0}};
  for (size_t li = 0; !r && li < sizeof lists / sizeof lists[0]; li++) {
    cwaku__rcur_init(&s, sec[lists[li].type], sec_len[lists[li].type]);
    for (size_t i = 0; i < lists[li].n; i++) {
      if (lists[li].g2)
        read_g2(&s, &((cwaku__zkey_g2 *)lists[li].pts)[i]);
      else
        read_g1(&s, &((cwaku__zkey_g1 *)lists[li].pts)[i]);
    }
    r = cwaku__rcur_err(&s);
  }
  if (r)
    cwaku__zkey_free(z);
  return r;
}

int cwaku__zkey_load(struct cwaku__zkey *z, const char *path) {
  memset(z, 0, sizeof *z);
  FILE *f = fopen(path, "rb");
  if (!f)
    return CWAKU_EIO;
  uint8_t *buf = NULL;
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0)
    size = ftell(f);
  int r = CWAKU_EIO;
  if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (buf = malloc(size ? (size_t)size : 1)) != NULL &&
      fread(buf, 1, (size_t)size, f) == (size_t)size)
    r = cwaku__zkey_parse(z, buf, (size_t)size);
  else if (size >= 0 && !buf)
    r = CWAKU_ENOMEM;
  free(buf);
  fclose(f);
  return r;
}
