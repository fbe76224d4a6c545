#include "zk/setup.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/error.h"
#include "zk/curve.h"
#include "zk/ntt.h"
#include "zk/prover.h"

/* ---- fixed-base multiplication of the generators ------------------------ */

/* Every multiple d 2^(8j) G for j < 32 windows and d in 1..255: a scalar
 * multiple is then at most 32 mixed additions. */
#define FB_WINDOWS 32
#define FB_DIGITS 255

struct fb_g1 {
  cwaku_g1 t[FB_WINDOWS][FB_DIGITS];
};
struct fb_g2 {
  cwaku_g2 t[FB_WINDOWS][FB_DIGITS];
};

static int fb_g1_init(struct fb_g1 *fb) {
  cwaku_g1_jac *jac = malloc(FB_WINDOWS * FB_DIGITS * sizeof *jac);
  if (!jac)
    return CWAKU_ENOMEM;
  cwaku_g1 g;
  cwaku_g1_jac base;
  cwaku__g1_generator(&g);
  cwaku__g1_from_affine(&base, &g);
  for (int j = 0; j < FB_WINDOWS; j++) {
    jac[j * FB_DIGITS] = base;
    for (int d = 1; d < FB_DIGITS; d++)
      cwaku__g1_add(&jac[j * FB_DIGITS + d], &jac[j * FB_DIGITS + d - 1],
                    &base);
    for (int k = 0; k < 8; k++)
      cwaku__g1_dbl(&base, &base);
  }
  cwaku__g1_batch_to_affine_vartime(&fb->t[0][0], jac, FB_WINDOWS * FB_DIGITS);
  free(jac);
  return 0;
}

static int fb_g2_init(struct fb_g2 *fb) {
  cwaku_g2_jac *jac = malloc(FB_WINDOWS * FB_DIGITS * sizeof *jac);
  if (!jac)
    return CWAKU_ENOMEM;
  cwaku_g2 g;
  cwaku_g2_jac base;
  cwaku__g2_generator(&g);
  cwaku__g2_from_affine(&base, &g);
  for (int j = 0; j < FB_WINDOWS; j++) {
    jac[j * FB_DIGITS] = base;
    for (int d = 1; d < FB_DIGITS; d++)
      cwaku__g2_add(&jac[j * FB_DIGITS + d], &jac[j * FB_DIGITS + d - 1],
                    &base);
    for (int k = 0; k < 8; k++)
      cwaku__g2_dbl(&base, &base);
  }
  cwaku__g2_batch_to_affine_vartime(&fb->t[0][0], jac, FB_WINDOWS * FB_DIGITS);
  free(jac);
  return 0;
}

/* out[i] = k[i] G, in affine form. The scalars are secret-derived, but a
 * setup runs once, offline, on the machine that drew them. */
static void fb_g1_mul_many(cwaku_g1 *out, const struct fb_g1 *fb,
                           const cwaku_fr *k, size_t n, cwaku_g1_jac *tmp) {
  for (size_t i = 0; i < n; i++) {
    uint8_t b[32];
    cwaku__fr_to_bytes_le(b, &k[i]);
    cwaku__g1_jac_infinity(&tmp[i]);
    for (int j = 0; j < FB_WINDOWS; j++)
      if (b[j])
        cwaku__g1_add_mixed(&tmp[i], &tmp[i], &fb->t[j][b[j] - 1]);
  }
  cwaku__g1_batch_to_affine_vartime(out, tmp, n);
}

static void fb_g2_mul_many(cwaku_g2 *out, const struct fb_g2 *fb,
                           const cwaku_fr *k, size_t n, cwaku_g2_jac *tmp) {
  for (size_t i = 0; i < n; i++) {
    uint8_t b[32];
    cwaku__fr_to_bytes_le(b, &k[i]);
    cwaku__g2_jac_infinity(&tmp[i]);
    for (int j = 0; j < FB_WINDOWS; j++)
      if (b[j])
        cwaku__g2_add_mixed(&tmp[i], &tmp[i], &fb->t[j][b[j] - 1]);
  }
  cwaku__g2_batch_to_affine_vartime(out, tmp, n);
}

/* ---- the zkey file ------------------------------------------------------ */

struct out {
  uint8_t *p;
  size_t len, cap;
  int err;
};

static void put(struct out *o, const void *d, size_t n) {
  if (o->err)
    return;
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->len + n)
      cap *= 2;
    uint8_t *p = realloc(o->p, cap);
    if (!p) {
      o->err = CWAKU_ENOMEM;
      return;
    }
    o->p = p;
    o->cap = cap;
  }
  memcpy(o->p + o->len, d, n);
  o->len += n;
}

static void put_u32(struct out *o, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                  (uint8_t)(v >> 24)};
  put(o, b, 4);
}

static void put_u64(struct out *o, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; i++)
    b[i] = (uint8_t)(v >> (8 * i));
  put(o, b, 8);
}

/* A coordinate in Montgomery form, 32 bytes LE: cwaku_fp's own limbs. */
static void put_fp(struct out *o, const cwaku_fp *a) {
  uint8_t b[32];
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 8; k++)
      b[8 * i + k] = (uint8_t)(a->v[i] >> (8 * k));
  put(o, b, 32);
}

static void put_g1(struct out *o, const cwaku_g1 *p) {
  static const uint8_t zero[64];
  if (p->infinity) {
    put(o, zero, sizeof zero);
    return;
  }
  put_fp(o, &p->x);
  put_fp(o, &p->y);
}

static void put_g2(struct out *o, const cwaku_g2 *p) {
  static const uint8_t zero[128];
  if (p->infinity) {
    put(o, zero, sizeof zero);
    return;
  }
  put_fp(o, &p->x.c0);
  put_fp(o, &p->x.c1);
  put_fp(o, &p->y.c0);
  put_fp(o, &p->y.c1);
}

/* Sections are written with a placeholder size, patched at the end. */
static size_t section_start(struct out *o, uint32_t type) {
  put_u32(o, type);
  put_u64(o, 0);
  return o->len;
}

static void section_end(struct out *o, size_t start) {
  if (o->err)
    return;
  uint64_t size = o->len - start;
  for (int i = 0; i < 8; i++)
    o->p[start - 8 + i] = (uint8_t)(size >> (8 * i));
}

static void put_modulus(struct out *o, int is_r) {
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
  l[0] += 1;
  uint8_t b[32];
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 8; k++)
      b[8 * i + k] = (uint8_t)(l[i] >> (8 * k));
  put_u32(o, 32);
  put(o, b, 32);
}

/* ---- the verification key (snarkjs JSON) -------------------------------- */

static json_t *dec_fp(const cwaku_fp *a) {
  char s[CWAKU_FIELD_DEC_MAX];
  cwaku__fp_to_dec(s, a);
  return json_string(s);
}

static json_t *json_g1(const cwaku_g1 *p) {
  if (p->infinity)
    return json_pack("[sss]", "0", "1", "0");
  return json_pack("[oos]", dec_fp(&p->x), dec_fp(&p->y), "1");
}

static json_t *json_g2(const cwaku_g2 *p) {
  return json_pack("[[oo][oo][ss]]", dec_fp(&p->x.c0), dec_fp(&p->x.c1),
                   dec_fp(&p->y.c0), dec_fp(&p->y.c1), "1", "0");
}

/* ---- the setup ---------------------------------------------------------- */

/* L_k(tau) for the domain of size m: w^k (tau^m - 1) / (m (tau - w^k)).
 * 0, or CWAKU_EINVAL if tau is in the domain. */
static int lagrange(cwaku_fr *out, const cwaku_fr *tau, unsigned log_m) {
  size_t m = (size_t)1 << log_m;
  cwaku_fr *den = malloc(m * sizeof *den);
  if (!den)
    return CWAKU_ENOMEM;
  cwaku_fr w, wk, mm, t, zt, one;
  cwaku__fr_root_of_unity(&w, log_m);
  cwaku__fr_from_u64(&mm, m);
  cwaku__fr_one(&one);
  cwaku__fr_one(&wk);
  for (size_t k = 0; k < m; k++) {
    cwaku__fr_sub(&t, tau, &wk);
    if (cwaku__fr_is_zero(&t)) {
      free(den);
      return CWAKU_EINVAL;
    }
    cwaku__fr_mul(&den[k], &t, &mm);
    cwaku__fr_mul(&wk, &wk, &w);
  }
  cwaku__fr_batch_inverse(out, den, m);
  memset(den, 0, m * sizeof *den);
  free(den);
  zt = *tau;
  for (unsigned i = 0; i < log_m; i++)
    cwaku__fr_sqr(&zt, &zt);
  cwaku__fr_sub(&zt, &zt, &one);
  cwaku__fr_one(&wk);
  for (size_t k = 0; k < m; k++) {
    cwaku__fr_mul(&t, &wk, &zt);
    cwaku__fr_mul(&out[k], &out[k], &t);
    cwaku__fr_mul(&wk, &wk, &w);
  }
  return 0;
}

int cwaku__groth16_setup(uint8_t **zkey, size_t *zkey_len, char **vk_json,
                         const struct cwaku__r1cs *r1cs,
                         const struct cwaku_rng *rng) {
  *zkey = NULL;
  *zkey_len = 0;
  *vk_json = NULL;
  size_t nv = r1cs->n_wires, np = r1cs->n_public, ncons = r1cs->n;
  /* snarkjs: 2^(floor(log2(constraints + public)) + 1) */
  unsigned log_n = 0;
  for (size_t x = ncons + np; x > 1; x >>= 1)
    log_n++;
  log_n++;
  if (log_n > 24 || nv < np + 1)
    return CWAKU_ETOOBIG;
  size_t n = (size_t)1 << log_n;

  int r = 0;
  cwaku_fr tau, alpha, beta, gamma, delta, gi, di;
  cwaku_fr *lag = malloc(2 * n * sizeof *lag);
  cwaku_fr *a = calloc(nv, sizeof *a), *b = calloc(nv, sizeof *b);
  cwaku_fr *c = calloc(nv, sizeof *c), *k = malloc(nv * sizeof *k);
  cwaku_fr *hk = malloc(n * sizeof *hk);
  size_t most = nv > n ? nv : n;
  cwaku_g1 *g1 = malloc(most * sizeof *g1);
  cwaku_g2 *g2 = malloc(nv * sizeof *g2);
  cwaku_g1_jac *j1 = malloc(most * sizeof *j1);
  cwaku_g2_jac *j2 = malloc(nv * sizeof *j2);
  struct fb_g1 *fb1 = malloc(sizeof *fb1);
  struct fb_g2 *fb2 = malloc(sizeof *fb2);
  uint8_t *coefs = NULL;
  size_t coefs_len = 0;
  struct out o = {0};
  json_t *vk = NULL;
  if (!lag || !a || !b || !c || !k || !hk || !g1 || !g2 || !j1 || !j2 || !fb1 ||
      !fb2) {
    r = CWAKU_ENOMEM;
    goto done;
  }
  if ((r = fb_g1_init(fb1)) || (r = fb_g2_init(fb2)))
    goto done;
  do {
    cwaku__fr_random_nonzero(&tau, rng);
    r = lagrange(lag, &tau, log_n);
  } while (r == CWAKU_EINVAL);
  if (r)
    goto done;
  cwaku__fr_random_nonzero(&alpha, rng);
  cwaku__fr_random_nonzero(&beta, rng);
  cwaku__fr_random_nonzero(&gamma, rng);
  cwaku__fr_random_nonzero(&delta, rng);
  cwaku__fr_inverse(&gi, &gamma);
  cwaku__fr_inverse(&di, &delta);

  /* the wires' polynomials at tau */
  for (size_t i = 0; i < ncons; i++) {
    const struct cwaku__lc *m[3] = {&r1cs->c[i].a, &r1cs->c[i].b,
                                    &r1cs->c[i].c};
    cwaku_fr *dst[3] = {a, b, c};
    for (int q = 0; q < 3; q++)
      for (uint32_t t = 0; t < m[q]->n; t++) {
        cwaku_fr v;
        cwaku__fr_mul(&v, &m[q]->t[t].coef, &lag[i]);
        cwaku__fr_add(&dst[q][m[q]->t[t].wire], &dst[q][m[q]->t[t].wire], &v);
      }
  }
  for (size_t s = 0; s <= np; s++) /* snarkjs' extra rows for the inputs */
    cwaku__fr_add(&a[s], &a[s], &lag[ncons + s]);
  for (size_t i = 0; i < nv; i++) {
    cwaku_fr t;
    cwaku__fr_mul(&k[i], &beta, &a[i]);
    cwaku__fr_mul(&t, &alpha, &b[i]);
    cwaku__fr_add(&k[i], &k[i], &t);
    cwaku__fr_add(&k[i], &k[i], &c[i]);
    cwaku__fr_mul(&k[i], &k[i], i <= np ? &gi : &di);
  }
  /* H_j = L'_{2j+1}(tau) / delta over the domain of size 2n */
  if ((r = lagrange(lag, &tau, log_n + 1)))
    goto done;
  for (size_t j = 0; j < n; j++)
    cwaku__fr_mul(&hk[j], &lag[2 * j + 1], &di);

  /* the file */
  size_t s;
  put(&o, "zkey", 4);
  put_u32(&o, 1);
  put_u32(&o, 10);
  s = section_start(&o, 1);
  put_u32(&o, 1); /* Groth16 */
  section_end(&o, s);

  cwaku_g1 pt1[3];
  cwaku_g2 pt2[3];
  cwaku_fr sc[3] = {alpha, beta, delta};
  fb_g1_mul_many(pt1, fb1, sc, 3, j1); /* alpha1, beta1, delta1 */
  cwaku_fr sc2[3] = {beta, gamma, delta};
  fb_g2_mul_many(pt2, fb2, sc2, 3, j2); /* beta2, gamma2, delta2 */
  s = section_start(&o, 2);
  put_modulus(&o, 0);
  put_modulus(&o, 1);
  put_u32(&o, (uint32_t)nv);
  put_u32(&o, (uint32_t)np);
  put_u32(&o, (uint32_t)n);
  put_g1(&o, &pt1[0]);
  put_g1(&o, &pt1[1]);
  put_g2(&o, &pt2[0]);
  put_g2(&o, &pt2[1]);
  put_g1(&o, &pt1[2]);
  put_g2(&o, &pt2[2]);
  section_end(&o, s);

  vk = json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:[], s:s}", "protocol",
                 "groth16", "curve", "bn128", "nPublic", (int)np, "vk_alpha_1",
                 json_g1(&pt1[0]), "vk_beta_2", json_g2(&pt2[0]), "vk_gamma_2",
                 json_g2(&pt2[1]), "vk_delta_2", json_g2(&pt2[2]), "IC",
                 "cwaku_setup",
                 "single-party development setup: whoever ran it can forge "
                 "proofs");
  if (!vk) {
    r = CWAKU_ENOMEM;
    goto done;
  }

  /* 3: IC (public wires' k), 8: C (private wires' k) */
  fb_g1_mul_many(g1, fb1, k, nv, j1);
  s = section_start(&o, 3);
  for (size_t i = 0; i <= np; i++) {
    put_g1(&o, &g1[i]);
    json_array_append_new(json_object_get(vk, "IC"), json_g1(&g1[i]));
  }
  section_end(&o, s);
  coefs = cwaku__r1cs_zkey_coefficients(r1cs, &coefs_len);
  if (!coefs) {
    r = CWAKU_ENOMEM;
    goto done;
  }
  s = section_start(&o, 4);
  put(&o, coefs, coefs_len);
  section_end(&o, s);
  /* C's points are written after A, B1 and B2: keep them */
  cwaku_g1 *cpts = malloc((nv - np - 1 ? nv - np - 1 : 1) * sizeof *cpts);
  if (!cpts) {
    r = CWAKU_ENOMEM;
    goto done;
  }
  memcpy(cpts, g1 + np + 1, (nv - np - 1) * sizeof *cpts);
  fb_g1_mul_many(g1, fb1, a, nv, j1);
  s = section_start(&o, 5);
  for (size_t i = 0; i < nv; i++)
    put_g1(&o, &g1[i]);
  section_end(&o, s);
  fb_g1_mul_many(g1, fb1, b, nv, j1);
  s = section_start(&o, 6);
  for (size_t i = 0; i < nv; i++)
    put_g1(&o, &g1[i]);
  section_end(&o, s);
  fb_g2_mul_many(g2, fb2, b, nv, j2);
  s = section_start(&o, 7);
  for (size_t i = 0; i < nv; i++)
    put_g2(&o, &g2[i]);
  section_end(&o, s);
  s = section_start(&o, 8);
  for (size_t i = 0; i < nv - np - 1; i++)
    put_g1(&o, &cpts[i]);
  section_end(&o, s);
  free(cpts);
  fb_g1_mul_many(g1, fb1, hk, n, j1);
  s = section_start(&o, 9);
  for (size_t j = 0; j < n; j++)
    put_g1(&o, &g1[j]);
  section_end(&o, s);
  /* 10: snarkjs' contributions: a 64-byte hash and none recorded */
  static const uint8_t no_hash[64];
  s = section_start(&o, 10);
  put(&o, no_hash, sizeof no_hash);
  put_u32(&o, 0);
  section_end(&o, s);
  r = o.err;
  if (!r) {
    *vk_json = json_dumps(vk, JSON_INDENT(1));
    if (!*vk_json)
      r = CWAKU_ENOMEM;
  }

done:
  /* the toxic waste */
  memset(&tau, 0, sizeof tau);
  memset(&alpha, 0, sizeof alpha);
  memset(&beta, 0, sizeof beta);
  memset(&gamma, 0, sizeof gamma);
  memset(&delta, 0, sizeof delta);
  memset(&gi, 0, sizeof gi);
  memset(&di, 0, sizeof di);
  if (lag)
    memset(lag, 0, 2 * n * sizeof *lag);
  if (k)
    memset(k, 0, nv * sizeof *k);
  if (a && b && c) {
    memset(a, 0, nv * sizeof *a);
    memset(b, 0, nv * sizeof *b);
    memset(c, 0, nv * sizeof *c);
  }
  if (hk)
    memset(hk, 0, n * sizeof *hk);
  free(lag);
  free(a);
  free(b);
  free(c);
  free(k);
  free(hk);
  free(g1);
  free(g2);
  free(j1);
  free(j2);
  free(fb1);
  free(fb2);
  free(coefs);
  json_decref(vk);
  if (r) {
    free(o.p);
    free(*vk_json);
    *vk_json = NULL;
  } else {
    *zkey = o.p;
    *zkey_len = o.len;
  }
  return r;
}
