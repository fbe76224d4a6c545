/* Fr, the BN254 scalar field: mont256.h instantiated with r. */
#include <string.h>

#include "zk/field.h"
#include "zk/mont256.h"

_Static_assert(sizeof(cwaku_fr) == 32, "cwaku_fr is four limbs");

/* Constants computed from r (and checked by tests/unit/test_field.c). */
static const struct mont256_modulus FR = {
    .m = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
          0x30644e72e131a029ULL},
    .n0 = 0xc2e1f593efffffffULL,
    .one = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL,
            0x0e0a77c19a07df2fULL},
    .r2 = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL,
           0x0216d0b17f4e44a5ULL},
    .r3 = {0x5e94d8e1b4bf0040ULL, 0x2a489cbe1cfbb6b8ULL, 0x893cc664a19fcfedULL,
           0x0cf8594b7fcc657cULL},
    .m62 = {0x3e1f593f0000001LL, 0x20cfa121e6e5c245LL, 0x5045b68181585d2LL,
            0x19139cb84c680a6eLL, 48},
    .minv62 = 0x3d1e0a6c10000001ULL,
};

void cwaku__fr_zero(cwaku_fr *r) {
  memset(r->v, 0, 32);
}

void cwaku__fr_one(cwaku_fr *r) {
  memcpy(r->v, FR.one, 32);
}

void cwaku__fr_from_u64(cwaku_fr *r, uint64_t x) {
  uint64_t t[4] = {x, 0, 0, 0};
  mont256_to_mont(r->v, t, &FR);
}

int cwaku__fr_is_zero(const cwaku_fr *a) {
  return mont256_is_zero(a->v);
}

int cwaku__fr_equal(const cwaku_fr *a, const cwaku_fr *b) {
  return mont256_equal(a->v, b->v);
}

void cwaku__fr_cmov(cwaku_fr *r, const cwaku_fr *a, int flag) {
  mont256_select(r->v, (uint64_t)0 - (uint64_t)(flag & 1), a->v, r->v);
}

void cwaku__fr_add(cwaku_fr *r, const cwaku_fr *a, const cwaku_fr *b) {
  mont256_add(r->v, a->v, b->v, &FR);
}

void cwaku__fr_sub(cwaku_fr *r, const cwaku_fr *a, const cwaku_fr *b) {
  mont256_sub(r->v, a->v, b->v, &FR);
}

void cwaku__fr_neg(cwaku_fr *r, const cwaku_fr *a) {
  mont256_neg(r->v, a->v, &FR);
}

void cwaku__fr_double(cwaku_fr *r, const cwaku_fr *a) {
  mont256_add(r->v, a->v, a->v, &FR);
}

void cwaku__fr_mul(cwaku_fr *r, const cwaku_fr *a, const cwaku_fr *b) {
  mont256_mul(r->v, a->v, b->v, &FR);
}

void cwaku__fr_sqr(cwaku_fr *r, const cwaku_fr *a) {
  mont256_sqr(r->v, a->v, &FR);
}

void cwaku__fr_inverse(cwaku_fr *r, const cwaku_fr *a) {
  mont256_inverse(r->v, a->v, &FR);
}

void cwaku__fr_inverse_vartime(cwaku_fr *r, const cwaku_fr *a) {
  mont256_inverse_var(r->v, a->v, &FR);
}

void cwaku__fr_batch_inverse(cwaku_fr *out, const cwaku_fr *in, size_t n) {
  mont256_batch_inverse((uint64_t(*)[4])out, (const uint64_t(*)[4])in, n, &FR);
}

void cwaku__fr_pow(cwaku_fr *r, const cwaku_fr *a, const uint64_t e[4]) {
  mont256_pow_ct(r->v, a->v, e, &FR);
}

int cwaku__fr_from_limbs(cwaku_fr *r, const uint64_t x[4]) {
  return mont256_from_int(r->v, x, &FR);
}

void cwaku__fr_to_limbs(uint64_t x[4], const cwaku_fr *a) {
  mont256_from_mont(x, a->v, &FR);
}

int cwaku__fr_from_bytes_le(cwaku_fr *r, const uint8_t in[CWAKU_FIELD_BYTES]) {
  uint64_t x[4];
  mont256_limbs_from_le(x, in);
  return mont256_from_int(r->v, x, &FR);
}

int cwaku__fr_from_bytes_be(cwaku_fr *r, const uint8_t in[CWAKU_FIELD_BYTES]) {
  uint8_t le[CWAKU_FIELD_BYTES];
  for (int i = 0; i < 32; i++)
    le[i] = in[31 - i];
  return cwaku__fr_from_bytes_le(r, le);
}

void cwaku__fr_to_bytes_le(uint8_t out[CWAKU_FIELD_BYTES], const cwaku_fr *a) {
  uint64_t x[4];
  mont256_from_mont(x, a->v, &FR);
  mont256_limbs_to_le(out, x);
}

void cwaku__fr_to_bytes_be(uint8_t out[CWAKU_FIELD_BYTES], const cwaku_fr *a) {
  uint8_t le[CWAKU_FIELD_BYTES];
  cwaku__fr_to_bytes_le(le, a);
  for (int i = 0; i < 32; i++)
    out[i] = le[31 - i];
}

void cwaku__fr_reduce_bytes_le(cwaku_fr *r,
                               const uint8_t in[CWAKU_FIELD_BYTES]) {
  uint64_t x[4];
  mont256_limbs_from_le(x, in);
  mont256_to_mont(r->v, x, &FR);
}

int cwaku__fr_from_dec(cwaku_fr *r, const char *s, size_t len) {
  return mont256_from_dec(r->v, s, len, CWAKU_FIELD_DEC_MAX - 1, &FR);
}

size_t cwaku__fr_to_dec(char out[CWAKU_FIELD_DEC_MAX], const cwaku_fr *a) {
  return mont256_to_dec(out, a->v, &FR);
}
