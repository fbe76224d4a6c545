#include <string.h>

#include "cwaku/encoding.h"
#include "text.h"

static const char hex_digits[] = "0123456789abcdef";

int cwaku_hex_encode(char *out, size_t *outlen, const uint8_t *in,
                     size_t inlen) {
  if (*outlen < inlen * 2 + 1)
    return CWAKU_ETOOBIG;
  for (size_t i = 0; i < inlen; i++) {
    out[2 * i] = hex_digits[in[i] >> 4];
    out[2 * i + 1] = hex_digits[in[i] & 15];
  }
  out[inlen * 2] = 0;
  *outlen = inlen * 2;
  return 0;
}

int cwaku__hex_digit(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int cwaku_hex_decode(uint8_t *out, size_t *outlen, const char *in,
                     size_t inlen) {
  if (inlen >= 2 && in[0] == '0' && (in[1] == 'x' || in[1] == 'X')) {
    in += 2;
    inlen -= 2;
  }
  if (inlen % 2)
    return CWAKU_EENCODING;
  if (*outlen < inlen / 2)
    return CWAKU_ETOOBIG;
  for (size_t i = 0; i < inlen / 2; i++) {
    int hi = cwaku__hex_digit(in[2 * i]), lo = cwaku__hex_digit(in[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return CWAKU_EENCODING;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  *outlen = inlen / 2;
  return 0;
}
