#include "zk/ntt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cwaku/error.h"
#include "zk/ntt_ifma.h"

/* (r - 1) >> s as limbs */
static void r_minus_1_shifted(uint64_t e[4], unsigned s) {
  cwaku_fr one, m1;
  cwaku__fr_one(&one);
  cwaku__fr_neg(&m1, &one);
  cwaku__fr_to_limbs(e, &m1);
  while (s >= 64) {
    e[0] = e[1], e[1] = e[2], e[2] = e[3], e[3] = 0;
    s -= 64;
  }
  if (s) {
    for (int i = 0; i < 3; i++)
      e[i] = e[i] >> s | e[i + 1] << (64 - s);
    e[3] >>= s;
  }
}

void cwaku__fr_root_of_unity(cwaku_fr *out, unsigned k) {
  /* ffjavascript: the smallest quadratic non-residue g >= 2 (g^((r-1)/2)
   * = -1), then w_28 = g^((r-1)/2^28) and w_{k-1} = w_k^2. */
  uint64_t half[4], t[4];
  r_minus_1_shifted(half, 1);
  r_minus_1_shifted(t, CWAKU_FR_TWO_ADICITY);
  cwaku_fr one, m1, g, e;
  cwaku__fr_one(&one);
  cwaku__fr_neg(&m1, &one);
  for (uint64_t x = 2;; x++) {
    cwaku__fr_from_u64(&g, x);
    cwaku__fr_pow(&e, &g, half);
    if (cwaku__fr_equal(&e, &m1))
      break;
  }
  cwaku__fr_pow(out, &g, t);
  for (unsigned i = CWAKU_FR_TWO_ADICITY; i > k; i--)
    cwaku__fr_sqr(out, out);
}

void cwaku__fr_domain_clear(struct cwaku__fr_domain *d) {
  free(d->tw);
  free(d->tw_inv);
  free(d->coset);
  cwaku__ntt_ifma_free(d->ifma);
  memset(d, 0, sizeof *d);
}

int cwaku__fr_domain_init(struct cwaku__fr_domain *d, unsigned log_n) {
  memset(d, 0, sizeof *d);
  if (log_n < 1 || log_n >= CWAKU_FR_TWO_ADICITY)
    return CWAKU_EINVAL;
  d->log_n = log_n;
  d->n = (size_t)1 << log_n;
  d->tw = malloc(d->n / 2 * sizeof *d->tw);
  d->tw_inv = malloc(d->n / 2 * sizeof *d->tw_inv);
  d->coset = malloc(d->n * sizeof *d->coset);
  if (!d->tw || !d->tw_inv || !d->coset) {
    cwaku__fr_domain_clear(d);
    return CWAKU_ENOMEM;
  }
  cwaku_fr w, wi;
  cwaku__fr_root_of_unity(&w, log_n);
  cwaku__fr_inverse_vartime(&wi, &w);
  cwaku__fr_one(&d->tw[0]);
  cwaku__fr_one(&d->tw_inv[0]);
  for (size_t i = 1; i < d->n / 2; i++) {
    cwaku__fr_mul(&d->tw[i], &d->tw[i - 1], &w);
    cwaku__fr_mul(&d->tw_inv[i], &d->tw_inv[i - 1], &wi);
  }
  cwaku__fr_from_u64(&d->n_inv, d->n);
  cwaku__fr_inverse_vartime(&d->n_inv, &d->n_inv);
  cwaku__fr_root_of_unity(&d->shift, log_n + 1);
  d->coset[0] = d->n_inv;
  for (size_t i = 1; i < d->n; i++)
    cwaku__fr_mul(&d->coset[i], &d->coset[i - 1], &d->shift);
  d->ifma = cwaku__ntt_ifma_new(d); /* NULL: the scalar code runs */
  return 0;
}

static void bit_reverse(cwaku_fr *a, size_t n, unsigned log_n) {
  for (size_t i = 0; i < n; i++) {
    size_t j = 0;
    for (unsigned b = 0; b < log_n; b++)
      j |= ((i >> b) & 1) << (log_n - 1 - b);
    if (i < j) {
      cwaku_fr t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/* Cooley-Tukey, decimation in time, after a bit-reversal permutation. */
static void transform(const struct cwaku__fr_domain *d, cwaku_fr *a,
                      const cwaku_fr *tw) {
  size_t n = d->n;
  bit_reverse(a, n, d->log_n);
  for (size_t len = 2; len <= n; len <<= 1) {
    size_t half = len / 2, step = n / len;
    for (size_t i = 0; i < n; i += len)
      for (size_t j = 0; j < half; j++) {
        cwaku_fr v;
        if (j == 0)
          v = a[i + half];
        else
          cwaku__fr_mul(&v, &a[i + j + half], &tw[j * step]);
        cwaku__fr_sub(&a[i + j + half], &a[i + j], &v);
        cwaku__fr_add(&a[i + j], &a[i + j], &v);
      }
  }
}

void cwaku__fr_fft(const struct cwaku__fr_domain *d, cwaku_fr *a) {
  transform(d, a, d->tw);
}

void cwaku__fr_ifft(const struct cwaku__fr_domain *d, cwaku_fr *a) {
  transform(d, a, d->tw_inv);
  for (size_t i = 0; i < d->n; i++)
    cwaku__fr_mul(&a[i], &a[i], &d->n_inv);
}

/* The inverse transform without its 1/n, which the coset table holds. */
void cwaku__fr_to_coset(const struct cwaku__fr_domain *d, cwaku_fr *a) {
  transform(d, a, d->tw_inv);
  for (size_t i = 0; i < d->n; i++)
    cwaku__fr_mul(&a[i], &a[i], &d->coset[i]);
  cwaku__fr_fft(d, a);
}

int cwaku__fr_coset_quotient(const struct cwaku__fr_domain *d, uint64_t (*h)[4],
                             const cwaku_fr *a, const cwaku_fr *b) {
  if (d->ifma)
    return cwaku__ntt_ifma_quotient(d->ifma, h, a, b);
  size_t n = d->n;
  cwaku_fr *t = malloc(3 * n * sizeof *t);
  if (!t)
    return CWAKU_ENOMEM;
  cwaku_fr *ta = t, *tb = t + n, *tc = t + 2 * n;
  for (size_t j = 0; j < n; j++) {
    ta[j] = a[j];
    tb[j] = b[j];
    cwaku__fr_mul(&tc[j], &a[j], &b[j]);
  }
  cwaku__fr_to_coset(d, ta);
  cwaku__fr_to_coset(d, tb);
  cwaku__fr_to_coset(d, tc);
  for (size_t j = 0; j < n; j++) {
    cwaku_fr v;
    cwaku__fr_mul(&v, &ta[j], &tb[j]);
    cwaku__fr_sub(&v, &v, &tc[j]);
    cwaku__fr_to_limbs(h[j], &v);
  }
  sodium_memzero(t, 3 * n * sizeof *t);
  free(t);
  return 0;
}
