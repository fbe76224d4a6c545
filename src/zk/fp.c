/* Fp, the BN254 base field: mont256.h instantiated with p. */
#include <string.h>

#include "zk/field.h"
#include "zk/mont256.h"

_Static_assert(sizeof(cwaku_fp) == 32, "cwaku_fp is four limbs");

/* Constants computed from p (and checked by tests/unit/test_field.c). */
static const struct mont256_modulus FP = {
    .m = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
          0x30644e72e131a029ULL},
    .n0 = 0x87d20782e4866389ULL,
    .one = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
            0x0e0a77c19a07df2fULL},
    .r2 = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL,
           0x06d89f71cab8351fULL},
    .r3 = {0xb1cd6dafda1530dfULL, 0x62f210e6a7283db6ULL, 0xef7f0b0c0ada0afbULL,
           0x20fd6e902d592544ULL},
    .m62 = {0x3c208c16d87cfd47LL, 0x1e05aa45a1c72a34LL, 0x5045b68181585d9LL,
            0x19139cb84c680a6eLL, 48},
    .minv62 = 0x382df87d1b799c77ULL,
};

/* (p+1)/4: the square root exponent. */
static const uint64_t SQRT_EXP[4] = {
    0x4f082305b61f3f52ULL, 0x65e05aa45a1c72a3ULL, 0x6e14116da0605617ULL,
    0x0c19139cb84c680aULL};
/* (p-1)/2: Euler's criterion, and the largest "non-negative" value. */
static const uint64_t HALF[4] = {0x9e10460b6c3e7ea3ULL, 0xcbc0b548b438e546ULL,
                                 0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};

void cwaku__fp_zero(cwaku_fp *r) {
  memset(r->v, 0, 32);
}

void cwaku__fp_one(cwaku_fp *r) {
  memcpy(r->v, FP.one, 32);
}

void cwaku__fp_from_u64(cwaku_fp *r, uint64_t x) {
  uint64_t t[4] = {x, 0, 0, 0};
  mont256_to_mont(r->v, t, &FP);
}

int cwaku__fp_is_zero(const cwaku_fp *a) {
  return mont256_is_zero(a->v);
}

int cwaku__fp_equal(const cwaku_fp *a, const cwaku_fp *b) {
  return mont256_equal(a->v, b->v);
}

void cwaku__fp_cmov(cwaku_fp *r, const cwaku_fp *a, int flag) {
  mont256_select(r->v, (uint64_t)0 - (uint64_t)(flag & 1), a->v, r->v);
}

void cwaku__fp_add(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  mont256_add(r->v, a->v, b->v, &FP);
}

void cwaku__fp_sub(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  mont256_sub(r->v, a->v, b->v, &FP);
}

void cwaku__fp_neg(cwaku_fp *r, const cwaku_fp *a) {
  mont256_neg(r->v, a->v, &FP);
}

void cwaku__fp_double(cwaku_fp *r, const cwaku_fp *a) {
  mont256_add(r->v, a->v, a->v, &FP);
}

void cwaku__fp_mul(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  mont256_mul(r->v, a->v, b->v, &FP);
}

void cwaku__fp_sqr(cwaku_fp *r, const cwaku_fp *a) {
  mont256_sqr(r->v, a->v, &FP);
}

void cwaku__fp_inverse(cwaku_fp *r, const cwaku_fp *a) {
  mont256_inverse(r->v, a->v, &FP);
}

void cwaku__fp_inverse_vartime(cwaku_fp *r, const cwaku_fp *a) {
  mont256_inverse_var(r->v, a->v, &FP);
}

void cwaku__fp_batch_inverse(cwaku_fp *out, const cwaku_fp *in, size_t n) {
  mont256_batch_inverse((uint64_t(*)[4])out, (const uint64_t(*)[4])in, n, &FP);
}

void cwaku__fp_pow(cwaku_fp *r, const cwaku_fp *a, const uint64_t e[4]) {
  mont256_pow_ct(r->v, a->v, e, &FP);
}

int cwaku__fp_sqrt(cwaku_fp *r, const cwaku_fp *a) {
  uint64_t x[4], x2[4];
  mont256_pow_pub(x, a->v, SQRT_EXP, &FP);
  mont256_sqr(x2, x, &FP);
  int ok = mont256_equal(x2, a->v);
  uint64_t mask = (uint64_t)0 - (uint64_t)ok;
  for (int i = 0; i < 4; i++)
    r->v[i] = x[i] & mask;
  return ok;
}

int cwaku__fp_is_square(const cwaku_fp *a) {
  uint64_t t[4];
  mont256_pow_pub(t, a->v, HALF, &FP);
  return mont256_equal(t, FP.one) | mont256_is_zero(t);
}

int cwaku__fp_sign(const cwaku_fp *a) {
  uint64_t x[4], t[4];
  mont256_from_mont(x, a->v, &FP);
  return (int)mont256_sub_raw(t, HALF, x); /* borrow: x > (p-1)/2 */
}

int cwaku__fp_from_limbs(cwaku_fp *r, const uint64_t x[4]) {
  return mont256_from_int(r->v, x, &FP);
}

void cwaku__fp_to_limbs(uint64_t x[4], const cwaku_fp *a) {
  mont256_from_mont(x, a->v, &FP);
}

int cwaku__fp_from_bytes_le(cwaku_fp *r, const uint8_t in[CWAKU_FIELD_BYTES]) {
  uint64_t x[4];
  mont256_limbs_from_le(x, in);
  return mont256_from_int(r->v, x, &FP);
}

int cwaku__fp_from_bytes_be(cwaku_fp *r, const uint8_t in[CWAKU_FIELD_BYTES]) {
  uint8_t le[CWAKU_FIELD_BYTES];
  for (int i = 0; i < 32; i++)
    le[i] = in[31 - i];
  return cwaku__fp_from_bytes_le(r, le);
}

void cwaku__fp_to_bytes_le(uint8_t out[CWAKU_FIELD_BYTES], const cwaku_fp *a) {
  uint64_t x[4];
  mont256_from_mont(x, a->v, &FP);
  mont256_limbs_to_le(out, x);
}

void cwaku__fp_to_bytes_be(uint8_t out[CWAKU_FIELD_BYTES], const cwaku_fp *a) {
  uint8_t le[CWAKU_FIELD_BYTES];
  cwaku__fp_to_bytes_le(le, a);
  for (int i = 0; i < 32; i++)
    out[i] = le[31 - i];
}

void cwaku__fp_reduce_bytes_le(cwaku_fp *r,
                               const uint8_t in[CWAKU_FIELD_BYTES]) {
  uint64_t x[4];
  mont256_limbs_from_le(x, in);
  mont256_to_mont(r->v, x, &FP);
}

int cwaku__fp_from_dec(cwaku_fp *r, const char *s, size_t len) {
  return mont256_from_dec(r->v, s, len, CWAKU_FIELD_DEC_MAX - 1, &FP);
}

size_t cwaku__fp_to_dec(char out[CWAKU_FIELD_DEC_MAX], const cwaku_fp *a) {
  return mont256_to_dec(out, a->v, &FP);
}
