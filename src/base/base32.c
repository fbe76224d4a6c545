/* RFC 4648 base32, lower-case alphabet, no padding (multibase 'b'). */
#include "cwaku/encoding.h"

static const char b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

int cwaku_base32_encode(char *out, size_t *outlen, const uint8_t *in,
                        size_t inlen) {
  size_t need = CWAKU_BASE32_CHARS(inlen);
  if (*outlen < need + 1)
    return CWAKU_ETOOBIG;
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < inlen; i++) {
    acc = (acc << 8) | in[i];
    bits += 8;
    while (bits >= 5) {
      out[o++] = b32_alphabet[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0)
    out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
  out[o] = 0;
  *outlen = o;
  return 0;
}

static int b32_value(char c) {
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

int cwaku_base32_decode(uint8_t *out, size_t *outlen, const char *in,
                        size_t inlen) {
  /* Lengths 1, 3 and 6 mod 8 cannot come from whole bytes. */
  size_t rem = inlen % 8;
  if (rem == 1 || rem == 3 || rem == 6)
    return CWAKU_EENCODING;
  size_t need = inlen * 5 / 8;
  if (*outlen < need)
    return CWAKU_ETOOBIG;
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < inlen; i++) {
    int v = b32_value(in[i]);
    if (v < 0)
      return CWAKU_EENCODING;
    acc = (acc << 5) | (uint32_t)v;
    bits += 5;
    if (bits >= 8) {
      out[o++] = (uint8_t)(acc >> (bits - 8));
      bits -= 8;
    }
  }
  if (acc & ((1u << bits) - 1)) /* leftover bits must be zero */
    return CWAKU_EENCODING;
  *outlen = o;
  return 0;
}
