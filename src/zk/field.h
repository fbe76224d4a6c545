/* The BN254 (alt_bn128) fields: Fp, the base field of the curve's
 * coordinates, and Fr, the scalar field that Groth16 circuits and Poseidon
 * work in. Elements are held in Montgomery form (x*2^256 mod m); v[] is not
 * the value, use the conversions. Results may alias inputs.
 *
 * Constant time unless named _vartime or stated: the decimal conversions and
 * inverse_vartime are for public values. Decoders follow the crypto
 * convention: 1 on success, 0 on failure with the output cleared.
 *
 *   p =
 * 21888242871839275222246405745257275088696311157297823662689037894645226208583
 *   r =
 * 21888242871839275222246405745257275088548364400416034343698204186575808495617
 */
#ifndef CWAKU_ZK_FIELD_H
#define CWAKU_ZK_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"

#define CWAKU_FIELD_BYTES 32
/* 77 digits (both moduli are below 10^77) and the NUL. */
#define CWAKU_FIELD_DEC_MAX 78

typedef struct {
  uint64_t v[4];
} cwaku_fp;

typedef struct {
  uint64_t v[4];
} cwaku_fr;

/* --- Fp, p = 3 mod 4 */

void cwaku__fp_zero(cwaku_fp *r);
void cwaku__fp_one(cwaku_fp *r);
void cwaku__fp_from_u64(cwaku_fp *r, uint64_t x);
int cwaku__fp_is_zero(const cwaku_fp *a);
int cwaku__fp_equal(const cwaku_fp *a, const cwaku_fp *b);
/* r = flag ? a : r, flag 0 or 1, for constant-time point arithmetic. */
void cwaku__fp_cmov(cwaku_fp *r, const cwaku_fp *a, int flag);
void cwaku__fp_add(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b);
void cwaku__fp_sub(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b);
void cwaku__fp_neg(cwaku_fp *r, const cwaku_fp *a);
void cwaku__fp_double(cwaku_fp *r, const cwaku_fp *a);
void cwaku__fp_mul(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b);
void cwaku__fp_sqr(cwaku_fp *r, const cwaku_fp *a);
/* 1/a as a^(p-2), constant time; 1/0 = 0. */
void cwaku__fp_inverse(cwaku_fp *r, const cwaku_fp *a);
/* 1/a by Bernstein-Yang divsteps, variable time; 1/0 = 0. */
void cwaku__fp_inverse_vartime(cwaku_fp *r, const cwaku_fp *a);
/* out[i] = 1/in[i] with one inversion (Montgomery's trick), zeros mapped to
 * zero, constant time; out must not overlap in. */
void cwaku__fp_batch_inverse(cwaku_fp *out, const cwaku_fp *in, size_t n);
/* r = a^e, e a plain 256-bit integer (little-endian limbs), constant time
 * in a and e; a^0 = 1. */
void cwaku__fp_pow(cwaku_fp *r, const cwaku_fp *a, const uint64_t e[4]);
/* A square root as a^((p+1)/4) (p = 3 mod 4); returns 1, or 0 and clears r
 * if a is not a square. Which of the two roots is unspecified. */
CWAKU_MUST_CHECK int cwaku__fp_sqrt(cwaku_fp *r, const cwaku_fp *a);
/* 1 if a is a square (0 included), by Euler's criterion. */
int cwaku__fp_is_square(const cwaku_fp *a);
/* 1 if the canonical value is above (p-1)/2, i.e. a > -a: the "sign" bit
 * of compressed points. */
int cwaku__fp_sign(const cwaku_fp *a);
/* Canonical integers as little-endian 64-bit limbs; 0 if x >= p. */
CWAKU_MUST_CHECK int cwaku__fp_from_limbs(cwaku_fp *r, const uint64_t x[4]);
void cwaku__fp_to_limbs(uint64_t x[4], const cwaku_fp *a);
/* 32-byte canonical encodings; decoding refuses values >= p. */
CWAKU_MUST_CHECK int
cwaku__fp_from_bytes_le(cwaku_fp *r, const uint8_t in[CWAKU_FIELD_BYTES]);
CWAKU_MUST_CHECK int
cwaku__fp_from_bytes_be(cwaku_fp *r, const uint8_t in[CWAKU_FIELD_BYTES]);
void cwaku__fp_to_bytes_le(uint8_t out[CWAKU_FIELD_BYTES], const cwaku_fp *a);
void cwaku__fp_to_bytes_be(uint8_t out[CWAKU_FIELD_BYTES], const cwaku_fp *a);
/* Any 32-byte little-endian value taken mod p (hash to field). */
void cwaku__fp_reduce_bytes_le(cwaku_fp *r,
                               const uint8_t in[CWAKU_FIELD_BYTES]);
/* Canonical decimal: digits only, no leading zero but "0", below p. */
CWAKU_MUST_CHECK int cwaku__fp_from_dec(cwaku_fp *r, const char *s, size_t len);
/* Writes the NUL-terminated decimal; returns the number of digits. */
size_t cwaku__fp_to_dec(char out[CWAKU_FIELD_DEC_MAX], const cwaku_fp *a);

/* --- Fr: the same operations, without the square root ones */

void cwaku__fr_zero(cwaku_fr *r);
void cwaku__fr_one(cwaku_fr *r);
void cwaku__fr_from_u64(cwaku_fr *r, uint64_t x);
int cwaku__fr_is_zero(const cwaku_fr *a);
int cwaku__fr_equal(const cwaku_fr *a, const cwaku_fr *b);
void cwaku__fr_cmov(cwaku_fr *r, const cwaku_fr *a, int flag);
void cwaku__fr_add(cwaku_fr *r, const cwaku_fr *a, const cwaku_fr *b);
void cwaku__fr_sub(cwaku_fr *r, const cwaku_fr *a, const cwaku_fr *b);
void cwaku__fr_neg(cwaku_fr *r, const cwaku_fr *a);
void cwaku__fr_double(cwaku_fr *r, const cwaku_fr *a);
void cwaku__fr_mul(cwaku_fr *r, const cwaku_fr *a, const cwaku_fr *b);
void cwaku__fr_sqr(cwaku_fr *r, const cwaku_fr *a);
void cwaku__fr_inverse(cwaku_fr *r, const cwaku_fr *a);
void cwaku__fr_inverse_vartime(cwaku_fr *r, const cwaku_fr *a);
void cwaku__fr_batch_inverse(cwaku_fr *out, const cwaku_fr *in, size_t n);
void cwaku__fr_pow(cwaku_fr *r, const cwaku_fr *a, const uint64_t e[4]);
CWAKU_MUST_CHECK int cwaku__fr_from_limbs(cwaku_fr *r, const uint64_t x[4]);
void cwaku__fr_to_limbs(uint64_t x[4], const cwaku_fr *a);
CWAKU_MUST_CHECK int
cwaku__fr_from_bytes_le(cwaku_fr *r, const uint8_t in[CWAKU_FIELD_BYTES]);
CWAKU_MUST_CHECK int
cwaku__fr_from_bytes_be(cwaku_fr *r, const uint8_t in[CWAKU_FIELD_BYTES]);
void cwaku__fr_to_bytes_le(uint8_t out[CWAKU_FIELD_BYTES], const cwaku_fr *a);
void cwaku__fr_to_bytes_be(uint8_t out[CWAKU_FIELD_BYTES], const cwaku_fr *a);
void cwaku__fr_reduce_bytes_le(cwaku_fr *r,
                               const uint8_t in[CWAKU_FIELD_BYTES]);
CWAKU_MUST_CHECK int cwaku__fr_from_dec(cwaku_fr *r, const char *s, size_t len);
size_t cwaku__fr_to_dec(char out[CWAKU_FIELD_DEC_MAX], const cwaku_fr *a);

#endif
