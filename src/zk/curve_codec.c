/* Point encodings: arkworks compressed (the RLN proof's form, see
 * ../shared/rln/README.md "Proofs") and EIP-196/197 uncompressed. */
#include <string.h>

#include "zk/curve.h"

/* arkworks SWFlags: the two top bits of the last byte. */
#define FLAG_Y_LARGER 0x80
#define FLAG_INFINITY 0x40
#define FLAG_MASK 0xc0

static int all_zero(const uint8_t *b, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++)
    acc |= b[i];
  return acc == 0;
}

int cwaku__g1_from_compressed(cwaku_g1 *r,
                              const uint8_t in[CWAKU_G1_COMPRESSED_BYTES]) {
  uint8_t b[CWAKU_G1_COMPRESSED_BYTES];
  cwaku_fp rhs, y, negy;
  memcpy(b, in, sizeof b);
  int flags = b[31] & FLAG_MASK;
  b[31] &= (uint8_t)~FLAG_MASK;
  if (flags == FLAG_MASK)
    goto fail;
  if (flags == FLAG_INFINITY) {
    if (!all_zero(b, sizeof b))
      goto fail;
    cwaku__g1_infinity(r);
    return 1;
  }
  if (!cwaku__fp_from_bytes_le(&r->x, b))
    goto fail;
  cwaku__g1_rhs(&rhs, &r->x);
  if (!cwaku__fp_sqrt_vartime(&y, &rhs))
    goto fail;
  cwaku__fp_neg(&negy, &y);
  cwaku__fp_cmov(&y, &negy, cwaku__fp_sign(&y) != (flags == FLAG_Y_LARGER));
  r->y = y;
  r->infinity = 0;
  return 1;
fail:
  memset(r, 0, sizeof *r);
  return 0;
}

void cwaku__g1_to_compressed(uint8_t out[CWAKU_G1_COMPRESSED_BYTES],
                             const cwaku_g1 *p) {
  if (p->infinity) {
    memset(out, 0, CWAKU_G1_COMPRESSED_BYTES);
    out[31] = FLAG_INFINITY;
    return;
  }
  cwaku__fp_to_bytes_le(out, &p->x);
  if (cwaku__fp_sign(&p->y))
    out[31] |= FLAG_Y_LARGER;
}

int cwaku__g2_from_compressed(cwaku_g2 *r,
                              const uint8_t in[CWAKU_G2_COMPRESSED_BYTES]) {
  uint8_t b[CWAKU_G2_COMPRESSED_BYTES];
  cwaku_fp2 rhs, y, negy;
  memcpy(b, in, sizeof b);
  int flags = b[63] & FLAG_MASK;
  b[63] &= (uint8_t)~FLAG_MASK;
  if (flags == FLAG_MASK)
    goto fail;
  if (flags == FLAG_INFINITY) {
    if (!all_zero(b, sizeof b))
      goto fail;
    cwaku__g2_infinity(r);
    return 1;
  }
  if (!cwaku__fp_from_bytes_le(&r->x.c0, b) ||
      !cwaku__fp_from_bytes_le(&r->x.c1, b + 32))
    goto fail;
  cwaku__g2_rhs(&rhs, &r->x);
  if (!cwaku__fp2_sqrt_vartime(&y, &rhs))
    goto fail;
  cwaku__fp2_neg(&negy, &y);
  cwaku__fp2_cmov(&y, &negy, cwaku__fp2_sign(&y) != (flags == FLAG_Y_LARGER));
  r->y = y;
  r->infinity = 0;
  if (!cwaku__g2_is_in_subgroup_vartime(r))
    goto fail;
  return 1;
fail:
  memset(r, 0, sizeof *r);
  return 0;
}

void cwaku__g2_to_compressed(uint8_t out[CWAKU_G2_COMPRESSED_BYTES],
                             const cwaku_g2 *p) {
  if (p->infinity) {
    memset(out, 0, CWAKU_G2_COMPRESSED_BYTES);
    out[63] = FLAG_INFINITY;
    return;
  }
  cwaku__fp_to_bytes_le(out, &p->x.c0);
  cwaku__fp_to_bytes_le(out + 32, &p->x.c1);
  if (cwaku__fp2_sign(&p->y))
    out[63] |= FLAG_Y_LARGER;
}

int cwaku__g1_from_uncompressed(cwaku_g1 *r,
                                const uint8_t in[CWAKU_G1_UNCOMPRESSED_BYTES]) {
  if (all_zero(in, CWAKU_G1_UNCOMPRESSED_BYTES)) {
    cwaku__g1_infinity(r);
    return 1;
  }
  r->infinity = 0;
  if (!cwaku__fp_from_bytes_be(&r->x, in) ||
      !cwaku__fp_from_bytes_be(&r->y, in + 32) || !cwaku__g1_is_on_curve(r)) {
    memset(r, 0, sizeof *r);
    return 0;
  }
  return 1;
}

void cwaku__g1_to_uncompressed(uint8_t out[CWAKU_G1_UNCOMPRESSED_BYTES],
                               const cwaku_g1 *p) {
  if (p->infinity) {
    memset(out, 0, CWAKU_G1_UNCOMPRESSED_BYTES);
    return;
  }
  cwaku__fp_to_bytes_be(out, &p->x);
  cwaku__fp_to_bytes_be(out + 32, &p->y);
}

int cwaku__g2_from_uncompressed(cwaku_g2 *r,
                                const uint8_t in[CWAKU_G2_UNCOMPRESSED_BYTES]) {
  if (all_zero(in, CWAKU_G2_UNCOMPRESSED_BYTES)) {
    cwaku__g2_infinity(r);
    return 1;
  }
  r->infinity = 0;
  if (!cwaku__fp_from_bytes_be(&r->x.c1, in) ||
      !cwaku__fp_from_bytes_be(&r->x.c0, in + 32) ||
      !cwaku__fp_from_bytes_be(&r->y.c1, in + 64) ||
      !cwaku__fp_from_bytes_be(&r->y.c0, in + 96) ||
      !cwaku__g2_is_in_subgroup_vartime(r)) {
    memset(r, 0, sizeof *r);
    return 0;
  }
  return 1;
}

void cwaku__g2_to_uncompressed(uint8_t out[CWAKU_G2_UNCOMPRESSED_BYTES],
                               const cwaku_g2 *p) {
  if (p->infinity) {
    memset(out, 0, CWAKU_G2_UNCOMPRESSED_BYTES);
    return;
  }
  cwaku__fp_to_bytes_be(out, &p->x.c1);
  cwaku__fp_to_bytes_be(out + 32, &p->x.c0);
  cwaku__fp_to_bytes_be(out + 64, &p->y.c1);
  cwaku__fp_to_bytes_be(out + 96, &p->y.c0);
}
