/* NTTs over Fr (src/zk/ntt.c): the roots are snarkjs' (2^28-th root from
 * the non-residue 5), transforms agree with a plain evaluation, inverse
 * undoes forward, the coset transform evaluates at shift * w^j. */
#include <string.h>

#include "check.h"
#include "zk/ntt.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next64(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static void random_fr(cwaku_fr *a) {
  uint8_t b[32];
  for (int i = 0; i < 32; i++)
    b[i] = (uint8_t)next64();
  cwaku__fr_reduce_bytes_le(a, b);
}

/* sum_i c_i x^i */
static void eval(cwaku_fr *out, const cwaku_fr *c, size_t n,
                 const cwaku_fr *x) {
  cwaku_fr acc;
  cwaku__fr_zero(&acc);
  for (size_t i = n; i-- > 0;) {
    cwaku__fr_mul(&acc, &acc, x);
    cwaku__fr_add(&acc, &acc, &c[i]);
  }
  *out = acc;
}

int main(void) {
  /* the 2^28-th root of unity of BN254's Fr from the generator 5, as
   * arkworks, gnark and ffjavascript have it */
  cwaku_fr w28, want, one, m1, x;
  cwaku__fr_root_of_unity(&w28, 28);
  const char *dec = "1910321906792171394429139282769207003614565195732928631"
                    "5305642004821462161904";
  CHECK(cwaku__fr_from_dec(&want, dec, strlen(dec)));
  CHECK(cwaku__fr_equal(&w28, &want));
  cwaku__fr_one(&one);
  cwaku__fr_neg(&m1, &one);
  for (unsigned k = 1; k <= 28; k++) {
    cwaku__fr_root_of_unity(&x, k);
    for (unsigned i = 1; i < k; i++)
      cwaku__fr_sqr(&x, &x);
    CHECK(cwaku__fr_equal(&x, &m1)); /* order exactly 2^k */
  }
  struct cwaku__fr_domain d;
  CHECK_EQ_INT(cwaku__fr_domain_init(&d, 0), CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku__fr_domain_init(&d, 28), CWAKU_EINVAL);

  for (unsigned log_n = 1; log_n <= 6; log_n++) {
    CHECK_EQ_INT(cwaku__fr_domain_init(&d, log_n), 0);
    size_t n = d.n;
    cwaku_fr c[64], a[64], w, pt, v;
    for (size_t i = 0; i < n; i++)
      random_fr(&c[i]);
    memcpy(a, c, sizeof c);
    cwaku__fr_fft(&d, a);
    cwaku__fr_root_of_unity(&w, log_n);
    cwaku__fr_one(&pt);
    int bad = 0;
    for (size_t j = 0; j < n; j++) {
      eval(&v, c, n, &pt);
      bad += !cwaku__fr_equal(&v, &a[j]);
      cwaku__fr_mul(&pt, &pt, &w);
    }
    CHECK_EQ_INT(bad, 0);
    cwaku_fr b[64];
    memcpy(b, a, sizeof a);
    cwaku__fr_ifft(&d, b);
    CHECK(memcmp(b, c, n * sizeof *c) == 0);
    /* the coset: evaluations at shift * w^j; shift^n = -1 */
    memcpy(b, a, sizeof a);
    cwaku__fr_to_coset(&d, b);
    pt = d.shift;
    bad = 0;
    for (size_t j = 0; j < n; j++) {
      eval(&v, c, n, &pt);
      bad += !cwaku__fr_equal(&v, &b[j]);
      cwaku__fr_mul(&pt, &pt, &w);
    }
    CHECK_EQ_INT(bad, 0);
    cwaku__fr_one(&pt);
    for (size_t j = 0; j < n; j++)
      cwaku__fr_mul(&pt, &pt, &d.shift);
    CHECK(cwaku__fr_equal(&pt, &m1));
    cwaku__fr_domain_clear(&d);
  }
  return check_summary("ntt");
}
