/* base58btc (the Bitcoin alphabet), as multibase and libp2p peer ids use it.
 * Leading zero bytes map to leading '1' characters one for one. */
#include <stdlib.h>
#include <string.h>

#include "cwaku/encoding.h"

static const char b58_alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* The conversion is quadratic; no legitimate use needs more than this. */
#define B58_MAX_BYTES 1024

int cwaku_base58btc_encode(char *out, size_t *outlen, const uint8_t *in,
                           size_t inlen) {
  if (inlen > B58_MAX_BYTES)
    return CWAKU_ETOOBIG;
  size_t zeros = 0;
  while (zeros < inlen && in[zeros] == 0)
    zeros++;
  uint8_t digits[CWAKU_BASE58_CHARS(B58_MAX_BYTES)];
  size_t nd = 0; /* little-endian base-58 digits */
  for (size_t i = zeros; i < inlen; i++) {
    unsigned carry = in[i];
    for (size_t j = 0; j < nd; j++) {
      carry += (unsigned)digits[j] << 8;
      digits[j] = (uint8_t)(carry % 58);
      carry /= 58;
    }
    while (carry) {
      digits[nd++] = (uint8_t)(carry % 58);
      carry /= 58;
    }
  }
  size_t total = zeros + nd;
  if (*outlen < total + 1)
    return CWAKU_ETOOBIG;
  memset(out, '1', zeros);
  for (size_t j = 0; j < nd; j++)
    out[zeros + j] = b58_alphabet[digits[nd - 1 - j]];
  out[total] = 0;
  *outlen = total;
  return 0;
}

static int b58_value(char c) {
  const char *p = c ? strchr(b58_alphabet, c) : NULL;
  return p ? (int)(p - b58_alphabet) : -1;
}

int cwaku_base58btc_decode(uint8_t *out, size_t *outlen, const char *in,
                           size_t inlen) {
  if (inlen > CWAKU_BASE58_CHARS(B58_MAX_BYTES))
    return CWAKU_ETOOBIG;
  size_t ones = 0;
  while (ones < inlen && in[ones] == '1')
    ones++;
  uint8_t bytes[B58_MAX_BYTES];
  size_t nb = 0; /* little-endian base-256 digits */
  for (size_t i = ones; i < inlen; i++) {
    int v = b58_value(in[i]);
    if (v < 0)
      return CWAKU_EENCODING;
    unsigned carry = (unsigned)v;
    for (size_t j = 0; j < nb; j++) {
      carry += (unsigned)bytes[j] * 58;
      bytes[j] = (uint8_t)carry;
      carry >>= 8;
    }
    while (carry) {
      if (nb == sizeof bytes)
        return CWAKU_ETOOBIG;
      bytes[nb++] = (uint8_t)carry;
      carry >>= 8;
    }
  }
  size_t total = ones + nb;
  /* Whatever decodes must also encode, so the same byte limit holds. */
  if (total > B58_MAX_BYTES || *outlen < total)
    return CWAKU_ETOOBIG;
  memset(out, 0, ones);
  for (size_t j = 0; j < nb; j++)
    out[ones + j] = bytes[nb - 1 - j];
  *outlen = total;
  return 0;
}
