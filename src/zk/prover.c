#include "zk/prover.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cwaku/error.h"
#include "zk/msm.h"
#include "zk/ntt_ifma.h"

static int g1_of(cwaku_g1 *out, const cwaku__zkey_g1 *p) {
  memset(out, 0, sizeof *out);
  if (cwaku__fp_is_zero(&p->x) && cwaku__fp_is_zero(&p->y)) {
    out->infinity = 1; /* snarkjs writes infinity as zeros */
    return 1;
  }
  out->x = p->x;
  out->y = p->y;
  return cwaku__g1_is_on_curve(out);
}

static int g2_of(cwaku_g2 *out, const cwaku__zkey_g2 *p) {
  memset(out, 0, sizeof *out);
  if (cwaku__fp_is_zero(&p->x0) && cwaku__fp_is_zero(&p->x1) &&
      cwaku__fp_is_zero(&p->y0) && cwaku__fp_is_zero(&p->y1)) {
    out->infinity = 1;
    return 1;
  }
  out->x.c0 = p->x0;
  out->x.c1 = p->x1;
  out->y.c0 = p->y0;
  out->y.c1 = p->y1;
  return cwaku__g2_is_on_curve(out);
}

void cwaku__prover_clear(struct cwaku__prover *p) {
  cwaku__fr_domain_clear(&p->domain);
  free(p->coefs);
  cwaku__g1_bases_clear(&p->a);
  cwaku__g1_bases_clear(&p->b1);
  cwaku__g1_bases_clear(&p->ch);
  cwaku__g2_bases_clear(&p->b2);
  memset(p, 0, sizeof *p);
}

size_t cwaku__prover_bases_bytes(const struct cwaku__prover *p) {
  return cwaku__g1_bases_bytes(&p->a) + cwaku__g1_bases_bytes(&p->b1) +
         cwaku__g1_bases_bytes(&p->ch) + cwaku__g2_bases_bytes(&p->b2);
}

/* The key's G1 points zk[0..n) into bases, their scalars from first on;
 * 0, CWAKU_ERANGE (a point off the curve) or CWAKU_ENOMEM. */
static int g1_bases_of(struct cwaku__g1_bases *b, cwaku_g1 *tmp,
                       const cwaku__zkey_g1 *zk, size_t n, uint32_t first) {
  for (size_t i = 0; i < n; i++)
    if (!g1_of(&tmp[i], &zk[i]))
      return CWAKU_ERANGE;
  return cwaku__g1_bases_add(b, tmp, n, first);
}

int cwaku__prover_init(struct cwaku__prover *p, const struct cwaku__zkey *z) {
  memset(p, 0, sizeof *p);
  p->n_vars = z->n_vars;
  p->n_public = z->n_public;
  size_t nv = z->n_vars, np = z->n_public, nc = nv - np - 1,
         nd = z->domain_size;
  int r = cwaku__fr_domain_init(&p->domain, z->log_domain);
  if (r)
    return r;
  p->n_coefs = z->n_coefs;
  p->coefs = malloc((z->n_coefs ? z->n_coefs : 1) * sizeof *p->coefs);
  size_t most = nv > nd ? nv : nd;
  cwaku_g1 *t1 = malloc(most * sizeof *t1);
  cwaku_g2 *t2 = malloc((nv ? nv : 1) * sizeof *t2);
  if (!p->coefs || !t1 || !t2) {
    r = CWAKU_ENOMEM;
    goto out;
  }
  memcpy(p->coefs, z->coefs, z->n_coefs * sizeof *p->coefs);
  int ok = g1_of(&p->alpha1, &z->alpha1) && g1_of(&p->beta1, &z->beta1) &&
           g1_of(&p->delta1, &z->delta1) && g2_of(&p->beta2, &z->beta2) &&
           g2_of(&p->delta2, &z->delta2) &&
           cwaku__g2_is_in_subgroup_vartime(&p->beta2) &&
           cwaku__g2_is_in_subgroup_vartime(&p->delta2);
  for (size_t i = 0; ok && i < nv; i++)
    ok = g2_of(&t2[i], &z->b2[i]);
  if (!ok) {
    r = CWAKU_ERANGE;
    goto out;
  }
  if ((r = g1_bases_of(&p->a, t1, z->a, nv, 0)) ||
      (r = g1_bases_of(&p->b1, t1, z->b1, nv, 0)) ||
      (r = g1_bases_of(&p->ch, t1, z->c, nc, (uint32_t)(np + 1))) ||
      (r = g1_bases_of(&p->ch, t1, z->h, nd, (uint32_t)nv)) ||
      (r = cwaku__g2_bases_add(&p->b2, t2, nv, 0)))
    goto out;
out:
  free(t1);
  free(t2);
  if (r)
    cwaku__prover_clear(p);
  return r;
}

/* A uniformly random non-zero scalar: 254-bit candidates below r. */
void cwaku__fr_random_nonzero(cwaku_fr *out, const struct cwaku_rng *rng) {
  uint8_t b[32];
  do {
    cwaku_random(rng, b, sizeof b);
    b[31] &= 0x3f;
  } while (!cwaku__fr_from_bytes_le(out, b) || cwaku__fr_is_zero(out));
  memset(b, 0, sizeof b);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int cwaku__prover_prove(cwaku_g1 *out_a, cwaku_g2 *out_b, cwaku_g1 *out_c,
                        const struct cwaku__prover *p, const cwaku_fr *w,
                        const struct cwaku_rng *rng) {
  return cwaku__prover_prove_timed(out_a, out_b, out_c, p, w, rng, NULL);
}

int cwaku__prover_prove_timed(cwaku_g1 *out_a, cwaku_g2 *out_b, cwaku_g1 *out_c,
                              const struct cwaku__prover *p, const cwaku_fr *w,
                              const struct cwaku_rng *rng,
                              struct cwaku__prover_times *times) {
  size_t nd = p->domain.n, nv = p->n_vars;
  struct cwaku__prover_times tm;
  memset(&tm, 0, sizeof tm);
  double t0 = now_ms(), t;
  cwaku_fr *ea = calloc(nd, sizeof *ea), *eb = calloc(nd, sizeof *eb);
  uint64_t(*eh)[4] = malloc(nd * sizeof *eh);
  /* the witness' scalars split for G1 (then the quotient's, after them)
   * and for G2 */
  struct cwaku__g1_split *s1 = malloc((nv + nd) * sizeof *s1);
  struct cwaku__g2_split *s2 = malloc(nv * sizeof *s2);
  int r = 0;
  if (!ea || !eb || !eh || !s1 || !s2) {
    r = CWAKU_ENOMEM;
    goto out;
  }
  /* a and b on the domain: one row per constraint (and public input);
   * the products in chunks (eight at a time with AVX-512 IFMA) */
  cwaku_fr prod[256];
  for (size_t i0 = 0; i0 < p->n_coefs; i0 += 256) {
    size_t m = p->n_coefs - i0 < 256 ? p->n_coefs - i0 : 256;
    const struct cwaku__zkey_coef *k = &p->coefs[i0];
    if (p->domain.ifma)
      cwaku__ntt_ifma_mul_gather(prod, &k->value, &k->wire, sizeof *k, w, m);
    else
      for (size_t i = 0; i < m; i++)
        cwaku__fr_mul(&prod[i], &k[i].value, &w[k[i].wire]);
    for (size_t i = 0; i < m; i++) {
      cwaku_fr *row =
          k[i].matrix == 0 ? &ea[k[i].constraint] : &eb[k[i].constraint];
      cwaku__fr_add(row, row, &prod[i]);
    }
  }
  sodium_memzero(prod, sizeof prod);
  /* h = a b - c on the coset, c = a b on the domain */
  if ((r = cwaku__fr_coset_quotient(&p->domain, eh, ea, eb)))
    goto out;
  tm.ntt_ms = (t = now_ms()) - t0;
  for (size_t i = 0; i < nv; i++) {
    uint64_t l[4];
    cwaku__fr_to_limbs(l, &w[i]);
    cwaku__g1_split(&s1[i], l);
  }
  for (size_t i = 0; i < p->b2.n; i++) { /* the wires with a B2 point */
    uint64_t l[4];
    uint32_t k = p->b2.scalar[i];
    cwaku__fr_to_limbs(l, &w[k]);
    cwaku__g2_split(&s2[k], l);
  }
  for (size_t j = 0; j < nd; j++)
    cwaku__g1_split(&s1[nv + j], eh[j]);
  tm.split_ms = now_ms() - t;

  cwaku_g1_jac pa, pb1, pc, t1;
  cwaku_g2_jac pb, t2;
  t = now_ms();
  if ((r = cwaku__g1_bases_msm(&pa, &p->a, s1)))
    goto out;
  tm.a_ms = now_ms() - t;
  t = now_ms();
  if ((r = cwaku__g1_bases_msm(&pb1, &p->b1, s1)))
    goto out;
  tm.b1_ms = now_ms() - t;
  t = now_ms();
  if ((r = cwaku__g2_bases_msm(&pb, &p->b2, s2)))
    goto out;
  tm.b2_ms = now_ms() - t;
  t = now_ms();
  if ((r = cwaku__g1_bases_msm(&pc, &p->ch, s1)))
    goto out;
  tm.ch_ms = now_ms() - t;

  cwaku_fr rr, ss, rs;
  cwaku__fr_random_nonzero(&rr, rng);
  cwaku__fr_random_nonzero(&ss, rng);
  cwaku__fr_mul(&rs, &rr, &ss);
  cwaku__fr_neg(&rs, &rs);
  /* A = sum w A + alpha + r delta */
  cwaku_g1_jac d1;
  cwaku__g1_from_affine(&d1, &p->delta1);
  cwaku__g1_add_mixed(&pa, &pa, &p->alpha1);
  cwaku__g1_mul(&t1, &d1, &rr);
  cwaku__g1_add(&pa, &pa, &t1);
  /* B = sum w B2 + beta2 + s delta2 */
  cwaku_g2_jac d2;
  cwaku__g2_from_affine(&d2, &p->delta2);
  cwaku__g2_add_mixed(&pb, &pb, &p->beta2);
  cwaku__g2_mul(&t2, &d2, &ss);
  cwaku__g2_add(&pb, &pb, &t2);
  /* B1 = sum w B1 + beta1 + s delta1 */
  cwaku__g1_add_mixed(&pb1, &pb1, &p->beta1);
  cwaku__g1_mul(&t1, &d1, &ss);
  cwaku__g1_add(&pb1, &pb1, &t1);
  /* C = sum w C + sum h H + s A + r B1 - r s delta1 */
  cwaku__g1_mul(&t1, &pa, &ss);
  cwaku__g1_add(&pc, &pc, &t1);
  cwaku__g1_mul(&t1, &pb1, &rr);
  cwaku__g1_add(&pc, &pc, &t1);
  cwaku__g1_mul(&t1, &d1, &rs);
  cwaku__g1_add(&pc, &pc, &t1);
  cwaku__g1_to_affine_vartime(out_a, &pa);
  cwaku__g2_to_affine_vartime(out_b, &pb);
  cwaku__g1_to_affine_vartime(out_c, &pc);
  memset(&rr, 0, sizeof rr);
  memset(&ss, 0, sizeof ss);
  memset(&rs, 0, sizeof rs);
  tm.total_ms = now_ms() - t0;
  if (times)
    *times = tm;
out:
  /* the witness' traces */
  if (ea)
    sodium_memzero(ea, nd * sizeof *ea);
  if (eb)
    sodium_memzero(eb, nd * sizeof *eb);
  if (eh)
    sodium_memzero(eh, nd * sizeof *eh);
  if (s1)
    sodium_memzero(s1, (nv + nd) * sizeof *s1);
  if (s2)
    sodium_memzero(s2, nv * sizeof *s2);
  free(ea);
  free(eb);
  free(eh);
  free(s1);
  free(s2);
  return r;
}
