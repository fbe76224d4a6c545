/* The prover's quotient values (cwaku__fr_coset_quotient, src/zk/ntt.c and
 * ntt_ifma.c): h_j = A B - C at the coset points, against the same made of
 * cwaku__fr_to_coset (which test_ntt.c checks against polynomial
 * evaluation), for domains of 2 to 2^12 points, with the AVX-512 IFMA
 * transforms (n >= 64, where the CPU has them) and without; and the IFMA
 * products of gathered elements against cwaku__fr_mul. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cwaku/env.h"
#include "zk/msm_ifma.h"
#include "zk/ntt.h"
#include "zk/ntt_ifma.h"

static struct cwaku_seeded_rng rng;

static void rand_fr(cwaku_fr *k) {
  uint8_t b[32];
  cwaku_random(&rng.rng, b, sizeof b);
  cwaku__fr_reduce_bytes_le(k, b);
}

/* h by the scalar transforms, as the prover used to */
static void quotient_ref(const struct cwaku__fr_domain *d, uint64_t (*h)[4],
                         const cwaku_fr *a, const cwaku_fr *b) {
  size_t n = d->n;
  cwaku_fr *ta = malloc(3 * n * sizeof *ta), *tb = ta + n, *tc = ta + 2 * n;
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
  free(ta);
}

static void test_quotient(int ifma) {
  for (unsigned log_n = 1; log_n <= 12; log_n++) {
    struct cwaku__fr_domain d;
    CHECK_EQ_INT(cwaku__fr_domain_init(&d, log_n), 0);
    size_t n = d.n;
    CHECK(ifma == (d.ifma != NULL) || n < 64);
    cwaku_fr *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    uint64_t(*want)[4] = malloc(n * sizeof *want);
    uint64_t(*got)[4] = malloc(n * sizeof *got);
    for (size_t j = 0; j < n; j++) {
      rand_fr(&a[j]);
      rand_fr(&b[j]);
    }
    /* zeros and -1 among them */
    cwaku__fr_zero(&a[0]);
    cwaku__fr_one(&b[n - 1]);
    cwaku__fr_neg(&b[n - 1], &b[n - 1]);
    quotient_ref(&d, want, a, b);
    CHECK_EQ_INT(cwaku__fr_coset_quotient(&d, got, a, b), 0);
    CHECK(memcmp(want, got, n * sizeof *got) == 0);
    free(a);
    free(b);
    free(want);
    free(got);
    cwaku__fr_domain_clear(&d);
  }
}

struct coef {
  uint32_t wire;
  cwaku_fr value;
};

static void test_mul_gather(void) {
  enum { N = 203, W = 50 };
  struct coef c[N];
  cwaku_fr w[W], got[N];
  for (size_t i = 0; i < W; i++)
    rand_fr(&w[i]);
  cwaku__fr_zero(&w[1]);
  for (size_t i = 0; i < N; i++) {
    c[i].wire = (uint32_t)(i * 7 % W);
    rand_fr(&c[i].value);
  }
  cwaku__ntt_ifma_mul_gather(got, &c[0].value, &c[0].wire, sizeof c[0], w, N);
  int bad = 0;
  for (size_t i = 0; i < N; i++) {
    cwaku_fr want;
    cwaku__fr_mul(&want, &c[i].value, &w[c[i].wire]);
    bad += !cwaku__fr_equal(&want, &got[i]);
  }
  CHECK_EQ_INT(bad, 0);
}

int main(void) {
  cwaku_seeded_rng_init(&rng, 99);
  int ifma = cwaku__msm_ifma_active();
  printf("quotient: AVX-512 IFMA %s\n", ifma ? "on" : "absent");
  test_quotient(ifma);
  if (ifma) {
    test_mul_gather();
    cwaku__msm_ifma_enable(0);
    test_quotient(0);
    cwaku__msm_ifma_enable(1);
  }
  return check_summary("quotient");
}
